"""Each named fault changes what the lab serves, in the way its description says, and nothing is silent."""

from __future__ import annotations

import base64
import ssl
import time
from collections.abc import Callable
from datetime import UTC, datetime

import dns.resolver
import pytest
import requests
from cryptography import x509

from tests.probes.test_metadata_json_faults import SERVED as METADATA_SERVED
from wizard.lab import FAULTS, Lab
from wizard.lab.deployment import OTHER_TENANT_ID, TENANT_ID
from wizard.lab.faults import CATALOGUE, LabConfig, lab_config

from . import clients
from .clients import resolver
from .test_dns_faults_served import SERVED as DNS_SERVED
from .test_wire_faults import WIRE_FAULTS

# Faults whose served behaviour is asserted where the TLS handshake is made (the lab's certificates and
# TLS versions are only visible to a client): tests/probes/test_tls_faults.py and test_not_yet_valid.py.
SERVED_ELSEWHERE = {"tls-legacy-only", "huge-certificate-chain", "tls-not-yet-valid", "oauth-not-yet-valid",
                    "exchange-auth-not-yet-valid"}

NOW = datetime.now(UTC)


def pool_metadata(lab: Lab, address: str | None = None) -> requests.Response:
    with clients.session(lab) as s:
        if address:
            adapter = s.adapters["https://"]
            original = adapter.build_connection_pool_key_attributes

            def pinned(request, verify, cert=None):
                host, pool = original(request, verify, cert)
                host["host"] = address
                return host, pool

            adapter.build_connection_pool_key_attributes = pinned
        return s.get("https://pool01.contoso.com/metadata/json/1", timeout=5)


def oauth_cert(lab: Lab, address: str | None = None) -> x509.Certificate:
    value = pool_metadata(lab, address).json()["keys"][0]["keyValue"]["value"]
    return x509.load_der_x509_certificate(base64.b64decode(value))


def exchange_auth_cert(lab: Lab) -> x509.Certificate:
    doc = clients.get(lab, "https://autodiscover.contoso.com/autodiscover/metadata/json/1").json()
    return x509.load_der_x509_certificate(base64.b64decode(doc["keys"][0]["keyvalue"]["value"]))


def bearer_challenge(lab: Lab, url: str, **kwargs) -> str:
    response = clients.get(lab, url, **kwargs)
    return next(c for c in response.raw.headers.getlist("WWW-Authenticate") if c.startswith("Bearer"))


def check_autodiscover_xml(lab: Lab) -> None:
    assert lab.scenario.exchange_autodiscover_url == "https://autodiscover.contoso.com/autodiscover/autodiscover.xml"
    assert lab.scenario.oauth_autodiscover_url.endswith("/autodiscover/autodiscover.svc")
    assert lab.scenario.corrections()
    service = clients.post(lab, "https://autodiscover.contoso.com/autodiscover/autodiscover.svc")
    assert service.status_code == 401  # Exchange still serves the SOAP service


def check_missing_srv(lab: Lab) -> None:
    with pytest.raises(dns.resolver.NXDOMAIN):
        resolver(lab).resolve("_autodiscover._tcp.contoso.com", "SRV")
    assert resolver(lab).resolve("autodiscover.contoso.com", "A")


def check_missing_autodiscover_record(lab: Lab) -> None:
    with pytest.raises(dns.resolver.NXDOMAIN):
        resolver(lab).resolve("autodiscover.contoso.com", "A")
    assert resolver(lab).resolve("_autodiscover._tcp.contoso.com", "SRV")
    assert "autodiscover.contoso.com" not in lab.addresses


def check_missing_sip_srv(lab: Lab) -> None:
    for name in ("_sip._tls.contoso.com", "_sipfederationtls._tcp.contoso.com", "_sipinternaltls._tcp.contoso.com"):
        with pytest.raises(dns.resolver.NXDOMAIN):
            resolver(lab).resolve(name, "SRV")


