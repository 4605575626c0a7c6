"""The commands of the partner-applications phase's steps: step id -> (setup commands, undo commands or None).

special() spells out the steps whose commands depend on the scenario (versions, counts).
"""

from __future__ import annotations

from typing import Any

COMMANDS: dict[str, tuple[list[str], list[str] | None]] = {
    "partner-applications.teams-partner-applications": (
        [
            "Get-MailUser",
            "Get-PartnerApplication",
            "Where-Object",
            "Write-Host",
            "New-PartnerApplication",
            "Get-PartnerApplication",
            "Where-Object",
            "Write-Host",
            "Write-Warning",
            "Get-PartnerApplication",
            "Where-Object",
            "Write-Host",
            "New-PartnerApplication",
            "Get-PartnerApplication",
            "Where-Object",
            "Write-Host",
        ],
        [
            "Get-PartnerApplication",
            "Where-Object",
            "Select-Object",
            "Write-Host",
            "Remove-PartnerApplication",
            "Write-Host",
        ],
    ),
    "partner-applications.exchange-metadata": (["Invoke-RestMethod", "Format-List"], None),
    "partner-applications.exchange-trusts-sfb": (
        [
            "Get-PartnerApplication",
            "Where-Object",
            "Write-Host",
            "Where-Object",
            "Write-Warning",
            "Join-Path",
            "Get-PartnerApplication",
            "Where-Object",
            "Select-Object",
            "Write-Host",
        ],
        [
            "Get-PartnerApplication",
            "Where-Object",
            "Select-Object",
            "Write-Host",
            "Remove-PartnerApplication",
            "Write-Host",
        ],
    ),
    "partner-applications.iisreset": (["iisreset", "Write-Host"], None),
    "partner-applications.sfb-online-account": (
        ["Get-MailUser", "New-MailUser", "Get-MailUser", "Write-Host", "Set-MailUser", "Get-MailUser", "Write-Host"],
        [
            "Get-MailUser",
            "Write-Host",
            "Set-MailUser",
            "Write-Host",
            "Get-MailUser",
            "Write-Host",
            "Remove-MailUser",
            "Write-Host",
        ],
    ),
    "partner-applications.sfb-online-partner": (
        [
            "Get-MailUser",
            "Get-PartnerApplication",
            "Where-Object",
            "Write-Host",
            "New-PartnerApplication",
            "Get-PartnerApplication",
            "Where-Object",
            "Write-Host",
        ],
        [
            "Get-PartnerApplication",
            "Where-Object",
            "Select-Object",
            "Write-Host",
            "Remove-PartnerApplication",
            "Write-Host",
        ],
    ),
    "partner-applications.sfb-online-roles": (
        [
            "Get-MailUser",
            "Get-ManagementRoleAssignment",
            "New-ManagementRoleAssignment",
            "Get-ManagementRoleAssignment",
            "Write-Host",
            "Get-ManagementRoleAssignment",
            "New-ManagementRoleAssignment",
            "Get-ManagementRoleAssignment",
            "Write-Host",
        ],
        ["Get-ManagementRoleAssignment", "Write-Host", "Remove-ManagementRoleAssignment", "Write-Host"],
    ),
    "partner-applications.sfb-trusts-exchange": (
        [
            "Get-CsPartnerApplication",
            "Where-Object",
            "Write-Host",
            "Get-CsPartnerApplication",
            "New-CsPartnerApplication",
            "Get-CsPartnerApplication",
            "Write-Host",
        ],
        ["Get-CsPartnerApplication", "Write-Host", "Remove-CsPartnerApplication", "Write-Host"],
    ),
    "partner-applications.sfb-trusts-exchange-online": (
        [
            "Get-CsPartnerApplication",
            "Write-Host",
            "New-CsPartnerApplication",
            "Get-CsPartnerApplication",
            "Write-Host",
            "Set-CsPartnerApplication",
            "Get-CsPartnerApplication",
            "Write-Host",
        ],
        [
            "Get-CsPartnerApplication",
            "Write-Host",
            "Set-CsPartnerApplication",
            "Write-Host",
            "Get-CsPartnerApplication",
            "Write-Host",
            "Remove-CsPartnerApplication",
            "Write-Host",
        ],
    ),
    "partner-applications.teams-scheduler-account": (
        [
            "Get-MailUser",
            "Get-Command",
            "New-MailUser",
            "Get-MailUser",
            "Write-Host",
            "Write-Warning",
            "Set-MailUser",
            "Get-MailUser",
            "Write-Host",
        ],
        [
            "Get-MailUser",
            "Write-Host",
            "Set-MailUser",
            "Write-Host",
            "Get-MailUser",
            "Write-Host",
            "Remove-MailUser",
            "Write-Host",
        ],
    ),
    "partner-applications.teams-scheduler-role": (
        [
            "Get-MailUser",
            "Get-ManagementRole",
            "New-ManagementRole",
            "Get-ManagementRoleEntry",
            "Where-Object",
            "Remove-ManagementRoleEntry",
            "Get-ManagementRole",
            "Get-ManagementRoleEntry",
            "Where-Object",
            "Write-Host",
            "Get-ManagementRoleEntry",
            "Where-Object",
            "Write-Warning",
            "Get-ManagementRoleAssignment",
            "New-ManagementRoleAssignment",
            "Get-ManagementRoleAssignment",
            "Write-Host",
            "Write-Warning",
        ],
        [
            "Get-ManagementRoleAssignment",
            "Write-Host",
            "Remove-ManagementRoleAssignment",
            "Write-Host",
            "Get-ManagementRole",
            "Get-ManagementRoleAssignment",
            "Write-Host",
            "Remove-ManagementRole",
            "Write-Host",
        ],
    ),
}

_TEAMS_2013 = (
    [
        "Get-PartnerApplication",
        "Where-Object",
        "Write-Host",
        "New-PartnerApplication",
        "Get-PartnerApplication",
        "Where-Object",
        "Write-Host",
    ],
    [
        "Get-PartnerApplication",
        "Where-Object",
        "Select-Object",
        "Write-Host",
        "Remove-PartnerApplication",
        "Write-Host",
    ],
)


def special(step: Any, scenario: Any) -> tuple[list[str], list[str] | None] | None:
    if step.id == "partner-applications.sfb-metadata":
        return ["Invoke-RestMethod", "Format-List"] * len(scenario.pool_fqdns), None
    if step.id == "partner-applications.teams-partner-applications" and scenario.topology.exchange_version == "2013":
        return _TEAMS_2013
    return None
