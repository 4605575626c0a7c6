"""Each DNS failure class as a lab fault, served by the lab's real DNS server, read by the check that owns it.

Every test asserts the check id, its status and cause, the words of its verdict, and that it ended
within the DNS deadline plus a small margin.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator

import pytest

from wizard.lab import Lab
from wizard.lab.dns_server import DnsServer
from wizard.lab.zone import Record
from wizard.probes.autodiscover import AutodiscoverSrvProbe
from wizard.probes.base import BaseProbe
from wizard.probes.context import ProbeContext, ProbeSettings
from wizard.probes.dns import RESOLVER_ID, ResolvesProbe, SfbDnsRecordsProbe
from wizard.probes.registry import probes_for
from wizard.probes.resolver import ResolverProbe
from wizard.probes.result import Cause, ProbeResult, Status
from wizard.probes.runner import run_probes

DEADLINE = 1.0  # settings.dns_timeout for these runs
MARGIN = 1.5


def settings(lab: Lab) -> ProbeSettings:
    return dataclasses.replace(lab.settings, dns_timeout=DEADLINE)


def run(probe: BaseProbe, lab: Lab, ctx_settings: ProbeSettings | None = None) -> tuple[ProbeResult, float]:
    began = time.monotonic()
    result = probe.run(lab.scenario, ProbeContext(ctx_settings or settings(lab)))
    return result, time.monotonic() - began


@pytest.fixture
def lab_with(request: pytest.FixtureRequest) -> Iterator[Lab]:
    with Lab.start([request.param]) as lab:
        yield lab
        assert lab.errors == []


def fault(name: str) -> pytest.MarkDecorator:
    return pytest.mark.parametrize("lab_with", [name], indirect=True)


@fault("cname-loop")
def test_cname_loop_is_named_with_its_links(lab_with: Lab) -> None:
    result, seconds = run(ResolvesProbe("Autodiscover", "autodiscover.contoso.com"), lab_with)
    assert result.id == "prerequisites.dns:autodiscover.contoso.com"
    assert (result.status, result.cause) == (Status.FAIL, Cause.FINDING)
    assert ("form a loop: autodiscover.contoso.com -> mail.contoso.com -> autodiscover.contoso.com"
            in result.detail), result.detail
    assert "NOERROR" not in result.detail
    assert "Break the loop" in result.remediation
    assert seconds < DEADLINE + MARGIN


@fault("cname-chain-too-long")
def test_over_long_cname_chain_names_its_first_links(lab_with: Lab) -> None:
    result, seconds = run(SfbDnsRecordsProbe(lab_with.scenario), lab_with)
    assert result.id == "prerequisites.sfb-dns"
    assert (result.status, result.cause) == (Status.FAIL, Cause.FINDING)
    assert ("sip.contoso.com leads through a chain of 20 CNAME records (sip.contoso.com -> sip-hop01.contoso.com "
            "-> sip-hop02.contoso.com" in result.detail), result.detail
    assert "more than the 8" in result.detail and "NOERROR" not in result.detail
    assert seconds < DEADLINE + MARGIN


@fault("sip-srv-target-root")
def test_srv_target_root_says_the_service_is_not_available(lab_with: Lab) -> None:
    result, seconds = run(SfbDnsRecordsProbe(lab_with.scenario), lab_with)
    assert result.id == "prerequisites.sfb-dns"
    assert (result.status, result.cause) == (Status.FAIL, Cause.FINDING)
    assert ('_sip._tls.contoso.com and _sipinternaltls._tcp.contoso.com have the SRV target "."'
            in result.detail), result.detail
    assert "decidedly not available" in result.detail and "RFC 2782" in result.detail
    assert "target ," not in result.detail and "missing" not in result.detail
    assert 'Replace the SRV records whose target is "."' in result.remediation
    assert seconds < DEADLINE + MARGIN


@fault("srv-target-no-address")
def test_srv_target_without_address_names_the_target(lab_with: Lab) -> None:
    result, seconds = run(SfbDnsRecordsProbe(lab_with.scenario), lab_with)
    assert result.id == "prerequisites.sfb-dns"
    assert (result.status, result.cause) == (Status.FAIL, Cause.FINDING)
    assert ("_sipfederationtls._tcp.contoso.com points to access.contoso.com, which has no address: "
            "access.contoso.com does not exist in DNS (NXDOMAIN)" in result.detail), result.detail
    assert "Every SRV target needs an address" in result.remediation
    assert seconds < DEADLINE + MARGIN


@fault("dns-truncated")
def test_truncated_udp_answer_passes_with_the_full_answer_over_tcp(lab_with: Lab) -> None:
    result, seconds = run(ResolvesProbe("Front End pool", "pool01.contoso.com"), lab_with)
    assert result.id == "prerequisites.dns:pool01.contoso.com"
    assert result.status is Status.PASS and result.cause is None
    assert result.detail == "pool01.contoso.com resolves to 127.77.0.21, 127.77.0.22."  # both, not the cut UDP one
    transport = {e.label: e.value for e in result.evidence}["transport"]
    assert "TCP" in transport and "truncated its UDP answer" in transport
    assert seconds < DEADLINE + MARGIN


@fault("dns-wrong-name")
def test_answer_for_another_name_is_a_bad_answer_not_used(lab_with: Lab) -> None:
    result, seconds = run(ResolvesProbe("Exchange server", "ex01.contoso.com"), lab_with)
    assert result.id == "prerequisites.dns:ex01.contoso.com"
    assert (result.status, result.cause) == (Status.ERROR, Cause.BAD_ANSWER)
    assert ("answered the question for ex01.contoso.com with records for another name (ex01.fabrikam.com)"
            in result.detail), result.detail
    assert "is not used" in result.detail and "127.77.0.10" not in result.detail
    assert "DNS proxy" in result.remediation
    assert seconds < DEADLINE + MARGIN


@fault("dns-silent")
def test_silent_dns_server_is_one_timeout_naming_the_server(lab_with: Lab) -> None:
    result, seconds = run(ResolverProbe(lab_with.scenario), lab_with)
    assert result.id == RESOLVER_ID == "prerequisites.resolver"
    assert (result.status, result.cause) == (Status.ERROR, Cause.TIMEOUT)
    assert f"The DNS server 127.0.0.1:{lab_with.dns.port} does not answer" in result.detail, result.detail
    assert DEADLINE - 0.1 < seconds < DEADLINE + MARGIN


@fault("dns-silent")
def test_silent_dns_server_gives_one_finding_in_a_whole_run(lab_with: Lab) -> None:
    ctx = ProbeContext(settings(lab_with))
    began = time.monotonic()
    results = run_probes(probes_for(lab_with.scenario), lab_with.scenario, ctx)
    seconds = time.monotonic() - began
    problems = [r.id for r in results if r.status.is_problem]
    assert problems == [RESOLVER_ID]
    blocked = [r for r in results if r.status is Status.BLOCKED]
    assert len(blocked) > 20 and all(r.blocked_by == (RESOLVER_ID,) for r in blocked)
    # what is not blocked needs no DNS: the OAuth certificate read from its file
    assert {r.id.split(".")[0] for r in results if r.status is Status.PASS} <= {"certificates"}
    assert seconds < DEADLINE + MARGIN


def test_autodiscover_srv_target_root_is_not_available_not_target_comma() -> None:
    with Lab.start() as lab:
        records = [r for r in lab.zone.records if not r.name.startswith("_autodiscover.")]
        records.append(Record("_autodiscover._tcp.contoso.com.", "SRV", "0 0 443 ."))
        server = DnsServer(records, lab.zone.zones).start()
        try:
            result, seconds = run(AutodiscoverSrvProbe(lab.scenario), lab,
                                  dataclasses.replace(settings(lab), nameserver=("127.0.0.1", server.port)))
        finally:
            assert server.stop() == []
    assert result.id == "autodiscover.srv"
    assert (result.status, result.cause) == (Status.FAIL, Cause.FINDING)
    assert ('_autodiscover._tcp.contoso.com says the service is decidedly not available in this domain: its SRV '
            'record (0 0 443 .) has the target "."' in result.detail), result.detail
    assert "target ," not in result.detail and "not autodiscover.contoso.com" not in result.detail
    assert seconds < DEADLINE + MARGIN


def test_autodiscover_srv_to_another_name_without_address_says_so() -> None:
    with Lab.start() as lab:
        records = [r for r in lab.zone.records if not r.name.startswith("_autodiscover.")]
        records.append(Record("_autodiscover._tcp.contoso.com.", "SRV", "0 0 443 mail.contoso.com."))
        server = DnsServer(records, lab.zone.zones).start()
        try:
            result, _ = run(AutodiscoverSrvProbe(lab.scenario), lab,
                            dataclasses.replace(settings(lab), nameserver=("127.0.0.1", server.port)))
        finally:
            assert server.stop() == []
    assert result.status is Status.FAIL
    assert ("target mail.contoso.com, not autodiscover.contoso.com, a name that has no address in DNS"
            in result.detail), result.detail