def check_weak_oauth_key(lab: Lab) -> None:
    assert oauth_cert(lab).public_key().key_size == 1024
    with open(lab.scenario.oauth_certificate, "rb") as handle:
        assert x509.load_der_x509_certificate(handle.read()).public_key().key_size == 1024


def check_subject_missing_sip_domain(lab: Lab) -> None:
    subject = oauth_cert(lab).subject.rfc4514_string()
    assert "contoso.com" not in subject.lower()


def check_expired_oauth_certificate(lab: Lab) -> None:
    assert oauth_cert(lab).not_valid_after_utc < NOW


def check_expired_tls_certificate(lab: Lab) -> None:
    with pytest.raises(ssl.SSLCertVerificationError, match="expired"):
        clients.handshake("127.77.0.21", lab.https_port, "pool01.contoso.com", ca_file=lab.ca_pem_path)
    clients.handshake("127.77.0.10", lab.https_port, "ex01.contoso.com", ca_file=lab.ca_pem_path)


def check_untrusted_tls(lab: Lab) -> None:
    with pytest.raises(requests.exceptions.SSLError, match=r"self[- ]signed"):
        pool_metadata(lab)
    der = clients.handshake("127.77.0.22", lab.https_port, "pool01.contoso.com", ca_file=None)["der"]
    cert = x509.load_der_x509_certificate(der)
    assert cert.issuer == cert.subject


def check_autodiscover_name_mismatch(lab: Lab) -> None:
    with pytest.raises(requests.exceptions.SSLError, match="doesn't match"):
        clients.get(lab, "https://autodiscover.contoso.com/autodiscover/metadata/json/1")
    assert clients.get(lab, "https://ex01.contoso.com/autodiscover/metadata/json/1").status_code == 200


def check_metadata_404(lab: Lab) -> None:
    response = pool_metadata(lab)
    assert response.status_code == 404
    assert "404" in response.text


def check_wrong_realm(lab: Lab) -> None:
    doc = pool_metadata(lab).json()
    assert doc["realm"] == "fabrikam.com"
    assert doc["issuer"] == "00000004-0000-0ff1-ce00-000000000000@fabrikam.com"
    assert lab.scenario.effective_realm == "contoso.com"


def check_split_front_ends(lab: Lab) -> None:
    assert oauth_cert(lab, "127.77.0.21") != oauth_cert(lab, "127.77.0.22")


def check_exchange_auth_expired(lab: Lab) -> None:
    cert = exchange_auth_cert(lab)
    assert cert.not_valid_after_utc < NOW
    assert cert.subject.rfc4514_string() == "CN=Microsoft Exchange Server Auth Certificate"


def check_no_partner_app(lab: Lab) -> None:
    challenge = bearer_challenge(lab, "https://pool01.contoso.com/Autodiscover/AutodiscoverService.svc/root/oauth/user")
    assert challenge == 'Bearer client_id="00000004-0000-0ff1-ce00-000000000000"'


def check_exchange_oauth_disabled(lab: Lab) -> None:
    url = "https://autodiscover.contoso.com/EWS/Exchange.asmx"
    assert "trusted_issuers" not in bearer_challenge(lab, url, headers={"Authorization": "Bearer"})
    response = clients.get(lab, url, headers={"Authorization": "Bearer"})
    assert response.headers["x-ms-diagnostics"].startswith("4000000;")
    assert "oauth_not_available" in response.headers["x-ms-diagnostics"]


def check_exchange_untrusted_sfb(lab: Lab) -> None:
    challenge = bearer_challenge(lab, "https://autodiscover.contoso.com/EWS/Exchange.asmx",
                                 headers={"Authorization": "Bearer"})
    assert "trusted_issuers" not in challenge and "00000004-0000-0ff1-ce00-000000000000@" not in challenge


def check_unknown_tenant(lab: Lab) -> None:
    response = clients.get(lab, "https://login.microsoftonline.com/contoso.onmicrosoft.com/.well-known/"
                                "openid-configuration")
    assert response.status_code == 400
    assert response.json()["error_codes"] == [90002]


