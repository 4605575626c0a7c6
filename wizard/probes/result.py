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
    BLOCKED = "blocked"  # not checked: a check this one depends on did not pass (see blocked_by)
    NOT_RUN = "not-run"  # not checked: cancelled, or the run's time budget ran out
    SKIP = "skip"  # does not apply, or nothing to check

    @property
    def is_problem(self) -> bool:
        return self in (Status.FAIL, Status.ERROR)

    @property
    def is_checked(self) -> bool:
        """False for results that say nothing about the deployment (blocked, not run, skipped)."""
        return self in (Status.PASS, Status.WARN, Status.FAIL, Status.ERROR)


class Cause(StrEnum):
    """Why a result is not a pass: what an admin should look at first."""

    FINDING = "finding"  # something about the deployment is wrong (a missing record, an expired certificate)
    UNREACHABLE = "unreachable"  # the server or port could not be reached
    TIMEOUT = "timeout"  # it did not answer (completely) within the deadline
    BAD_ANSWER = "bad-answer"  # it answered, but not with what this service answers
    DEFECT = "defect"  # a bug in the wizard (its traceback is in the log)
    BLOCKED = "blocked"  # a check this one depends on did not pass
    NOT_RUN = "not-run"  # cancelled or out of time before it could run


# Worst first; used to fold several results into one colour (topology picture, summaries).
SEVERITY: dict[Status, int] = {Status.ERROR: 4, Status.FAIL: 4, Status.WARN: 2, Status.BLOCKED: 1,
                               Status.PASS: 1, Status.NOT_RUN: 0, Status.SKIP: 0}


class SubjectKind(StrEnum):
    HOST = "host"
    ADDRESS = "address"
    URL = "url"
    CERTIFICATE = "certificate"  # a thumbprint (SHA-1, upper-case hex, as Windows shows it)
    DOMAIN = "domain"
    FILE = "file"


@dataclass(frozen=True)
class Subject:
    """A typed thing a result is about, so views can place it without reading ids or tags."""

    kind: SubjectKind
    value: str


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
    cause: Cause | None = None  # why it is not a pass (None for a pass or skip)
    blocked_by: tuple[str, ...] = ()  # the root-cause check ids, for BLOCKED results
    subjects: tuple[Subject, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The result in the report dialect (resources/report.schema.json); evidence is label/value pairs,
        so a run value (a host, a thumbprint) is never a key."""
        return {
            "id": self.id,
            "phase": self.phase.value,
            "status": self.status.value,
            "cause": self.cause.value if self.cause else None,
            "title": self.title,
            "detail": self.detail,
            "remediation": self.remediation,
            "blocked_by": list(self.blocked_by),
            "evidence": [{"label": e.label, "value": e.value} for e in self.evidence],
            "target": self.target,
            "elapsed_ms": round(self.elapsed_ms, 1),
            "subjects": [{"kind": s.kind.value, "value": s.value} for s in self.subjects],
            "tags": list(self.tags),
        }


def worst(statuses: list[Status]) -> Status:
    """The most severe status of several (SKIP when there are none)."""
    return max(statuses, key=lambda s: SEVERITY[s], default=Status.SKIP)


def summarise(results: list[ProbeResult]) -> dict[str, int]:
    counts = {s.value: 0 for s in Status}
    for result in results:
        counts[result.status.value] += 1
    return counts
