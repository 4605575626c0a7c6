"""The commands of the prerequisites phase's steps: step id -> (setup commands, undo commands or None).

special() spells out the steps whose commands depend on the scenario (versions, counts).
"""

from __future__ import annotations

from typing import Any

from expected.common import DNS_CNAME_ADD, DNS_REMOVE, DNS_SRV_ADD, GRAPH_CONNECT

# Read-only: this sign-in's token, then (when the group is missing) Active Directory's member list.
RTC_TOKEN_CHECK = ["ForEach-Object", "Where-Object", "Write-Host", "Get-Module", "Import-Module", "Get-ADGroupMember",
                   "Where-Object", "Write-Host", "Write-Warning", "Write-Warning", "Write-Warning"]
# Exchange 2010: the OCS 2007 R2 Web Service Provider among the installed programs.
OWA_2010_WEB_SERVICE_PROVIDER = ["Get-ItemProperty", "Where-Object", "Format-Table", "Where-Object", "Write-Host",
                                 "Write-Warning"]
OWA_IM_COMPONENT = ["Get-ItemProperty", "Write-Host", "Write-Warning"]

COMMANDS: dict[str, tuple[list[str], list[str] | None]] = {
    "prerequisites.exchange-servers": (["Get-ExchangeServer", "Format-Table"], None),
    "prerequisites.sfb-pools": (["Get-CsPool", "Where-Object", "Format-List"], None),
    "prerequisites.rtc-universal-user-admins": (RTC_TOKEN_CHECK, None),
    "prerequisites.exchange-online-autodiscover-dns": (DNS_CNAME_ADD, DNS_REMOVE),
    "prerequisites.graph-session": (["Where-Object", "Get-Module", *GRAPH_CONNECT], None),
    "prerequisites.directory-sync": ([*GRAPH_CONNECT, "Get-MgOrganization", "Format-List"], None),
    "prerequisites.sip-proxy-address": (
        ["Get-Mailbox", "Where-Object", "Set-Mailbox", "Get-Mailbox", "Where-Object", "Write-Host", "Where-Object",
         "Write-Warning"],
        ["Get-Mailbox", "Where-Object", "Write-Host", "Set-Mailbox", "Write-Host"]),
}


def special(step: Any, scenario: Any) -> tuple[list[str], list[str] | None] | None:
    if step.id == "prerequisites.lync-dns":
        return ["Resolve-DnsName"] * (3 * len(scenario.sip_domains)), None
    if step.id.startswith("prerequisites.teams-federation-dns."):
        return DNS_SRV_ADD, DNS_REMOVE
    if step.id == "prerequisites.owa-ucma":
        if scenario.topology.exchange_version == "2010":
            return OWA_2010_WEB_SERVICE_PROVIDER, None
        return OWA_IM_COMPONENT, None
    return None
