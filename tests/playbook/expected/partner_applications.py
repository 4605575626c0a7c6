"""The commands of the partner-applications phase's steps: step id -> (setup commands, undo commands or None).

special() spells out the steps whose commands depend on the scenario (versions, counts).
"""

from __future__ import annotations

from typing import Any

COMMANDS: dict[str, tuple[list[str], list[str] | None]] = {
    "partner-applications.exchange-trusts-sfb": (
        ["Get-PartnerApplication", "Where-Object", "Write-Host", "Join-Path"],
        ["Get-PartnerApplication", "Where-Object", "Remove-PartnerApplication"]),
    "partner-applications.iisreset": (["iisreset"], None),
    "partner-applications.exchange-metadata": (["Invoke-RestMethod", "Format-List"], None),
    "partner-applications.sfb-trusts-exchange": (
        ["Get-CsPartnerApplication", "New-CsPartnerApplication"],
        ["Get-CsPartnerApplication", "Remove-CsPartnerApplication"]),
    "partner-applications.sfb-online-account": (
        ["Get-MailUser", "New-MailUser", "Set-MailUser"], ["Get-MailUser", "Remove-MailUser"]),
    "partner-applications.sfb-online-roles": (
        ["Get-MailUser", "Get-ManagementRoleAssignment", "New-ManagementRoleAssignment",
         "Get-ManagementRoleAssignment", "New-ManagementRoleAssignment"],
        ["Get-MailUser", "Get-ManagementRoleAssignment", "Remove-ManagementRoleAssignment",
         "Get-ManagementRoleAssignment", "Remove-ManagementRoleAssignment"]),
    "partner-applications.sfb-online-partner": (
        ["Get-PartnerApplication", "Get-MailUser", "New-PartnerApplication"],
        ["Get-PartnerApplication", "Remove-PartnerApplication"]),
    "partner-applications.teams-scheduler-account": (
        ["Get-MailUser", "Get-Command", "New-MailUser", "Write-Warning", "Set-MailUser"],
        ["Get-MailUser", "Remove-MailUser"]),
    "partner-applications.teams-scheduler-role": (
        ["Get-MailUser", "Get-ManagementRole", "New-ManagementRole", "Get-ManagementRoleEntry", "Where-Object",
         "Remove-ManagementRoleEntry", "Get-ManagementRoleAssignment", "New-ManagementRoleAssignment",
         "Write-Warning"],
        ["Get-MailUser", "Get-ManagementRoleAssignment", "Remove-ManagementRoleAssignment", "Get-ManagementRole",
         "Remove-ManagementRole"]),
    "partner-applications.teams-partner-applications": (
        ["Get-PartnerApplication", "Get-MailUser", "New-PartnerApplication", "Write-Warning", "Get-PartnerApplication",
         "New-PartnerApplication"],
        ["Get-PartnerApplication", "Remove-PartnerApplication", "Get-PartnerApplication", "Remove-PartnerApplication"]),
    "partner-applications.sfb-trusts-exchange-online": (
        ["Get-CsPartnerApplication", "Remove-CsPartnerApplication", "Set-CsPartnerApplication",
         "New-CsPartnerApplication"],
        ["Get-CsPartnerApplication", "Remove-CsPartnerApplication"]),
}


def special(step: Any, scenario: Any) -> tuple[list[str], list[str] | None] | None:
    t = scenario.topology
    if step.id == "partner-applications.sfb-metadata":
        return ["Invoke-RestMethod", "Format-List"] * len(scenario.pool_fqdns), None
    if step.id == "partner-applications.teams-partner-applications" and t.exchange_version == "2013":
        return ["Get-PartnerApplication", "New-PartnerApplication"], ["Get-PartnerApplication",
                                                                      "Remove-PartnerApplication"]
    return None
