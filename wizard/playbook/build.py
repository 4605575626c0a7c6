"""Assemble the playbook: every phase's steps, in phase order, for the scenario's topology only.

Only a valid scenario gets a playbook (require_valid()), so every value the phase modules quote has
passed its validator; phases the topology skips (Topology.applies) contribute nothing.
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


def _phase_steps(scenario: Scenario, phase: Phase) -> list[Step]:
    if not scenario.topology.applies(phase):
        return []
    make: Callable[[Scenario], list[Step]] = PHASE_MODULES[phase].steps
    produced = make(scenario)
    for step in produced:
        if step.phase is not phase:
            raise PlaybookError(f"step {step.id} claims phase {step.phase} but comes from {phase}")
    return produced


def steps_for_phase(scenario: Scenario, phase: Phase) -> list[Step]:
    """The steps of one phase (empty when the topology skips it)."""
    scenario.require_valid()
    return _phase_steps(scenario, phase)


def build_playbook(scenario: Scenario) -> list[Step]:
    """All steps for the scenario's topology, in phase order; step ids are unique."""
    scenario.require_valid()
    steps = [step for phase in Phase for step in _phase_steps(scenario, phase)]
    seen: set[str] = set()
    for step in steps:
        if step.id in seen:
            raise PlaybookError(f"two steps share the id {step.id}")
        seen.add(step.id)
    return steps
