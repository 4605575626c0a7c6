"""Every probe against the built-in lab: a healthy deployment passes; each named fault is caught by the right probe."""

from __future__ import annotations

import pytest

from tests.lab.test_wire_faults import WIRE_FAULTS
from wizard.lab import FAULTS, Lab
from wizard.probes.context import ProbeContext
from wizard.probes.registry import probes_for
from wizard.probes.result import Cause, ProbeResult, Status
from wizard.probes.runner import run_probes
from wizard.probes.summary import root_causes


def verify(lab: Lab) -> dict[str, ProbeResult]:
    ctx = ProbeContext(lab.settings)
    probes = probes_for(lab.scenario, login_base_url=lab.settings.login_base_url)
    results = run_probes(probes, lab.scenario, ctx)
    return {r.id: r for r in results}


@pytest.mark.parametrize("topology", ["onprem", "hybrid", "teams", "online"])  # online: the old name of teams
def test_healthy_lab_passes_every_probe(topology):
    with Lab.start(topology=topology) as lab:
        results = verify(lab)
    not_passed = {i: (r.status.value, r.detail) for i, r in results.items() if r.status is not Status.PASS}
    assert not not_passed
    assert len(results) > 15


# fault -> (probe id that catches it, status, words the remediation must contain)
FAULT_TABLE = {
    "autodiscover-xml": ("oauth.autodiscover-url", Status.WARN, "Set-CsOAuthConfiguration -Identity global "
                                                                "-ExchangeAutodiscoverUrl 'https://autodiscover.contoso.com/autodiscover/autodiscover.svc'"),
    "missing-srv": ("autodiscover.srv", Status.WARN, "port 443, target autodiscover.contoso.com"),
    "missing-autodiscover-record": ("prerequisites.dns:autodiscover.contoso.com", Status.FAIL,
                                    "CNAME record autodiscover.contoso.com -> ex01.contoso.com"),
    "missing-sip-srv": ("prerequisites.sfb-dns", Status.FAIL, "_sip._tls SRV port 443"),
    "weak-oauth-key": ("certificates.oauth.key-size", Status.FAIL, "2048-bit"),
    "subject-missing-sip-domain": ("certificates.oauth.subject", Status.FAIL, "Subject names the SIP domain"),
    "expired-oauth-certificate": ("certificates.oauth.validity", Status.FAIL, "-Type OAuthTokenIssuer"),
    "expired-tls-certificate": ("certificates.tls:pool01.contoso.com", Status.FAIL, "Renew the expired certificate"),
    "untrusted-tls": ("certificates.tls:pool01.contoso.com", Status.FAIL, "Self-signed certificates are not valid"),
    "autodiscover-name-mismatch": ("certificates.tls:autodiscover.contoso.com", Status.FAIL,
                                   "Subject Alternative Names"),
    "metadata-404": ("partner-applications.sfb-metadata:pool01.contoso.com", Status.FAIL,
                     "The SfB metadata URL is https://pool01.contoso.com/metadata/json/1:"),
    "wrong-realm": ("partner-applications.sfb-metadata:pool01.contoso.com", Status.FAIL,
                    "Set-CsOAuthConfiguration -Identity global -Realm 'contoso.com'"),
    "split-front-ends": ("certificates.oauth.same-on-front-ends:pool01.contoso.com", Status.FAIL,
                         "Set-CsCertificate -Identity global -Type OAuthTokenIssuer"),
    "exchange-auth-expired": ("certificates.exchange-auth", Status.FAIL, "Set-AuthConfig -NewCertificateThumbprint"),
    "no-partner-app": ("verification.sfb-trusts-exchange:pool01.contoso.com", Status.FAIL,
                       "New-CsPartnerApplication -Identity Exchange"),
    "exchange-untrusted-sfb": ("verification.exchange-oauth.ews", Status.WARN, "-ApplicationType Lync"),
    "exchange-oauth-disabled": ("verification.exchange-oauth.ews", Status.FAIL,
                                "Configure-EnterprisePartnerApplication.ps1"),
    "unknown-tenant": ("hybrid.tenant", Status.FAIL, "onmicrosoft.com"),
    "dns-servfail": ("prerequisites.dns:autodiscover.contoso.com", Status.FAIL, "SERVFAIL"),
    "dns-timeout": ("prerequisites.dns:autodiscover.contoso.com", Status.ERROR, "did not answer"),
    "slow": (None, Status.PASS, ""),
    # DNS answers that lie or cannot work (tests/probes/test_dns_faults.py has the verdicts)
    "cname-loop": ("prerequisites.dns:autodiscover.contoso.com", Status.FAIL, "Break the loop"),
    "cname-chain-too-long": ("prerequisites.sfb-dns", Status.FAIL, "A records"),
    "sip-srv-target-root": ("prerequisites.sfb-dns", Status.FAIL, "_sip._tls SRV"),
    "srv-target-no-address": ("prerequisites.sfb-dns", Status.FAIL, "_sipfederationtls"),
    "dns-truncated": (None, Status.PASS, ""),  # TCP fallback: everything still passes
    "dns-wrong-name": ("prerequisites.dns:ex01.contoso.com", Status.ERROR, "DNS proxy"),
    "dns-silent": ("prerequisites.resolver", Status.ERROR, "UDP and TCP"),
    # documents no metadata document looks like (tests/probes/test_metadata_json_faults.py)
    "metadata-huge-number": ("partner-applications.sfb-metadata:pool01.contoso.com", Status.FAIL, "virtual directory"),
    "metadata-deep-nesting": ("partner-applications.sfb-metadata:pool01.contoso.com", Status.FAIL, "virtual directory"),
    "metadata-wrong-types": ("partner-applications.sfb-metadata:pool01.contoso.com", Status.FAIL, "virtual directory"),
    # TLS versions and certificates (tests/probes/test_tls_faults.py, test_not_yet_valid.py)
    "tls-legacy-only": ("prerequisites.tls:pool01.contoso.com", Status.FAIL, "SCHANNEL"),
    "huge-certificate-chain": ("prerequisites.tls:pool01.contoso.com", Status.FAIL, "only the names"),
    "tls-not-yet-valid": ("certificates.tls:pool01.contoso.com", Status.FAIL, "w32tm"),
    "oauth-not-yet-valid": ("certificates.oauth.validity", Status.FAIL, "w32tm"),
    "exchange-auth-not-yet-valid": ("certificates.exchange-auth", Status.FAIL, "w32tm"),
    # Microsoft 365 -> Exchange Server (Exchange Server + Teams)
    "teams-autodiscover-v2-internal-url": ("verification.teams-autodiscover-v2", Status.FAIL,
                                           "Set-WebServicesVirtualDirectory"),
    "ews-preauth-page": ("verification.teams-ews-bearer", Status.FAIL, "pass-through (no pre-authentication)"),
    "ews-missing-tenant-issuer": ("verification.teams-ews-issuers", Status.FAIL, "Hybrid Configuration Wizard"),
    "ews-wrong-tenant-issuer": ("verification.teams-ews-issuers", Status.FAIL, "Set-AuthServer"),
    "invalid-tenant-diagnostics": ("verification.teams-ews-issuers", Status.FAIL, "New-AcceptedDomain"),
}
TEAMS_FAULTS = ("teams-autodiscover-v2-internal-url", "ews-preauth-page", "ews-missing-tenant-issuer",
                "ews-wrong-tenant-issuer", "invalid-tenant-diagnostics")
