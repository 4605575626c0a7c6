"""One step's status from its planned checks: the single source the window's step list, a page's banner and the
verification headline all read, so they can never disagree.

A step is judged only on the checks it plans now (results of checks a changed topology dropped say nothing),
and a result counts only while it is current: values changed since it ran make it "out of date", never a pass;
a planned check without a result has not run. The words are the verdict's (wizard.probes.summary): the headline
counts root causes, the detail counts every result by status, and both come from the same list.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from wizard.probes.result import ProbeResult, Status
from wizard.probes.summary import RootCause, root_causes
from wizard.words import counted

RUNNING = "running"
PENDING = "pending"  # nothing ran yet
CANCELLED = "cancelled"  # a check stopped before it ended
STALE = "stale"  # values changed since the checks ran

_ORDER = (Status.PASS, Status.WARN, Status.FAIL, Status.ERROR, Status.BLOCKED, Status.NOT_RUN, Status.SKIP)
_WORDS = {Status.PASS: "passed", Status.WARN: "warnings", Status.FAIL: "failed", Status.ERROR: "could not check",
          Status.BLOCKED: "not checked: blocked by a problem", Status.NOT_RUN: "not run", Status.SKIP: "skipped"}


@dataclass(frozen=True)
class StepSummary:
    """What a step shows: `status` is a Status value, RUNNING, PENDING or STALE."""

    status: str
    headline: str
    counts: Mapping[str, int]  # Status values, plus STALE, for the planned checks
    planned: int
    current: tuple[ProbeResult, ...]  # the results that count: planned, current (not out of date)
    root_causes: tuple[RootCause, ...]  # among them, worst first (wizard.probes.summary)

    @property
    def detail(self) -> str:
        """'3 failed · 2 could not check · 1 out of date' for the planned checks."""
        parts = [f"{self.counts[s.value]} {_WORDS[s]}" for s in _ORDER if self.counts.get(s.value)]
        if self.counts.get(STALE):
            parts.append(f"{self.counts[STALE]} out of date")
        return " · ".join(parts)

    @property
    def causes(self) -> int:
        return len(self.root_causes)

    @property
    def trustworthy_pass(self) -> bool:
        return self.status == Status.PASS.value


def summarise_step(planned: Sequence[str], results: Mapping[str, ProbeResult], stale: Collection[str] = (), *,
                   running: bool = False, done: Collection[str] = ()) -> StepSummary:
    """The step's summary. `results` by probe id (any run's), `stale` the ids whose values changed since they ran,
    `running` whether the step's checks are running now and `done` the ids that run has reported."""
    ids = list(dict.fromkeys(planned))
    current = tuple(results[i] for i in ids if i in results and i not in stale and (not running or i in done))
    out_of_date = [i for i in ids if i in results and i in stale and not (running and i in done)]
    counts: dict[str, int] = {s.value: 0 for s in Status}
    for result in current:
        counts[result.status.value] += 1
    counts[STALE] = len(out_of_date)
    missing = len(ids) - len(current) - len(out_of_date)
    roots = tuple(root_causes(list(current))) if current else ()
    causes = len(roots)
    if running:
        return StepSummary(RUNNING, f"Checking… {len(current)} of {counted(len(ids), 'check')} done", counts, len(ids),
                           current, roots)
    if not ids:
        return StepSummary(Status.SKIP.value, "No checks apply to this step", counts, 0, current, ())
    if not current and not out_of_date:
        return StepSummary(PENDING, "Not checked yet", counts, len(ids), current, ())
    if out_of_date:
        since = f"{len(out_of_date)} of {counted(len(ids), 'check')}"
        return StepSummary(STALE, f"Out of date: values changed since {since} ran; check again", counts, len(ids),
                           current, roots)
    counts[Status.NOT_RUN.value] += missing
    passed, warned = counts[Status.PASS.value], counts[Status.WARN.value]
    if counts[Status.FAIL.value] or counts[Status.ERROR.value]:
        status = Status.FAIL.value if counts[Status.FAIL.value] else Status.ERROR.value
        headline = f"Not ready: {counted(causes, 'problem')} found in {counted(len(ids), 'check')}"
    elif counts[Status.NOT_RUN.value] or counts[Status.BLOCKED.value]:
        # Kept from running by a problem found in another step is not "not needed": it has the blocked badge.
        blocked_only = not counts[Status.NOT_RUN.value]
        status = Status.WARN.value if warned else Status.BLOCKED.value if blocked_only else Status.NOT_RUN.value
        headline = f"Not every check ran ({passed} of {counted(len(ids), 'check')} passed)"
    elif warned:
        status, headline = Status.WARN.value, f"Ready, with {counted(warned, 'warning')} to review"
    elif passed:
        skipped = counts[Status.SKIP.value]
        status = Status.PASS.value
        headline = "Ready: the check passed" if passed == 1 else f"Ready: all {passed} checks passed"
        headline += f" ({skipped} skipped)" if skipped else ""
    else:
        status, headline = Status.SKIP.value, "Every check was skipped for these values"
    return StepSummary(status, headline, counts, len(ids), current, roots)
