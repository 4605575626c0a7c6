"""check on the built-in lab: discovery finds each deployment, and each fault gives verify's verdict.

Real sockets: the lab's DNS and HTTPS servers on loopback, the lab's Microsoft stand-ins for tenant
discovery and Exchange Online's Autodiscover v2.
"""

from __future__ import annotations

import dataclasses

import pytest

from wizard.discovery.check import run_check
from wizard.discovery.query import parse_query
from wizard.lab import Lab
from wizard.lab.faults import CATALOGUE
from wizard.probes.context import ProbeContext
from wizard.probes.registry import probes_for
from wizard.probes.runner import run_probes
from wizard.probes.summary import Verdict, verdict
from wizard.validation import InvalidValue

# Faults whose verdict a quick check rightly differs on, and why.
DIFFERENT = {
    # The fault is a value the admin typed (ExchangeAutodiscoverUrl ending in .xml): nothing to discover.
    "autodiscover-xml": None,
    # A silent DNS server: discovery can ask nothing, so the check could not check (verify fails its DNS checks).
    "dns-silent": Verdict.NOT_CHECKED,
    # Microsoft 365 knows no tenant for the domain: discovery finds SfB Server without Teams and says so in a
    # note (the test below); the scenario the lab was given names a tenant, so verify fails.
    "unknown-tenant": None,
}
EXPECTED = {  # what discovery must find in each lab deployment
    "onprem": {"exchange": "server", "sfb": "server", "exchange_fqdns": ["ex01.contoso.com"],
               "pool_fqdns": ["pool01.contoso.com"], "exchange_version": "se", "tenant_id": ""},
    "hybrid": {"exchange": "server", "sfb": "hybrid", "pool_fqdns": ["pool01.contoso.com"],
               "pool_external_web_fqdns": ["webext.contoso.com"], "tenant_domain": "contoso.com",
               "tenant_id": "7c3b1f52-9e4a-4d6b-8f21-0a5c6d7e8f90"},
    "teams": {"exchange": "server", "sfb": "teams", "pool_fqdns": [], "dc_fqdn": "dc01.contoso.com",
              "verified_domain": "contoso.com", "tenant_id": "7c3b1f52-9e4a-4d6b-8f21-0a5c6d7e8f90"},
}


@pytest.mark.parametrize("topology", sorted(EXPECTED))
def test_the_healthy_lab_is_discovered_and_successful(topology):
    with Lab.start((), topology=topology) as lab:
        outcome = run_check(parse_query("adele@contoso.com"), lab.settings)
    values = outcome.scenario.to_dict()
    assert {k: values[k] for k in EXPECTED[topology]} == EXPECTED[topology]
    assert outcome.run.verdict is Verdict.SUCCESSFUL, [r for r in outcome.run.results if r.status.is_problem]
    sources = {d.field: d.source for d in outcome.run.discovered}
    assert "CNAME ex01.contoso.com" in sources["exchange_fqdns"]
    assert "X-OWA-Version 15.2.2562.37" in sources["exchange_version"]
    if topology != "teams":
        assert sources["pool_fqdns"].startswith("_sipinternaltls._tcp.contoso.com SRV")


def _fault_cases() -> list[tuple[str, str]]:
    return [(f.name, "onprem" if "onprem" in f.topologies else f.topologies[0]) for f in CATALOGUE]


@pytest.mark.parametrize(("fault", "topology"), _fault_cases())
def test_each_fault_gets_the_verdict_verify_gives(fault, topology):
    with Lab.start((fault,), topology=topology) as lab:
        settings = dataclasses.replace(lab.settings, budget=20)
        expected = verdict(run_probes(probes_for(lab.scenario, login_base_url=settings.login_base_url),
                                      lab.scenario, ProbeContext(settings)))
        got = run_check(parse_query("adele@contoso.com"), settings).run.verdict
    if fault in DIFFERENT:
        assert got is (DIFFERENT[fault] or Verdict.SUCCESSFUL)
    else:
        assert got is expected


def test_a_domain_in_no_tenant_is_checked_without_teams_and_says_so():
    with Lab.start(("unknown-tenant",), topology="hybrid") as lab:
        outcome = run_check(parse_query("adele@contoso.com"), lab.settings)
    assert outcome.scenario.sfb == "server" and not outcome.scenario.tenant_domain
    assert any("contoso.com is in no Microsoft 365 tenant (AADSTS90002" in note and "--tenant-domain" in note
               for note in outcome.run.notes)


def test_given_values_win_over_discovered_ones_and_say_so():
    with Lab.start((), topology="onprem") as lab:
        outcome = run_check(parse_query("adele@contoso.com"), lab.settings, {"pool_fqdns": ["fe01.contoso.com"]})
    assert outcome.scenario.pool_fqdns == ["fe01.contoso.com"]
    assert ("pool_fqdns", "fe01.contoso.com", "given on the command line") in [
        (d.field, d.value, d.source) for d in outcome.run.discovered]


def test_a_domain_without_any_record_fails_discovery_and_verifies_nothing():
    with Lab.start((), topology="onprem") as lab:
        outcome = run_check(parse_query("nobody@fabrikam.com"), lab.settings)
    by_id = {r.id: r for r in outcome.run.results}
    assert by_id["discovery.exchange"].status.value == "fail"
    assert by_id["discovery.sfb"].status.value == "fail"
    assert outcome.run.verdict is Verdict.FAILED
    assert not [r for r in outcome.run.results if not r.id.startswith("discovery.")]


def test_a_silent_dns_server_reads_as_not_checked_with_discovery_blocked():
    with Lab.start(("dns-silent",), topology="onprem") as lab:
        settings = dataclasses.replace(lab.settings, budget=20)
        outcome = run_check(parse_query("adele@contoso.com"), settings)
    by_id = {r.id: r for r in outcome.run.results}
    assert by_id["discovery.exchange"].status.value == "blocked"
    assert by_id["discovery.exchange"].blocked_by
    assert outcome.run.verdict is Verdict.NOT_CHECKED


@pytest.mark.parametrize(("text", "domain", "address"), [
    ("adele@contoso.com", "contoso.com", "adele@contoso.com"),
    ("sip:Adele@Contoso.com", "contoso.com", "Adele@contoso.com"),
    ("contoso.com", "contoso.com", ""),
])
def test_queries_are_addresses_or_domains(text, domain, address):
    query = parse_query(text)
    assert (query.domain, query.address.lower()) == (domain, address.lower())


@pytest.mark.parametrize("text", ["", "adele@", "@contoso.com", "not a domain", "a@b@c.com", "x\x1b[2J@contoso.com"])
def test_bad_queries_are_refused(text):
    with pytest.raises(InvalidValue):
        parse_query(text)
