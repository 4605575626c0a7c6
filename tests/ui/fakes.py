"""A probe that implements the real Probe protocol without touching the network, for worker tests."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from wizard.probes.context import ProbeContext
from wizard.probes.result import ProbeResult, Status
from wizard.scenario import Scenario
from wizard.topology import Phase


@dataclass
class FakeProbe:
    """Returns `status` after waiting for `gate` (if any); a cancelled context ends the wait at once."""

    id: str = "fake.probe"
    phase: Phase = Phase.PREREQUISITES
    title: str = "A fake check"
    status: Status = Status.PASS
    gate: threading.Event | None = None
    entered: threading.Event = field(default_factory=threading.Event)

    def run(self, scenario: Scenario, ctx: ProbeContext) -> ProbeResult:
        self.entered.set()
        if self.gate is not None:
            while not self.gate.is_set():
                if ctx.wait(0.01):
                    return ProbeResult(self.id, self.phase, Status.ERROR, self.title, detail="cancelled")
        return ProbeResult(self.id, self.phase, self.status, self.title, detail=f"checked {scenario.smtp_domain}")
