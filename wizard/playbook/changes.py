"""The one way a generated script changes anything: guard, change (stopping on error), read back, record.

Every state-changing call in a setup script comes from `guarded()`: it runs only when its guard says
the change is still needed, carries -ErrorAction Stop (a script-wide $ErrorActionPreference does not
reach Exchange's implicit-remoting cmdlets, the CDXML DnsServer cmdlets or the Graph SDK), is read
back, and is followed by its record entry. Every change in an undo script comes from `undo_recorded()`:
it is reached only through an entry that setup recorded on this computer.

A change that is already in place is not recorded, so undo never removes what setup did not create.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from wizard.playbook.psquote import literal as q
from wizard.playbook.runtime import DONE_RECORD_FUNCTION, NATIVE_FUNCTION, READ_RECORD_FUNCTION, RECORD_FUNCTION
from wizard.playbook.snippets import block, indent

STOP = "-ErrorAction Stop"


def stop(command: str) -> str:
    """`command` with -ErrorAction Stop (once), so it fails loudly whatever the session's preference."""
    return command if command.rstrip().endswith(STOP) else f"{command} {STOP}"


def native(command: str) -> str:
    """A native program (iisreset, appcmd): its exit code is checked, as -ErrorAction cannot reach it."""
    return f"{command}\n{NATIVE_FUNCTION} -Command {q(command.split(maxsplit=1)[0].lstrip('&').strip(chr(34)))}"


def _hashtable(values: Mapping[str, str]) -> str:
    """@{ Key = <PowerShell expression>; ... }: values are expressions, already quoted where literal."""
    if not values:
        return "@{}"
    return "@{ " + "; ".join(f"{key} = {value}" for key, value in values.items()) + " }"


@dataclass(frozen=True)
class Record:
    """What undo needs to find and revert one change: the step, the object's type, its identity, prior values.

    identity and prior map names to PowerShell expressions (literals via q(), or $variables the
    change's guard read). `shared` marks objects other integrations rely on (undo keeps them
    unless -RemoveSharedObjects).
    """

    step: str
    type: str
    action: str  # created | changed | added
    identity: Mapping[str, str]
    prior: Mapping[str, str] = field(default_factory=dict)
    shared: bool = False

    def command(self) -> str:
        parts = [RECORD_FUNCTION, f"-Step {q(self.step)}", f"-Type {q(self.type)}", f"-Action {q(self.action)}",
                 f"-Identity {_hashtable(self.identity)}"]
        if self.prior:
            parts.append(f"-Prior {_hashtable(self.prior)}")
        if self.shared:
            parts.append("-Shared")
        return " ".join(parts)


IIS_RESET_FLAG = "$IntegrationIisResetNeeded"


def guarded(*, needed: str, change: str | Sequence[str], record: Record, already: str,
            read_back: str = "", before: str = "", failed: str = "", after: str = "") -> str:
    """if (needed) { change...; read back; record } else { say it is already done (and not recorded) }.

    `before` runs first (it may read prior values into variables for the record); `change` is one or
    more cmdlet calls that get -ErrorAction Stop; `read_back` is a condition that must hold afterwards;
    `after` runs once the change is recorded (for example IIS_NEEDS_RESET).
    """
    calls = [change] if isinstance(change, str) else list(change)
    body = [stop(call) for call in calls]
    if read_back:
        message = failed or f"{record.type} was not found after the change; check the output above."
        body.append(f"if (-not ({read_back})) {{ throw {q(message)} }}")
    body.append(record.command())
    if after:
        body.append(after)
    guard = f"if ({needed}) {{\n{indent(block(*body))}\n}} else {{\n    Write-Host {q(already)}\n}}"
    return block(before or None, guard)


IIS_NEEDS_RESET = f"{IIS_RESET_FLAG} = $true"


def iis_reset_if_needed() -> str:
    """Restart IIS only when this run changed something IIS must reload (a rerun restarts nothing)."""
    return block(
        f"if ({IIS_RESET_FLAG}) {{",
        indent(native("iisreset /noforce")),
        f"    {IIS_RESET_FLAG} = $false",
        "} else {",
        "    Write-Host 'Nothing this script changed needs IIS to restart: not restarted.'",
        "}",
    )


def undo_recorded(step: str, type_: str, revert: str) -> str:
    """Revert each entry setup recorded for (step, type), newest first; `revert` reads $entry.identity / .prior.

    `revert` must check that the object is still as setup left it and use stop() on its calls; it may
    end an entry early with `continue` after calling Complete-IntegrationRecord with another outcome.
    """
    return block(
        f"foreach ($entry in @({READ_RECORD_FUNCTION} -Step {q(step)} -Type {q(type_)})) {{",
        indent(revert),
        f"    {DONE_RECORD_FUNCTION} -Entry $entry",
        "}",
    )


def left_alone(reason: str) -> str:
    """Inside undo_recorded: mark the entry done without changing anything (the object changed since setup)."""
    return block(f"Write-Host {q(reason)}", f"{DONE_RECORD_FUNCTION} -Entry $entry -Outcome 'left alone'", "continue")


def leave_alone_if(condition: str, reason: str) -> str:
    """Inside undo_recorded: when `condition` holds (the object is no longer as setup left it), leave it alone."""
    return f"if ({condition}) {{\n{indent(left_alone(reason))}\n}}"
