"""Support status of each product the wizard models, as of the date it is asked about.

Out-of-support versions stay fully supported by the wizard (real organisations still run them);
the admin is told, once per page, runbook, script and verify summary, that Microsoft no longer
fixes them. Each date carries the public document it comes from and how sure we are of it
(the same labels as docs/facts-2026.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from wizard.topology import EXCHANGE_NAMES, SFB_NAMES, ExchangeVersion, SfbKind, SfbVersion, Topology

LIFECYCLE_SOURCE = "Microsoft Lifecycle (learn.microsoft.com/lifecycle), product pages"
EOS_2025_SOURCE = ("Exchange Team blog: T-1 month: Exchange Server 2016 and Exchange Server 2019 end of support "
                   "(techcommunity.microsoft.com); Microsoft Lifecycle")
SE_SOURCE = ("Exchange Team blog: Exchange Server Subscription Edition (SE) is now available (July 2025); "
             "Microsoft Lifecycle: Modern Lifecycle Policy")
SFB_SE_SOURCE = ("Microsoft Learn: Skype for Business Server Subscription Edition documentation (\"Applies to: 2015, "
                 "2019, Subscription Edition\"); Microsoft Lifecycle: Modern Lifecycle Policy")
SFB_ONLINE_SOURCE = ('Microsoft Learn, "Skype for Business Online retirement" '
                     "(https://learn.microsoft.com/microsoftteams/skype-for-business-online-retirement)")

SFB_ONLINE_RETIRED = dt.date(2021, 7, 31)


@dataclass(frozen=True)
class Support:
    """One product version's support: when it ended (None: still supported), and from where we know it."""

    product: str
    end: dt.date | None
    source: str
    label: str = "verified"  # verified / third-party / unverified

    def ended(self, today: dt.date) -> bool:
        return self.end is not None and today > self.end

    def sentence(self, today: dt.date) -> str:
        """'Exchange Server 2016: out of support since 14 October 2025.' and the like."""
        if self.end is None:
            return f"{self.product}: supported (Modern Lifecycle Policy: keep it on a current cumulative update)."
        when = f"{self.end.day} {self.end:%B %Y}"
        if self.ended(today):
            return (f"{self.product}: out of support since {when}; Microsoft no longer ships security fixes for it. "
                    "The wizard still generates its commands.")
        return f"{self.product}: supported until {when}."


EXCHANGE_SUPPORT: dict[ExchangeVersion, Support] = {
    ExchangeVersion.V2010: Support(EXCHANGE_NAMES[ExchangeVersion.V2010], dt.date(2020, 10, 13), LIFECYCLE_SOURCE),
    ExchangeVersion.V2013: Support(EXCHANGE_NAMES[ExchangeVersion.V2013], dt.date(2023, 4, 11), LIFECYCLE_SOURCE),
    ExchangeVersion.V2016: Support(EXCHANGE_NAMES[ExchangeVersion.V2016], dt.date(2025, 10, 14), EOS_2025_SOURCE),
    ExchangeVersion.V2019: Support(EXCHANGE_NAMES[ExchangeVersion.V2019], dt.date(2025, 10, 14), EOS_2025_SOURCE),
    ExchangeVersion.SE: Support(EXCHANGE_NAMES[ExchangeVersion.SE], None, SE_SOURCE),
}
SFB_SUPPORT: dict[SfbVersion, Support] = {
    SfbVersion.V2013: Support(SFB_NAMES[SfbVersion.V2013], dt.date(2023, 4, 11), LIFECYCLE_SOURCE),
    SfbVersion.V2015: Support(SFB_NAMES[SfbVersion.V2015], dt.date(2025, 10, 14), LIFECYCLE_SOURCE),
    SfbVersion.V2019: Support(SFB_NAMES[SfbVersion.V2019], dt.date(2025, 10, 14), LIFECYCLE_SOURCE),
    SfbVersion.SE: Support(SFB_NAMES[SfbVersion.SE], None, SFB_SE_SOURCE),
}


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def support_of(topology: Topology) -> list[Support]:
    """The on-premises products of a topology, Exchange first."""
    found = []
    if topology.exchange_version is not None:
        found.append(EXCHANGE_SUPPORT[topology.exchange_version])
    if topology.sfb_version is not None:
        found.append(SFB_SUPPORT[topology.sfb_version])
    return found


def out_of_support(topology: Topology, on: dt.date | None = None) -> list[Support]:
    when = on or today()
    return [s for s in support_of(topology) if s.ended(when)]


def support_lines(topology: Topology, on: dt.date | None = None) -> list[str]:
    """One sentence per on-premises product, for headers and summaries (empty for online-only topologies)."""
    when = on or today()
    lines = [s.sentence(when) for s in support_of(topology)]
    if topology.sfb is SfbKind.TEAMS:
        lines.append(f"Skype for Business Online was retired on 31 July 2021; its users are Microsoft Teams users "
                     f"({SFB_ONLINE_SOURCE}).")
    return lines


def support_warning(topology: Topology, on: dt.date | None = None) -> str:
    """One line naming the out-of-support products, or '' when everything is supported."""
    ended = out_of_support(topology, on)
    if not ended:
        return ""
    names = " and ".join(f"{s.product} (since {s.end.day} {s.end:%B %Y})" for s in ended if s.end)
    return (f"Out of support: {names}. Microsoft no longer ships security fixes; plan the move to the Subscription "
            "Edition. Every command here still applies to the version you run.")
