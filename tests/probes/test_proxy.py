"""Proxies: Microsoft 365's endpoints go through the PC's or the given proxy, the organisation's servers never do,
and when a Microsoft endpoint cannot be reached the advice is about this PC's way out, not DNS records.

Against the lab (real DNS and HTTPS on loopback) and the lab's HTTP proxy, which answers CONNECT as corporate
proxies do or misbehaves as they do.
"""

from __future__ import annotations

import dataclasses
import time

import pytest

from wizard.discovery.check import run_check
from wizard.discovery.query import parse_query
from wizard.lab import Lab
from wizard.lab.proxy_server import LabProxy, ProxyBehaviour
from wizard.probes.context import ProbeContext, ProbeSettings
from wizard.probes.net.proxy import InvalidProxyError, ProxySource, parse_proxy_url, proxy_for, redacted
from wizard.probes.registry import probes_for
from wizard.probes.result import Cause, Status
from wizard.probes.runner import run_probes
from wizard.probes.summary import Verdict, verdict

MICROSOFT = ("hybrid.tenant", "verification.teams-autodiscover-v2")


def _run(lab: Lab, **changes: object) -> dict[str, object]:
    settings = dataclasses.replace(lab.settings, **changes)
    results = run_probes(probes_for(lab.scenario, login_base_url=settings.login_base_url), lab.scenario,
                         ProbeContext(settings))
    return {r.id: r for r in results}


@pytest.fixture
def hybrid_lab():
    with Lab.start((), topology="hybrid") as lab:
        yield lab


def _proxy(lab: Lab, behaviour: ProxyBehaviour = ProxyBehaviour.OPEN) -> LabProxy:
    return LabProxy(lab.address_of, behaviour=behaviour)


def test_microsoft_endpoints_go_through_the_proxy_and_the_organisations_servers_never(hybrid_lab):
    with _proxy(hybrid_lab) as proxy:
        results = _run(hybrid_lab, proxy=proxy.url)
        seen = {s.authority.rsplit(":", 1)[0] for s in proxy.seen}
    assert all(r.status in (Status.PASS, Status.SKIP) for r in results.values()), [
        (r.id, r.detail) for r in results.values() if r.status.is_problem]
    assert seen == {"login.microsoftonline.com", "outlook.office365.com"}
    assert not [host for host in seen if host.endswith("contoso.com")]
    # The organisation's servers were still reached, directly: the lab served their requests.
    assert any(e.host.endswith("contoso.com") for e in hybrid_lab.exchanges)


def test_the_proxy_resolves_microsofts_names_so_this_pcs_dns_need_not():
    with Lab.start(("no-internet-names",), topology="hybrid") as lab, _proxy(lab) as proxy:
        direct = _run(lab)
        through = _run(lab, proxy=proxy.url)
    for rid in MICROSOFT:
        assert direct[rid].status is Status.ERROR and direct[rid].cause is Cause.UNREACHABLE
        assert through[rid].status is Status.PASS, through[rid].detail


def test_an_unresolvable_microsoft_endpoint_is_no_finding_and_the_advice_is_this_pcs_way_out():
    with Lab.start(("no-internet-names",), topology="hybrid") as lab:
        results = _run(lab)
    tenant = results["hybrid.tenant"]
    assert tenant.status is Status.ERROR  # not FAIL: nothing is wrong with the deployment
    assert "login.microsoftonline.com does not exist in DNS" in tenant.detail
    assert "Create" not in tenant.remediation and "record" not in tenant.remediation
    assert "says nothing about your deployment" in tenant.remediation
    assert "proxy" in tenant.remediation and "firewall" in tenant.remediation
    assert "Microsoft 365 URLs and IP address ranges" in tenant.remediation


def test_teams_federation_record_pointing_at_microsoft_is_right_whatever_this_pcs_dns_knows():
    with Lab.start(("no-internet-names",), topology="teams") as lab:
        results = _run(lab)
    assert results["hybrid.sfb-dns"].status is Status.PASS, results["hybrid.sfb-dns"].detail


