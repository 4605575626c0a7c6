"""The topology picture's mapping: which probe results colour which box and which arrow."""

from __future__ import annotations

from itertools import pairwise

from wizard.probes.result import ProbeResult, Status, Subject, SubjectKind
from wizard.scenario import example_scenario
from wizard.topology import ExchangeKind, Phase
from wizard.ui.topology_model import PENDING, diagram_for


def result(probe_id: str, phase: Phase, status: Status, *tags: str) -> ProbeResult:
    """A result; a "host:NAME" tag here becomes the typed host subject the picture places results by."""
    hosts = tuple(Subject(SubjectKind.HOST, t[5:]) for t in tags if t.startswith("host:"))
    return ProbeResult(probe_id, phase, status, probe_id, tags=tuple(t for t in tags if not t.startswith("host:")),
                       subjects=hosts)


def test_boxes_and_arrows_follow_the_topology():
    onprem = diagram_for(example_scenario(), [])
    assert {n.id for n in onprem.nodes} == {"dns", "autodiscover", "exchange", "pool:fe.jdskype.net"}
    assert all(n.status == PENDING for n in onprem.nodes)
    assert onprem.node("exchange").title == "Exchange 2013"
    assert onprem.node("pool:fe.jdskype.net").title == "SfB 2015"
    hybrid = example_scenario()
    hybrid.update({"sfb": "hybrid", "tenant_domain": "jdskype.onmicrosoft.com"})
    diagram = diagram_for(hybrid, [])
    assert {"tenant", "teams"} <= {n.id for n in diagram.nodes}
    assert diagram.edge("exchange", "tenant").phase is Phase.HYBRID
    assert diagram.edge("teams", "exchange").label == "calendar: EWS"  # Teams reaches on-premises mailboxes
    online = example_scenario()
    online.update({"exchange": "online", "sfb": "online", "tenant_domain": "jdskype.onmicrosoft.com"})
    diagram = diagram_for(online, [])
    assert {n.id for n in diagram.nodes} == {"dns", "autodiscover", "exchange", "tenant", "teams"}
    assert diagram.node("teams").title == "Teams"  # "online" (SfB Online) is read as Teams
    assert "Skype for Business Online" not in {n.title for n in diagram.nodes}
    assert not [e for e in diagram.edges if e.phase is Phase.PARTNER_APPLICATIONS]
    assert not [e for e in diagram.edges if e.source == "teams"]  # Exchange Online: nothing to wire


def _placed(diagram):
    return {n.id: (n.row, n.column) for n in diagram.nodes}


def test_an_exchange_hybrid_has_both_exchange_server_and_exchange_online():
    scenario = example_scenario()
    scenario.update({"exchange": "hybrid", "exchange_version": "se", "tenant_domain": "jdskype.onmicrosoft.com"})
    diagram = diagram_for(scenario, [])
    assert diagram.node("exchange").title == "Exchange SE"
    assert diagram.node("exchange-online").title == "Exchange Online"
    assert diagram.node("exchange-online").subtitle == "jdskype.onmicrosoft.com"
    assert diagram.edge("exchange", "exchange-online").both_ways
    # One pool, the tenant and Exchange Online share the second row, Exchange Online under Exchange Server.
    assert _placed(diagram) == {"dns": (0, 0), "autodiscover": (0, 1), "exchange": (0, 2),
                                "pool:fe.jdskype.net": (1, 0), "tenant": (1, 1), "exchange-online": (1, 2)}
    assert diagram.edge("pool:fe.jdskype.net", "exchange").phase is Phase.PARTNER_APPLICATIONS


def test_an_exchange_hybrid_with_a_sfb_hybrid_puts_the_cloud_on_a_third_row():
    scenario = example_scenario()
    scenario.update({"exchange": "hybrid", "exchange_version": "2019", "sfb": "hybrid", "sfb_version": "se",
                     "tenant_domain": "fabrikam.onmicrosoft.com"})
    diagram = diagram_for(scenario, [])
    placed = _placed(diagram)
    assert placed["pool:fe.jdskype.net"] == (1, 0)
    assert [placed[n] for n in ("tenant", "teams", "exchange-online")] == [(2, 0), (2, 1), (2, 2)]
    assert {(e.source, e.target) for e in diagram.edges} >= {
        ("exchange", "tenant"), ("pool:fe.jdskype.net", "tenant"), ("exchange", "exchange-online"),
        ("teams", "exchange")}
    assert diagram.node("pool:fe.jdskype.net").title == "SfB SE"


def test_teams_only_with_exchange_server_draws_teams_under_exchange_and_no_pool():
    scenario = example_scenario()
    scenario.update({"sfb": "teams", "exchange_version": "2016", "tenant_domain": "jdskype.onmicrosoft.com"})
    diagram = diagram_for(scenario, [])
    placed = _placed(diagram)
    assert not [n for n in placed if n.startswith("pool")]
    assert placed["teams"] == (1, 2) and placed["tenant"] == (1, 1)
    assert not [e for e in diagram.edges if e.phase is Phase.OAUTH]  # no SfB Server to point at autodiscover


def test_many_pools_share_one_box_after_the_first():
    scenario = example_scenario()
    scenario.update({"pool_fqdns": ["fe01.contoso.com", "fe02.contoso.com", "fe03.contoso.com"]})
    diagram = diagram_for(scenario, [])
    boxes = [n for n in diagram.nodes if n.row == 1]
    assert [n.id for n in boxes] == ["pool:fe01.contoso.com", "pools:more"]
    assert boxes[1].title == "2 more pools"
    assert len({n.column for n in boxes}) == 2  # side by side, not on top of each other
    results = [result("metadata:fe03", Phase.PARTNER_APPLICATIONS, Status.FAIL, "metadata", "sfb",
                      "host:fe03.contoso.com")]
    diagram = diagram_for(scenario, results)
    assert diagram.node("pools:more").status == "fail"


