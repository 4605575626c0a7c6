"""The collector scripts parse, run only read-only commands, and write every key the loader reads."""

from __future__ import annotations

import re

import pytest
from pwsh import parse

from inside import samples
from wizard.inside.collectors import (
    READ_ONLY_HELPERS,
    READ_ONLY_STATIC_MEMBERS,
    collector_scripts,
    write_collectors,
)
from wizard.playbook.step import Shell
from wizard.scenario import Scenario, ScenarioInvalid


def _scenario(**changes: object) -> Scenario:
    s = samples.scenario("hybrid")
    assert not s.update(changes)
    return s


TOPOLOGIES = {
    "hybrid-2016": {},
    "onprem-2013": {"sfb": "server", "exchange_version": "2013", "tenant_domain": "", "tenant_id": "",
                    "pool_external_web_fqdns": []},
    "onprem-2010": {"sfb": "server", "exchange_version": "2010", "tenant_domain": "", "tenant_id": "",
                    "pool_external_web_fqdns": []},
    "exchange-online": {"exchange": "online", "sfb": "server"},
    "sfb-online": {"sfb": "online", "dc_fqdn": "dc01.contoso.com"},
    "exchange-hybrid-se": {"exchange": "hybrid", "exchange_version": "se", "sfb_version": "se"},
    "teams-exchange-online": {"exchange": "online", "sfb": "teams", "dc_fqdn": "dc01.contoso.com"},
}


def _scripts(name: str) -> dict[str, str]:
    return {c.collector: c.text for c in collector_scripts(_scenario(**TOPOLOGIES[name]))}


@pytest.mark.parametrize("topology", sorted(TOPOLOGIES))
def test_every_collector_parses_without_syntax_errors(topology: str) -> None:
    for collector, text in _scripts(topology).items():
        parsed = parse(text)
        assert parsed.errors == (), f"{topology}/{collector}: {parsed.errors}"


@pytest.mark.parametrize("topology", sorted(TOPOLOGIES))
def test_every_command_is_a_get_cmdlet_or_a_read_only_helper(topology: str) -> None:
    for collector, text in _scripts(topology).items():
        parsed = parse(text)
        writers = [c for c in parsed.commands if not c.startswith("Get-") and c not in READ_ONLY_HELPERS]
        assert writers == [], f"{topology}/{collector} runs {writers}"
        assert parsed.nameless_commands == (), f"{topology}/{collector} invokes {parsed.nameless_commands}"
        members = set(parsed.static_members) - READ_ONLY_STATIC_MEMBERS
        assert members == set(), f"{topology}/{collector} uses {members}"


def test_collectors_follow_the_topology() -> None:
    assert set(_scripts("hybrid-2016")) == {"exchange", "sfb", "graph"}
    assert set(_scripts("onprem-2013")) == {"exchange", "sfb"}
    assert set(_scripts("exchange-online")) == {"sfb", "graph", "exo"}
    assert set(_scripts("sfb-online")) == {"exchange", "graph"}
    assert set(_scripts("exchange-hybrid-se")) == {"exchange", "sfb", "graph", "exo"}
    assert set(_scripts("teams-exchange-online")) == {"graph", "exo"}


def test_exchange_collector_runs_exactly_these_commands() -> None:
    assert parse(_scripts("hybrid-2016")["exchange"]).commands == (
        "Get-Location", "Get-ExchangeServer", "Where-Object", "ForEach-Object", "Get-AuthConfig",
        "Get-PartnerApplication", "ForEach-Object", "Get-AuthServer", "ForEach-Object", "ForEach-Object",
        "Get-SettingOverride", "Where-Object", "ForEach-Object", "ForEach-Object", "ForEach-Object",
        "Get-ClientAccessService", "ForEach-Object", "Get-WebServicesVirtualDirectory", "ForEach-Object",
        "ForEach-Object", "Where-Object", "Get-ExchangeCertificate", "ForEach-Object", "Get-OrganizationConfig",
        "ForEach-Object", "ForEach-Object", "Get-CASMailbox", "Select-Object", "ForEach-Object", "ForEach-Object",
        "Get-Date", "ConvertTo-Json")


