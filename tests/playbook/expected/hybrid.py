"""The commands of the hybrid phase's steps: step id -> (setup commands, undo commands or None).

special() spells out the steps whose commands depend on the scenario (versions, counts).
"""

from __future__ import annotations

from typing import Any

from expected.common import GRAPH_CONNECT, GRAPH_REMOVE, GRAPH_UPLOAD, GRAPH_UPLOAD_LOOP

# The .cer file is written only when it does not hold the certificate yet (a local file: guarded, not recorded).
EXPORT_FILE = ["Join-Path", "Test-Path", "New-Item", "Out-Null", "Join-Path", "Test-Path", "Write-Host", "Write-Host"]

COMMANDS: dict[str, tuple[list[str], list[str] | None]] = {
    "hybrid.export-exchange-auth-certificate": (
        ["Get-AuthConfig", "Get-ChildItem", "Where-Object", *EXPORT_FILE], None),
    "hybrid.upload-exchange-auth-certificate": (GRAPH_UPLOAD, GRAPH_REMOVE),
    "hybrid.check-exchange-auth-certificate": (
        [*GRAPH_CONNECT, "Join-Path", "Get-MgServicePrincipal", "Get-MgServicePrincipal", "Where-Object",
         "Select-Object", "Write-Warning", "Format-Table"], None),
    "hybrid.export-sfb-oauth-certificate": (
        ["Get-CsCertificate", "Write-Warning", "Get-Item", *EXPORT_FILE], None),
    "hybrid.sfb-service-principal-name": (
        [*GRAPH_CONNECT, "Get-MgServicePrincipal", "Write-Host", "Get-MgServicePrincipal", "Update-MgServicePrincipal",
         "Get-MgServicePrincipal", "Write-Host", "Write-Host"],
        [*GRAPH_CONNECT, "Get-MgServicePrincipal", "Write-Host", "Update-MgServicePrincipal", "Where-Object",
         "Get-MgServicePrincipal", "Write-Host"]),
    "hybrid.exchange-online-principal": (
        [*GRAPH_CONNECT, "Get-MgServicePrincipal", "Write-Host", "Update-MgServicePrincipal", "Get-MgServicePrincipal",
         "Write-Host"],
        [*GRAPH_CONNECT, "Get-MgServicePrincipal", "Write-Host", "Write-Warning", "Update-MgServicePrincipal"]),
    "hybrid.exchange-online-hosting-provider": (
        ["Get-CsHostingProvider", "Where-Object", "Write-Host", "New-CsHostingProvider", "Get-CsHostingProvider",
         "Write-Host", "Where-Object", "Write-Warning",
         "Get-CsAccessEdgeConfiguration", "Write-Host", "Write-Warning", "Set-CsAccessEdgeConfiguration",
         "Get-CsAccessEdgeConfiguration", "Write-Host"],
        ["Get-CsAccessEdgeConfiguration", "Write-Host", "Write-Warning", "Set-CsAccessEdgeConfiguration",
         "Get-CsHostingProvider", "Write-Host", "Remove-CsHostingProvider"]),
    "hybrid.dedicated-exchange-hybrid-app": (
        ["Get-AuthServer", "Where-Object", "Format-List", "Get-SettingOverride", "Where-Object", "Format-List",
         "Get-SettingOverride", "Where-Object", "Format-List"], None),
    "hybrid.exchange-online-mailbox-test": (["Test-CsExStorageConnectivity", "Read-Host"], None),
}


def special(step: Any, scenario: Any) -> tuple[list[str], list[str] | None] | None:
    if step.id == "hybrid.upload-sfb-oauth-certificate":
        uses_file = scenario.oauth_certificate.lower().endswith((".cer", ".crt", ".pem"))
        path = [] if uses_file else ["Join-Path"]
        return ([*GRAPH_CONNECT, *path, *GRAPH_UPLOAD_LOOP], GRAPH_REMOVE)
    return None