def ews_answer(lab: Lab) -> requests.Response:
    return clients.post(lab, "https://webmail.contoso.com/EWS/Exchange.asmx", headers={"Authorization": "Bearer"},
                        data=b"")


def check_teams_autodiscover_v2_internal_url(lab: Lab) -> None:
    answer = clients.get(lab, "https://autodiscover.contoso.com/autodiscover/autodiscover.json"
                              "?Email=adele@contoso.com&Protocol=EWS")
    assert answer.json() == {"Protocol": "EWS", "Url": "https://ex01.contoso.local/EWS/Exchange.asmx"}


def check_ews_preauth_page(lab: Lab) -> None:
    response = ews_answer(lab)
    assert response.status_code == 307
    assert response.headers["Location"].startswith("https://sts.contoso.com/adfs/ls/?")
    assert "WWW-Authenticate" not in response.headers
    # the server's own name still reaches Exchange: only the published name is behind the proxy
    assert clients.post(lab, "https://ex01.contoso.com/EWS/Exchange.asmx", headers={"Authorization": "Bearer"},
                        data=b"").status_code == 401


def check_ews_missing_tenant_issuer(lab: Lab) -> None:
    assert "00000001-0000-0000-c000-000000000000@" not in bearer_challenge(
        lab, "https://webmail.contoso.com/EWS/Exchange.asmx", headers={"Authorization": "Bearer"})


def check_ews_wrong_tenant_issuer(lab: Lab) -> None:
    challenge = bearer_challenge(lab, "https://webmail.contoso.com/EWS/Exchange.asmx",
                                 headers={"Authorization": "Bearer"})
    assert f"00000001-0000-0000-c000-000000000000@{OTHER_TENANT_ID}" in challenge
    assert TENANT_ID not in challenge


def check_invalid_tenant_diagnostics(lab: Lab) -> None:
    diagnostics = ews_answer(lab).headers["x-ms-diagnostics"]
    assert diagnostics == ("2000004;reason=\"The tenant for tenant guid 'contoso.com' does not exist.\";"
                           'error_category="invalid_tenant"')


def check_dns_servfail(lab: Lab) -> None:
    with pytest.raises(dns.resolver.NoNameservers, match="SERVFAIL"):
        resolver(lab).resolve("autodiscover.contoso.com", "A")


def check_dns_timeout(lab: Lab) -> None:
    with pytest.raises(dns.resolver.LifetimeTimeout):
        resolver(lab, lifetime=0.3).resolve("autodiscover.contoso.com", "A")


def check_slow(lab: Lab) -> None:
    assert lab.latency_ms == 300
    began = time.perf_counter()
    assert clients.get(lab, "https://ex01.contoso.com/owa/").status_code == 302
    assert time.perf_counter() - began >= 0.29  # the server held the answer back


CHECKS: dict[str, tuple[str, Callable[[Lab], None]]] = {
    "autodiscover-xml": ("onprem", check_autodiscover_xml),
    "missing-srv": ("onprem", check_missing_srv),
    "missing-autodiscover-record": ("onprem", check_missing_autodiscover_record),
    "missing-sip-srv": ("onprem", check_missing_sip_srv),
    "weak-oauth-key": ("onprem", check_weak_oauth_key),
    "subject-missing-sip-domain": ("onprem", check_subject_missing_sip_domain),
    "expired-oauth-certificate": ("onprem", check_expired_oauth_certificate),
    "expired-tls-certificate": ("onprem", check_expired_tls_certificate),
    "untrusted-tls": ("onprem", check_untrusted_tls),
    "autodiscover-name-mismatch": ("onprem", check_autodiscover_name_mismatch),
    "metadata-404": ("onprem", check_metadata_404),
    "wrong-realm": ("onprem", check_wrong_realm),
    "split-front-ends": ("onprem", check_split_front_ends),
    "exchange-auth-expired": ("onprem", check_exchange_auth_expired),
    "no-partner-app": ("onprem", check_no_partner_app),
    "exchange-oauth-disabled": ("onprem", check_exchange_oauth_disabled),
    "exchange-untrusted-sfb": ("onprem", check_exchange_untrusted_sfb),
    "unknown-tenant": ("hybrid", check_unknown_tenant),
    "dns-servfail": ("onprem", check_dns_servfail),
    "dns-timeout": ("onprem", check_dns_timeout),
    "slow": ("onprem", check_slow),
    "teams-autodiscover-v2-internal-url": ("teams", check_teams_autodiscover_v2_internal_url),
    "ews-preauth-page": ("teams", check_ews_preauth_page),
    "ews-missing-tenant-issuer": ("teams", check_ews_missing_tenant_issuer),
    "ews-wrong-tenant-issuer": ("hybrid", check_ews_wrong_tenant_issuer),
    "invalid-tenant-diagnostics": ("teams", check_invalid_tenant_diagnostics),
}


