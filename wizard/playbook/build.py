"""Assemble the playbook: every phase's steps, in phase order, for the scenario's topology only.

Only a valid scenario gets a playbook: it is settled (validated once, frozen, its topology made of
enums) before any phase module sees it, so every value they quote has passed its validator and none
of them re-validates or re-defaults; phases the topology skips (Topology.applies) contribute nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

from wizard.playbook.phases import (
    autodiscover,
    certificates,
    hybrid,
    oauth,
    partner_applications,
    prerequisites,
    verification,
)
from wizard.playbook.step import Step
from wizard.scenario import Scenario
from wizard.settled import Settled
from wizard.topology import Phase

PHASE_MODULES: dict[Phase, ModuleType] = {
    Phase.PREREQUISITES: prerequisites,
    Phase.CERTIFICATES: certificates,
    Phase.AUTODISCOVER: autodiscover,
    Phase.OAUTH: oauth,
    Phase.PARTNER_APPLICATIONS: partner_applications,
    Phase.HYBRID: hybrid,
    Phase.VERIFICATION: verification,
}


class PlaybookError(RuntimeError):
    """A phase module produced an inconsistent playbook (a bug, reported with the step at fault)."""


def settled_of(scenario: Scenario | Settled) -> Settled:
    """The phases read only a settled scenario: validated once here, never again downstream."""
    return scenario if isinstance(scenario, Settled) else scenario.settle()


def _phase_steps(settled: Settled, phase: Phase) -> list[Step]:
    if not settled.topology.applies(phase):
        return []
    make: Callable[[Settled], list[Step]] = PHASE_MODULES[phase].steps
    produced = make(settled)
    for step in produced:
        if step.phase is not phase:
            raise PlaybookError(f"step {step.id} claims phase {step.phase} but comes from {phase}")
    return produced


def steps_for_phase(scenario: Scenario | Settled, phase: Phase) -> list[Step]:
    """The steps of one phase (empty when the topology skips it); ScenarioInvalid for an invalid scenario."""
    return _phase_steps(settled_of(scenario), phase)


def build_playbook(scenario: Scenario | Settled) -> list[Step]:
    """All steps for the scenario's topology, in phase order; step ids are unique."""
    settled = settled_of(scenario)
    steps = [step for phase in Phase for step in _phase_steps(settled, phase)]
    seen: set[str] = set()
    for step in steps:
        if step.id in seen:
            raise PlaybookError(f"two steps share the id {step.id}")
        seen.add(step.id)
    return steps
