"""Command lists several phases' steps share (DNS records, Graph key updates)."""

from __future__ import annotations

DNS_CNAME_ADD = ["Get-DnsServerResourceRecord", "Add-DnsServerResourceRecordCName", "Get-DnsServerResourceRecord",
                 "Write-Host", "Write-Host", "Where-Object", "Write-Warning"]
DNS_SRV_ADD = ["Get-DnsServerResourceRecord", "Where-Object", "Add-DnsServerResourceRecord",
               "Get-DnsServerResourceRecord", "Where-Object", "Write-Host"]
DNS_REMOVE = ["Get-DnsServerResourceRecord", "Where-Object", "Write-Host", "Remove-DnsServerResourceRecord"]
GRAPH_CONNECT = ["Get-MgContext", "Connect-MgGraph"]
IIS_CERTIFICATE = ["Get-ExchangeCertificate", "Where-Object", "Sort-Object", "Select-Object"]
# Per principal: read its keys, work out the merged list, add this certificate only where it is missing, read back.
GRAPH_UPLOAD_LOOP = ["Write-Host", "Get-MgServicePrincipal", "Get-MgServicePrincipal", "Where-Object", "Where-Object",
                     "Get-Date", "Where-Object", "Get-Date", "ForEach-Object", "Where-Object", "ForEach-Object",
                     "Update-MgServicePrincipal", "Get-MgServicePrincipal", "Where-Object", "Write-Host", "Write-Host"]
# Per recorded key: find the principal, leave it alone if the key is gone, resubmit the others, read back.
GRAPH_REMOVE_LOOP = ["Get-MgServicePrincipal", "Write-Host", "Get-MgServicePrincipal", "Where-Object", "Write-Host",
                     "Where-Object", "Where-Object", "ForEach-Object", "Update-MgServicePrincipal",
                     "Get-MgServicePrincipal", "Where-Object", "Write-Host"]
GRAPH_UPLOAD = [*GRAPH_CONNECT, "Join-Path", *GRAPH_UPLOAD_LOOP]
GRAPH_REMOVE = [*GRAPH_CONNECT, *GRAPH_REMOVE_LOOP]  # undo needs no certificate file
