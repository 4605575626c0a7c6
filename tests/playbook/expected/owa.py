"""The commands of the OWA IM steps (wizard/playbook/owa.py), which several phases hold (by topology).

special() spells out the trusted application pool, whose commands depend on how the site is found and how
many Exchange servers there are; the other steps are listed by id (Exchange 2010's differ from 2013's).
"""

from __future__ import annotations

from typing import Any

BY_ID: dict[str, tuple[list[str], list[str] | None]] = {
    "oauth.owa-mailbox-policy": (
        ["Get-OwaMailboxPolicy", "Set-OwaMailboxPolicy", "Get-OwaMailboxPolicy", "Write-Host"],
        ["Get-OwaMailboxPolicy", "Write-Host", "Set-OwaMailboxPolicy", "Write-Host"],
    ),
    "oauth.owa-virtual-directory": (
        [
            "Get-ExchangeCertificate",
            "Where-Object",
            "Get-Date",
            "Where-Object",
            "Sort-Object",
            "Select-Object",
            "Write-Host",
            "Get-OwaVirtualDirectory",
            "Write-Host",
            "Set-OwaVirtualDirectory",
            "Get-OwaVirtualDirectory",
            "Write-Host",
        ],
        ["Get-OwaVirtualDirectory", "Write-Host", "Set-OwaVirtualDirectory", "Write-Host"],
    ),
    "partner-applications.owa-mailbox-policy": (
        ["Get-OwaMailboxPolicy", "Set-OwaMailboxPolicy", "Get-OwaMailboxPolicy", "Write-Host"],
        ["Get-OwaMailboxPolicy", "Write-Host", "Set-OwaMailboxPolicy", "Write-Host"],
    ),
    "partner-applications.owa-virtual-directory": (
        ["Get-OwaVirtualDirectory", "Write-Host", "Set-OwaVirtualDirectory", "Get-OwaVirtualDirectory", "Write-Host"],
        ["Get-OwaVirtualDirectory", "Write-Host", "Set-OwaVirtualDirectory", "Write-Host"],
    ),
    "partner-applications.owa-web-config": (
        [
            "Get-ExchangeCertificate",
            "Where-Object",
            "Get-Date",
            "Where-Object",
            "Sort-Object",
            "Select-Object",
            "Write-Host",
            "Join-Path",
            "Get-Content",
            "Where-Object",
            "Select-Object",
            "Where-Object",
            "Select-Object",
            "Get-Date",
            "Copy-Item",
            "Where-Object",
            "Select-Object",
            "Get-Content",
            "Where-Object",
            "Select-Object",
            "Where-Object",
            "Select-Object",
            "Write-Host",
            "Write-Host",
        ],
        [
            "Get-Content",
            "Where-Object",
            "Select-Object",
            "Where-Object",
            "Select-Object",
            "Test-Path",
            "Write-Host",
            "Get-Date",
            "Copy-Item",
            "Copy-Item",
            "Write-Host",
        ],
    ),
    "verification.owa-im-events": (["Get-WinEvent", "Format-List"], None),
}

_SITE_GIVEN = ["Get-CsSite"]
_SITE_FROM_POOL = ["Get-CsPool", "Get-CsSite", "Where-Object", "Select-Object"]
_POOL = ["New-CsTrustedApplicationPool", "Enable-CsTopology", "Get-CsTrustedApplicationPool", "Write-Host"]
_COMPUTER = [
    "Get-CsTrustedApplicationComputer",
    "Write-Warning",
    "New-CsTrustedApplicationComputer",
    "Enable-CsTopology",
    "Get-CsTrustedApplicationComputer",
    "Write-Host",
]
_APPLICATION = [
    "Get-CsTrustedApplication",
    "Where-Object",
    "New-CsTrustedApplication",
    "Enable-CsTopology",
    "Get-CsTrustedApplication",
    "Where-Object",
    "Write-Host",
]
_TRUSTED_UNDO = [
    "Get-CsTrustedApplication",
    "Write-Host",
    "Remove-CsTrustedApplication",
    "Enable-CsTopology",
    "Write-Host",
    "Get-CsTrustedApplicationComputer",
    "Write-Host",
    "Remove-CsTrustedApplicationComputer",
    "Enable-CsTopology",
    "Write-Host",
    "Get-CsTrustedApplicationPool",
    "Get-CsTrustedApplication",
    "Where-Object",
    "Get-CsTrustedApplicationComputer",
    "Where-Object",
    "Write-Host",
    "Remove-CsTrustedApplicationPool",
    "Enable-CsTopology",
    "Write-Host",
]


def special(step: Any, scenario: Any) -> tuple[list[str], list[str] | None] | None:
    if step.id.endswith(".owa-trusted-application"):
        site = _SITE_GIVEN if scenario.sfb_site else _SITE_FROM_POOL
        computers = _COMPUTER * (len(scenario.exchange_fqdns) - 1)
        return ["Get-CsTrustedApplicationPool", "Write-Host", *site, *_POOL, *computers, *_APPLICATION], _TRUSTED_UNDO
    return BY_ID.get(step.id)
