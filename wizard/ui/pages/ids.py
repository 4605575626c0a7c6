"""Page ids: the start page, then one id per phase in the documented order."""

from __future__ import annotations

from wizard.topology import Phase, Topology

START_ID = 0
PHASE_IDS: dict[Phase, int] = {phase: index for index, phase in enumerate(Phase, start=1)}
PHASE_BY_ID: dict[int, Phase] = {page_id: phase for phase, page_id in PHASE_IDS.items()}
COMPLETION_ID = len(PHASE_IDS) + 1  # after Verification: the summary, where Finish is


def next_page_id(topology: Topology, after: Phase | None) -> int:
    """The next page the topology needs after `after` (None: after the start page); -1 at the end."""
    phases = list(Phase)
    start = 0 if after is None else phases.index(after) + 1
    for phase in phases[start:]:
        if topology.applies(phase):
            return PHASE_IDS[phase]
    return -1
