"""probes_for: the right probes for each topology, stable unique ids, phase filters."""

from __future__ import annotations

import pytest

from wizard.probes.registry import Probe, probes_for
from wizard.scenario import Scenario, example_scenario
from wizard.topology import Phase


def scenario(**values) -> Scenario:
    base = {"sip_domains": ["contoso.com"], "smtp_domain": "contoso.com", "exchange_fqdns": ["ex01.contoso.com"],
            "pool_fqdns": ["pool01.contoso.com", "pool02.contoso.com"], "tenant_domain": "contoso.onmicrosoft.com"}
    base.update(values)
    made = Scenario()
    assert not made.update(base)
    return made


def ids(probes: list[Probe]) -> list[str]:
    return [p.id for p in probes]


def test_on_premises_pair_gets_every_concern_and_per_pool_probes():
    found = ids(probes_for(scenario(exchange_version="2016", sfb="server")))
    for expected in ("prerequisites.dns:pool02.contoso.com", "prerequisites.tcp-5061:pool01.contoso.com",
                     "prerequisites.exchange-build:ex01.contoso.com", "certificates.oauth.key-size",
                     "certificates.oauth.same-on-front-ends:pool02.contoso.com", "certificates.exchange-auth",
                     "autodiscover.srv", "autodiscover.xml", "autodiscover.svc", "oauth.autodiscover-url",
                     "partner-applications.sfb-metadata:pool01.contoso.com", "partner-applications.exchange-metadata",
                     "verification.sfb-trusts-exchange:pool02.contoso.com", "verification.exchange-oauth.ews",
                     "prerequisites.sfb-dns"):
        assert expected in found
    assert not [i for i in found if i.startswith("hybrid.")]


def test_ids_are_unique_and_results_come_in_phase_order():
    probes = probes_for(scenario(sfb="hybrid"))
    assert len(ids(probes)) == len(set(ids(probes)))
    order = list(Phase)
    assert [order.index(p.phase) for p in probes] == sorted(order.index(p.phase) for p in probes)
    assert all(isinstance(p, Probe) for p in probes)


def test_sfb_online_has_no_pool_probes():
    found = ids(probes_for(scenario(sfb="online", dc_fqdn="dc01.contoso.com", pool_fqdns=[])))
    assert not [i for i in found if "pool" in i or i.startswith(("certificates.oauth", "oauth."))]
    assert "hybrid.tenant" in found and "hybrid.sfb-dns" in found and "autodiscover.srv" in found


def test_exchange_2010_has_no_partner_application_or_oauth_probes():
    found = ids(probes_for(scenario(exchange_version="2010", sfb="server")))
    assert not [i for i in found if i.startswith(("partner-applications.", "verification.exchange-oauth",
                                                  "verification.sfb-trusts", "oauth.", "certificates.exchange-auth"))]
    assert "autodiscover.svc" in found and "certificates.oauth.subject" in found


def test_exchange_online_has_no_exchange_server_probes():
    found = ids(probes_for(scenario(exchange="online", sfb="server")))
    assert not [i for i in found if "ex01" in i or i.startswith("autodiscover.")]
    assert "hybrid.tenant" in found and "partner-applications.sfb-metadata:pool01.contoso.com" in found


@pytest.mark.parametrize("phase", list(Phase))
def test_phase_filter_returns_only_that_phase(phase):
    probes = probes_for(scenario(sfb="hybrid"), phase)
    assert all(p.phase is phase for p in probes)


def test_several_phases_can_be_asked_for():
    probes = probes_for(example_scenario(), [Phase.AUTODISCOVER, Phase.OAUTH])
    assert {p.phase for p in probes} == {Phase.AUTODISCOVER, Phase.OAUTH}


def test_login_base_url_is_used_for_tenant_probes():
    probes = probes_for(scenario(sfb="hybrid"), Phase.HYBRID, login_base_url="https://login.example.test")
    tenant = next(p for p in probes if p.id == "hybrid.tenant")
    assert tenant.target.startswith("https://login.example.test/contoso.onmicrosoft.com/")


@pytest.mark.parametrize("exchange", ["server", "online"])
@pytest.mark.parametrize("sfb", ["server", "online", "hybrid"])
def test_a_blank_scenario_gets_no_probe_without_a_target(exchange, sfb):
    blank = Scenario()
    blank.update({"exchange": exchange, "sfb": sfb})
    found = probes_for(blank)
    assert all(getattr(p, "target", "x") and "https:///" not in p.target for p in found)
