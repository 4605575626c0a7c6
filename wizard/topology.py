"""Which products are deployed where: the one fact that shapes every page, step and probe."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ExchangeKind(StrEnum):
    SERVER = "server"
    ONLINE = "online"


class ExchangeVersion(StrEnum):
    V2010 = "2010"
    V2013 = "2013"
    V2016 = "2016"
    V2019 = "2019"


class SfbKind(StrEnum):
    SERVER = "server"
    ONLINE = "online"
    HYBRID = "hybrid"


class SfbVersion(StrEnum):
    V2013 = "2013"
    V2015 = "2015"
    V2019 = "2019"


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
    """Exchange and SfB placement plus versions; versions are None for the online services."""

    exchange: ExchangeKind
    exchange_version: ExchangeVersion | None
    sfb: SfbKind
    sfb_version: SfbVersion | None

    @property
    def exchange_on_prem(self) -> bool:
        return self.exchange is ExchangeKind.SERVER

    @property
    def sfb_on_prem(self) -> bool:
        """True when Front End pools exist on premises (SfB Server alone or in a hybrid)."""
        return self.sfb in (SfbKind.SERVER, SfbKind.HYBRID)

    @property
    def exchange_has_oauth(self) -> bool:
        """Exchange 2010 has no server-to-server OAuth (no partner applications, UCS or archiving)."""
        return self.exchange is ExchangeKind.ONLINE or self.exchange_version is not ExchangeVersion.V2010

    @property
    def exchange_has_um(self) -> bool:
        """Exchange 2019 removed Unified Messaging; Exchange Online UM is retired too."""
        return self.exchange_on_prem and self.exchange_version is not ExchangeVersion.V2019

    @property
    def uses_client_access_service(self) -> bool:
        """Exchange 2016 and later use *-ClientAccessService; 2010/2013 use *-ClientAccessServer."""
        return self.exchange_version in (ExchangeVersion.V2016, ExchangeVersion.V2019)

    @property
    def involves_tenant(self) -> bool:
        return self.exchange is ExchangeKind.ONLINE or self.sfb in (SfbKind.ONLINE, SfbKind.HYBRID)

    @property
    def label(self) -> str:
        ex = (f"Exchange Server {self.exchange_version}" if self.exchange_on_prem else "Exchange Online")
        if self.sfb is SfbKind.ONLINE:
            sfb = "Skype for Business Online"
        else:
            name = "Lync Server 2013" if self.sfb_version is SfbVersion.V2013 else (
                f"Skype for Business Server {self.sfb_version}")
            sfb = name + (" hybrid with Skype for Business Online" if self.sfb is SfbKind.HYBRID else "")
        return f"{ex} + {sfb}"

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
