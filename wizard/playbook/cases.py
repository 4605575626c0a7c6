"""The integration cases the documents distinguish, as predicates on a topology.

Several phases ask the same questions (does Exchange Server serve Teams users? does the SfB Server
trust the tenant? are some mailboxes in Exchange Online?); naming them once keeps the phase
modules in agreement. A case composes Topology properties, so every one of the 99 topologies
falls into exactly the cases that apply to it.
"""

from __future__ import annotations

from wizard.scenario import Scenario
from wizard.settled import Settled
from wizard.topology import ExchangeKind, ExchangeVersion, SfbKind, Topology


def onprem_pair(t: Topology) -> bool:
    """Exchange 2013+ on premises (alone or in a hybrid) with Lync/SfB Server pools: partner applications on both
    sides, as in Jeff Schertz's field guide and Microsoft's partner-application procedure."""
    return t.exchange_on_prem and t.exchange_has_oauth and t.sfb_on_prem


def exchange_server_with_teams(t: Topology) -> bool:
    """Exchange 2013+ on premises with Teams users (Teams only, or SfB Server with Teams): the Teams procedure
    "Configure Integration and OAuth between Microsoft Teams services and Exchange Server" applies."""
    return t.exchange_on_prem and t.exchange_has_oauth and t.teams_users


# The name the phase modules used while the online side was called Skype for Business Online.
exchange_with_sfb_online = exchange_server_with_teams


def sfb_server_trusts_tenant(t: Topology) -> bool:
    """SfB Server pools that must trust the Microsoft online STS (some mailboxes in Exchange Online, or a hybrid
    with Teams): microsoft.sts, the 00000004 service name, the OAuthTokenIssuer key in the tenant."""
    return t.sfb_on_prem and t.involves_tenant and t.exchange_has_oauth


def sfb_trusts_exchange_online(t: Topology) -> bool:
    """SfB Server registers microsoft.exchange (00000002, -UseOAuthServer) whenever it trusts the tenant.

    Microsoft's hybrid server-to-server script creates it in every hybrid, also when every mailbox is on
    Exchange Server; with Exchange Online mailboxes (all of them, or some in an Exchange hybrid) nothing
    reaches them without it.
    """
    return sfb_server_trusts_tenant(t)


def sfb_server_with_exchange_online_mailboxes(t: Topology) -> bool:
    """SfB Server pools whose users may have mailboxes in Exchange Online (Exchange Online or an Exchange hybrid):
    the shared SIP address space with Exchange Online, the cloud-mailbox test."""
    return t.sfb_on_prem and t.exchange_online_mailboxes


def exchange_hybrid(t: Topology) -> bool:
    """Mailboxes on Exchange Server and in Exchange Online (an Exchange hybrid deployment)."""
    return t.exchange is ExchangeKind.HYBRID


def exchange_hybrid_with_sfb_server(t: Topology) -> bool:
    """An Exchange hybrid (2013+) with SfB Server: on-premises mailboxes through the Exchange partner application,
    Exchange Online mailboxes through the on-premises autodiscover's redirect and microsoft.exchange."""
    return exchange_hybrid(t) and t.exchange_has_oauth and t.sfb_on_prem


def exchange_online_with_sfb_server(t: Topology) -> bool:
    """Every mailbox in Exchange Online, with SfB Server pools."""
    return t.exchange is ExchangeKind.ONLINE and t.sfb_on_prem


def owa_im_on_prem(t: Topology) -> bool:
    """OWA on Exchange Server with IM/presence from Lync/SfB Server pools (KB 2614242, step 5)."""
    return t.exchange_on_prem and t.sfb_on_prem


def exchange_2010(t: Topology) -> bool:
    return t.exchange_on_prem and t.exchange_version is ExchangeVersion.V2010


def exchange_online_with_teams(t: Topology) -> bool:
    """Exchange Online and Microsoft Teams only: the service integrates them itself."""
    return t.exchange is ExchangeKind.ONLINE and t.sfb is SfbKind.TEAMS


def needs_directory_sync(t: Topology) -> bool:
    """Directory synchronisation is required whenever on-premises objects meet the tenant (KB 2614242)."""
    return t.involves_tenant and not exchange_online_with_teams(t)


def tenant_reference(scenario: Settled | Scenario) -> str:
    """What identifies the tenant in URLs and Connect-MgGraph: its ID when known, else its domain."""
    return scenario.tenant_id or scenario.tenant_domain
