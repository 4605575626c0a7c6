"""The commands of the oauth phase's steps: step id -> (setup commands, undo commands or None).

special() spells out the steps whose commands depend on the scenario (versions, counts).
"""

from __future__ import annotations

from typing import Any

# One setting of the global OAuth configuration: read, set when it differs, read back (else: already set).
# Undo: read, left alone when changed since (message), set the recorded prior value, say which.
OAUTH_SETTING: tuple[list[str], list[str] | None] = (
    ["Get-CsOAuthConfiguration", "Set-CsOAuthConfiguration", "Get-CsOAuthConfiguration", "Write-Host"],
    ["Get-CsOAuthConfiguration", "Write-Host", "Set-CsOAuthConfiguration", "Write-Host", "Write-Host"],
)

COMMANDS: dict[str, tuple[list[str], list[str] | None]] = {
    "oauth.exchange-autodiscover-url": OAUTH_SETTING,
    "oauth.exchange-online-oauth": (
        ["Get-AuthServer", "Format-Table", "Get-PartnerApplication", "Where-Object", "Format-Table"], None),
    # Read it (and, when it names no known reference of the tenant, the two metadata documents' realms); create
    # it when missing (read back); re-point it with a warning when it names another tenant (read back).
    "oauth.microsoft-sts": (
        ["Get-CsOAuthServer", "Invoke-RestMethod", "Invoke-RestMethod", "New-CsOAuthServer", "Get-CsOAuthServer",
         "Write-Host", "Write-Warning", "Set-CsOAuthServer", "Get-CsOAuthServer", "Write-Host"],
        # the recorded re-point (put the old URL back), then the recorded creation (remove it)
        ["Get-CsOAuthServer", "Write-Host", "Set-CsOAuthServer", "Write-Host",
         "Get-CsOAuthServer", "Write-Host", "Remove-CsOAuthServer", "Write-Host"]),
    "oauth.service-name": OAUTH_SETTING,
    "oauth.realm": OAUTH_SETTING,
}


def special(step: Any, scenario: Any) -> tuple[list[str], list[str] | None] | None:
    return None
