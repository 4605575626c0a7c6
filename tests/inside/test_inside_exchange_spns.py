"""Teams with mailboxes on Exchange Server: the external EWS URLs must be SPNs of the Exchange service principal
(Microsoft Learn "How Exchange and Microsoft Teams interact"), judged from collected files and a fixed clock."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from pwsh import parse

from inside import samples
from wizard.inside.collected import ExchangeCollection, combine, parse_collected
from wizard.inside.collectors import collector_scripts
from wizard.inside.published import PublishedKeys
from wizard.inside.rules import RuleContext, run_rules, spn_host
from wizard.probes.result import ProbeResult, Status
from wizard.scenario import Scenario

RULE = "inside.exchange-ews-spns"
NOW = samples.FIXED_NOW


def _results(docs: samples.Docs, scenario: Scenario) -> list[ProbeResult]:
    data = combine(parse_collected(json.dumps(doc).encode(), source=name) for name, doc in docs.items())
    return [r for r in run_rules(RuleContext(data, scenario, NOW, PublishedKeys())) if r.id == RULE]


def _one(docs: samples.Docs, scenario: Scenario | None = None) -> ProbeResult:
    found = _results(docs, scenario or samples.scenario("hybrid"))
    assert len(found) == 1, found
    return found[0]


def _exchange_principal(docs: samples.Docs) -> dict[str, Any]:
    return next(s for s in docs["graph"]["service_principals"] if s["AppId"] == samples.EXCHANGE_ID)


def _fabrikam(external_urls: list[str], spns: list[str]) -> samples.Docs:
    """Another organisation: EWS published on its own names, several servers, the tenant's SPN list as given."""
    docs = copy.deepcopy(samples.healthy())
    docs["exchange"]["web_services"] = [
        {"Server": f"EXF{i}", "Identity": f"EXF{i}\\EWS (Default Web Site)",
         "InternalUrl": f"https://exf{i}.corp.fabrikam.net/EWS/Exchange.asmx", "ExternalUrl": url}
        for i, url in enumerate(external_urls, start=1)]
    _exchange_principal(docs)["ServicePrincipalNames"] = [samples.EXCHANGE_ID, *spns]
    return docs


def test_the_healthy_sample_passes_and_names_the_url_and_where_it_came_from() -> None:
    result = _one(copy.deepcopy(samples.healthy()))
    assert result.status is Status.PASS
    assert "https://mail.contoso.com/" in result.detail
    assert "ExternalUrl of Get-WebServicesVirtualDirectory" in result.detail


def test_a_missing_spn_fails_naming_the_url_the_source_and_a_merging_fix() -> None:
    docs = _fabrikam(["https://webmail.fabrikam.net/EWS/Exchange.asmx", "https://ews2.fabrikam.net/EWS/Exchange.asmx"],
                     ["https://webmail.fabrikam.net/"])
    result = _one(docs)
    assert result.status is Status.FAIL
    assert "https://ews2.fabrikam.net/" in result.detail and "webmail" not in result.detail.split("(URLs")[0]
    assert "\u201cHow Exchange and Microsoft Teams interact\u201d" in result.detail
    assert "Hybrid Configuration Wizard" in result.remediation
    assert ("Update-MgServicePrincipal -ServicePrincipalId $principal.Id -ServicePrincipalNames "
            "(@($principal.ServicePrincipalNames) + @('https://ews2.fabrikam.net/'))") in result.remediation
    assert "merge" in result.remediation and "never the new URLs alone" in result.remediation
    assert "\u201cHow Exchange and Microsoft Teams interact\u201d" in result.remediation
    assert result.target == "https://ews2.fabrikam.net/"


def test_the_fix_command_parses_as_powershell() -> None:
    result = _one(_fabrikam(["https://webmail.fabrikam.net/EWS/Exchange.asmx"], []))
    command = result.remediation.split("Application.ReadWrite.All: ", 1)[1].split(". -ServicePrincipalNames", 1)[0]
    parsed = parse(command)
    assert parsed.errors == ()
    assert parsed.commands == ("Get-MgServicePrincipal", "Update-MgServicePrincipal")


@pytest.mark.parametrize("spn", ["https://webmail.fabrikam.net/", "https://webmail.fabrikam.net",
                                 "HTTPS://WebMail.Fabrikam.NET/", " https://webmail.fabrikam.net/ "])
def test_an_spn_with_or_without_a_trailing_slash_in_any_case_counts(spn: str) -> None:
    docs = _fabrikam(["https://WEBMAIL.fabrikam.net/ews/exchange.asmx"], [spn])
    assert _one(docs).status is Status.PASS


@pytest.mark.parametrize("spn", ["https://webmail.fabrikam.net/EWS/Exchange.asmx", "http://webmail.fabrikam.net/",
                                 "https://webmail.fabrikam.net:8443/", f"{samples.EXCHANGE_ID}/webmail.fabrikam.net",
                                 "https://webmail.fabrikam.net.evil.example/"])
def test_other_spn_forms_do_not_count(spn: str) -> None:
    assert spn_host(spn) != "webmail.fabrikam.net"
    assert _one(_fabrikam(["https://webmail.fabrikam.net/EWS/Exchange.asmx"], [spn])).status is Status.FAIL


def test_every_distinct_external_host_is_checked_once() -> None:
    docs = _fabrikam(["https://a.fabrikam.net/EWS/Exchange.asmx", "https://A.fabrikam.net/EWS/Exchange.asmx",
                      "", "https://b.fabrikam.net/EWS/Exchange.asmx"], ["https://a.fabrikam.net/"])
    result = _one(docs)
    assert result.status is Status.FAIL
    assert [e.label for e in result.evidence] == ["https://a.fabrikam.net/", "https://b.fabrikam.net/"]
    assert [e.value for e in result.evidence] == ["an SPN", "missing"]


