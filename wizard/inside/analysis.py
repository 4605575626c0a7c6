"""One call from collected files to everything the inside view shows: findings, trust graph, rotation plan.

The CLI (`analyze`) and the GUI (File > Import collected data) both call `import_collected`, so they
show the same findings; it raises CollectedFileError (one line) for an unusable file and changes nothing.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from wizard.inside.collected import CollectedData, load_collected
from wizard.inside.published import PublishedKeys
from wizard.inside.rotation import RotationPlan, build_rotation_plan
from wizard.inside.rules import RuleContext, run_rules
from wizard.inside.trust_graph import TrustGraph, build_trust_graph
from wizard.probes.result import ProbeResult, summarise
from wizard.scenario import Scenario
from wizard.topology import Phase


@dataclass(frozen=True)
class AnalysisResult:
    collected: CollectedData
    findings: tuple[ProbeResult, ...]  # rule findings (and live download problems), in phase order
    graph: TrustGraph
    plan: RotationPlan
    now: datetime
    published: PublishedKeys = field(default_factory=PublishedKeys)

    @property
    def problems(self) -> tuple[ProbeResult, ...]:
        return tuple(f for f in self.findings if f.status.is_problem)

    def to_json(self) -> dict[str, Any]:
        return {
            "analysed_at": self.now.isoformat(),
            "sources": [c.source for c in self.collected.collections],
            "summary": summarise(list(self.findings)),
            "findings": [f.to_json() for f in self.findings],
            "trust_graph": self.graph.to_json(),
            "rotation": [{"certificate": r.title, "thumbprint": r.thumbprint,
                          "not_after": r.not_after.isoformat() if r.not_after else None,
                          "steps": [{"number": s.number, "shell": s.shell.value, "title": s.title,
                                     "manual": s.manual} for s in r.steps]} for r in self.plan.rotations],
        }


_PHASE_ORDER = {phase: index for index, phase in enumerate(Phase)}


def analyze(collected: CollectedData, scenario: Scenario, *, now: datetime | None = None,
            published: PublishedKeys | None = None, extra: Iterable[ProbeResult] = ()) -> AnalysisResult:
    """Run every rule and build the graph and the plan; `scenario` must be valid (require_valid)."""
    scenario.require_valid()
    moment = now or datetime.now(UTC)
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    ctx = RuleContext(collected, scenario, moment, published or PublishedKeys())
    findings = sorted([*run_rules(ctx), *extra], key=lambda f: _PHASE_ORDER[f.phase])
    return AnalysisResult(collected, tuple(findings), build_trust_graph(ctx), build_rotation_plan(ctx), moment,
                          ctx.published)


def import_collected(paths: Iterable[str | os.PathLike[str]], scenario: Scenario, *,
                     clock: Callable[[], datetime] | None = None,
                     published: PublishedKeys | None = None) -> AnalysisResult:
    """Load collector files and analyse them (raises CollectedFileError or ScenarioInvalid, both one line)."""
    collected = load_collected(list(paths))
    return analyze(collected, scenario, now=clock() if clock else None, published=published)
