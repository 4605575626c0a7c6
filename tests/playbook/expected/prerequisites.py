"""The commands of the prerequisites phase's steps: step id -> (setup commands, undo commands or None).

special() spells out the steps whose commands depend on the scenario (versions, counts).
"""

from __future__ import annotations

from typing import Any

from expected.common import DNS_CNAME_ADD, DNS_REMOVE, DNS_SRV_ADD, GRAPH_CONNECT

COMMANDS: dict[str, tuple[list[str], list[str] | None]] = {
    "prerequisites.exchange-servers": (["Get-ExchangeServer", "Format-Table"], None),
    "prerequisites.sfb-pools": (["Get-CsPool", "Where-Object", "Format-List"], None),
    "prerequisites.rtc-universal-user-admins": (
        ["Import-Module", "Get-ADGroupMember", "Where-Object", "Add-ADGroupMember"], None),
    "prerequisites.owa-ucma": (["Get-ItemProperty"], None),
    "prerequisites.exchange-online-autodiscover-dns": (DNS_CNAME_ADD, DNS_REMOVE),
    "prerequisites.graph-session": (
        ["Get-Module", "Install-Module", "Get-Module", "Install-Module", *GRAPH_CONNECT], None),
    "prerequisites.directory-sync": ([*GRAPH_CONNECT, "Get-MgOrganization", "Format-List"], None),
    "prerequisites.sip-proxy-address": (["Get-Mailbox", "Where-Object", "Set-Mailbox"],
                                        ["Get-Mailbox", "Where-Object", "Set-Mailbox"]),
}


def special(step: Any, scenario: Any) -> tuple[list[str], list[str] | None] | None:
    if step.id == "prerequisites.lync-dns":
        return ["Resolve-DnsName"] * (3 * len(scenario.sip_domains)), None
    if step.id.startswith("prerequisites.teams-federation-dns."):
        return DNS_SRV_ADD, DNS_REMOVE
    return None
