"""Teams <-> Exchange Server pieces on their own: the Autodiscover v2 and x-ms-diagnostics readers, the test
address, and the Teams-only DNS records on a real loopback DNS server (the chain itself: tests/probes/test_lab.py)."""

from __future__ import annotations

import pytest

from tests.probes.conftest import context_for
from tests.probes.loopback import DnsBehaviour
from wizard.probes.context import ProbeSettings
from wizard.probes.dns import SfbDnsRecordsProbe
from wizard.probes.formats.autodiscover_v2 import NotAutodiscoverV2Error, autodiscover_v2_url, is_ews_url, parse_v2
from wizard.probes.formats.diagnostics import parse_diagnostics
from wizard.probes.result import Status
from wizard.probes.teams_exchange import user_address
from wizard.scenario import Scenario


def test_v2_url_is_the_query_microsoft_support_runs_with_a_redirect_count():
    assert autodiscover_v2_url("https://outlook.office365.com/", "adele@fabrikam.com") == (
        "https://outlook.office365.com/autodiscover/autodiscover.json?Email=adele%40fabrikam.com&Protocol=EWS"
        "&RedirectCount=5")


def test_v2_answers_and_errors_are_read_case_insensitively():
    answer = parse_v2({"Protocol": "EWS", "Url": "https://mail.fabrikam.com/EWS/Exchange.asmx"})
    assert (answer.protocol, answer.url, answer.is_error) == ("EWS", "https://mail.fabrikam.com/EWS/Exchange.asmx",
                                                             False)
    error = parse_v2({"errorCode": "InvalidProtocol", "errorMessage": "The given protocol value 'Foo' is invalid."})
    assert error.is_error and error.error_code == "InvalidProtocol"
    for document in ([], {"Url": 5}, {"something": "else"}):
        with pytest.raises(NotAutodiscoverV2Error):
            parse_v2(document)


@pytest.mark.parametrize(("url", "ews"), [("https://mail.fabrikam.com/EWS/Exchange.asmx", True),
                                          ("https://mail.fabrikam.com/ews/exchange.asmx", True),
                                          ("http://mail.fabrikam.com/EWS/Exchange.asmx", False),
                                          ("https://mail.fabrikam.com/owa/", False)])
def test_an_ews_url_is_https_and_ends_in_exchange_asmx(url, ews):
    assert is_ews_url(url) is ews


def test_wildcard_diagnostic_is_put_into_the_documented_words():
    found = parse_diagnostics(['2000004;reason="The tenant for tenant guid \'fabrikam.com\' does not exist.";'
                               'error_category="invalid_tenant"',
                               '2000001;reason="The token is invalid.";error_category="invalid_token"'])
    assert [d.code for d in found] == ["2000004", "2000001"]
    assert "wildcard" in found[0].words() and "AcceptedDomains" in found[0].words()
    assert found[1].expected_for_an_empty_token and not found[0].expected_for_an_empty_token


@pytest.mark.parametrize(("uri", "address"), [("sip:megan@fabrikam.com", "megan@fabrikam.com"),
                                              ("SIP:Megan@Fabrikam.com", "Megan@Fabrikam.com"), ("", "")])
def test_the_test_user_is_asked_for_by_its_sip_address(uri, address):
    scenario = Scenario()
    scenario.test_sip_uri = uri
    assert user_address(scenario) == address


def test_the_autodiscover_v2_base_url_must_be_https():
    with pytest.raises(ValueError, match="autodiscover_v2_base_url"):
        ProbeSettings(autodiscover_v2_base_url="http://outlook.office365.com")


def teams_scenario() -> Scenario:
    scenario = Scenario()
    assert not scenario.update({"exchange": "server", "sfb": "teams", "sip_domains": ["fabrikam.com"],
                                "smtp_domain": "fabrikam.com", "exchange_fqdns": ["ex1.fabrikam.com"],
                                "tenant_domain": "fabrikam.onmicrosoft.com"})
    return scenario


FEDERATION = {("_sipfederationtls._tcp.fabrikam.com.", "SRV"): ["100 1 5061 sipfed.online.lync.com."],
              ("sipfed.online.lync.com.", "A"): ["52.112.0.1"]}


def run_dns(dns_server, records) -> tuple[Status, str, str]:
    dns = dns_server(DnsBehaviour(records=records))
    result = SfbDnsRecordsProbe(teams_scenario()).run(teams_scenario(), context_for(dns))
    return result.status, result.detail, result.remediation


def test_teams_only_tenant_needs_only_the_federation_record(dns_server):
    status, detail, _ = run_dns(dns_server, FEDERATION)
    assert status is Status.PASS, detail
    assert "External Domain Name System records for Microsoft 365" in detail


def test_teams_only_tenant_without_federation_record_fails(dns_server):
    status, detail, fix = run_dns(dns_server, {})
    assert status is Status.FAIL
    assert "missing: _sipfederationtls._tcp.fabrikam.com" in detail
    assert "_sipfederationtls._tcp SRV 100 1 5061 sipfed.online.lync.com" in fix


def test_teams_only_lyncdiscover_left_pointing_on_premises_fails_because_it_ends_teams_only_mode(dns_server):
    status, detail, fix = run_dns(dns_server, {**FEDERATION, ("lyncdiscover.fabrikam.com.", "A"): ["203.0.113.7"]})
    assert status is Status.FAIL
    assert "left over from an on-premises deployment" in detail and "lyncdiscover.fabrikam.com" in detail
    assert "DNS implications for on-premises organizations that become hybrid" in fix


def test_teams_only_sip_record_left_on_premises_is_a_warning(dns_server):
    status, detail, _ = run_dns(dns_server, {**FEDERATION, ("sip.fabrikam.com.", "A"): ["203.0.113.8"]})
    assert status is Status.WARN
    assert "sip.fabrikam.com" in detail
