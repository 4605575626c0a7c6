"""The topology picture's mapping: which probe results colour which box and which arrow."""

from __future__ import annotations

from wizard.probes.result import ProbeResult, Status, Subject, SubjectKind
from wizard.scenario import example_scenario
from wizard.topology import Phase
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
    hybrid = example_scenario()
    hybrid.update({"sfb": "hybrid", "tenant_domain": "jdskype.onmicrosoft.com"})
    diagram = diagram_for(hybrid, [])
    assert "tenant" in {n.id for n in diagram.nodes}
    assert diagram.edge("exchange", "tenant").phase is Phase.HYBRID
    online = example_scenario()
    online.update({"exchange": "online", "sfb": "online", "tenant_domain": "jdskype.onmicrosoft.com"})
    assert {n.id for n in diagram_for(online, []).nodes} >= {"sfb-online", "tenant"}
    assert not [e for e in diagram_for(online, []).edges if e.phase is Phase.PARTNER_APPLICATIONS]


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