def test_exchange_2013_collector_uses_get_clientaccessserver() -> None:
    commands = parse(_scripts("onprem-2013")["exchange"]).commands
    assert "Get-ClientAccessServer" in commands
    assert "Get-ClientAccessService" not in commands


def test_exchange_2010_collector_skips_oauth_cmdlets_it_does_not_have() -> None:
    commands = parse(_scripts("onprem-2010")["exchange"]).commands
    assert "Get-AuthConfig" not in commands
    assert "Get-PartnerApplication" not in commands
    assert "Get-ExchangeCertificate" in commands


def test_sfb_collector_runs_exactly_these_commands() -> None:
    assert parse(_scripts("hybrid-2016")["sfb"]).commands == (
        "Get-Location", "Get-CsOAuthConfiguration", "Get-CsPartnerApplication", "ForEach-Object", "Get-CsOAuthServer",
        "ForEach-Object", "Get-CsPool", "Where-Object", "ForEach-Object", "ForEach-Object", "Get-CsCertificate",
        "ForEach-Object", "ForEach-Object", "Get-Item", "Get-CsCertificate", "Where-Object", "ForEach-Object",
        "ForEach-Object", "Get-Date", "ConvertTo-Json")


def test_graph_collector_runs_exactly_these_commands() -> None:
    assert parse(_scripts("hybrid-2016")["graph"]).commands == (
        "Get-Location", "Get-MgContext", "Get-MgServicePrincipal", "Select-Object", "ForEach-Object",
        "ForEach-Object", "Get-MgApplication", "Where-Object", "Get-MgApplication", "ForEach-Object", "Get-Date",
        "ConvertTo-Json")


def test_graph_collector_never_signs_in_and_reads_the_four_service_principals() -> None:
    text = _scripts("hybrid-2016")["graph"]
    assert "Connect-MgGraph" not in parse(text).commands
    assert ("$appIds = @('00000004-0000-0ff1-ce00-000000000000', '00000002-0000-0ff1-ce00-000000000000', "
            "'7557eb47-c689-4224-abcf-aef9bd7573df', 'db7de2b5-2149-435e-8043-e080dd50afae')") in text
    assert "'keyCredentials'" in text


def test_every_collector_says_at_the_top_that_it_changes_nothing_and_asks_no_password() -> None:
    for collector, text in _scripts("hybrid-2016").items():
        top = text[:1200]
        assert "READ-ONLY: this script changes nothing" in top, collector
        assert "never asks for a password and stores none" in top, collector
        assert "Read-Host" not in text and "Get-Credential" not in text and "-Password" not in text


def test_scenario_servers_enter_the_exchange_collector_only_as_literals() -> None:
    text = _scripts("hybrid-2016")["exchange"]
    assert "$expectedServers = @('ex01.contoso.com', 'ex02.contoso.com')" in text


def test_a_scenario_with_an_injected_server_name_is_refused() -> None:
    s = _scenario()
    s.set("exchange_fqdns", ["ex01.contoso.com'; Remove-Item C:\\ -Recurse; '"])
    with pytest.raises(ScenarioInvalid):
        collector_scripts(s)


def _keys_written(text: str) -> set[str]:
    return set(re.findall(r"^\s*([A-Za-z_]+) = ", text, flags=re.MULTILINE)) | set(
        re.findall(r"@\{ (\w+) = ", text))


def _keys_in(doc: object) -> set[str]:
    found: set[str] = set()
    if isinstance(doc, dict):
        for key, value in doc.items():
            found.add(key)
            found |= _keys_in(value)
    elif isinstance(doc, list):
        for item in doc:
            found |= _keys_in(item)
    return found


@pytest.mark.parametrize(("collector", "sample"), [("exchange", "exchange"), ("sfb", "sfb-fe01"), ("graph", "graph")])
def test_collector_writes_every_key_the_samples_and_the_loader_use(collector: str, sample: str) -> None:
    written = _keys_written(_scripts("hybrid-2016")[collector])
    expected = _keys_in(samples.healthy()[sample])
    assert expected - written == set()


