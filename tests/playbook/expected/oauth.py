"""The commands of the oauth phase's steps: step id -> (setup commands, undo commands or None).

special() spells out the steps whose commands depend on the scenario (versions, counts).
"""

from __future__ import annotations

from typing import Any

COMMANDS: dict[str, tuple[list[str], list[str] | None]] = {
    "oauth.exchange-autodiscover-url": (["Set-CsOAuthConfiguration"],
                                        ["Get-CsOAuthConfiguration", "Set-CsOAuthConfiguration"]),
    "oauth.exchange-online-oauth": (
        ["Get-AuthServer", "Format-Table", "Get-PartnerApplication", "Where-Object", "Format-Table"], None),
    "oauth.microsoft-sts": (["Get-CsOAuthServer", "New-CsOAuthServer"], ["Get-CsOAuthServer", "Remove-CsOAuthServer"]),
    "oauth.service-name": (["Set-CsOAuthConfiguration"], None),
    "oauth.realm": (["Set-CsOAuthConfiguration"], ["Get-CsOAuthConfiguration", "Set-CsOAuthConfiguration"]),
}


def special(step: Any, scenario: Any) -> tuple[list[str], list[str] | None] | None:
    return None
