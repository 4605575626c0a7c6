"""Command lists several phases' steps share (DNS records, Graph key updates)."""

from __future__ import annotations

DNS_CNAME_ADD = ["Get-DnsServerResourceRecord", "Add-DnsServerResourceRecordCName", "Get-DnsServerResourceRecord",
                 "Write-Host", "Write-Host", "Where-Object", "Write-Warning"]
DNS_SRV_ADD = ["Get-DnsServerResourceRecord", "Where-Object", "Add-DnsServerResourceRecord", "Get-DnsServerResourceRecord",
               "Where-Object", "Write-Host"]
DNS_REMOVE = ["Get-DnsServerResourceRecord", "Where-Object", "Write-Host", "Remove-DnsServerResourceRecord"]
GRAPH_CONNECT = ["Get-MgContext", "Connect-MgGraph"]
IIS_CERTIFICATE = ["Get-ExchangeCertificate", "Where-Object", "Sort-Object", "Select-Object"]
GRAPH_UPLOAD_LOOP = ["Get-MgServicePrincipal", "Get-MgServicePrincipal", "Where-Object", "Write-Host",
                     "Where-Object", "Get-Date", "Where-Object", "ForEach-Object", "Update-MgServicePrincipal",
                     "Write-Host"]
GRAPH_REMOVE_LOOP = ["Get-MgServicePrincipal", "Get-MgServicePrincipal", "Where-Object", "Where-Object",
                     "Where-Object", "ForEach-Object", "Update-MgServicePrincipal", "Write-Host"]
GRAPH_UPLOAD = [*GRAPH_CONNECT, "Join-Path", *GRAPH_UPLOAD_LOOP]
GRAPH_REMOVE = [*GRAPH_CONNECT, "Join-Path", *GRAPH_REMOVE_LOOP]