def test_every_fault_has_a_behaviour_check() -> None:
    assert set(CHECKS) | set(WIRE_FAULTS) | set(DNS_SERVED) | set(METADATA_SERVED) | set(SERVED_ELSEWHERE) \
        == set(FAULTS)


@pytest.mark.parametrize("fault", sorted(CHECKS))
def test_fault_changes_what_the_lab_serves(fault: str) -> None:
    topology, check = CHECKS[fault]
    with Lab.start([fault], topology=topology) as lab:
        assert lab.faults == (fault,)
        check(lab)
        assert lab.errors == []


@pytest.mark.parametrize("fault", sorted(CHECKS))
def test_healthy_lab_does_not_show_the_fault(fault: str) -> None:
    topology, check = CHECKS[fault]
    with Lab.start(topology=topology) as lab, pytest.raises((AssertionError, pytest.fail.Exception)):
        check(lab)


def test_each_fault_changes_the_configuration() -> None:
    for fault in CATALOGUE:
        topology = fault.topologies[0]
        assert lab_config([fault.name], topology=topology) != LabConfig(), fault.name


def test_unknown_fault_is_a_value_error_listing_the_valid_ones() -> None:
    with pytest.raises(ValueError, match="unknown lab fault") as caught:
        Lab.start(["no-such-fault"])
    for name in FAULTS:
        assert name in str(caught.value)


def test_fault_for_an_absent_product_is_refused() -> None:
    with pytest.raises(ValueError, match="does not apply to the 'teams' topology"):
        Lab.start(["metadata-404"], topology="online")  # the old name of teams


def test_teams_faults_need_a_tenant() -> None:
    with pytest.raises(ValueError, match="only to hybrid, teams"):
        Lab.start(["ews-missing-tenant-issuer"], topology="onprem")


def test_unknown_topology_is_refused() -> None:
    with pytest.raises(ValueError, match="onprem, hybrid, teams"):
        Lab.start(topology="cloud")


def test_faults_changing_the_same_setting_differently_cannot_be_combined() -> None:
    with pytest.raises(ValueError, match="cannot be combined"):
        lab_config(["untrusted-tls", "expired-tls-certificate"])


def test_record_removals_combine() -> None:
    config = lab_config(["missing-srv", "missing-sip-srv", "missing-srv"])
    assert ("_autodiscover._tcp", "SRV") in config.omitted_records
    assert ("_sip._tls", "SRV") in config.omitted_records


def test_latency_is_the_larger_of_slow_and_latency_ms() -> None:
    assert lab_config(["slow"], latency_ms=50).latency_ms == 300
    assert lab_config(["slow"], latency_ms=900).latency_ms == 900
    assert lab_config(latency_ms=20).latency_ms == 20


def test_several_faults_at_once() -> None:
    with Lab.start(["wrong-realm", "weak-oauth-key", "missing-srv"]) as lab:
        check_wrong_realm(lab)
        check_weak_oauth_key(lab)
        check_missing_srv(lab)


def test_a_single_fault_name_may_be_passed_as_a_string() -> None:
    assert lab_config("slow").latency_ms == 300
    with Lab.start("metadata-404") as lab:
        assert lab.faults == ("metadata-404",)