def test_write_collectors_writes_one_bom_prefixed_script_per_shell(tmp_path) -> None:
    paths = write_collectors(_scenario(), tmp_path)
    assert [p.name for p in paths] == ["exchange-collect.ps1", "sfb-collect.ps1", "graph-collect.ps1"]
    for path in paths:
        assert path.read_bytes().startswith(b"\xef\xbb\xbf# SfB-Exchange integration wizard ")
        assert b"\r\n<#\r\n.SYNOPSIS" in path.read_bytes()  # comment-based help may follow comment lines


def test_collector_shells_match_the_playbook_shells() -> None:
    shells = {c.collector: c.shell for c in collector_scripts(_scenario())}
    assert shells == {"exchange": Shell.EXCHANGE, "sfb": Shell.SFB, "graph": Shell.GRAPH}


@pytest.mark.parametrize(("collector", "sample"), [("exchange", "exchange"), ("sfb", "sfb-fe01"), ("graph", "graph"),
                                                   ("exo", "exo")])
def test_exchange_hybrid_collectors_write_every_key_the_samples_use(collector: str, sample: str) -> None:
    written = _keys_written(_scripts("exchange-hybrid-se")[collector])
    expected = _keys_in(samples.healthy(topology="exchange-hybrid")[sample])
    assert expected - written == set()


def test_exchange_collector_reads_the_dedicated_app_objects_and_the_ews_settings() -> None:
    text = _scripts("exchange-hybrid-se")["exchange"]
    commands = parse(text).commands
    for cmdlet in ("Get-AuthServer", "Get-SettingOverride", "Get-OrganizationConfig", "Get-CASMailbox"):
        assert cmdlet in commands
    assert "[string]$_.SectionName -eq 'ExchangeOnpremAsThirdPartyAppId'" in text
    assert "$testMailboxes = @('kenmyer@contoso.com')" in text
    assert not [c for c in commands if c.split("-")[0] in ("Set", "New", "Remove", "Enable", "Disable", "Add")]


def test_exchange_2010_collector_has_no_auth_server_but_still_reads_ews_settings() -> None:
    commands = parse(_scripts("onprem-2010")["exchange"]).commands
    assert "Get-AuthServer" not in commands and "Get-SettingOverride" not in commands
    assert "Get-OrganizationConfig" in commands


def test_exchange_online_collector_never_signs_in_and_reads_the_allow_list() -> None:
    text = _scripts("exchange-hybrid-se")["exo"]
    parsed = parse(text)
    assert "Connect-ExchangeOnline" not in parsed.commands
    assert parsed.commands[:2] == ("Get-Location", "Get-ConnectionInformation")
    assert "Get-OrganizationConfig -RetrieveEwsOperationAccessPolicy" in text
    assert "EwsAllowedAppIDsRead = $appIdsRead" in text
    assert "Run in: Exchange Online PowerShell" in text


def test_graph_collector_finds_the_dedicated_app_by_name_or_by_the_admins_app_id() -> None:
    text = _scripts("exchange-hybrid-se")["graph"]
    assert "[string[]]$ExchangeHybridAppId = @()" in text
    assert "Get-MgApplication -Filter 'startswith(displayName,''ExchangeServerApp-'')'" in text
    assert "Get-MgApplication" not in parse(_scripts("teams-exchange-online")["graph"]).commands


def test_sfb_collector_reads_patch_versions_only_where_exchange_online_mailboxes_exist() -> None:
    assert "Get-CsServerPatchVersion" in parse(_scripts("exchange-hybrid-se")["sfb"]).commands
    assert "Get-CsServerPatchVersion" in parse(_scripts("exchange-online")["sfb"]).commands
    assert "Get-CsServerPatchVersion" not in parse(_scripts("hybrid-2016")["sfb"]).commands
    lync = _scripts_for({"exchange": "online", "sfb": "hybrid", "sfb_version": "2013"})
    assert "Get-CsServerPatchVersion" not in parse(lync["sfb"]).commands


def _scripts_for(changes: dict[str, object]) -> dict[str, str]:
    return {c.collector: c.text for c in collector_scripts(_scenario(**changes))}