@pytest.mark.parametrize(("behaviour", "words", "advice"), [
    (ProxyBehaviour.REFUSE, "refused to open a connection to login.microsoftonline.com", "allow CONNECT"),
    (ProxyBehaviour.BAD_GATEWAY, "could not reach login.microsoftonline.com", "the proxy's own DNS"),
    (ProxyBehaviour.SIGN_IN, "with 407 Proxy Authentication Required", "it asks for Negotiate, NTLM, Basic"),
    (ProxyBehaviour.NOT_HTTP, "without answering the CONNECT request", "Check the proxy's address and port"),
])
def test_a_proxy_that_does_not_open_the_way_says_why_and_is_no_finding(hybrid_lab, behaviour, words, advice):
    with _proxy(hybrid_lab, behaviour) as proxy:
        results = _run(hybrid_lab, proxy=proxy.url)
        assert not proxy.errors
    for rid in MICROSOFT:
        result = results[rid]
        assert result.status is Status.ERROR and result.cause is Cause.UNREACHABLE, (rid, result.detail)
        assert proxy.url in result.detail
    assert words in results["hybrid.tenant"].detail
    assert advice in results["hybrid.tenant"].remediation
    assert results["hybrid.realm-type"].status is Status.BLOCKED
    assert results["verification.sfb-trusts-exchange:pool01.contoso.com"].status is Status.PASS  # direct


def test_a_silent_proxy_is_bounded_by_the_one_deadline(hybrid_lab):
    with _proxy(hybrid_lab, ProxyBehaviour.SILENT) as proxy:
        began = time.monotonic()
        results = _run(hybrid_lab, proxy=proxy.url, http_timeout=1.0)
        took = time.monotonic() - began
    tenant = results["hybrid.tenant"]
    assert tenant.status is Status.ERROR and tenant.cause is Cause.TIMEOUT
    assert "did not answer the CONNECT request for login.microsoftonline.com" in tenant.detail
    assert took < 8


def test_a_proxy_nobody_listens_on_says_it_could_not_be_reached(hybrid_lab):
    results = _run(hybrid_lab, proxy="http://127.77.0.251:9")
    tenant = results["hybrid.tenant"]
    assert tenant.status is Status.ERROR
    assert "the proxy http://127.77.0.251:9" in tenant.detail and "could not be reached" in tenant.detail


def test_basic_credentials_open_a_proxy_that_asks_for_them_and_never_appear_in_any_text(hybrid_lab):
    with _proxy(hybrid_lab, ProxyBehaviour.SIGN_IN) as proxy:
        good = _run(hybrid_lab, proxy=proxy.url.replace("http://", "http://helpdesk:Pa55%3Aword@"))
        bad = _run(hybrid_lab, proxy=proxy.url.replace("http://", "http://helpdesk:wrong@"))
        users = {s.credentials for s in proxy.seen}
    assert good["hybrid.tenant"].status is Status.PASS
    assert users == {"helpdesk"}
    tenant = bad["hybrid.tenant"]
    assert "refused the user name and password given" in tenant.remediation
    texts = [f"{r.detail} {r.remediation} {r.evidence}" for run in (good, bad) for r in run.values()]
    assert not [t for t in texts if "Pa55" in t or "wrong" in t]


def test_this_pcs_proxy_from_the_environment_is_used_and_its_bypass_list_honoured(hybrid_lab, monkeypatch):
    with _proxy(hybrid_lab) as proxy:
        monkeypatch.setenv("HTTPS_PROXY", proxy.url)
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        used = _run(hybrid_lab, system_proxy=True)
        through = len(proxy.seen)
        monkeypatch.setenv("NO_PROXY", "login.microsoftonline.com")
        _run(hybrid_lab, system_proxy=True)
        bypassed = {s.authority.rsplit(":", 1)[0] for s in proxy.seen[through:]}
        _run(hybrid_lab, system_proxy=False)
        after_off = len(proxy.seen)
        _run(hybrid_lab, system_proxy=False)
    assert used["hybrid.tenant"].status is Status.PASS and through >= 2
    assert bypassed == {"outlook.office365.com"}
    assert len(proxy.seen) == after_off  # switched off: nothing more went through it
    assert "proxy" not in used["hybrid.tenant"].detail


