"""One cause, one finding: dependents of a failed check end as BLOCKED naming the root cause.

Unit tests of the runner's dependency scheduling and budget, and lab tests that one broken thing
in a real deployment gives exactly one root cause.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import pytest

from wizard.lab import Lab
from wizard.probes import ids
from wizard.probes.base import Need
from wizard.probes.context import ProbeContext, ProbeSettings
from wizard.probes.registry import CHECKS, declared_for, probes_for
from wizard.probes.result import Cause, ProbeResult, Status
from wizard.probes.runner import dependency_ids, run_probes
from wizard.probes.summary import root_causes
from wizard.scenario import example_scenario
from wizard.topology import ExchangeKind, ExchangeVersion, Phase, SfbKind, SfbVersion, Topology


@dataclass
class Fake:
    id: str
    status: Status = Status.PASS
    seconds: float = 0.0
    needs: tuple[Need, ...] = ()
    phase: Phase = Phase.PREREQUISITES
    title: str = ""
    started: list[float] = field(default_factory=list)

    def run(self, scenario, ctx: ProbeContext) -> ProbeResult:
        self.started.append(time.monotonic())
        if ctx.wait(self.seconds):
            return ProbeResult(self.id, self.phase, Status.NOT_RUN, self.title or self.id, cause=Cause.NOT_RUN)
        return ProbeResult(self.id, self.phase, self.status, self.title or self.id)


def needs(*names: str, trust: bool = False) -> tuple[Need, ...]:
    return tuple(Need(n, trust) for n in names)


def run(*probes: Fake, settings: ProbeSettings | None = None, **kwargs) -> dict[str, ProbeResult]:
    results = run_probes(list(probes), example_scenario(), ProbeContext(settings), **kwargs)
    return {r.id: r for r in results}


def test_a_failed_dependency_blocks_its_whole_subtree_with_the_root_named():
    results = run(Fake("dns", Status.FAIL, title="the name resolves"), Fake("tcp", needs=needs("dns")),
                  Fake("tls", needs=needs("tcp")), Fake("other"))
    assert results["dns"].status is Status.FAIL
    assert results["tcp"].status is results["tls"].status is Status.BLOCKED
    assert results["tcp"].blocked_by == results["tls"].blocked_by == ("dns",)
    assert "the name resolves" in results["tls"].detail and results["tls"].cause is Cause.BLOCKED
    assert results["other"].status is Status.PASS
    [cause] = root_causes(list(results.values()))
    assert cause.result.id == "dns" and {r.id for r in cause.blocked} == {"tcp", "tls"}


def test_warnings_and_skips_do_not_block():
    results = run(Fake("a", Status.WARN), Fake("b", Status.SKIP), Fake("c", needs=needs("a", "b")))
    assert results["c"].status is Status.PASS


def test_a_dependent_starts_only_after_its_dependency_finished():
    first, second = Fake("first", seconds=0.3), Fake("second", needs=needs("first"))
    started = time.monotonic()
    run(first, second)
    assert second.started[0] - started >= 0.29


def test_two_failed_dependencies_are_both_named_and_counted_once():
    results = run(Fake("a", Status.FAIL), Fake("b", Status.ERROR), Fake("c", needs=needs("a", "b")),
                  Fake("d", needs=needs("c")))
    assert results["d"].blocked_by == ("a", "b")
    assert len(root_causes(list(results.values()))) == 2


def test_trust_needs_are_lifted_when_untrusted_certificates_are_accepted():
    probes = [Fake("cert", Status.FAIL), Fake("metadata", needs=needs("cert", trust=True))]
    assert run(*probes)["metadata"].status is Status.BLOCKED
    assert dependency_ids(probes, accept_untrusted=True) == [[], []]


def test_absent_dependencies_and_cycles_never_deadlock():
    results = run(Fake("a", needs=needs("b", "missing")), Fake("b", needs=needs("a")), budget=5)
    assert {r.status for r in results.values()} == {Status.PASS}


def test_the_budget_ends_the_run_and_says_so():
    started = time.monotonic()
    results = run(Fake("slow", seconds=30), Fake("after", needs=needs("slow")), Fake("quick"), budget=0.5)
    assert time.monotonic() - started < 0.5 + 1.5
    assert results["quick"].status is Status.PASS
    for name in ("slow", "after"):
        assert results[name].status is Status.NOT_RUN
        assert "time budget (0.5 s) ran out" in results[name].detail


def test_a_probe_that_ignores_cancel_does_not_hold_the_run_past_its_budget():
    release = threading.Event()

    class Stubborn(Fake):
        def run(self, scenario, ctx):
            release.wait(20)
            return ProbeResult(self.id, self.phase, Status.PASS, self.id)

    started = time.monotonic()
    try:
        results = run(Stubborn("stuck"), budget=0.3)
        assert time.monotonic() - started < 0.3 + 2.5
        assert results["stuck"].status is Status.NOT_RUN
    finally:
        release.set()


def test_settings_carry_the_default_budget():
    assert ProbeSettings().budget == 120.0
    with pytest.raises(ValueError, match="budget"):
        ProbeSettings(budget=0)


# --- the declared checks -------------------------------------------------------------------------

def test_every_declared_need_names_a_declared_check():
    declared = {d.id for d in CHECKS}
    for d in CHECKS:
        for template in (*d.needs, *d.trust_needs):
            assert ids.base(template) in declared, (d.id, template)


def test_every_probe_id_starts_with_its_declared_id():
    scenario = example_scenario()
    for declared in declared_for(scenario.topology_or_default, scenario):
        for probe in declared.instances(scenario, "https://login.microsoftonline.com"):
            assert ids.base(probe.id) == declared.id and probe.phase is declared.phase


def _topology(exchange: str, sfb: str) -> Topology:
    on_prem_exchange = exchange != "online"
    on_prem_sfb = sfb != "online"
    return Topology(ExchangeKind.SERVER if on_prem_exchange else ExchangeKind.ONLINE,
                    ExchangeVersion(exchange) if on_prem_exchange else None,
                    SfbKind.SERVER if on_prem_sfb else SfbKind.TEAMS,
                    SfbVersion(sfb) if on_prem_sfb else None)


@pytest.mark.parametrize("exchange,sfb,present,absent", [
    ("2019", "2019", {ids.TCP_5061, ids.SFB_METADATA, ids.EXCHANGE_METADATA}, {ids.TENANT}),
    ("online", "2019", {ids.SFB_METADATA, ids.TENANT}, {ids.EXCHANGE_BUILD, ids.EXCHANGE_METADATA}),
    ("2019", "online", {ids.EXCHANGE_METADATA, ids.TENANT}, {ids.TCP_5061, ids.SFB_METADATA}),
    ("2010", "2013", {ids.TCP_443, ids.AUTODISCOVER_DNS}, {ids.SFB_METADATA, ids.EXCHANGE_AUTH}),
])
def test_checks_per_topology_are_data(exchange, sfb, present, absent):
    topology = _topology(exchange, sfb)
    scenario = example_scenario()
    scenario.set("tenant_domain", "contoso.onmicrosoft.com")
    listed = declared_for(topology, scenario)
    names = {d.id for d in listed}
    assert present <= names and not absent & names
    assert all(topology.applies(d.phase) for d in listed)
    assert [d.phase for d in listed] == sorted((d.phase for d in listed), key=list(Phase).index)


def test_every_network_check_of_the_example_depends_on_something_except_the_resolver():
    probes = probes_for(example_scenario())
    roots = [p.id for p in probes if not p.needs]
    assert ids.RESOLVER in roots
    assert not [r for r in roots if not r.startswith(ids.OAUTH_SOURCE)
                and r != ids.RESOLVER], "only the resolver (and a certificate file) need nothing"


# --- one cause, one finding, on the real lab -------------------------------------------------------

SINGLE_CAUSE = {
    "missing-autodiscover-record": "prerequisites.dns:autodiscover.contoso.com",
    "dns-timeout": "prerequisites.dns:autodiscover.contoso.com",
    "dns-servfail": "prerequisites.dns:autodiscover.contoso.com",
    "untrusted-tls": "certificates.tls:pool01.contoso.com",
    "expired-tls-certificate": "certificates.tls:pool01.contoso.com",
    "metadata-404": "partner-applications.sfb-metadata:pool01.contoso.com",
    "autodiscover-name-mismatch": "certificates.tls:autodiscover.contoso.com",
}


@pytest.mark.parametrize("fault", sorted(SINGLE_CAUSE))
def test_one_broken_thing_gives_exactly_one_root_cause(fault):
    with Lab.start([fault]) as lab:
        ctx = ProbeContext(lab.settings)
        results = run_probes(probes_for(lab.scenario, login_base_url=lab.settings.login_base_url),
                             lab.scenario, ctx)
    causes = root_causes(results)
    assert [c.result.id for c in causes] == [SINGLE_CAUSE[fault]], [(r.id, r.status.value) for r in results
                                                                       if r.status.is_problem]
    blocked = [r for r in results if r.status is Status.BLOCKED]
    assert blocked and all(r.blocked_by == (SINGLE_CAUSE[fault],) for r in blocked)
    assert set(causes[0].blocked) == set(blocked)
