"""What an admin must know about a topology today, beyond its checks: support status and EWS retirement.

verify's summary, the report and the window show the same advisories, so the three can never
disagree about whether a product is out of support or what Exchange Online's EWS retirement means.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from wizard.ews_retirement import ews_impact
from wizard.lifecycle import out_of_support, support_lines, support_of, today
from wizard.topology import Topology


class AdvisoryKind(StrEnum):
    SUPPORT = "support"
    EWS = "ews-retirement"


@dataclass(frozen=True)
class Advisory:
    kind: AdvisoryKind
    headline: str
    details: tuple[str, ...]
    sources: tuple[str, ...]
    attention: bool  # out of support, or a feature at risk: worth reading before anything else

    def to_json(self) -> dict[str, object]:
        return {"kind": self.kind.value, "headline": self.headline, "details": list(self.details),
                "sources": list(self.sources), "attention": self.attention}


def advisories(topology: Topology, on: dt.date | None = None) -> list[Advisory]:
    """The support status of the on-premises products, then the EWS retirement where it matters."""
    when = on or today()
    found: list[Advisory] = []
    lines = support_lines(topology, when)
    if lines:
        ended = out_of_support(topology, when)
        if ended:
            headline = "Out of support: " + ", ".join(
                f"{s.product} (since {s.end.day} {s.end:%B %Y})" if s.end else s.product for s in ended) + "."
        elif support_of(topology):
            headline = "Every on-premises product is in support."
        else:
            headline = "Nothing on premises: Exchange Online and Microsoft Teams are Microsoft's online services."
        sources = tuple(dict.fromkeys(s.source for s in ended)) if ended else ()
        found.append(Advisory(AdvisoryKind.SUPPORT, headline, tuple(lines), sources, bool(ended)))
    impact = ews_impact(topology, when)
    if impact.affected:
        details = (*impact.features, impact.advice, *impact.unknowns)
        found.append(Advisory(AdvisoryKind.EWS, impact.headline, tuple(d for d in details if d), impact.sources,
                              True))
    return found
