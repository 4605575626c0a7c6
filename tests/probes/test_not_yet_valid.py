"""A certificate whose validity starts in the future fails every certificate check, by the run's clock.

Before, an Exchange Auth certificate that was not valid yet passed ("valid until 2031"). Now the TLS,
OAuth, Exchange Auth and published-metadata certificate checks all FAIL it with its start date and
the likely cause, on the lab's real servers; the rule reads ProbeContext.now(), so an injected clock
moves every verdict (and the real clock of the machine running the tests does not decide them).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from tests.probes.conftest import context_for
from tests.probes.loopback import DnsBehaviour, Reply
from wizard.lab import Lab
from wizard.lab.ca import (
    KEYS,
    NOT_YET_VALID_FOR,
    TLS_LIFETIME,
    IssuedCertificate,
    TestCertificateAuthority,
    Validity,
    exchange_auth_certificate,
)
from wizard.lab.deployment import POOL
from wizard.probes.certs import ExchangeAuthCertificateProbe, OAuthValidityProbe
from wizard.probes.context import ProbeContext
from wizard.probes.formats.certificate import facts_from_der
from wizard.probes.metadata import SfbMetadataCertificateProbe, SfbMetadataProbe
from wizard.probes.registry import probes_for
from wizard.probes.result import Cause, ProbeResult, Status
from wizard.probes.runner import run_probes
from wizard.probes.tcp_tls import TlsCertificateProbe
from wizard.scenario import Scenario

MARGIN = 1.5
CAUSE_WORDS = "the server's clock or the certificate's issue date is wrong"


def until(moment: datetime) -> str:
    return f"not valid until {moment:%Y-%m-%d %H:%M} UTC"


def verify(lab: Lab, ctx: ProbeContext | None = None) -> tuple[dict[str, ProbeResult], float]:
    ctx = ctx or ProbeContext(lab.settings)
    began = time.monotonic()
    results = run_probes(probes_for(lab.scenario, login_base_url=lab.settings.login_base_url), lab.scenario, ctx)
    return {r.id: r for r in results}, time.monotonic() - began


def assert_not_yet_valid(result: ProbeResult, start: datetime, lab: Lab, seconds: float) -> None:
    assert result.status is Status.FAIL, (result.id, result.status, result.detail)
    assert result.cause is Cause.FINDING
    assert until(start) in result.detail
    assert CAUSE_WORDS in result.detail
    assert "w32tm" in result.remediation
    assert result.elapsed_ms / 1000 < lab.settings.http_timeout + MARGIN
    assert seconds < lab.settings.http_timeout + MARGIN


@pytest.fixture(scope="module")
def tls_lab() -> Iterator[Lab]:
    with Lab.start(["tls-not-yet-valid"]) as lab:
        yield lab
        assert lab.errors == []


@pytest.fixture(scope="module")
def oauth_lab() -> Iterator[Lab]:
    with Lab.start(["oauth-not-yet-valid"]) as lab:
        yield lab
        assert lab.errors == []


@pytest.fixture(scope="module")
def exchange_lab() -> Iterator[Lab]:
    with Lab.start(["exchange-auth-not-yet-valid"]) as lab:
        yield lab
        assert lab.errors == []


@pytest.fixture(scope="module")
def healthy_lab() -> Iterator[Lab]:
    with Lab.start() as lab:
        yield lab
        assert lab.errors == []


def pool_tls_start(lab: Lab) -> datetime:
    front_end = lab.deployment.front_ends[0]
    return lab.certificates.tls[front_end.key][0][1].certificate.not_valid_before_utc


# ---- the lab faults, end to end


def test_tls_not_yet_valid_fails_the_pool_certificate_check(tls_lab: Lab) -> None:
    results, seconds = verify(tls_lab)
    assert results[f"prerequisites.tls:{POOL}"].status is Status.PASS  # the protocol itself works
    assert_not_yet_valid(results[f"certificates.tls:{POOL}"], pool_tls_start(tls_lab), tls_lab, seconds)
    assert not [r.id for r in results.values() if r.cause is Cause.DEFECT]


def test_tls_not_yet_valid_reads_the_same_on_an_https_fetch(tls_lab: Lab) -> None:
    """The metadata check fetches over HTTPS: its trust error says 'not valid until', not just 'untrusted'."""
    result = SfbMetadataProbe(POOL).run(tls_lab.scenario, ProbeContext(tls_lab.settings))
    assert result.status is Status.FAIL
    assert result.cause is Cause.FINDING
    assert until(pool_tls_start(tls_lab)) in result.detail
    assert CAUSE_WORDS in result.detail
    assert result.elapsed_ms / 1000 < tls_lab.settings.http_timeout + MARGIN


def test_oauth_not_yet_valid_fails_the_oauth_validity_check(oauth_lab: Lab) -> None:
    results, seconds = verify(oauth_lab)
    start = oauth_lab.certificates.oauth.certificate.not_valid_before_utc
    result = results["certificates.oauth.validity"]
    assert_not_yet_valid(result, start, oauth_lab, seconds)
    assert "Valid until" not in result.detail
    assert not [r.id for r in results.values() if r.cause is Cause.DEFECT]


def test_oauth_not_yet_valid_fails_the_published_certificate_check(oauth_lab: Lab) -> None:
    result = SfbMetadataCertificateProbe(POOL).run(oauth_lab.scenario, ProbeContext(oauth_lab.settings))
    start = oauth_lab.certificates.oauth.certificate.not_valid_before_utc
    assert result.status is Status.FAIL, result.detail
    assert "publishes the chosen certificate" in result.detail
    assert until(start) in result.detail and CAUSE_WORDS in result.detail


def test_exchange_auth_not_yet_valid_no_longer_passes(exchange_lab: Lab) -> None:
    results, seconds = verify(exchange_lab)
    assert exchange_lab.certificates.exchange_auth is not None
    start = exchange_lab.certificates.exchange_auth.certificate.not_valid_before_utc
    result = results["certificates.exchange-auth"]
    assert_not_yet_valid(result, start, exchange_lab, seconds)
    assert "is valid until" not in result.detail
    assert "Set-AuthConfig -NewCertificateThumbprint" in result.remediation
    assert not [r.id for r in results.values() if r.cause is Cause.DEFECT]


# ---- the rule reads the injected clock, not the machine's


def test_a_clock_before_the_certificates_start_fails_every_certificate_check(healthy_lab: Lab) -> None:
    """The healthy lab's certificates start a day ago; a run whose clock is 40 days back sees none valid yet."""
    lab = healthy_lab
    earlier = datetime.now(UTC) - timedelta(days=40)
    ctx = ProbeContext(lab.settings, clock=lambda: earlier)
    tls = TlsCertificateProbe("Front End pool", POOL, "the Exchange servers").run(lab.scenario, ctx)
    oauth = OAuthValidityProbe().run(lab.scenario, ctx)
    exchange = ExchangeAuthCertificateProbe(lab.scenario).run(lab.scenario, ctx)
    published = SfbMetadataCertificateProbe(POOL).run(lab.scenario, ctx)
    for result in (tls, oauth, exchange, published):
        assert result.status is Status.FAIL, (result.id, result.detail)
        assert "not valid until" in result.detail and CAUSE_WORDS in result.detail, result.id
    assert until(pool_tls_start(lab)) in tls.detail