def test_teams_and_exchange_online_results_colour_their_own_boxes_and_links():
    scenario = example_scenario()
    scenario.update({"exchange": "hybrid", "exchange_version": "se", "sfb": "hybrid", "sfb_version": "2019",
                     "tenant_domain": "jdskype.onmicrosoft.com"})
    results = [
        result("hybrid.teams-ews-challenge", Phase.HYBRID, Status.FAIL, "teams", "exchange"),
        result("hybrid.dedicated-app", Phase.HYBRID, Status.WARN, "exchange-online"),
    ]
    diagram = diagram_for(scenario, results)
    assert diagram.node("teams").status == "fail"
    assert diagram.node("exchange").status == "fail"
    assert diagram.node("exchange-online").status == "warn"
    assert diagram.edge("teams", "exchange").status == "fail"
    assert diagram.edge("exchange", "exchange-online").status == "warn"
    assert diagram.node("pool:fe.jdskype.net").status == PENDING
    # The hybrid arrows without tags still take every result of their phase.
    assert diagram.edge("exchange", "tenant").status == "fail"


def test_exchange_online_results_colour_the_exchange_box_when_every_mailbox_is_online():
    scenario = example_scenario()
    scenario.update({"exchange": "online", "tenant_domain": "jdskype.onmicrosoft.com"})
    diagram = diagram_for(scenario, [result("hybrid.ews-enabled", Phase.HYBRID, Status.WARN, "exchange-online")])
    assert diagram.node("exchange").title == "Exchange Online"
    assert diagram.node("exchange").status == "warn"


def test_a_failed_pool_metadata_check_colours_the_pool_and_the_partner_arrow_only():
    results = [
        result("prerequisites.dns:fe.jdskype.net", Phase.PREREQUISITES, Status.PASS, "dns", "host:fe.jdskype.net"),
        result("partner-applications.sfb-metadata:fe.jdskype.net", Phase.PARTNER_APPLICATIONS, Status.FAIL,
               "metadata", "sfb", "host:fe.jdskype.net"),
        result("partner-applications.exchange-metadata", Phase.PARTNER_APPLICATIONS, Status.PASS,
               "metadata", "exchange"),
    ]
    diagram = diagram_for(example_scenario(), results)
    assert diagram.node("pool:fe.jdskype.net").status == "fail"
    assert diagram.node("exchange").status == "pass"
    assert diagram.node("dns").status == "pass"
    assert diagram.edge("pool:fe.jdskype.net", "exchange").status == "fail"
    assert diagram.edge("autodiscover", "exchange").status == PENDING


def test_dns_and_certificate_results_land_on_their_own_boxes():
    results = [
        result("autodiscover.srv", Phase.AUTODISCOVER, Status.WARN, "dns", "autodiscover"),
        result("certificates.tls:autodiscover.jdskype.net", Phase.CERTIFICATES, Status.FAIL, "tls", "certificate",
               "host:autodiscover.jdskype.net"),
        result("certificates.oauth.key-size", Phase.CERTIFICATES, Status.PASS, "certificate", "oauth"),
    ]
    diagram = diagram_for(example_scenario(), results)
    assert diagram.node("dns").status == "warn"
    assert diagram.node("autodiscover").status == "fail"
    assert diagram.node("pool:fe.jdskype.net").status == "pass"
    assert diagram.edge("dns", "autodiscover").status == "warn"
    assert diagram.edge("autodiscover", "exchange").status == "warn"


def test_end_to_end_oauth_checks_colour_the_link_between_sfb_and_exchange():
    results = [result("verification.exchange-oauth.ews", Phase.VERIFICATION, Status.FAIL, "oauth", "exchange")]
    diagram = diagram_for(example_scenario(), results)
    assert diagram.edge("pool:fe.jdskype.net", "exchange").status == "fail"
    assert diagram.node("exchange").status == "fail"


def test_every_topology_gets_its_boxes_without_overlap():
    """All 99 topologies, with one, two and three pools: each product where it runs, no two boxes of a row on
    top of each other, every arrow between boxes that exist."""
    from wizard.examples import example_for
    from wizard.topology import all_topologies

    for topology in all_topologies():
        for pools in (["fe01.fabrikam.com"], ["fe01.fabrikam.com", "fe02.fabrikam.com"],
                      ["fe01.fabrikam.com", "fe02.fabrikam.com", "fe03.fabrikam.com"]):
            scenario = example_for(topology)
            if topology.sfb_on_prem:
                scenario.update({"pool_fqdns": pools})
            diagram = diagram_for(scenario, [])
            ids = {n.id for n in diagram.nodes}
            assert ("exchange-online" in ids) == (topology.exchange is ExchangeKind.HYBRID), topology.label
            assert ("teams" in ids) == topology.teams_users, topology.label
            assert ("tenant" in ids) == topology.involves_tenant, topology.label
            assert any(i.startswith("pool") for i in ids) == topology.sfb_on_prem, topology.label
            assert not [n for n in diagram.nodes if "Online" in n.title and n.id != "exchange-online"
                        and not (n.id == "exchange" and topology.exchange_online_only)], topology.label
            for row in {n.row for n in diagram.nodes}:
                columns = sorted(n.column for n in diagram.nodes if n.row == row)
                assert all(b - a >= 1 for a, b in pairwise(columns)), (topology.label, row)
                assert all(0 <= c <= 2 for c in columns)
            assert all(e.source in ids and e.target in ids for e in diagram.edges), topology.label
