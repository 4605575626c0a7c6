"""The integration cases the documents distinguish, as predicates on a topology.

Several phases ask the same questions (is this Exchange-on-premises with SfB Online? does the SfB
Server trust the tenant?); naming them once keeps the phase modules in agreement.
"""

from __future__ import annotations

from wizard.scenario import Scenario
from wizard.topology import ExchangeKind, ExchangeVersion, SfbKind, Topology


def onprem_pair(t: Topology) -> bool:
    """Exchange 2013+ on premises with Lync/SfB Server pools: partner applications on both sides (seed 004)."""
    return t.exchange_on_prem and t.exchange_has_oauth and t.sfb_on_prem


def exchange_with_sfb_online(t: Topology) -> bool:
    """Exchange 2013+ on premises serving SfB Online users (alone or in a hybrid): seed 001."""
    return t.exchange_on_prem and t.exchange_has_oauth and t.sfb in (SfbKind.TEAMS, SfbKind.HYBRID)


def sfb_server_trusts_tenant(t: Topology) -> bool:
    """SfB Server pools that must trust the Microsoft online STS (Exchange Online, or a Lync/SfB hybrid)."""
    return t.sfb_on_prem and t.involves_tenant and t.exchange_has_oauth


def exchange_online_with_sfb_server(t: Topology) -> bool:
    return t.exchange is ExchangeKind.ONLINE and t.sfb_on_prem


def owa_im_on_prem(t: Topology) -> bool:
    """OWA on Exchange Server with IM/presence from Lync/SfB Server pools (seed 002 step 5)."""
    return t.exchange_on_prem and t.sfb_on_prem


def exchange_2010(t: Topology) -> bool:
    return t.exchange_on_prem and t.exchange_version is ExchangeVersion.V2010


def needs_directory_sync(t: Topology) -> bool:
    """Seed 002: directory synchronisation is required whenever on-premises objects meet the tenant."""
    return t.involves_tenant and not (t.exchange is ExchangeKind.ONLINE and t.sfb is SfbKind.TEAMS)


def tenant_reference(scenario: Scenario) -> str:
    """What identifies the tenant in URLs and Connect-MgGraph: its ID when known, else its domain."""
    return scenario.tenant_id or scenario.tenant_domain