def test_a_clock_past_the_start_passes_a_not_yet_valid_oauth_certificate(oauth_lab: Lab) -> None:
    later = datetime.now(UTC) + NOT_YET_VALID_FOR + timedelta(days=1)
    result = OAuthValidityProbe().run(oauth_lab.scenario, ProbeContext(oauth_lab.settings, clock=lambda: later))
    assert result.status is Status.PASS, result.detail


# ---- the rule itself, on certificates made by the lab CA


@pytest.fixture(scope="module")
def lab_ca() -> TestCertificateAuthority:
    return TestCertificateAuthority(KEYS.get("ca"))


def test_validity_rule_names_the_start_and_the_likely_cause(lab_ca: TestCertificateAuthority) -> None:
    now = datetime(2026, 12, 16, 9, 0, tzinfo=UTC)
    validity = Validity(datetime(2027, 1, 15, 10, 0, tzinfo=UTC), datetime(2028, 1, 15, 10, 0, tzinfo=UTC))
    issued = lab_ca.issue_tls(["pool01.contoso.com"], key=KEYS.get("tls"), validity=validity)
    facts = facts_from_der(issued.der)
    assert facts.not_yet_valid_at(now)
    assert facts.validity_problem(now) == ("not valid until 2027-01-15 10:00 UTC; the server's clock or the "
                                           "certificate's issue date is wrong")
    assert facts.validity_problem(datetime(2027, 1, 15, 10, 0, tzinfo=UTC)) == ""
    assert facts.validity_problem(datetime(2028, 2, 1, tzinfo=UTC)).startswith("expired on 2028-01-15 10:00 UTC")


