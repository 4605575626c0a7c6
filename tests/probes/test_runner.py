"""The runner with fake probes that implement the real interface, and with real probes on a hanging server."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from tests.probes.conftest import context_for
from tests.probes.loopback import DnsBehaviour, Reply
from wizard.probes.base import BaseProbe, Finding, Net, passed
from wizard.probes.context import ProbeContext, ProbeSettings
from wizard.probes.registry import Probe
from wizard.probes.result import Cause, ProbeResult, Status
from wizard.probes.runner import run_probes
from wizard.scenario import example_scenario
from wizard.topology import Phase


@dataclass
class SleepyProbe:
    id: str
    seconds: float
    phase: Phase = Phase.PREREQUISITES
    title: str = "sleeps"
    ran_on: list[str] = field(default_factory=list)

    def run(self, scenario, ctx: ProbeContext) -> ProbeResult:
        self.ran_on.append(threading.current_thread().name)
        ctx.wait(self.seconds)
        status = Status.NOT_RUN if ctx.cancelled else Status.PASS
        return ProbeResult(self.id, self.phase, status, self.title, elapsed_ms=self.seconds * 1000)


class ExplodingProbe(BaseProbe):
    phase = Phase.CERTIFICATES
    id = "test.explodes"
    title = "raises"

    def check(self, scenario, ctx):
        raise KeyError("boom")


class ContractBreakerProbe:
    """Violates 'run never raises'; the runner must still produce a result."""

    id = "test.breaks-contract"
    phase = Phase.OAUTH
    title = "raises from run()"

    def run(self, scenario, ctx):
        raise RuntimeError("bad probe")


def test_fakes_satisfy_the_probe_protocol():
    assert isinstance(SleepyProbe("a", 0), Probe)


def test_probes_run_concurrently_so_time_is_the_slowest_not_the_sum():
    probes = [SleepyProbe(f"p{i}", 0.3) for i in range(10)]
    started = time.monotonic()
    results = run_probes(probes, example_scenario(), ProbeContext())
    elapsed = time.monotonic() - started
    assert [r.id for r in results] == [p.id for p in probes]
    assert elapsed < 1.0  # one by one it would be 3 s


def test_results_keep_the_probes_order_and_on_result_sees_each_once():
    probes = [SleepyProbe("slow", 0.3), SleepyProbe("fast", 0.0), SleepyProbe("middle", 0.1)]
    seen: list[str] = []
    results = run_probes(probes, example_scenario(), ProbeContext(), on_result=lambda r: seen.append(r.id))
    assert [r.id for r in results] == ["slow", "fast", "middle"]
    assert sorted(seen) == ["fast", "middle", "slow"] and seen[0] == "fast"


def test_a_probe_that_raises_becomes_an_error_result():
    results = run_probes([ExplodingProbe(), ContractBreakerProbe(), SleepyProbe("ok", 0)], example_scenario(),
                         ProbeContext())
    assert [r.status for r in results] == [Status.ERROR, Status.ERROR, Status.PASS]
    assert "KeyError" in results[0].detail and "RuntimeError" in results[1].detail
    assert all(r.cause is Cause.DEFECT and "defect in the wizard" in r.detail for r in results[:2])


def test_a_failing_listener_does_not_lose_results():
    def listener(result):
        raise ValueError("listener bug")

    results = run_probes([SleepyProbe("a", 0), SleepyProbe("b", 0)], example_scenario(), ProbeContext(),
                         on_result=listener)
    assert [r.status for r in results] == [Status.PASS, Status.PASS]


def test_cancel_returns_quickly_and_marks_unfinished_probes_not_run():
    probes = [SleepyProbe(f"p{i}", 30) for i in range(6)]
    ctx = ProbeContext()
    threading.Timer(0.2, ctx.cancel).start()
    started = time.monotonic()
    results = run_probes(probes, example_scenario(), ctx, max_workers=2)
    assert time.monotonic() - started < 1.0
    assert all(r.status is Status.NOT_RUN for r in results)
    assert not [t for t in threading.enumerate() if t.name.startswith("probe")]


def test_empty_probe_list_gives_empty_results():
    assert run_probes([], example_scenario(), ProbeContext()) == []


class FetchProbe(BaseProbe):
    phase = Phase.VERIFICATION
    title = "fetches"

    def __init__(self, url: str) -> None:
        self.id = f"test.fetch:{url}"
        self.target = url

    def check(self, scenario, ctx) -> Finding:
        response = Net(ctx).http.fetch(self.target)
        return passed(f"HTTP {response.status}")


def test_cancel_while_probes_wait_on_a_never_answering_server_returns_within_a_second(
        dns_server, https_server, test_ca, ca_file):
    dns = dns_server(DnsBehaviour(records={("hang.contoso.com.", "A"): ["127.0.0.3"]}))
    site = https_server("127.0.0.3", {"hang.contoso.com": test_ca.issue(["hang.contoso.com"])},
                        {("*", "/"): Reply(hang=True), ("*", "/also"): Reply(hang=True)})
    ctx = context_for(dns, site, ca_file, http_timeout=60)
    probes = [FetchProbe("https://hang.contoso.com/"), FetchProbe("https://hang.contoso.com/also")]
    threading.Timer(0.4, ctx.cancel).start()
    started = time.monotonic()
    results = run_probes(probes, example_scenario(), ctx)
    assert time.monotonic() - started < 1.4
    assert [r.status for r in results] == [Status.NOT_RUN, Status.NOT_RUN]
    assert all("stopped" in r.detail for r in results)


def test_a_never_answering_server_is_an_error_after_the_timeout(dns_server, https_server, test_ca, ca_file):
    dns = dns_server(DnsBehaviour(records={("hang.contoso.com.", "A"): ["127.0.0.3"]}))
    site = https_server("127.0.0.3", {"hang.contoso.com": test_ca.issue(["hang.contoso.com"])},
                        {("*", "/"): Reply(hang=True)})
    ctx = context_for(dns, site, ca_file, http_timeout=0.5)
    [result] = run_probes([FetchProbe("https://hang.contoso.com/")], example_scenario(), ctx)
    assert result.status is Status.ERROR and "did not answer within" in result.detail


def test_settings_default_to_the_system_resolver_and_documented_limits():
    settings = ProbeSettings()
    assert (settings.nameserver, settings.dns_timeout, settings.http_timeout) == (None, 3.0, 10.0)
    assert (settings.max_bytes, settings.max_redirects, settings.accept_untrusted) == (1024 * 1024, 5, False)


class HandshakeProbe(BaseProbe):
    phase = Phase.PREREQUISITES
    title = "handshakes"

    def __init__(self, host: str, address: str, port: int) -> None:
        self.id = f"test.handshake:{address}:{port}"
        self.host, self.address, self.port = host, address, port

    def check(self, scenario, ctx) -> Finding:
        from wizard.probes.net import tls

        shake = tls.handshake(ctx, self.host, self.address, self.port)
        return passed(shake.version)


def test_a_stuck_tls_handshake_does_not_hold_up_the_other_probes(
        dns_server, https_server, test_ca, ca_file, silent_listener):
    dns = dns_server(DnsBehaviour(records={("www.contoso.com.", "A"): ["127.0.0.3"]}))
    site = https_server("127.0.0.3", {"www.contoso.com": test_ca.issue(["www.contoso.com"])}, {})
    ctx = context_for(dns, site, ca_file, http_timeout=3)
    finished: dict[str, float] = {}
    started = time.monotonic()
    probes = [HandshakeProbe("stuck.contoso.com", "127.0.0.1", silent_listener.port),
              HandshakeProbe("www.contoso.com", "127.0.0.3", site.port)]
    results = run_probes(probes, example_scenario(), ctx,
                         on_result=lambda r: finished.setdefault(r.id, time.monotonic() - started))
    assert results[1].status is Status.PASS and finished[results[1].id] < 1.0
    assert results[0].status is Status.ERROR and "did not complete a TLS handshake" in results[0].detail
