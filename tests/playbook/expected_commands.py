"""The commands each playbook step runs, written out by hand: the reference the script tests compare with.

Each phase's reference lives in expected/<phase>.py (COMMANDS, and special() for the steps whose
commands depend on the scenario). A script is, per step, one Write-Host banner plus the step's
commands (tests/pwsh.step_command_names: the shared runtime's preamble and record calls left out);
undo: the steps that have an undo, newest first. Values never add commands, so these lists hold for
any valid scenario; only the number of domains, servers and pools, and which optional values are
set, change them.
"""

from __future__ import annotations

from types import ModuleType

from expected import autodiscover, certificates, hybrid, oauth, owa, partner_applications, prerequisites, verification

from wizard.playbook.step import Shell, Step
from wizard.scenario import Scenario

PHASE_REFERENCES: dict[str, ModuleType] = {
    "prerequisites": prerequisites, "certificates": certificates, "autodiscover": autodiscover, "oauth": oauth,
    "partner-applications": partner_applications, "hybrid": hybrid, "verification": verification,
}
STEP_COMMANDS: dict[str, tuple[list[str], list[str] | None]] = {
    step_id: commands for module in PHASE_REFERENCES.values() for step_id, commands in module.COMMANDS.items()}


def expected_step_commands(step: Step, scenario: Scenario) -> tuple[list[str], list[str] | None]:
    """Setup and undo command names for one step."""
    if step.shell is Shell.BROWSER:
        return [], None
    owa_commands = owa.special(step, scenario) if ".owa-" in step.id else None
    if owa_commands is not None:
        return owa_commands
    reference = PHASE_REFERENCES[step.id.split(".", 1)[0]]
    special = reference.special(step, scenario)
    return special if special is not None else reference.COMMANDS[step.id]


def expected_script(steps: list[Step], scenario: Scenario, shell: Shell, *, undo: bool) -> list[str]:
    mine = [s for s in steps if s.shell is shell]
    names: list[str] = []
    for step in reversed(mine) if undo else mine:
        setup, reverse = expected_step_commands(step, scenario)
        if undo:
            assert (reverse is None) == (not step.undo), f"{step.id}: undo presence differs from expectation"
            if reverse is None:
                continue
        names += ["Write-Host", *(reverse if undo else setup)]
    return names
