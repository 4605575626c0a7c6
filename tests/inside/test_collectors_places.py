"""Where the collectors run, in the words the trust graph's empty state uses, follows the topology."""

from __future__ import annotations

from wizard.inside.collectors import collector_places
from wizard.topology import ExchangeKind, ExchangeVersion, SfbKind, SfbVersion, Topology


def test_places_name_only_what_the_topology_has():
    onprem = Topology(ExchangeKind.SERVER, ExchangeVersion.SE, SfbKind.SERVER, SfbVersion.SE)
    teams = Topology(ExchangeKind.SERVER, ExchangeVersion.SE, SfbKind.TEAMS, None)
    hybrid = Topology(ExchangeKind.HYBRID, ExchangeVersion.SE, SfbKind.SERVER, SfbVersion.SE)
    assert collector_places(onprem) == "Exchange and SfB Server"
    assert "SfB" not in collector_places(teams) and collector_places(teams).startswith("Exchange")
    assert collector_places(hybrid) == "Exchange, SfB Server and the tenant"
