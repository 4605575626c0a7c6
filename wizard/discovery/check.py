"""One quick check: discover, build the scenario (the admin's values win), verify; the CLI and the window call it.

The discovery lookups and the verification are two runs of the same runner, so each streams its results
as they end, is bounded by the same budget and deadlines, and is cancelled by the same switch.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from wizard.discovery.decide import decide
from wizard.discovery.lookups import lookups_for
from wizard.discovery.query import Query
from wizard.probes.context import ProbeContext, ProbeSettings
from wizard.probes.registry import probes_for
from wizard.probes.result import ProbeResult
from wizard.probes.runner import run_probes
from wizard.run_document import DiscoveredValue, TargetRun
from wizard.scenario import Scenario
from wizard.where_to import give

OnResult = Callable[[ProbeResult], None]


@dataclass(frozen=True)
class CheckOutcome:
    scenario: Scenario
    run: TargetRun


@dataclass(frozen=True)
class Discovery:
    """What the lookups found for one query: the scenario built from it (the admin's values win), where each
    value came from, the notes, and whether enough was found to verify."""

    scenario: Scenario
    results: tuple[ProbeResult, ...]  # the lookups', then discovery's own verdicts (discovery.exchange, .sfb)
    discovered: tuple[DiscoveredValue, ...]
    notes: tuple[str, ...]
    complete: bool
    overridden: frozenset[str]


def discover(query: Query, settings: ProbeSettings, given: Mapping[str, object] | None = None, *,
             on_result: OnResult | None = None, on_planned: Callable[[int], None] | None = None,
             ctx: ProbeContext | None = None, given_by: str = "given on the command line") -> Discovery:
    """Ask what can be asked without credentials about `query`, and build the scenario from the answers.
    `given` holds the admin's own values (field names of wizard.fields), which replace discovered ones."""
    given = dict(given or {})
    ctx = ctx or ProbeContext(settings)
    found = lookups_for(query, login_base_url=settings.login_base_url,
                        autodiscover_v2_base_url=settings.autodiscover_v2_base_url)
    probes = found.all()
    if on_planned:
        on_planned(len(probes))
    lookup_results = run_probes(probes, Scenario(), ctx, on_result=on_result)
    decision = decide(query, found, {r.id: r for r in lookup_results}, given)
    for result in decision.results:
        if on_result:
            on_result(result)
    scenario = Scenario()
    scenario.update(decision.values)
    overridden = frozenset(k for k, v in given.items() if v is not None)
    problems = scenario.update({k: v for k, v in given.items() if v is not None})
    notes = list(decision.notes) + [f"{name}: {message}" for name, message in problems.items()]
    discovered = [d for d in decision.discovered if d.field not in overridden]
    discovered += [DiscoveredValue(k, ", ".join(v) if isinstance(v, list) else str(v), given_by)
                   for k, v in given.items() if v is not None and k != "mode"]
    return Discovery(scenario, (*lookup_results, *decision.results), tuple(discovered), tuple(notes),
                     decision.complete and not ctx.cancelled, overridden)


def run_check(query: Query, settings: ProbeSettings, given: Mapping[str, object] | None = None, *,
              on_result: OnResult | None = None, on_planned: Callable[[int], None] | None = None,
              ctx: ProbeContext | None = None) -> CheckOutcome:
    """Discover what `query` leads to, then verify it. on_planned is told how many checks come (twice: the
    lookups, then the verification)."""
    started = time.monotonic()
    found = discover(query, settings, given, on_result=on_result, on_planned=on_planned, ctx=ctx)
    scenario, notes = found.scenario, list(found.notes)
    verification: list[ProbeResult] = []
    if found.complete:
        missing = [name for name in scenario.errors() if name not in found.overridden]
        notes += [f"Not discovered: {name.replace('_', ' ')} ({give(name)})" for name in missing]
        checks = probes_for(scenario, login_base_url=settings.login_base_url)
        if on_planned:
            on_planned(len(found.results) + len(checks))
        remaining = None if settings.budget is None else max(settings.budget - (time.monotonic() - started), 1.0)
        run_ctx = ProbeContext(replace(settings, budget=remaining))  # the lookups' context closed with its run
        verification = run_probes(checks, scenario, run_ctx, on_result=on_result)
    results = (*found.results, *verification)
    run = TargetRun(results, query.text, found.discovered, time.monotonic() - started, tuple(notes))
    return CheckOutcome(scenario, run)