def test_lab_not_yet_valid_dates_start_a_month_ahead() -> None:
    now = datetime(2026, 12, 16, 9, 30, 45, tzinfo=UTC)
    dates = Validity.not_yet_valid(now, TLS_LIFETIME)
    assert dates.not_before == datetime(2027, 1, 15, 9, 30, tzinfo=UTC)
    assert dates.not_after - dates.not_before == TLS_LIFETIME


def _exchange_metadata(*certificates: IssuedCertificate) -> bytes:
    keys = [{"usage": "signing", "keyinfo": {"x5t": c.x5t}, "keyvalue": {"type": "x509Certificate",
                                                                        "value": c.base64_der}}
            for c in certificates]
    return json.dumps({"realm": "*", "serviceName": "00000002-0000-0ff1-ce00-000000000000",
                       "issuer": "00000002-0000-0ff1-ce00-000000000000@*", "keys": keys}).encode()


@pytest.fixture
def exchange_site(dns_server, https_server, test_ca, ca_file):
    """Serve an Exchange metadata document with the given Auth certificates over real HTTPS."""

    def start(*certificates: IssuedCertificate) -> tuple[ExchangeAuthCertificateProbe, Scenario, ProbeContext]:
        host = "autodiscover.contoso.com"
        site = https_server("127.0.0.41", {host: test_ca.issue([host])},
                            {(host, "/autodiscover/metadata/json/1"): Reply(
                                200, [("Content-Type", "application/json")], _exchange_metadata(*certificates))})
        dns = dns_server(DnsBehaviour(records={(f"{host}.", "A"): ["127.0.0.41"]}))
        scenario = Scenario()
        assert not scenario.update({"autodiscover_fqdn": host, "smtp_domain": "contoso.com"})
        return ExchangeAuthCertificateProbe(scenario), scenario, context_for(dns, site, ca_file)

    return start


def test_exchange_auth_only_certificate_not_yet_valid_fails(exchange_site) -> None:
    now = datetime.now(UTC)
    early = exchange_auth_certificate(key=KEYS.get("exchange-auth"), now=now, not_yet_valid=True)
    probe, scenario, ctx = exchange_site(early)
    result = probe.run(scenario, ctx)
    assert result.status is Status.FAIL, result.detail
    assert until(early.certificate.not_valid_before_utc) in result.detail
    assert early.thumbprint in result.detail


def test_exchange_auth_next_certificate_not_yet_valid_warns(exchange_site) -> None:
    now = datetime.now(UTC)
    current = exchange_auth_certificate(key=KEYS.get("exchange-auth"), now=now)
    nxt = exchange_auth_certificate(key=KEYS.get("exchange-auth"), now=now, not_yet_valid=True)
    probe, scenario, ctx = exchange_site(current, nxt)
    result = probe.run(scenario, ctx)
    assert result.status is Status.WARN, result.detail
    assert nxt.thumbprint in result.detail and "NextCertificateEffectiveDate" in result.remediation

