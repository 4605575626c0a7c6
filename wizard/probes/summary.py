"""What a run comes to, read the same way by the CLI, the JSON document, the report and the window.

Root causes come first: every failing or erroring check that is not itself blocked, with the checks
it blocked, so a reader sees one missing DNS name as one problem and its consequences under it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from wizard.probes.result import Cause, ProbeResult, Status
from wizard.words import counted

CAUSE_WORDS: dict[Cause, str] = {
    Cause.FINDING: "a finding about the deployment",
    Cause.UNREACHABLE: "could not be reached",
    Cause.TIMEOUT: "timed out",
    Cause.BAD_ANSWER: "answered with something unexpected",
    Cause.DEFECT: "a defect in the wizard",
    Cause.BLOCKED: "not checked: blocked by another check",
    Cause.NOT_RUN: "not checked",
}


@dataclass(frozen=True)
class RootCause:
    """A problem that is not explained by another one, and the checks it kept from running."""

    result: ProbeResult
    blocked: tuple[ProbeResult, ...]

    def to_json(self) -> dict[str, Any]:
        return {"id": self.result.id, "status": self.result.status.value,
                "cause": self.result.cause.value if self.result.cause else None, "title": self.result.title,
                "detail": self.result.detail, "remediation": self.result.remediation,
                "blocks": [r.id for r in self.blocked]}


def root_causes(results: Sequence[ProbeResult]) -> list[RootCause]:
    """Failures and errors that no other check explains, worst and most consequential first."""
    roots = [r for r in results if r.status in (Status.FAIL, Status.ERROR)]
    blocked: dict[str, list[ProbeResult]] = {r.id: [] for r in roots}
    for result in results:
        if result.status is Status.BLOCKED:
            for root in result.blocked_by:
                if root in blocked:
                    blocked[root].append(result)
    found = [RootCause(r, tuple(blocked[r.id])) for r in roots]
    order = {Status.FAIL: 0, Status.ERROR: 1}
    return sorted(found, key=lambda c: (order[c.result.status], -len(c.blocked)))


class Verdict(StrEnum):
    """The run in one word, as Remote Connectivity Analyzer puts it, plus "not checked" for a run that
    could check nothing (no network, nothing discovered, stopped at once)."""

    SUCCESSFUL = "successful"
    WARNINGS = "warnings"  # nothing failed; something to review (a warning, or a check that did not run)
    FAILED = "failed"
    NOT_CHECKED = "not-checked"


VERDICT_WORDS: dict[Verdict, str] = {
    Verdict.SUCCESSFUL: "Successful",
    Verdict.WARNINGS: "Successful, with warnings",
    Verdict.FAILED: "Failed",
    Verdict.NOT_CHECKED: "Not checked",
}


def verdict(results: Sequence[ProbeResult]) -> Verdict:
    """Failed when a check failed or could not be made (and something was checked); not checked when no check
    could say anything about the deployment; warnings when nothing failed but a check warned or did not run."""
    statuses = {r.status for r in results}
    if not statuses & {Status.PASS, Status.WARN, Status.FAIL}:
        return Verdict.NOT_CHECKED
    if statuses & {Status.FAIL, Status.ERROR}:
        return Verdict.FAILED
    if statuses & {Status.WARN, Status.NOT_RUN, Status.BLOCKED}:
        return Verdict.WARNINGS
    return Verdict.SUCCESSFUL


class ExitCode:
    """What `verify`, `check` and `analyze` return, as diagnostic tools do: scripts can tell a broken
    integration (1) from a run that could not check (3)."""

    OK = 0  # successful, or successful with warnings, and every check ran
    FINDING = 1  # at least one check found a problem in the deployment
    BAD_INPUT = 2  # the command line or an input file is wrong (one line on stderr)
    NOT_CHECKED = 3  # nothing failed, but some or all checks could not be made or did not run


def exit_code(results: Sequence[ProbeResult]) -> int:
    statuses = {r.status for r in results}
    if Status.FAIL in statuses:
        return ExitCode.FINDING
    if verdict(results) is Verdict.NOT_CHECKED or statuses & {Status.ERROR, Status.NOT_RUN}:
        return ExitCode.NOT_CHECKED
    return ExitCode.OK


def counts(results: Sequence[ProbeResult]) -> dict[str, int]:
    tally = {s.value: 0 for s in Status}
    for result in results:
        tally[result.status.value] += 1
    return tally


def headline(results: Sequence[ProbeResult]) -> str:
    """One line: how many checks, how many root causes, how many could not be made."""
    tally = counts(results)
    roots = root_causes(results)
    parts = [counted(len(results), "check"), f"{tally['pass']} passed"]
    if tally["warn"]:
        parts.append(counted(tally["warn"], "warning"))
    if roots:
        parts.append(f"{counted(len(roots), 'root cause')} "
                     f"({tally['fail']} failed, {tally['error']} could not be checked)")
    if tally["blocked"]:
        parts.append(f"{tally['blocked']} blocked by them")
    if tally["not-run"]:
        parts.append(f"{tally['not-run']} not run")
    if tally["skip"]:
        parts.append(f"{tally['skip']} skipped")
    return ", ".join(parts)
