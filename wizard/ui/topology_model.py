"""What the topology picture shows: boxes and arrows for the scenario, each with the worst status of
the probe results that concern it. Pure presentation (no Qt): which results colour which shape.

Boxes: on the top row DNS, autodiscover and Exchange (Server, or Online when every mailbox is there);
below them the Front End pools (or Microsoft Teams alone), then the cloud side: Microsoft Teams in a SfB
hybrid or Teams-only organisation, the Microsoft 365 tenant, and Exchange Online in an Exchange hybrid.
When the cloud side does not fit beside the pools it takes a third row.
A result about a named host (a host subject) colours that host's box; DNS lookups (tag ``dns``)
colour the DNS box; ``exchange``, ``autodiscover``, ``tenant``, ``teams`` and ``exchange-online`` tags
colour those boxes, ``sfb`` the SfB pools (Teams when no pool is left), and the OAuth certificate's
checks (``certificate`` + ``oauth``) the SfB pools.
Arrows: a result colours the arrow of its phase (autodiscover -> Exchange, SfB -> autodiscover for
the OAuth configuration, SfB <-> Exchange for partner applications, the tenant arrows for hybrid);
the end-to-end OAuth checks of the verification phase colour the SfB <-> Exchange arrow. An arrow
that names tags (Teams -> Exchange Server, Exchange Server <-> Exchange Online) takes only the
results that carry one of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from wizard.probes.result import ProbeResult, Status, SubjectKind, worst
from wizard.scenario import Scenario
from wizard.step_status import PENDING
from wizard.topology import ExchangeKind, ExchangeVersion, Phase, SfbVersion, Topology

MORE_POOLS = "pools:more"


@dataclass(frozen=True)
class Node:
    id: str
    title: str
    subtitle: str
    row: int  # 0 = top row (DNS, autodiscover, Exchange), 1 = SfB (and cloud), 2 = cloud when it needs a row
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
    tags: tuple[str, ...] = ()  # when set, only results with one of these tags colour the arrow (any phase)


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


SHOWN_POOLS = 2  # pools drawn one box each; the rest share one "more pools" box


def exchange_title(topo: Topology) -> str:
    """The on-premises Exchange box's title: short, so it fits a box ('Exchange 2016', 'Exchange SE')."""
    version = topo.exchange_version
    return f"Exchange {'SE' if version is ExchangeVersion.SE else version or 'Server'}"


def sfb_title(topo: Topology) -> str:
    """The first pool's title, as short: 'Lync 2013', 'SfB 2019', 'SfB SE'."""
    version = topo.sfb_version
    if version is SfbVersion.V2013:
        return "Lync 2013"
    return f"SfB {'SE' if version is SfbVersion.SE else version or 'Server'}"


def _row_of_cloud(sfb_side: int, cloud: list[str]) -> tuple[int, list[float]]:
    """Where the cloud boxes go: beside the pools on the second row when all fit in three columns, else on
    a third row; right-aligned, so the last one (Exchange Online, or Teams) sits under Exchange."""
    columns = [float(3 - len(cloud) + i) for i in range(len(cloud))]
    return (1 if sfb_side + len(cloud) <= 3 else 2), columns