TOPOLOGY = {"unknown-tenant": "hybrid", **dict.fromkeys(TEAMS_FAULTS, "teams")}
# Faults that two checks see independently (each virtual directory has its own authentication settings)
# and a wrong realm shows both in what the pool publishes and in what it trusts.
ALSO_CAUGHT_BY = {"exchange-oauth-disabled": ["verification.exchange-oauth.autodiscover"],
                  "wrong-realm": ["verification.sfb-trusts-exchange:pool01.contoso.com"]}


# Faults of this PC's way out rather than of the deployment, with two independent root causes (each Microsoft
# endpoint it cannot reach): tests/probes/test_proxy.py.
WAY_OUT_FAULTS = {"no-internet-names"}


def test_fault_table_covers_every_lab_fault():
    # wire faults: tests/lab/test_wire_faults.py
    assert set(FAULT_TABLE) | set(WIRE_FAULTS) | WAY_OUT_FAULTS == set(FAULTS)


@pytest.mark.parametrize("fault", sorted(FAULT_TABLE))
def test_lab_fault_is_caught_by_the_right_probe(fault):
    probe_id, status, fix = FAULT_TABLE[fault]
    with Lab.start([fault], topology=TOPOLOGY.get(fault, "onprem")) as lab:
        results = verify(lab)
    if probe_id is None:  # latency only: everything still passes, just later
        assert all(r.status is Status.PASS for r in results.values())
        return
    result = results[probe_id]
    assert result.status is status, (result.detail, result.remediation)
    assert fix in result.remediation
    # probes unrelated to DNS/TLS plumbing are not dragged into an ERROR by another fault
    assert not [r.id for r in results.values() if r.status is Status.ERROR and status is not Status.ERROR]
    # one cause, one finding: the catching check is the only root cause; what needs it is blocked by it
    if status in (Status.FAIL, Status.ERROR):
        causes = root_causes(list(results.values()))
        expected = [probe_id, *ALSO_CAUGHT_BY.get(fault, [])]
        assert [c.result.id for c in causes] == expected, [(c.result.id, c.result.detail) for c in causes]
        assert all(r.blocked_by == (probe_id,) for r in results.values() if r.status is Status.BLOCKED)


