"""The same probes against real third-party servers: dnsmasq for DNS and nginx for HTTPS (SNI, per-address)."""

from __future__ import annotations

import pytest

from tests.thirdparty.conftest import Breakage
from wizard.probes.net.dns import DnsClient
from wizard.probes.net.errors import NxDomainError
from wizard.probes.registry import probes_for
from wizard.probes.result import Status
from wizard.probes.runner import run_probes

pytestmark = pytest.mark.thirdparty


def verify(deployment, **changes):
    ctx = deployment.context(**changes)
    results = run_probes(probes_for(deployment.scenario), deployment.scenario, ctx)
    return {r.id: r for r in results}


def test_dnsmasq_answers_cname_chains_multiple_addresses_srv_and_nxdomain(real_deployment):
    deployment = real_deployment(Breakage())
    client = DnsClient(deployment.context())
    assert client.addresses("autodiscover.contoso.com").cnames == ("ex01.contoso.com",)
    assert client.addresses("pool01.contoso.com").addresses == ("127.0.1.21", "127.0.1.22")
    assert [str(r) for r in client.srv("_autodiscover._tcp.contoso.com")] == ["0 0 443 autodiscover.contoso.com"]
    with pytest.raises(NxDomainError):
        client.addresses("nothere.contoso.com")


def test_healthy_deployment_on_real_servers_passes_every_probe(real_deployment):
    results = verify(real_deployment(Breakage()))
    problems = {i: (r.status.value, r.detail) for i, r in results.items() if r.status is not Status.PASS}
    assert not problems
    assert results["prerequisites.exchange-build:ex01.contoso.com"].evidence[0].value == "15.1.2507.6"


@pytest.mark.parametrize(("breakage", "probe_id", "words"), [
    (Breakage(split_front_ends=True), "certificates.oauth.same-on-front-ends:pool01.contoso.com",
     "publish different OAuth certificates"),
    (Breakage(no_metadata=True), "partner-applications.sfb-metadata:pool01.contoso.com", "HTTP 404"),
    (Breakage(srv_port=8443), "autodiscover.srv", "port 8443"),
    (Breakage(no_autodiscover_record=True), "prerequisites.dns:autodiscover.contoso.com", "NXDOMAIN"),
    (Breakage(exchange_metadata_html=True), "partner-applications.exchange-metadata", "returned HTML"),
])
def test_breakage_on_real_servers_is_caught_by_the_right_probe(real_deployment, breakage, probe_id, words):
    result = verify(real_deployment(breakage))[probe_id]
    assert result.status is Status.FAIL and words in result.detail, result.detail
    assert result.remediation


def test_without_the_internal_ca_the_certificate_probes_fail_on_trust(real_deployment):
    results = verify(real_deployment(Breakage()), ca_bundle=None)
    tls = results["certificates.tls:pool01.contoso.com"]
    assert tls.status is Status.FAIL and "Install the issuing root" in tls.remediation
    metadata = results["partner-applications.sfb-metadata:pool01.contoso.com"]
    assert metadata.status is Status.BLOCKED and metadata.blocked_by == ("certificates.tls:pool01.contoso.com",)
    assert results["autodiscover.dns"].status is Status.PASS  # DNS does not depend on trust
