"""The commands of the verification phase's steps: step id -> (setup commands, undo commands or None).

special() spells out the steps whose commands depend on the scenario (versions, counts).
"""

from __future__ import annotations

from typing import Any

# The logon token's groups (ForEach-Object, Where-Object), then the test or a warning that it is skipped.
STORAGE_TEST = ["ForEach-Object", "Where-Object", "Test-CsExStorageConnectivity", "Write-Warning"]

COMMANDS: dict[str, tuple[list[str], list[str] | None]] = {
    "verification.exchange-storage": (STORAGE_TEST, None),
    "verification.exchange-partner-applications": (["Get-PartnerApplication", "Format-Table"], None),
    "verification.owa-im-events": (["Get-WinEvent", "Format-List"], None),
}


def special(step: Any, scenario: Any) -> tuple[list[str], list[str] | None] | None:
    if step.id == "verification.exchange-storage" and not scenario.test_sip_uri:
        return ["ForEach-Object", "Where-Object", "Test-CsExStorageConnectivity", "Read-Host", "Write-Warning"], None
    return None