def test_without_collected_ews_urls_the_autodiscover_name_is_checked() -> None:
    docs = copy.deepcopy(samples.healthy())
    del docs["exchange"]["web_services"]  # a file from before the collector read the EWS virtual directories
    _exchange_principal(docs)["ServicePrincipalNames"] = [samples.EXCHANGE_ID, "https://mail.contoso.com/"]
    result = _one(docs)
    assert result.status is Status.FAIL
    assert "https://autodiscover.contoso.com/" in result.detail and "were not collected" in result.detail
    _exchange_principal(docs)["ServicePrincipalNames"].append("https://autodiscover.contoso.com")
    assert _one(docs).status is Status.PASS


def test_virtual_directories_without_an_external_url_fall_back_to_the_autodiscover_name() -> None:
    docs = _fabrikam(["", ""], ["https://mail.contoso.com/"])
    result = _one(docs)
    assert result.status is Status.FAIL and "no EWS virtual directory has an ExternalUrl" in result.detail
    assert "https://autodiscover.contoso.com/" in result.detail


def test_an_exchange_principal_missing_from_the_tenant_fails() -> None:
    docs = copy.deepcopy(samples.healthy())
    _exchange_principal(docs).update({"Found": False, "Id": "", "DisplayName": "", "AccountEnabled": None,
                                      "ServicePrincipalNames": [], "KeyCredentials": []})
    result = _one(docs)
    assert result.status is Status.FAIL and "was not found in the tenant" in result.detail


def test_without_graph_data_the_rule_skips() -> None:
    docs = copy.deepcopy(samples.healthy())
    del docs["graph"]
    result = _one(docs)
    assert result.status is Status.SKIP and "graph-collect.ps1" in result.remediation


def test_a_principal_the_graph_collector_could_not_read_skips() -> None:
    docs = copy.deepcopy(samples.healthy())
    docs["graph"]["service_principals"] = [s for s in docs["graph"]["service_principals"]
                                           if s["AppId"] != samples.EXCHANGE_ID]
    docs["graph"]["errors"] = [{"Source": f"Get-MgServicePrincipal {samples.EXCHANGE_ID}",
                                "Message": "Insufficient privileges to complete the operation."}]
    result = _one(docs)
    assert result.status is Status.SKIP and samples.EXCHANGE_ID in result.detail


def test_without_ews_urls_or_an_autodiscover_name_the_rule_skips() -> None:
    docs = copy.deepcopy(samples.healthy())
    del docs["exchange"]
    scenario = samples.scenario("hybrid")
    scenario.autodiscover_fqdn = ""  # a scenario saved before the autodiscover name was filled in
    scenario.smtp_domain = ""
    assert not scenario.effective_autodiscover_fqdn
    result = _one(docs, scenario)
    assert result.status is Status.SKIP and "EWS URLs are unknown" in result.detail


@pytest.mark.parametrize("changes", [
    {"sfb": "server", "tenant_domain": "", "tenant_id": "", "pool_external_web_fqdns": []},  # no Teams users
    {"exchange": "online"},  # no mailboxes on Exchange Server
])
def test_the_rule_does_not_apply_without_teams_users_and_exchange_server(changes: dict[str, object]) -> None:
    scenario = samples.scenario("hybrid")
    assert not scenario.update(changes)
    docs = _fabrikam(["https://webmail.fabrikam.net/EWS/Exchange.asmx"], [])
    if changes.get("sfb") == "server":
        # graph.json names a tenant, so the check runs whatever the scenario says, as a warning that says why
        ran = _results(docs, scenario)
        assert ran and all(r.status in (Status.WARN, Status.PASS, Status.SKIP) for r in ran)
        del docs["graph"]
    assert _results(docs, scenario) == []


def test_exchange_hybrid_with_teams_is_checked_too() -> None:
    docs = copy.deepcopy(samples.healthy(topology="exchange-hybrid"))
    assert _one(docs, samples.scenario("exchange-hybrid")).status is Status.PASS
    _exchange_principal(docs)["ServicePrincipalNames"] = [samples.EXCHANGE_ID]
    assert _one(docs, samples.scenario("exchange-hybrid")).status is Status.FAIL


def test_the_collectors_read_the_urls_and_the_names_with_get_cmdlets_only() -> None:
    scripts = {c.collector: c.text for c in collector_scripts(samples.scenario("hybrid"))}
    assert "Get-WebServicesVirtualDirectory -ADPropertiesOnly" in scripts["exchange"]
    assert "ExternalUrl = [string]$_.ExternalUrl" in scripts["exchange"]
    assert "'servicePrincipalNames'" in scripts["graph"]
    for text in scripts.values():
        commands = parse(text).commands
        assert not [c for c in commands if "-" in c and not c.startswith("Get-")
                    and c not in ("Select-Object", "ForEach-Object", "Where-Object", "ConvertTo-Json")]


def test_the_loader_reads_the_virtual_directories_and_keeps_none_for_older_files() -> None:
    doc = copy.deepcopy(samples.healthy()["exchange"])
    loaded = parse_collected(json.dumps(doc).encode())
    assert isinstance(loaded, ExchangeCollection) and loaded.web_services is not None
    assert [d.external_url for d in loaded.web_services] == ["https://mail.contoso.com/EWS/Exchange.asmx"] * 2
    del doc["web_services"]
    older = parse_collected(json.dumps(doc).encode())
    assert isinstance(older, ExchangeCollection) and older.web_services is None