def diagram_for(scenario: Scenario, results: list[ProbeResult]) -> Diagram:
    topo = scenario.topology_or_default
    nodes: list[Node] = []
    edges: list[Edge] = []
    tenant_name = scenario.tenant_domain or "Microsoft 365"
    domain = scenario.smtp_domain or scenario.default_sip_domain or "your domain"
    nodes.append(Node("dns", "DNS", domain, 0, 0))
    if topo.exchange_on_prem:
        autodiscover = scenario.effective_autodiscover_fqdn or "autodiscover.<domain>"
        nodes.append(Node("autodiscover", "Autodiscover", autodiscover, 0, 1))
        exchange_sub = ", ".join(scenario.exchange_fqdns) or "Exchange servers"
        nodes.append(Node("exchange", exchange_title(topo), exchange_sub, 0, 2))
    else:
        nodes.append(Node("autodiscover", "Autodiscover", "autodiscover-s.outlook.com", 0, 1))
        nodes.append(Node("exchange", "Exchange Online", tenant_name, 0, 2))

    # The second row: the pools (at most SHOWN_POOLS boxes, the rest in one), then the cloud side.
    pools = (scenario.pool_fqdns or ["Front End pool"]) if topo.sfb_on_prem else []
    shown = pools if len(pools) <= SHOWN_POOLS else pools[: SHOWN_POOLS - 1]
    hidden = pools[len(shown):]
    sfb_side = len(shown) + (1 if hidden else 0)
    cloud = [node_id for node_id, wanted in (
        ("tenant", topo.involves_tenant),
        ("teams", topo.teams_users),  # under Exchange, where it reaches on-premises mailboxes
        ("exchange-online", topo.exchange is ExchangeKind.HYBRID)) if wanted]
    cloud_row, cloud_columns = _row_of_cloud(sfb_side, cloud)
    lone = sfb_side == 1 and cloud_row == 1 and len(cloud) < 2  # one pool with room: centred
    pool_ids: list[str] = []
    for index, pool in enumerate(shown):
        pool_ids.append(f"pool:{pool}")
        nodes.append(Node(f"pool:{pool}", sfb_title(topo) if index == 0 else "Front End pool", pool, 1,
                          0.5 if lone else float(index)))
    if hidden:
        pool_ids.append(MORE_POOLS)
        nodes.append(Node(MORE_POOLS, f"{len(hidden)} more pools", ", ".join(hidden), 1, float(len(shown))))
    titles = {"teams": "Teams", "tenant": "Microsoft 365", "exchange-online": "Exchange Online"}
    for node_id, column in zip(cloud, cloud_columns, strict=True):
        nodes.append(Node(node_id, titles[node_id], tenant_name, cloud_row, column))

    edges.append(Edge("dns", "autodiscover", "resolves", Phase.PREREQUISITES))
    edges.append(Edge("autodiscover", "exchange", "autodiscover", Phase.AUTODISCOVER))
    for pool_id in pool_ids:
        edges.append(Edge(pool_id, "autodiscover", "OAuth: .svc URL", Phase.OAUTH))
        if topo.applies(Phase.PARTNER_APPLICATIONS):
            edges.append(Edge(pool_id, "exchange", "partner applications", Phase.PARTNER_APPLICATIONS,
                              both_ways=True))
    if topo.involves_tenant:
        edges.append(Edge("exchange", "tenant", "OAuth / ACS", Phase.HYBRID, both_ways=True))
        if pool_ids:
            edges.append(Edge(pool_ids[0], "tenant", "hybrid", Phase.HYBRID, both_ways=True))
    if topo.exchange is ExchangeKind.HYBRID:
        edges.append(Edge("exchange", "exchange-online", "hybrid", Phase.HYBRID, both_ways=True,
                          tags=("exchange-online", "hybrid-application")))
    if topo.teams_users and topo.exchange_on_prem:  # Teams reaches on-premises mailboxes through EWS
        edges.append(Edge("teams", "exchange", "calendar: EWS", Phase.HYBRID, tags=("teams",)))

    hosts = {fqdn: "exchange" for fqdn in scenario.exchange_fqdns if topo.exchange_on_prem}
    if topo.exchange_on_prem and scenario.effective_autodiscover_fqdn:
        hosts[scenario.effective_autodiscover_fqdn] = "autodiscover"
    hosts.update({pool: f"pool:{pool}" for pool in shown})
    hosts.update({pool: MORE_POOLS for pool in hidden})
    node_acc = {n.id: _Acc() for n in nodes}
    edge_acc = {(e.source, e.target): _Acc() for e in edges}
    sfb_boxes = pool_ids or ["teams"]
    aliases = {} if topo.exchange_on_prem else {"exchange-online": "exchange"}  # the one Exchange is Online
    for result in results:
        for target in _node_targets(result, node_acc, sfb_boxes, hosts, aliases):
            node_acc[target].add(result)
        for key in _edge_targets(result, edges):
            edge_acc[key].add(result)
    nodes = [Node(n.id, n.title, n.subtitle, n.row, n.column, node_acc[n.id].status(), tuple(node_acc[n.id].ids))
             for n in nodes]
    edges = [Edge(e.source, e.target, e.label, e.phase, edge_acc[(e.source, e.target)].status(), e.both_ways,
                  tuple(edge_acc[(e.source, e.target)].ids), e.tags) for e in edges]
    return Diagram(tuple(nodes), tuple(edges))


def _node_targets(result: ProbeResult, nodes: dict[str, _Acc], pool_ids: list[str],
                  hosts: dict[str, str], aliases: dict[str, str]) -> list[str]:
    tags = set(result.tags)
    found: set[str] = set()
    if "dns" in tags:
        found.add("dns")
    else:
        found |= {hosts[s.value] for s in result.subjects if s.kind is SubjectKind.HOST and s.value in hosts}
    found |= {aliases.get(t, t) for t in ("exchange", "autodiscover", "tenant", "teams", "exchange-online")
              if t in tags}
    if "sfb" in tags or "discovery" in tags or {"certificate", "oauth"} <= tags:
        found |= set(pool_ids)
    if "dns" in tags and "autodiscover" in tags:
        found.discard("autodiscover")  # the autodiscover DNS records are a DNS matter (and colour the arrow)
    return sorted(found & set(nodes))


def _edge_targets(result: ProbeResult, edges: list[Edge]) -> list[tuple[str, str]]:
    tags = set(result.tags)
    keys = []
    for edge in edges:
        if edge.tags:  # a named link: only the results about it
            if tags & set(edge.tags):
                keys.append((edge.source, edge.target))
            continue
        same_phase = edge.phase is result.phase and result.phase is not Phase.PREREQUISITES
        dns_of_autodiscover = edge.phase is Phase.PREREQUISITES and {"dns", "autodiscover"} <= tags
        end_to_end_oauth = (result.phase is Phase.VERIFICATION and "oauth" in tags
                            and edge.phase is Phase.PARTNER_APPLICATIONS)
        if same_phase or dns_of_autodiscover or end_to_end_oauth:
            keys.append((edge.source, edge.target))
    return keys
