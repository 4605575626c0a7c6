"""Scenarios per topology: TOPOLOGIES (Exchange Server or Online x SfB kinds, pinned step by step in
test_playbook_build.py) and ALL_TOPOLOGIES, the 99 of the product model (Exchange hybrid and Teams included)."""

from __future__ import annotations

from typing import Any

from wizard.scenario import Scenario
from wizard.topology import ExchangeVersion, SfbVersion, Topology, all_topologies

EXCHANGES: tuple[tuple[str, str], ...] = (
    *(("server", v.value) for v in ExchangeVersion),
    ("online", ""),
)
SFBS: tuple[tuple[str, str], ...] = (
    *(("server", v.value) for v in SfbVersion),
    ("online", ""),
    *(("hybrid", v.value) for v in SfbVersion),
)
TOPOLOGIES: tuple[tuple[str, str, str, str], ...] = tuple(
    (ex, ev, sfb, sv) for ex, ev in EXCHANGES for sfb, sv in SFBS)

CONTOSO: dict[str, Any] = {
    "sip_domains": ["contoso.com"],
    "smtp_domain": "contoso.com",
    "exchange_fqdns": ["exch01.contoso.com"],
    "pool_fqdns": ["pool01.contoso.com"],
    "dc_fqdn": "dc01.contoso.com",
    "test_sip_uri": "sip:kenmyer@contoso.com",
    "tenant_domain": "contoso.onmicrosoft.com",
    "tenant_id": "3a1c9b2e-5d4f-4e6a-8b7c-0d9e8f7a6b5c",
    "pool_external_web_fqdns": ["webext.contoso.com"],
}


def topology_id(topology: tuple[str, str, str, str]) -> str:
    ex, ev, sfb, sv = topology
    return f"exchange-{ex}{ev and '-' + ev}+sfb-{sfb}{sv and '-' + sv}"


def scenario_for(topology: tuple[str, str, str, str], **overrides: Any) -> Scenario:
    """A valid Contoso scenario for the topology; overrides replace (or add) values."""
    ex, ev, sfb, sv = topology
    scenario = Scenario()
    values = {"exchange": ex, "sfb": sfb, **CONTOSO, **overrides}
    if ev:
        values["exchange_version"] = ev
    if sv:
        values["sfb_version"] = sv
    problems = scenario.update(values)
    assert not problems, problems
    scenario.require_valid()
    return scenario


def topology_tuple(t: Topology) -> tuple[str, str, str, str]:
    """The (exchange, version, sfb, version) form scenario_for takes, for a Topology of the product model."""
    return (t.exchange.value, t.exchange_version.value if t.exchange_version else "",
            t.sfb.value, t.sfb_version.value if t.sfb_version else "")


# Every topology of the December 2026 product model (Exchange hybrid and Teams included): 99 of them.
ALL_TOPOLOGIES: tuple[tuple[str, str, str, str], ...] = tuple(topology_tuple(t) for t in all_topologies())
