"""The commands of the certificates phase's steps: step id -> (setup commands, undo commands or None).

special() spells out the steps whose commands depend on the scenario (versions, counts).
"""

from __future__ import annotations

from typing import Any

COMMANDS: dict[str, tuple[list[str], list[str] | None]] = {
    "certificates.exchange-iis": (["Get-ExchangeCertificate", "Select-Object", "Format-List"], None),
    "certificates.exchange-auth": (["Get-ExchangeCertificate", "Get-AuthConfig", "Format-List"], None),
}

# The global OAuthTokenIssuer in effect now and any rolled successor (certificates.current_token_issuer).
CURRENT_TOKEN_ISSUER = ["Get-CsCertificate", "Where-Object", "Get-Date", "Where-Object", "Sort-Object",
                        "Select-Object", "Where-Object"]
SHOW_BEFORE = ["Write-Host", "Format-List"]
READ_BACK = ["Get-CsCertificate", "Where-Object"]
ROLLOVER_WARNING = ["Write-Warning", "ForEach-Object"]
# Undo: left alone twice (changed since setup; first assignment), else the recorded previous certificate back.
OAUTH_UNDO = [*CURRENT_TOKEN_ISSUER, "Write-Host", "Write-Host", "Set-CsCertificate", "Write-Host"]


def special(step: Any, scenario: Any) -> tuple[list[str], list[str] | None] | None:
    if step.id == "certificates.sfb-oauth-token-issuer":
        if scenario.oauth_certificate_thumbprint:
            return ([*CURRENT_TOKEN_ISSUER, *SHOW_BEFORE, "Set-CsCertificate", *READ_BACK, "Write-Warning",
                     "Write-Host", *ROLLOVER_WARNING], OAUTH_UNDO)
        return ([*CURRENT_TOKEN_ISSUER, *SHOW_BEFORE, "Get-CsCertificate", "Select-Object", "Set-CsCertificate",
                 *READ_BACK, "Write-Host", *ROLLOVER_WARNING], OAUTH_UNDO)
    return None
