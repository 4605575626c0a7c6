"""The commands of the autodiscover phase's steps: step id -> (setup commands, undo commands or None).

special() spells out the steps whose commands depend on the scenario (versions, counts).
"""

from __future__ import annotations

from typing import Any

from expected.common import DNS_CNAME_ADD, DNS_REMOVE, DNS_SRV_ADD

COMMANDS: dict[str, tuple[list[str], list[str] | None]] = {
    "autodiscover.dns-cname": (DNS_CNAME_ADD, DNS_REMOVE),
    "autodiscover.dns-srv": (DNS_SRV_ADD, DNS_REMOVE),
    "autodiscover.exchange-online-autodiscover-dns": (DNS_CNAME_ADD, DNS_REMOVE),
    "autodiscover.iisreset": (["iisreset", "Write-Host"], None),
}


def special(step: Any, scenario: Any) -> tuple[list[str], list[str] | None] | None:
    noun = "ClientAccessService" if scenario.topology.uses_client_access_service else "ClientAccessServer"
    kind = step.id.split(".", 1)[1]
    if kind == "internal-uri-current":
        return [f"Get-{noun}", "Select-Object", "Format-List"], None
    if kind == "internal-uri":
        return [f"Get-{noun}", f"Set-{noun}", f"Get-{noun}", "Write-Host"], [f"Get-{noun}", "Write-Host", f"Set-{noun}",
                                                                           "Write-Host"]
    return None