# The same faults with SfB Server and Teams (a hybrid): SfB Server's own OAuth path sees a wildcard accepted
# domain too, at the server's EWS and autodiscover.svc; the rest stays one root cause.
HYBRID_ALSO_CAUGHT_BY = {"invalid-tenant-diagnostics": ["verification.exchange-oauth.ews",
                                                        "verification.exchange-oauth.autodiscover"]}


@pytest.mark.parametrize("fault", TEAMS_FAULTS)
def test_teams_fault_in_a_sfb_hybrid_is_caught_by_the_same_check(fault):
    probe_id, status, fix = FAULT_TABLE[fault]
    with Lab.start([fault], topology="hybrid") as lab:
        results = verify(lab)
    assert results[probe_id].status is status
    assert fix in results[probe_id].remediation
    causes = sorted(c.result.id for c in root_causes(list(results.values())))
    assert causes == sorted([probe_id, *HYBRID_ALSO_CAUGHT_BY.get(fault, [])])
    assert results[probe_id].cause is Cause.FINDING


def test_teams_checks_read_the_tenant_id_from_the_scenario_when_it_is_given():
    with Lab.start(["ews-wrong-tenant-issuer"], topology="teams") as lab:
        lab.scenario.tenant_id = lab.tenant_id
        results = verify(lab)
    issuers = results["verification.teams-ews-issuers"]
    assert issuers.status is Status.FAIL
    assert any(e.label == "tenant ID" and "the scenario's tenant ID" in e.value for e in issuers.evidence)


def test_teams_chain_is_declared_only_where_microsoft_365_reaches_exchange_server():
    with Lab.start() as lab:  # Exchange Server + SfB Server: no tenant
        results = verify(lab)
    assert not [i for i in results if i.startswith("verification.teams-")]
    with Lab.start(topology="teams") as lab:  # Teams only: SfB Server's OAuth path and lyncdiscover are gone
        results = verify(lab)
    assert {"verification.teams-autodiscover-v2", "verification.teams-ews-bearer",
            "verification.teams-ews-issuers"} <= set(results)
    assert not [i for i in results if i.startswith(("verification.exchange-oauth", "verification.lyncdiscover"))]


@pytest.mark.parametrize(("faults", "topology"), [(["exchange-oauth-disabled"], "onprem"),
                                                  (["invalid-tenant-diagnostics"], "hybrid"), ([], "teams")])
def test_evidence_labels_are_unique_within_each_result_so_json_keeps_them_all(faults, topology):
    with Lab.start(faults, topology=topology) as lab:
        results = verify(lab)
    for result in results.values():
        labels = [e.label for e in result.evidence]
        assert len(labels) == len(set(labels)), (result.id, labels)
