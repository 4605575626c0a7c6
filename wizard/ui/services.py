"""What every page is handed: the scenario model, the probe session, the dialogs and a status line."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from wizard.ui.dialogs import Dialogs
from wizard.ui.model_adapter import ScenarioModel
from wizard.ui.next_gate import NextGate
from wizard.ui.probe_session import ProbeSession

if TYPE_CHECKING:
    from wizard.step_status import StepSummary
    from wizard.topology import Phase


@dataclass
class Services:
    model: ScenarioModel
    session: ProbeSession
    dialogs: Dialogs
    status: Callable[[str], None]
    exporter: Any = None  # wizard.ui.exporting.Exporter, set by the window once it exists
    inside: Any = None  # wizard.ui.inside_view.InsideView (imported collected data), set by the window
    next_gate: NextGate = field(default_factory=NextGate)  # when Next asks before leaving failed checks
    splitters: dict[str, str] = field(default_factory=dict)  # each page's remembered splitter (base64 state)

    def findings_for(self, phase: Phase | None) -> list[Any]:
        """The imported collected data's findings about a step: every one for the verification step (it stands
        for every check) and for None."""
        findings = list(self.inside.findings()) if self.inside is not None else []
        every = _every_check(phase)
        return [f for f in findings if every or f.phase is phase]

    def step_summary(self, phase: Phase | None) -> StepSummary:
        """A step's one status, for its step-list entry, its banner and its checklist alike: the step's planned
        checks and the imported findings about that step (findings_for)."""
        return self.session.summary(None if _every_check(phase) else phase, self.findings_for(phase))


def _every_check(phase: Phase | None) -> bool:
    """None and the verification step stand for every check of every step."""
    return phase is None or phase.value == "verification"
