"""The trust graph puts every holder of every trusted certificate side by side, with reasons for red and amber."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from inside import certs, samples
from wizard.inside.analysis import analyze
from wizard.inside.collected import combine, parse_collected
from wizard.inside.published import PublishedKeys, parse_metadata_document
from wizard.inside.rules import RuleContext
from wizard.inside.trust_graph import HolderKind, TrustGraph, TrustStatus, build_trust_graph
from wizard.probes.result import Status

NOW = samples.FIXED_NOW


def graph_of(docs: samples.Docs, *, now=NOW, published: PublishedKeys | None = None,
             topology: str = "hybrid") -> TrustGraph:
    data = combine(parse_collected(json.dumps(doc).encode(), source=name) for name, doc in docs.items())
    return build_trust_graph(RuleContext(data, samples.scenario(topology), now, published or PublishedKeys()))


def test_healthy_graph_is_all_green_and_holds_every_place_of_trust() -> None:
    graph = graph_of(samples.healthy())
    assert {c.status for c in graph.certificates} == {TrustStatus.OK}
    assert {h.status for h in graph.holders} == {TrustStatus.OK}
    assert {c.thumbprint for c in graph.certificates} == {samples.EXCHANGE_AUTH, samples.SFB_OAUTH}
    kinds = {h.kind for h in graph.holders}
    assert kinds == {HolderKind.EXCHANGE_AUTH_CONFIG, HolderKind.EXCHANGE_SERVER, HolderKind.SFB_PARTNER_APPLICATION,
                     HolderKind.SFB_GLOBAL, HolderKind.SFB_FRONT_END, HolderKind.EXCHANGE_PARTNER_APPLICATION,
                     HolderKind.TENANT_SERVICE_PRINCIPAL}


def test_exchange_certificate_is_held_by_authconfig_servers_partner_app_and_principals() -> None:
    graph = graph_of(samples.healthy())
    holders = {graph.holder(e.holder).label for e in graph.edges_of(samples.EXCHANGE_AUTH)}
    assert holders == {"Exchange AuthConfig", "ex01.contoso.com", "ex02.contoso.com",
                       "SfB partner application microsoft.exchange",
                       "Skype for Business Online", "Teams Calendar Scheduler Service", "Cloud Voicemail"}


def test_on_premises_graph_has_no_tenant_holders() -> None:
    graph = graph_of(samples.healthy(topology="onprem"), topology="onprem")
    assert HolderKind.TENANT_SERVICE_PRINCIPAL not in {h.kind for h in graph.holders}


def test_front_end_with_another_certificate_is_a_red_mismatch_with_an_explanation() -> None:
    graph = graph_of(samples.faulty("token-issuer-differs"))
    fe02 = graph.holder("sfb:front-end:fe02.contoso.com")
    assert fe02.status is TrustStatus.MISMATCH and fe02.status.colour == "red"
    assert "signs with" in fe02.explanation and samples.SFB_OAUTH[:8] in fe02.explanation
    assert graph.holder("sfb:front-end:fe01.contoso.com").status is TrustStatus.OK
    stray = graph.certificate(samples.SFB_OAUTH_OTHER)
    assert stray.status is TrustStatus.MISMATCH and "one Front End only" in stray.role


def test_expiring_certificate_is_amber_on_the_certificate_and_its_holders() -> None:
    graph = graph_of(samples.faulty("token-issuer-expiring"))
    cert = graph.certificate(samples.SFB_OAUTH)
    assert cert.status is TrustStatus.EXPIRING and cert.status.colour == "amber"
    assert "expires in 45 days" in cert.explanation
    assert graph.holder("sfb:front-end:fe01.contoso.com").status is TrustStatus.EXPIRING


def test_expired_certificate_is_red() -> None:
    graph = graph_of(samples.faulty("exchange-auth-expired"))
    assert graph.certificate(samples.EXCHANGE_AUTH).status is TrustStatus.EXPIRED
    assert graph.holder("exchange:auth-config").status.colour == "red"


def test_server_missing_the_auth_certificate_gets_a_missing_edge() -> None:
    graph = graph_of(samples.faulty("exchange-auth-missing-on-server"))
    [edge] = [e for e in graph.edges_of("exchange:server:ex02.contoso.com")]
    assert edge.status is TrustStatus.MISSING and edge.rule == "inside.exchange-auth-cert-servers"
    assert "does not have the auth certificate" in edge.explanation
    assert graph.certificate(samples.EXCHANGE_AUTH).status.colour == "red"


def test_principal_lacking_the_certificate_gets_a_missing_edge() -> None:
    graph = graph_of(samples.faulty("tenant-lacks-exchange-cert"))
    holder = graph.holder(f"tenant:{samples.SFB_ID}")
    assert holder.status is TrustStatus.MISSING and "does not hold" in holder.explanation


def test_partner_application_with_the_wrong_metadata_url_is_a_mismatch() -> None:
    graph = graph_of(samples.faulty("sfb-partner-wrong-metadata"))
    holder = graph.holder("sfb:partner:microsoft.exchange")
    assert holder.status is TrustStatus.MISMATCH and "https://autodiscover.contoso.com/metadata/json/1" in (
        holder.explanation)


def test_metadata_publishing_an_unknown_key_adds_that_key_and_a_missing_edge() -> None:
    der = certs.make_der("contoso.com", NOW, days_left=40)
    published = PublishedKeys((parse_metadata_document(certs.sfb_metadata(der), source="pool01 metadata"),))
    graph = graph_of(samples.healthy(), published=published)
    holder = graph.holder("sfb-metadata:pool01 metadata")
    assert holder.kind is HolderKind.SFB_METADATA and holder.status.colour == "red"
    unknown = graph.certificate(certs.thumbprint(der))
    assert unknown.role == "published key (not in the collected data)" and unknown.subject == "CN=contoso.com"
    missing = [e for e in graph.edges_of(holder.id) if e.status is TrustStatus.MISSING]
    assert [e.thumbprint for e in missing] == [samples.SFB_OAUTH]


def test_rolled_successor_is_shown_next_to_the_current_certificate() -> None:
    graph = graph_of(samples.faulty("token-issuer-rolled"))
    relations = {e.relation for e in graph.edges_of("sfb:global")}
    assert "assigned" in relations and any(r.startswith("rolled (from") for r in relations)


def test_graph_follows_the_injected_clock() -> None:
    later = graph_of(samples.healthy(), now=NOW + timedelta(days=1390))
    assert later.certificate(samples.EXCHANGE_AUTH).status is TrustStatus.EXPIRING


def test_graph_json_names_every_node_and_edge() -> None:
    body = graph_of(samples.faulty("token-issuer-differs")).to_json()
    assert {"certificates", "holders", "edges"} == set(body)
    assert any(e["status"] == "mismatch" and e["rule"] == "inside.sfb-token-issuer-consistency" for e in body["edges"])
    json.dumps(body)


@pytest.mark.parametrize("fault", samples.FAULTS, ids=lambda f: f.name)
def test_every_coloured_edge_names_a_finding_of_that_severity(fault: samples.Fault) -> None:
    data = combine(parse_collected(json.dumps(d).encode(), source=n) for n, d in samples.faulty(fault.name).items())
    result = analyze(data, samples.scenario("hybrid"), now=NOW)
    statuses = {f.id: f.status for f in result.findings}
    for edge in result.graph.edges:
        if edge.status.colour == "red":
            assert statuses[edge.rule] is Status.FAIL, edge
        elif edge.status.colour == "amber":
            assert statuses[edge.rule] in (Status.WARN, Status.FAIL), edge
