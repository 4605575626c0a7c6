"""Which scripts a bundle holds, what they are called, the order they run in, and how they work together.

The export writes them and the runbook explains them, both from here, so the two always agree.
"""

from __future__ import annotations

from collections.abc import Iterable

from wizard.playbook.runtime import record_file_pattern
from wizard.playbook.step import Shell, Step
from wizard.settled import Mode

# The order across machines: DNS first (names the others resolve), Exchange before SfB (SfB's storage
# test needs Exchange to trust it), the tenant last (it uploads the certificates the servers exported).
SHELL_ORDER: tuple[Shell, ...] = (Shell.DNS, Shell.EXCHANGE, Shell.SFB, Shell.GRAPH, Shell.EXO)


def setup_file_name(shell: Shell) -> str:
    return shell.script_name


def undo_file_name(shell: Shell) -> str:
    return f"{shell.value}-undo.ps1"


def verify_file_name(shell: Shell) -> str:
    return f"{shell.value}-verify.ps1"


def script_name(mode: Mode, shell: Shell, *, undo: bool = False) -> str:
    if mode is Mode.VERIFY:
        return verify_file_name(shell)
    return undo_file_name(shell) if undo else setup_file_name(shell)


def script_order(steps: Iterable[Step]) -> list[Shell]:
    """The shells that have scripted steps, in the order their scripts run."""
    used = {s.shell for s in steps}
    return [shell for shell in SHELL_ORDER if shell in used]


def how_scripts_work(mode: Mode, shells: list[Shell]) -> list[str]:
    """Paragraphs for the runbook: the order, the record file, undo, resuming after a failure."""
    if mode is Mode.VERIFY:
        return [
            "Verify mode: every script here only reads and tests (Get-, Test-, fetching the metadata documents). "
            "None of them changes anything, so there is no undo script and no record file.",
            "A failing step stops its script with the step's name; fix the cause and run it again.",
        ]
    records = ", ".join(record_file_pattern(s) for s in shells)
    return [
        "Run the setup scripts in the order listed. Each one first checks what it needs from the earlier ones "
        "(for example that the other side's metadata document answers, or that the certificate files exist) and "
        "stops, naming what to run first, before it changes anything.",
        f"The record file: as a setup script runs, it writes one line per object it created or setting it changed "
        f"on that computer, with the values it overwrote, to a file beside the script ({records}; -RecordFolder "
        "puts it elsewhere, for example when the scripts run from a read-only share). An object that was already "
        "there is left alone and not recorded. Keep the file: the undo script needs it.",
        "Undo: each *-undo.ps1 reverts what its setup script recorded on that computer, newest first, and nothing "
        "else; it restores the values setup overwrote only where they are still what setup set. Without a record "
        "it changes nothing and says so. Objects other integrations rely on (microsoft.sts, microsoft.exchange, "
        "the legacy Skype for Business Online application, autodiscover and SIP records) are kept unless setup "
        "created them and you run the undo script with -RemoveSharedObjects. Run the undo scripts in the reverse "
        "order of setup.",
        "Errors stop: each step runs in its own error handler, and every command that changes something is told "
        "to stop on failure (a script-wide setting does not reach Exchange's remote cmdlets, the DnsServer cmdlets "
        "or Microsoft Graph PowerShell). The message names the step, the steps already done and the record file; "
        "fix the cause and run the same script again: finished steps find their work done and change nothing.",
    ]


def pool_moves() -> list[str]:
    """What to do when the pool that the integration was set up from is migrated or retired."""
    return [
        "When the Front End pool the partner applications point at is migrated or retired, its metadata document "
        "moves with it: point Exchange's partner application for Skype for Business at the new pool's "
        "https://<new pool>/metadata/json/1 (Set-PartnerApplication -AuthMetadataUrl, then "
        "Set-PartnerApplication -RefreshAuthMetadata), move the OWA trusted application pool's registrar to the new "
        "pool (Set-CsTrustedApplicationPool -Registrar; the cmdlet's help warns that contacts attached to the "
        "application must then be moved with Move-CsApplicationEndpoint), and run the verification steps again. "
        "Microsoft's cmdlet reference for Set-PartnerApplication and Set-CsTrustedApplicationPool describes both "
        "parameters.",
    ]
