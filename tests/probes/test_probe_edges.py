"""Probes fed bad input from the network by loopback servers: each gives a clear FAIL or ERROR, never a hang.

Also the certificate rules on certificates the lab does not make (EC keys, SHA-1, near expiry, extra SIP
domains, a PFX password given through the context).
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import json
import sys
import time

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from tests.probes.conftest import context_for
from tests.probes.loopback import DnsBehaviour, Reply
from wizard.policy import SFB_SERVICE_ID
from wizard.probes import autodiscover, certs, metadata, tenant
from wizard.probes.context import ProbeContext
from wizard.probes.formats.certificate import facts_from_der
from wizard.probes.result import Status
from wizard.scenario import Scenario

POOL = "pool01.contoso.com"
POOL_IP = "127.0.0.4"
METADATA = "/metadata/json/1"


def make_scenario(**extra) -> Scenario:
    scenario = Scenario()
    values = {"exchange_version": "2016", "sfb": "server", "sip_domains": ["contoso.com"],
              "smtp_domain": "contoso.com", "exchange_fqdns": ["ex01.contoso.com"], "pool_fqdns": [POOL]}
    values.update(extra)
    assert not scenario.update(values)
    return scenario


def metadata_body(der: bytes, realm: str = "contoso.com") -> bytes:
    return json.dumps({"issuer": f"{SFB_SERVICE_ID}@{realm}", "realm": realm, "serviceName": SFB_SERVICE_ID,
                       "keys": [{"keyValue": {"type": "x509Certificate", "value": base64.b64encode(der).decode()},
                                 "usage": "signing"}]}).encode()


class Pool:
    """One Front End pool on loopback whose metadata answer each test chooses."""

    def __init__(self, dns_server, https_server, test_ca, ca_file) -> None:
        self.oauth = test_ca.issue([POOL], subject=POOL)
        self._servers = (dns_server, https_server, test_ca, ca_file)

    def start(self, reply: Reply, **settings) -> ProbeContext:
        dns_server, https_server, test_ca, ca_file = self._servers
        dns = dns_server(DnsBehaviour(records={(f"{POOL}.", "A"): [POOL_IP]}))
        routes = {(POOL, METADATA): reply, (POOL, "/loop"): Reply(302, [("Location", "/loop2")]),
                  (POOL, "/loop2"): Reply(302, [("Location", "/loop")])}
        site = https_server(POOL_IP, {POOL: test_ca.issue([POOL], slot=3)}, routes)
        return context_for(dns, site, ca_file, **settings)

    def healthy(self, realm: str = "contoso.com") -> ProbeContext:
        return self.start(Reply(200, [("Content-Type", "application/json")], metadata_body(self.oauth.der, realm)))


@pytest.fixture
def pool(dns_server, https_server, test_ca, ca_file) -> Pool:
    return Pool(dns_server, https_server, test_ca, ca_file)


def run_sfb_metadata(ctx: ProbeContext, scenario: Scenario | None = None):
    return metadata.SfbMetadataProbe(POOL).run(scenario or make_scenario(), ctx)


def test_healthy_pool_metadata_passes(pool):
    result = run_sfb_metadata(pool.healthy())
    assert result.status is Status.PASS, result.detail


@pytest.mark.parametrize(("reply", "status", "words"), [
    (Reply(200, [("Content-Type", "application/json")], b'{"issuer": "x", "keys": [1, '), Status.FAIL,
     "malformed JSON"),
    (Reply(200, [("Content-Type", "text/html")], b"<!DOCTYPE html><html>IIS</html>"), Status.FAIL, "returned HTML"),
    (Reply(200, [], b"[" * 50_000 + b"]" * 50_000), Status.FAIL, "nested too deeply|not an object"),
    (Reply(endless=True), Status.FAIL, "stopped reading"),
    (Reply(hang=True), Status.ERROR, "did not answer within"),
    (Reply(302, [("Location", "/loop")]), Status.FAIL, "redirect loop"),
    (Reply(404, [], b"Not Found"), Status.FAIL, "HTTP 404"),
    (Reply(200, [], b'{"keys": []}'), Status.FAIL, "not an auth metadata document"),
])
def test_bad_metadata_answers_give_a_clear_result(pool, reply, status, words):
    ctx = pool.start(reply, http_timeout=0.8, max_bytes=256 * 1024)
    started = time.monotonic()
    result = run_sfb_metadata(ctx)
    assert time.monotonic() - started < 4
    assert result.status is status, result.detail
    assert any(w in result.detail for w in words.split("|")), result.detail
    assert result.remediation


def test_metadata_with_wrong_realm_fails_with_realm_in_detail(pool):
    result = run_sfb_metadata(pool.healthy(realm="fabrikam.com"))
    assert result.status is Status.FAIL and "fabrikam.com" in result.detail
    assert "Set-CsOAuthConfiguration -Identity global -Realm 'contoso.com'" in result.remediation


def test_oauth_realm_setting_changes_what_is_expected(pool):
    ctx = pool.healthy(realm="fabrikam.com")
    scenario = make_scenario(sip_domains=["contoso.com", "fabrikam.com"], oauth_realm="fabrikam.com")
    assert run_sfb_metadata(ctx, scenario).status is Status.PASS


def test_pool_name_that_does_not_exist_fails_naming_nxdomain(dns_server):
    dns = dns_server(DnsBehaviour(records={("other.contoso.com.", "A"): ["127.0.0.9"]}))
    result = run_sfb_metadata(context_for(dns))
    assert result.status is Status.FAIL and "NXDOMAIN" in result.detail
    assert "DNS record" in result.remediation


def test_servfail_for_the_pool_is_a_fail_about_the_dns_server(dns_server):
    dns = dns_server(DnsBehaviour(servfail={f"{POOL}."}))
    result = run_sfb_metadata(context_for(dns))
    assert result.status is Status.FAIL and "SERVFAIL" in result.detail and "zone" in result.remediation


def test_silent_dns_is_an_error_after_the_dns_timeout(dns_server):
    dns = dns_server(DnsBehaviour(silent={f"{POOL}."}))
    started = time.monotonic()
    result = run_sfb_metadata(context_for(dns, dns_timeout=0.5))
    assert time.monotonic() - started < 2
    assert result.status is Status.ERROR and "no answer" in result.detail


def test_empty_srv_answer_is_reported_as_missing(dns_server):
    dns = dns_server(DnsBehaviour(records={("_autodiscover._tcp.contoso.com.", "TXT"): ['"x"']}))
    result = autodiscover.AutodiscoverSrvProbe(make_scenario()).run(make_scenario(), context_for(dns))
    assert result.status is Status.WARN and "no _autodiscover._tcp.contoso.com SRV" in result.detail


def test_srv_selection_follows_rfc2782_not_exchangelib(dns_server):
    # exchangelib would take the priority-10 record (right target); a real client takes priority 0 (wrong port)
    dns = dns_server(DnsBehaviour(records={("_autodiscover._tcp.contoso.com.", "SRV"): [
        "10 0 443 autodiscover.contoso.com.", "0 0 8443 autodiscover.contoso.com."]}))
    result = autodiscover.AutodiscoverSrvProbe(make_scenario()).run(make_scenario(), context_for(dns))
    assert result.status is Status.FAIL and "port 8443" in result.detail


def test_a_web_site_instead_of_autodiscover_fails(dns_server, https_server, test_ca, ca_file):
    dns = dns_server(DnsBehaviour(records={("autodiscover.contoso.com.", "A"): ["127.0.0.5"]}))
    site = https_server("127.0.0.5", {"autodiscover.contoso.com": test_ca.issue(["autodiscover.contoso.com"])},
                        {("*", "/autodiscover/autodiscover.xml"): Reply(200, [("Content-Type", "text/html")],
                                                                        b"<html>Welcome to nginx!</html>")})
    scenario = make_scenario()
    result = autodiscover.AutodiscoverEndpointProbe(scenario, "xml").run(scenario, context_for(dns, site, ca_file))
    assert result.status is Status.FAIL and "not an Autodiscover document" in result.detail
    result = autodiscover.AutodiscoverEndpointProbe(scenario, "svc").run(scenario, context_for(dns, site, ca_file))
    assert result.status is Status.FAIL and "404" in result.detail


def test_tenant_endpoint_answering_html_is_a_clear_failure(dns_server, https_server, test_ca, ca_file):
    dns = dns_server(DnsBehaviour(records={("login.microsoftonline.com.", "A"): ["127.0.0.6"]}))
    site = https_server("127.0.0.6", {"login.microsoftonline.com": test_ca.issue(["login.microsoftonline.com"])},
                        {("*", "/contoso.onmicrosoft.com/.well-known/openid-configuration"):
                         Reply(200, [("Content-Type", "text/html")], b"<html>proxy login page</html>")})
    scenario = make_scenario(sfb="hybrid", tenant_domain="contoso.onmicrosoft.com")
    probe = tenant.TenantProbe(scenario, "https://login.microsoftonline.com")
    result = probe.run(scenario, context_for(dns, site, ca_file))
    assert result.status is Status.FAIL and "returned HTML" in result.detail


# ---------------------------------------------------------------- certificate rules on unusual certificates
@pytest.fixture
def cert_file(tmp_path):
    def write(der: bytes) -> Scenario:
        path = tmp_path / "oauth.cer"
        path.write_bytes(der)
        return make_scenario(oauth_certificate=str(path))

    return write


def test_pfx_password_comes_from_the_context(tmp_path, test_ca):
    leaf = test_ca.issue([POOL], subject=POOL)
    path = tmp_path / "oauth.pfx"
    path.write_bytes(pkcs12.serialize_key_and_certificates(
        b"oauth", leaf.key, leaf.cert, None, serialization.BestAvailableEncryption(b"s3cret")))
    scenario = make_scenario(oauth_certificate=str(path))
    with_password = ProbeContext(certificate_password=b"s3cret")
    assert certs.OAuthCertificateSourceProbe().run(scenario, with_password).status is Status.PASS
    assert certs.OAuthKeySizeProbe().run(scenario, with_password).status is Status.PASS
    without = certs.OAuthCertificateSourceProbe().run(scenario, ProbeContext())
    assert without.status is Status.FAIL and "needs a password" in without.detail
    assert certs.OAuthKeySizeProbe().run(scenario, ProbeContext()).status is Status.SKIP


def test_expiry_within_60_days_warns_using_the_injected_clock(cert_file, test_ca):
    leaf = test_ca.issue([POOL], subject=POOL, days=365)
    expires = facts_from_der(leaf.der).not_after
    scenario = cert_file(leaf.der)
    soon = ProbeContext(clock=lambda: expires - dt.timedelta(days=30))
    later = ProbeContext(clock=lambda: expires + dt.timedelta(days=1))
    assert certs.OAuthValidityProbe().run(scenario, soon).status is Status.WARN
    result = certs.OAuthValidityProbe().run(scenario, later)
    assert result.status is Status.FAIL and "expired" in result.detail


def test_additional_sip_domains_missing_from_the_san_warn(tmp_path, test_ca):
    leaf = test_ca.issue([POOL], subject=POOL)
    path = tmp_path / "oauth.cer"
    path.write_bytes(leaf.der)
    scenario = make_scenario(oauth_certificate=str(path), sip_domains=["contoso.com", "fabrikam.com"])
    result = certs.OAuthSubjectProbe().run(scenario, ProbeContext())
    assert result.status is Status.WARN and "fabrikam.com" in result.detail


def test_self_signed_oauth_certificate_warns(cert_file, test_ca):
    scenario = cert_file(test_ca.issue([POOL], subject=POOL, self_signed=True).der)
    assert certs.OAuthSelfSignedProbe().run(scenario, ProbeContext()).status is Status.WARN


@pytest.mark.parametrize(("hash_name", "status"), [("sha1", Status.WARN), ("md5", Status.FAIL),
                                                   ("sha256", Status.PASS)])
def test_signature_hash_rule(test_ca, hash_name, status):
    facts = dataclasses.replace(facts_from_der(test_ca.issue([POOL]).der), signature_hash=hash_name)
    finding = certs.OAuthSignatureProbe().judge(facts, make_scenario(), ProbeContext())
    assert finding.status is status


def test_non_rsa_key_fails_the_key_rule(test_ca):
    facts = dataclasses.replace(facts_from_der(test_ca.issue([POOL]).der), key_type="EC secp256r1", key_bits=256)
    finding = certs.OAuthKeySizeProbe().judge(facts, make_scenario(), ProbeContext())
    assert finding.status is Status.FAIL and "RSA" in finding.detail


@pytest.mark.skipif(sys.platform == "win32", reason="the store is readable on Windows")
def test_thumbprint_outside_windows_is_skipped_and_the_published_certificate_judged(pool):
    ctx = pool.healthy()
    scenario = make_scenario(oauth_certificate_thumbprint="C7BAD908" + "0" * 32)
    result = certs.OAuthCertificateSourceProbe().run(scenario, ctx)
    assert result.status is Status.SKIP and "only be read on Windows" in result.detail
    assert facts_from_der(pool.oauth.der).thumbprint in [e.value for e in result.evidence]
    assert certs.OAuthKeySizeProbe().run(scenario, ctx).status is Status.PASS


def test_no_certificate_file_judges_the_one_the_pool_publishes(pool):
    ctx = pool.healthy()
    result = certs.OAuthSubjectProbe().run(make_scenario(), ctx)
    assert result.status is Status.PASS and result.target == f"published in https://{POOL}{METADATA}"


def test_same_certificate_on_the_only_front_end_passes_and_says_so(pool):
    result = certs.SameOnFrontEndsProbe(POOL).run(make_scenario(), pool.healthy())
    assert result.status is Status.PASS and "only one address" in result.detail


@pytest.mark.skipif(sys.platform == "win32", reason="the store is readable on Windows")
def test_a_typed_thumbprint_is_compared_with_what_the_front_ends_publish(pool):
    ctx = pool.healthy()
    published = facts_from_der(pool.oauth.der).thumbprint
    other = make_scenario(oauth_certificate_thumbprint="AB" * 20)
    result = metadata.SfbMetadataCertificateProbe(POOL).run(other, ctx)
    assert result.status is Status.FAIL and "AB" * 20 in result.detail
    assert certs.SameOnFrontEndsProbe(POOL).run(other, ctx).status is Status.FAIL
    same = make_scenario(oauth_certificate_thumbprint=published.lower())
    assert metadata.SfbMetadataCertificateProbe(POOL).run(same, ctx).status is Status.PASS
