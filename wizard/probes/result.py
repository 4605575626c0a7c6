"""The one envelope every probe (and every collected-data finding) returns: frozen and typed.

Presentation lives elsewhere (CLI table, Qt pages, HTML report); they all read these fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from wizard.topology import Phase


class Status(StrEnum):
    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"
    ERROR = "error"  # the probe could not decide (network error, timeout, bad input from the wire)
    SKIP = "skip"

    @property
    def is_problem(self) -> bool:
        return self in (Status.FAIL, Status.ERROR)


# Worst first; used to fold several results into one colour (topology picture, summaries).
SEVERITY: dict[Status, int] = {Status.ERROR: 4, Status.FAIL: 4, Status.WARN: 2, Status.PASS: 1, Status.SKIP: 0}


@dataclass(frozen=True)
class Evidence:
    """One thing the probe saw, as label and text (a record, a status code, a certificate field)."""

    label: str
    value: str


@dataclass(frozen=True)
class ProbeResult:
    id: str
    phase: Phase
    status: Status
    title: str
    detail: str = ""
    remediation: str = ""
    evidence: tuple[Evidence, ...] = ()
    elapsed_ms: float = 0.0
    target: str = ""  # what was probed (host, URL, file), for the log and the topology picture
    tags: tuple[str, ...] = field(default=())  # e.g. ("exchange",), ("pool:fe01.contoso.com",)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "phase": self.phase.value,
            "status": self.status.value,
            "title": self.title,
            "detail": self.detail,
            "remediation": self.remediation,
            "evidence": {e.label: e.value for e in self.evidence},
            "elapsed_ms": round(self.elapsed_ms, 1),
        }


def worst(statuses: list[Status]) -> Status:
    """The most severe status of several (SKIP when there are none)."""
    return max(statuses, key=lambda s: SEVERITY[s], default=Status.SKIP)


def summarise(results: list[ProbeResult]) -> dict[str, int]:
    counts = {s.value: 0 for s in Status}
    for result in results:
        counts[result.status.value] += 1
    return counts