def test_this_pcs_proxy_that_refuses_says_where_the_setting_came_from(hybrid_lab, monkeypatch):
    with _proxy(hybrid_lab, ProxyBehaviour.REFUSE) as proxy:
        monkeypatch.setenv("HTTPS_PROXY", proxy.url)
        results = _run(hybrid_lab, system_proxy=True)
    assert "from this PC's proxy settings" in results["hybrid.tenant"].remediation


def test_check_discovers_the_tenant_through_the_proxy():
    with Lab.start((), topology="hybrid") as lab, _proxy(lab) as proxy:
        outcome = run_check(parse_query("adele@contoso.com"), dataclasses.replace(lab.settings, proxy=proxy.url))
        seen = {s.authority.rsplit(":", 1)[0] for s in proxy.seen}
    assert outcome.run.verdict is Verdict.SUCCESSFUL
    assert outcome.scenario.tenant_id
    assert seen <= {"login.microsoftonline.com", "outlook.office365.com"}


def test_check_when_microsoft_365_is_out_of_reach_says_so_instead_of_a_wrong_topology():
    with Lab.start(("no-internet-names",), topology="hybrid") as lab:
        outcome = run_check(parse_query("adele@contoso.com"), lab.settings)
    assert outcome.run.verdict is Verdict.FAILED
    assert verdict(outcome.run.results) is Verdict.FAILED
    assert not [r for r in outcome.run.results if r.status is Status.FAIL]  # could not check, nothing found
    assert any("could not be looked up: this PC did not reach Microsoft 365" in n for n in outcome.run.notes)


# ---- parsing and choosing -----------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "host", "port", "user"), [
    ("http://proxy.contoso.com:8080", "proxy.contoso.com", 8080, ""),
    ("proxy.contoso.com:3128", "proxy.contoso.com", 3128, ""),
    ("http://svc-helpdesk:S3cr%40t@10.0.0.8:8080/", "10.0.0.8", 8080, "svc-helpdesk"),
    ("http://[2001:db8::8]:8080", "2001:db8::8", 8080, ""),
])
def test_proxy_urls_admins_type_are_understood(text, host, port, user):
    proxy = parse_proxy_url(text)
    assert (proxy.host, proxy.port, proxy.username) == (host, port, user)
    assert "S3cr" not in proxy.label and "S3cr" not in repr(proxy)


@pytest.mark.parametrize(("text", "words"), [
    ("https://proxy:8443", "https:// proxy"),
    ("socks5://proxy:1080", "socks5://"),
    ("http://proxy", "has no port"),
    ("http://proxy:99999", "port"),
    ("http://proxy:8080/wpad.dat", "has a path"),
    ("", "empty"),
    ("http://:secret@proxy:8080", "no user name"),
])
def test_proxy_urls_the_wizard_cannot_use_are_refused_in_words(text, words):
    with pytest.raises(InvalidProxyError, match=words.replace("/", ".").replace("+", ".")) as caught:
        parse_proxy_url(text)
    assert "secret" not in str(caught.value)


def test_a_password_is_redacted_from_a_url_that_did_not_parse():
    assert redacted("http://user:hunter2@proxy:notaport") == "http://user:***@proxy:notaport"


def test_only_microsoft_endpoints_are_ever_proxied():
    settings = ProbeSettings(proxy="http://proxy.contoso.com:8080")
    assert proxy_for("https://login.microsoftonline.com/x", settings) is not None
    assert proxy_for("https://webdir1a.online.lync.com/x", settings) is not None
    assert proxy_for("https://autodiscover.contoso.com/x", settings) is None
    assert proxy_for("https://outlook.office365.com.contoso.com/x", settings) is None  # a look-alike
    assert proxy_for("https://127.0.0.1/x", settings) is None
    system = ProbeSettings()
    found = proxy_for("https://login.microsoftonline.com/", system, proxies={"https": "http://10.1.1.1"},
                      bypass=False)
    assert found is not None and found.source is ProxySource.SYSTEM and found.port == 80
    assert proxy_for("https://login.microsoftonline.com/", system, proxies={"https": "http://10.1.1.1:8080"},
                     bypass=True) is None
