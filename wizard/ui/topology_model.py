"""What the topology picture shows: boxes and arrows for the scenario, each with the worst status of
the probe results that concern it. Pure presentation (no Qt): which results colour which shape.

Boxes: a result about a named host (tag ``host:<fqdn>``) colours that host's box; DNS lookups
(tag ``dns``) colour the DNS box; ``exchange``, ``autodiscover``, ``tenant`` and ``sfb`` tags
colour those boxes, and the OAuth certificate's checks (``certificate`` + ``oauth``) the SfB pools.
Arrows: a result colours the arrow of its phase (autodiscover -> Exchange, SfB -> autodiscover for
the OAuth configuration, SfB <-> Exchange for partner applications, the tenant arrows for hybrid);
the end-to-end OAuth checks of the verification phase colour the SfB <-> Exchange arrow.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from wizard.probes.result import ProbeResult, Status, SubjectKind, worst
from wizard.scenario import Scenario
from wizard.topology import Phase

PENDING = "pending"


@dataclass(frozen=True)
class Node:
    id: str
    title: str
    subtitle: str
    row: int  # 0 = top row, 1 = bottom row
    column: float  # 0 .. 2
    status: str = PENDING
    results: tuple[str, ...] = ()  # ids of the results that decided the colour


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    label: str
    phase: Phase
    status: str = PENDING
    both_ways: bool = False
    results: tuple[str, ...] = ()


@dataclass(frozen=True)
class Diagram:
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]

    def node(self, node_id: str) -> Node:
        return next(n for n in self.nodes if n.id == node_id)

    def edge(self, source: str, target: str) -> Edge:
        return next(e for e in self.edges if e.source == source and e.target == target)


@dataclass
class _Acc:
    statuses: list[Status] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)

    def add(self, result: ProbeResult) -> None:
        self.statuses.append(result.status)
        self.ids.append(result.id)

    def status(self) -> str:
        return worst(self.statuses).value if self.statuses else PENDING


def diagram_for(scenario: Scenario, results: list[ProbeResult]) -> Diagram:
    topo = scenario.topology_or_default
    nodes: list[Node] = []
    edges: list[Edge] = []
    domain = scenario.smtp_domain or scenario.default_sip_domain or "your domain"
    nodes.append(Node("dns", "DNS", domain, 0, 0))
    if topo.exchange_on_prem:
        autodiscover = scenario.effective_autodiscover_fqdn or "autodiscover.<domain>"
        nodes.append(Node("autodiscover", "Autodiscover", autodiscover, 0, 1))
        exchange_sub = ", ".join(scenario.exchange_fqdns) or "Exchange servers"
        nodes.append(Node("exchange", f"Exchange Server {topo.exchange_version or ''}".strip(), exchange_sub, 0, 2))
    else:
        nodes.append(Node("autodiscover", "Autodiscover", "autodiscover-s.outlook.com", 0, 1))
        nodes.append(Node("exchange", "Exchange Online", scenario.tenant_domain or "Microsoft 365", 0, 2))
    pool_ids: list[str] = []
    if topo.sfb_on_prem:
        version = {"2013": "Lync Server 2013"}.get(str(topo.sfb_version), f"SfB Server {topo.sfb_version}")
        pools = scenario.pool_fqdns or ["Front End pool"]
        for index, pool in enumerate(pools):
            pool_id = f"pool:{pool}"
            pool_ids.append(pool_id)
            offset = (index - (len(pools) - 1) / 2) * 0.5
            nodes.append(Node(pool_id, version if index == 0 else "Front End pool", pool, 1, 0.5 + offset))
    else:
        pool_ids.append("sfb-online")
        nodes.append(Node("sfb-online", "Skype for Business Online", scenario.tenant_domain or "Microsoft 365", 1, 0.5))
    if topo.involves_tenant:
        nodes.append(Node("tenant", "Microsoft 365 tenant", scenario.tenant_domain or "tenant", 1, 2))

    edges.append(Edge("dns", "autodiscover", "resolves", Phase.PREREQUISITES))
    edges.append(Edge("autodiscover", "exchange", "autodiscover", Phase.AUTODISCOVER))
    for pool_id in pool_ids:
        if topo.sfb_on_prem:
            edges.append(Edge(pool_id, "autodiscover", "OAuth: .svc URL", Phase.OAUTH))
        if topo.applies(Phase.PARTNER_APPLICATIONS):
            edges.append(Edge(pool_id, "exchange", "partner applications", Phase.PARTNER_APPLICATIONS,
                              both_ways=True))
    if topo.involves_tenant:
        edges.append(Edge("exchange", "tenant", "OAuth / ACS", Phase.HYBRID, both_ways=True))
        if topo.sfb_on_prem:
            edges.append(Edge(pool_ids[0], "tenant", "hybrid", Phase.HYBRID, both_ways=True))

    hosts = {fqdn: "exchange" for fqdn in scenario.exchange_fqdns if topo.exchange_on_prem}
    if topo.exchange_on_prem and scenario.effective_autodiscover_fqdn:
        hosts[scenario.effective_autodiscover_fqdn] = "autodiscover"
    hosts.update({pool_id.removeprefix("pool:"): pool_id for pool_id in pool_ids if pool_id.startswith("pool:")})
    node_acc = {n.id: _Acc() for n in nodes}
    edge_acc = {(e.source, e.target): _Acc() for e in edges}
    for result in results:
        for target in _node_targets(result, node_acc, pool_ids, hosts):
            node_acc[target].add(result)
        for key in _edge_targets(result, edges):
            edge_acc[key].add(result)
    nodes = [Node(n.id, n.title, n.subtitle, n.row, n.column, node_acc[n.id].status(), tuple(node_acc[n.id].ids))
             for n in nodes]
    edges = [Edge(e.source, e.target, e.label, e.phase, edge_acc[(e.source, e.target)].status(), e.both_ways,
                  tuple(edge_acc[(e.source, e.target)].ids)) for e in edges]
    return Diagram(tuple(nodes), tuple(edges))


def _node_targets(result: ProbeResult, nodes: dict[str, _Acc], pool_ids: list[str],
                  hosts: dict[str, str]) -> list[str]:
    tags = set(result.tags)
    found: set[str] = set()
    if "dns" in tags:
        found.add("dns")
    else:
        found |= {hosts[s.value] for s in result.subjects if s.kind is SubjectKind.HOST and s.value in hosts}
    found |= {t for t in ("exchange", "autodiscover", "tenant") if t in tags}
    if "sfb" in tags or "discovery" in tags or {"certificate", "oauth"} <= tags:
        found |= set(pool_ids)
    if "dns" in tags and "autodiscover" in tags:
        found.discard("autodiscover")  # the autodiscover DNS records are a DNS matter (and colour the arrow)
    return sorted(found & set(nodes))


def _edge_targets(result: ProbeResult, edges: list[Edge]) -> list[tuple[str, str]]:
    tags = set(result.tags)
    keys = []
    for edge in edges:
        same_phase = edge.phase is result.phase and result.phase is not Phase.PREREQUISITES
        dns_of_autodiscover = edge.phase is Phase.PREREQUISITES and {"dns", "autodiscover"} <= tags
        end_to_end_oauth = (result.phase is Phase.VERIFICATION and "oauth" in tags
                            and edge.phase is Phase.PARTNER_APPLICATIONS)
        if same_phase or dns_of_autodiscover or end_to_end_oauth:
            keys.append((edge.source, edge.target))
    return keys
