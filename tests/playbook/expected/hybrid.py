"""The commands of the hybrid phase's steps: step id -> (setup commands, undo commands or None).

special() spells out the steps whose commands depend on the scenario (versions, counts).
"""

from __future__ import annotations

from typing import Any

from expected.common import GRAPH_CONNECT, GRAPH_REMOVE, GRAPH_REMOVE_LOOP, GRAPH_UPLOAD, GRAPH_UPLOAD_LOOP

COMMANDS: dict[str, tuple[list[str], list[str] | None]] = {
    "hybrid.export-exchange-auth-certificate": (
        ["Get-AuthConfig", "Join-Path", "Test-Path", "New-Item", "Out-Null", "Get-ChildItem", "Where-Object",
         "Join-Path"], None),
    "hybrid.upload-exchange-auth-certificate": (GRAPH_UPLOAD, GRAPH_REMOVE),
    "hybrid.check-exchange-auth-certificate": (
        [*GRAPH_CONNECT, "Join-Path", "Get-MgServicePrincipal", "Get-MgServicePrincipal", "Where-Object",
         "Select-Object", "Write-Warning", "Format-Table"], None),
    "hybrid.export-sfb-oauth-certificate": (
        ["Get-CsCertificate", "Join-Path", "Test-Path", "New-Item", "Out-Null", "Get-Item", "Export-Certificate",
         "Join-Path", "Out-Null"], None),
    "hybrid.sfb-service-principal-name": (
        [*GRAPH_CONNECT, "Get-MgServicePrincipal", "Update-MgServicePrincipal"],
        [*GRAPH_CONNECT, "Get-MgServicePrincipal", "Update-MgServicePrincipal", "Where-Object"]),
    "hybrid.exchange-online-principal": ([*GRAPH_CONNECT, "Get-MgServicePrincipal", "Update-MgServicePrincipal"],
                                         None),
    "hybrid.exchange-online-hosting-provider": (
        ["Get-CsHostingProvider", "New-CsHostingProvider", "Set-CsAccessEdgeConfiguration"],
        ["Get-CsHostingProvider", "Remove-CsHostingProvider"]),
    "hybrid.dedicated-exchange-hybrid-app": (
        ["Get-AuthServer", "Where-Object", "Format-List", "Get-SettingOverride", "Where-Object", "Format-List",
         "Get-SettingOverride", "Where-Object", "Format-List"], None),
    "hybrid.exchange-online-mailbox-test": (["Test-CsExStorageConnectivity", "Read-Host"], None),
}


def special(step: Any, scenario: Any) -> tuple[list[str], list[str] | None] | None:
    if step.id == "hybrid.upload-sfb-oauth-certificate":
        uses_file = scenario.oauth_certificate.lower().endswith((".cer", ".crt", ".pem"))
        path = [] if uses_file else ["Join-Path"]
        return ([*GRAPH_CONNECT, *path, *GRAPH_UPLOAD_LOOP], [*GRAPH_CONNECT, *path, *GRAPH_REMOVE_LOOP])
    return None
