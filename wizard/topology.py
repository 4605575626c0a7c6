"""Which products are deployed where: the one fact that shapes every page, step and probe.

The vocabulary is December 2026's: Exchange Server (all mailboxes on premises), an Exchange hybrid
(mailboxes on premises and in Exchange Online) or Exchange Online; Lync/SfB Server, SfB Server with
Microsoft Teams (a hybrid), or Teams only. Skype for Business Online was retired on 31 July 2021;
its old name "online" is still read (LEGACY_SFB_KINDS) from scenario files and flags.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ExchangeKind(StrEnum):
    SERVER = "server"  # every mailbox on Exchange Server
    HYBRID = "hybrid"  # Exchange Server and Exchange Online: mailboxes on both sides
    ONLINE = "online"  # every mailbox in Exchange Online


class ExchangeVersion(StrEnum):
    V2010 = "2010"
    V2013 = "2013"
    V2016 = "2016"
    V2019 = "2019"
    SE = "se"  # Exchange Server Subscription Edition (July 2025): the code of 2019 CU15, same commands


class SfbKind(StrEnum):
    SERVER = "server"  # Lync/SfB Server only
    HYBRID = "hybrid"  # SfB Server with Microsoft Teams: users on premises and TeamsOnly users online
    TEAMS = "teams"  # Microsoft Teams only (no SfB Server left)


class SfbVersion(StrEnum):
    V2013 = "2013"  # Lync Server 2013
    V2015 = "2015"
    V2019 = "2019"
    SE = "se"  # Skype for Business Server Subscription Edition (July 2025): same commands as 2019


# Values earlier versions of the wizard wrote, and what they mean now.
LEGACY_SFB_KINDS = {"online": SfbKind.TEAMS.value}

DEFAULT_EXCHANGE_VERSION = ExchangeVersion.SE
DEFAULT_SFB_VERSION = SfbVersion.SE

EXCHANGE_NAMES = {
    ExchangeVersion.V2010: "Exchange Server 2010", ExchangeVersion.V2013: "Exchange Server 2013",
    ExchangeVersion.V2016: "Exchange Server 2016", ExchangeVersion.V2019: "Exchange Server 2019",
    ExchangeVersion.SE: "Exchange Server Subscription Edition (SE)",
}
SFB_NAMES = {
    SfbVersion.V2013: "Lync Server 2013", SfbVersion.V2015: "Skype for Business Server 2015",
    SfbVersion.V2019: "Skype for Business Server 2019",
    SfbVersion.SE: "Skype for Business Server Subscription Edition (SE)",
}


class Phase(StrEnum):
    """The documented phases, in order; the values are the CLI/JSON names."""

    PREREQUISITES = "prerequisites"
    CERTIFICATES = "certificates"
    AUTODISCOVER = "autodiscover"
    OAUTH = "oauth"
    PARTNER_APPLICATIONS = "partner-applications"
    HYBRID = "hybrid"
    VERIFICATION = "verification"

    @property
    def title(self) -> str:  # type: ignore[override]  # shadows str.title() on purpose: the phase's heading
        return PHASE_TITLES[self]


PHASE_TITLES: dict[Phase, str] = {
    Phase.PREREQUISITES: "Prerequisites",
    Phase.CERTIFICATES: "Certificates",
    Phase.AUTODISCOVER: "Autodiscover",
    Phase.OAUTH: "OAuth configuration",
    Phase.PARTNER_APPLICATIONS: "Partner applications",
    Phase.HYBRID: "Hybrid / online",
    Phase.VERIFICATION: "Verification",
}


@dataclass(frozen=True)
class Topology:
    """Exchange and SfB placement plus versions; a version is None where nothing of that product is on premises."""

    exchange: ExchangeKind
    exchange_version: ExchangeVersion | None
    sfb: SfbKind
    sfb_version: SfbVersion | None

    def __post_init__(self) -> None:
        if self.exchange_on_prem != (self.exchange_version is not None):
            raise ValueError(f"Exchange {self.exchange} with version {self.exchange_version}")
        if self.sfb_on_prem != (self.sfb_version is not None):
            raise ValueError(f"SfB {self.sfb} with version {self.sfb_version}")

    @property
    def exchange_on_prem(self) -> bool:
        """Exchange servers exist on premises (Exchange Server alone or in a hybrid)."""
        return self.exchange in (ExchangeKind.SERVER, ExchangeKind.HYBRID)

    @property
    def exchange_online_mailboxes(self) -> bool:
        """Some (hybrid) or all mailboxes are in Exchange Online."""
        return self.exchange in (ExchangeKind.ONLINE, ExchangeKind.HYBRID)

    @property
    def exchange_online_only(self) -> bool:
        return self.exchange is ExchangeKind.ONLINE

    @property
    def sfb_on_prem(self) -> bool:
        """True when Front End pools exist on premises (SfB Server alone or in a hybrid)."""
        return self.sfb in (SfbKind.SERVER, SfbKind.HYBRID)

    @property
    def teams_users(self) -> bool:
        """Some (hybrid) or all users are Teams users homed online."""
        return self.sfb in (SfbKind.TEAMS, SfbKind.HYBRID)

    @property
    def exchange_has_oauth(self) -> bool:
        """Exchange 2010 has no server-to-server OAuth (no partner applications, UCS or archiving)."""
        return self.exchange is ExchangeKind.ONLINE or self.exchange_version is not ExchangeVersion.V2010

    @property
    def exchange_2019_or_later(self) -> bool:
        """Exchange 2019 and SE (the same code): no Unified Messaging, Set-ClientAccessService."""
        return self.exchange_version in (ExchangeVersion.V2019, ExchangeVersion.SE)

    @property
    def exchange_has_um(self) -> bool:
        """Exchange 2019 and SE have no Unified Messaging; Exchange Online UM is retired too."""
        return self.exchange_on_prem and not self.exchange_2019_or_later

    @property
    def uses_client_access_service(self) -> bool:
        """Exchange 2016 and later use *-ClientAccessService; 2010/2013 use *-ClientAccessServer."""
        return self.exchange_version in (ExchangeVersion.V2016, ExchangeVersion.V2019, ExchangeVersion.SE)

    @property
    def involves_tenant(self) -> bool:
        return self.exchange is not ExchangeKind.SERVER or self.sfb is not SfbKind.SERVER

    @property
    def exchange_name(self) -> str:
        if self.exchange_version is None:
            return "Exchange Online"
        name = EXCHANGE_NAMES[self.exchange_version]
        return f"{name} hybrid with Exchange Online" if self.exchange is ExchangeKind.HYBRID else name

    @property
    def sfb_name(self) -> str:
        if self.sfb_version is None:
            return "Microsoft Teams"
        name = SFB_NAMES[self.sfb_version]
        return f"{name} hybrid with Microsoft Teams" if self.sfb is SfbKind.HYBRID else name

    @property
    def label(self) -> str:
        return f"{self.exchange_name} + {self.sfb_name}"

    def applies(self, phase: Phase) -> bool:
        """Whether a phase has anything to do for this topology (the wizard skips the others)."""
        if phase is Phase.HYBRID:
            return self.involves_tenant
        if phase is Phase.PARTNER_APPLICATIONS:
            return self.exchange_has_oauth and (self.exchange_on_prem or self.sfb_on_prem)
        if phase in (Phase.AUTODISCOVER, Phase.OAUTH):
            return self.exchange_on_prem or self.sfb_on_prem
        if phase is Phase.CERTIFICATES:
            return self.exchange_on_prem or self.sfb_on_prem
        return True

    def phases(self) -> list[Phase]:
        return [p for p in Phase if self.applies(p)]


def all_topologies() -> list[Topology]:
    """Every combination the wizard models (each version of each on-premises product)."""
    out = []
    for exchange in ExchangeKind:
        ex_versions: list[ExchangeVersion | None] = (
            list(ExchangeVersion) if exchange is not ExchangeKind.ONLINE else [None])
        for sfb in SfbKind:
            sfb_versions: list[SfbVersion | None] = list(SfbVersion) if sfb is not SfbKind.TEAMS else [None]
            out += [Topology(exchange, ev, sfb, sv) for ev in ex_versions for sv in sfb_versions]
    return out
