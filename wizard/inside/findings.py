"""The shape of an inside finding: a ProbeResult with id "inside.<rule>", plus expiry wording.

Findings reuse the probe envelope so the GUI, the report and `--json` show collected-data checks
and live probes the same way; the remediation names the playbook step that fixes the problem.
A finding's texts quote collected files, so they are cleaned here, where every finding is made
(safe_text.clean_result): no sink downstream sees a control or bidi character from a collected value.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from wizard.playbook.step import Shell
from wizard.policy import EXPIRY_WARNING_DAYS
from wizard.probes.result import Evidence, ProbeResult, Status
from wizard.safe_text import clean_result
from wizard.topology import Phase

EXPIRY_WARNING = timedelta(days=EXPIRY_WARNING_DAYS)


def finding(rule: str, phase: Phase, status: Status, title: str, detail: str = "", remediation: str = "", *,  # noqa: PLR0917
            evidence: tuple[Evidence, ...] = (), target: str = "", tags: tuple[str, ...] = ()) -> ProbeResult:
    return clean_result(ProbeResult(id=f"inside.{rule}", phase=phase, status=status, title=title, detail=detail,
                                    remediation=remediation, evidence=evidence, target=target,
                                    tags=("inside", *tags)))


def fix(step: str, shell: Shell, command: str) -> str:
    """Remediation text naming the playbook step (and its script) that fixes the problem."""
    return f"Playbook step \u201c{step}\u201d ({shell.script_name}): {command}"


def expiry(not_after: datetime | None, now: datetime) -> tuple[Status, str]:
    """PASS / WARN (under 60 days) / FAIL (expired) and a phrase such as 'expires in 41 days (2026-03-01)'."""
    if not_after is None:
        return Status.WARN, "has no known expiry date"
    left = not_after - now
    day = not_after.astimezone(UTC).date().isoformat()
    if left <= timedelta(0):
        return Status.FAIL, f"expired {-left.days} days ago ({day})"
    if left < EXPIRY_WARNING:
        return Status.WARN, f"expires in {left.days} days ({day})"
    return Status.PASS, f"is valid until {day} ({left.days} days)"


def short(thumbprint: str) -> str:
    """The first eight hex digits, enough to tell certificates apart in a sentence."""
    return thumbprint[:8] + "\u2026" if len(thumbprint) > 12 else thumbprint or "(none)"
