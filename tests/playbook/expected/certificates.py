"""The commands of the certificates phase's steps: step id -> (setup commands, undo commands or None).

special() spells out the steps whose commands depend on the scenario (versions, counts).
"""

from __future__ import annotations

from typing import Any

COMMANDS: dict[str, tuple[list[str], list[str] | None]] = {
    "certificates.exchange-iis": (["Get-ExchangeCertificate", "Select-Object", "Format-List"], None),
    "certificates.exchange-auth": (["Get-ExchangeCertificate", "Get-AuthConfig", "Format-List"], None),
}


def special(step: Any, scenario: Any) -> tuple[list[str], list[str] | None] | None:
    if step.id == "certificates.sfb-oauth-token-issuer":
        if scenario.oauth_certificate_thumbprint:
            return ["Get-CsCertificate", "Set-CsCertificate"], None
        return ["Get-CsCertificate", "Get-CsCertificate", "Set-CsCertificate"], None
    return None
