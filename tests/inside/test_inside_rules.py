"""Every rule fires on its fault and stays quiet on the healthy deployment; the clock is fixed."""

from __future__ import annotations

import copy
import json
import re
from datetime import timedelta

import pytest

from inside import certs, samples
from wizard.inside.collected import combine, parse_collected
from wizard.inside.published import PublishedKeys, from_thumbprints, parse_metadata_document
from wizard.inside.rules import RULE_IDS, RULES, RuleContext, run_rules
from wizard.probes.result import ProbeResult, Status
from wizard.scenario import Scenario

NOW = samples.FIXED_NOW


def analyse(docs: samples.Docs, *, now=NOW, scenario: Scenario | None = None,
            published: PublishedKeys | None = None) -> list[ProbeResult]:
    data = combine(parse_collected(json.dumps(doc).encode(), source=name) for name, doc in docs.items())
    return run_rules(RuleContext(data, scenario or samples.scenario("hybrid"), now, published or PublishedKeys()))


def by_id(results: list[ProbeResult], rule_id: str) -> ProbeResult:
    matches = [r for r in results if r.id == rule_id]
    assert len(matches) == 1, f"{rule_id}: {matches}"
    return matches[0]


def problems(results: list[ProbeResult]) -> list[tuple[str, str]]:
    return sorted((r.id, r.status.value) for r in results if r.status in (Status.WARN, Status.FAIL, Status.ERROR))


# ---------------------------------------------------------------------------------------------
# The table: each fault causes exactly its findings; the healthy deployment causes none.
# ---------------------------------------------------------------------------------------------
def test_healthy_hybrid_deployment_has_no_warning_or_failure() -> None:
    results = analyse(samples.healthy())
    assert problems(results) == []
    # every mailbox is on premises: nothing reaches EWS in Exchange Online
    assert {r.id for r in results} == set(RULE_IDS) - {"inside.sfb-hybrid-app", "inside.exo-ews-retirement"}


def test_healthy_exchange_hybrid_runs_every_rule_and_warns_only_about_the_unconfirmed_sfb_application() -> None:
    results = analyse(samples.healthy(topology="exchange-hybrid"), scenario=samples.scenario("exchange-hybrid"))
    assert {r.id for r in results} == set(RULE_IDS)
    assert problems(results) == [("inside.sfb-hybrid-app", "warn")]


def test_healthy_on_premises_deployment_has_no_warning_or_failure_and_no_tenant_rules() -> None:
    results = analyse(samples.healthy(topology="onprem"), scenario=samples.scenario("onprem"))
    assert problems(results) == []
    ids = {r.id for r in results}
    assert "inside.tenant-service-principal-keys" not in ids
    assert "inside.teams-partner-apps" not in ids


@pytest.mark.parametrize("fault", samples.FAULTS, ids=lambda f: f.name)
def test_fault_causes_exactly_its_findings(fault: samples.Fault) -> None:
    results = analyse(samples.faulty(fault.name))
    assert problems(results) == sorted(fault.expected)


@pytest.mark.parametrize("rule_id", sorted(set(RULE_IDS) - {"inside.sfb-hybrid-app", "inside.exo-ews-retirement"}))
def test_every_rule_is_quiet_on_the_healthy_deployment(rule_id: str) -> None:
    assert by_id(analyse(samples.healthy()), rule_id).status in (Status.PASS, Status.SKIP)


def test_every_rule_fires_on_at_least_one_sample() -> None:
    fired = {finding_id for fault in samples.FAULTS for finding_id, _ in fault.expected}
    fired |= {"inside.sfb-token-issuer-published", "inside.exchange-auth-cert-published"}  # tested below with documents
    fired |= {"inside.exchange-hybrid-app", "inside.sfb-hybrid-app", "inside.exchange-ews-access",
              "inside.exo-ews-retirement"}  # test_inside_dedicated_apps.py, test_inside_ews_access.py
    fired |= {"inside.sfb-client-oauth-server"}  # test_inside_unused.py
    assert fired == set(RULE_IDS)


def test_rule_ids_are_the_ids_the_rules_return() -> None:
    assert len(RULES) == len(RULE_IDS)
    assert all(i.startswith("inside.") for i in RULE_IDS)


@pytest.mark.parametrize("fault", [f for f in samples.FAULTS if f.expected], ids=lambda f: f.name)
def test_every_problem_names_the_step_that_fixes_it(fault: samples.Fault) -> None:
    for result in analyse(samples.faulty(fault.name)):
        if result.status in (Status.WARN, Status.FAIL):
            assert result.remediation, result.id
            assert result.detail, result.id
            assert result.tags[0] == "inside"


# ---------------------------------------------------------------------------------------------
# Autodiscover
# ---------------------------------------------------------------------------------------------
def test_xml_autodiscover_url_fails_naming_code_50043_and_the_svc_fix() -> None:
    result = by_id(analyse(samples.faulty("autodiscover-xml")), "inside.autodiscover-url")
    assert result.status is Status.FAIL
    assert "autodiscover.xml" in result.detail and "50043" in result.detail
    assert ("Set-CsOAuthConfiguration -Identity global -ExchangeAutodiscoverUrl "
            "'https://autodiscover.contoso.com/autodiscover/autodiscover.svc'") in result.remediation


def test_autodiscover_url_on_another_host_names_both_hosts() -> None:
    result = by_id(analyse(samples.faulty("autodiscover-other-host")), "inside.autodiscover-url")
    assert "mail.fabrikam.com" in result.detail and "autodiscover.contoso.com" in result.detail


def test_autodiscover_url_with_a_wrong_svc_path_fails() -> None:
    docs = samples.healthy()
    for name in ("sfb-fe01", "sfb-fe02"):
        docs[name]["oauth_configuration"]["ExchangeAutodiscoverUrl"] = (
            "https://autodiscover.contoso.com/autodiscover/badautodiscover.svc")
    assert by_id(analyse(docs), "inside.autodiscover-url").status is Status.FAIL


def test_exchange_online_expects_the_autodiscover_s_endpoint() -> None:
    scenario = samples.scenario("hybrid")
    scenario.update({"exchange": "online"})
    docs = {k: v for k, v in samples.healthy().items() if k != "exchange"}
    result = by_id(analyse(docs, scenario=scenario), "inside.autodiscover-url")
    assert result.status is Status.FAIL and "autodiscover-s.outlook.com" in result.detail
    for name in ("sfb-fe01", "sfb-fe02"):
        docs[name]["oauth_configuration"]["ExchangeAutodiscoverUrl"] = (
            "https://autodiscover-s.outlook.com/autodiscover/autodiscover.svc")
    assert by_id(analyse(docs, scenario=scenario), "inside.autodiscover-url").status is Status.PASS


def test_internal_uri_on_a_server_name_warns_with_the_version_specific_cmdlet() -> None:
    result = by_id(analyse(samples.faulty("cas-uri-server-name")), "inside.autodiscover-internal-uri")
    assert result.status is Status.WARN
    assert "EX02" in result.detail
    assert result.remediation.endswith(
        "Set-ClientAccessService -Identity 'ex02.contoso.com' -AutoDiscoverServiceInternalUri "
        "'https://autodiscover.contoso.com/autodiscover/autodiscover.xml'")


# ---------------------------------------------------------------------------------------------
# OAuth configuration
# ---------------------------------------------------------------------------------------------
def test_empty_realm_passes_because_sfb_uses_the_default_sip_domain() -> None:
    docs = samples.healthy()
    for name in ("sfb-fe01", "sfb-fe02"):
        docs[name]["oauth_configuration"]["Realm"] = ""
    result = by_id(analyse(docs), "inside.oauth-realm")
    assert result.status is Status.PASS and "contoso.com" in result.detail


def test_realm_set_explicitly_in_the_scenario_is_accepted() -> None:
    scenario = samples.scenario("hybrid")
    assert not scenario.update({"sip_domains": ["contoso.com", "fabrikam.com"], "oauth_realm": "fabrikam.com"})
    result = by_id(analyse(samples.faulty("realm-not-sip-domain"), scenario=scenario), "inside.oauth-realm")
    assert result.status is Status.PASS


def test_wrong_realm_fails_with_the_realm_in_detail_and_a_quoted_fix() -> None:
    result = by_id(analyse(samples.faulty("realm-not-sip-domain")), "inside.oauth-realm")
    assert "fabrikam.com" in result.detail
    assert "Set-CsOAuthConfiguration -Identity global -Realm 'contoso.com'" in result.remediation


def test_exchange_service_name_changed_by_hand_fails() -> None:
    docs = samples.healthy()
    docs["exchange"]["auth_config"]["ServiceName"] = "00000003-0000-0ff1-ce00-000000000000"
    result = by_id(analyse(docs), "inside.oauth-service-names")
    assert result.status is Status.FAIL and "Exchange AuthConfig ServiceName" in result.detail


# ---------------------------------------------------------------------------------------------
# Partner applications
# ---------------------------------------------------------------------------------------------
def test_metadata_url_without_autodiscover_segment_explains_the_doc_error() -> None:
    result = by_id(analyse(samples.faulty("sfb-partner-wrong-metadata")), "inside.sfb-partner-exchange")
    assert result.status is Status.FAIL
    assert "lacks /autodiscover" in result.detail
    assert "'https://autodiscover.contoso.com/autodiscover/metadata/json/1'" in result.remediation


def test_sfb_partner_application_with_partial_trust_warns() -> None:
    docs = samples.healthy()
    for name in ("sfb-fe01", "sfb-fe02"):
        docs[name]["partner_applications"][0]["ApplicationTrustLevel"] = "Application"
    assert by_id(analyse(docs), "inside.sfb-partner-exchange").status is Status.WARN


def test_exchange_online_partner_application_needs_no_metadata_url() -> None:
    scenario = samples.scenario("hybrid")
    scenario.update({"exchange": "online"})
    docs = {k: v for k, v in samples.healthy().items() if k != "exchange"}
    for name in ("sfb-fe01", "sfb-fe02"):
        docs[name]["partner_applications"][0].update({"AuthToken": "UseOAuthServer", "MetadataUrl": ""})
    assert by_id(analyse(docs, scenario=scenario), "inside.sfb-partner-exchange").status is Status.PASS


def test_missing_sfb_partner_application_suggests_new_cspartnerapplication() -> None:
    result = by_id(analyse(samples.faulty("sfb-partner-missing")), "inside.sfb-partner-exchange")
    assert "New-CsPartnerApplication -Identity Exchange -ApplicationTrustLevel Full -MetadataUrl" in result.remediation


def test_missing_exchange_partner_application_suggests_the_script_invoked_with_ampersand() -> None:
    result = by_id(analyse(samples.faulty("exchange-partner-missing")), "inside.exchange-partner-sfb")
    assert result.status is Status.FAIL and "401" in result.detail
    assert ('& "$env:ExchangeInstallPath\\Scripts\\Configure-EnterprisePartnerApplication.ps1" -AuthMetadataUrl '
            "'https://pool01.contoso.com/metadata/json/1' -ApplicationType Lync") in result.remediation


def test_exchange_partner_application_for_another_pool_warns() -> None:
    docs = samples.healthy()
    docs["exchange"]["partner_applications"][0]["AuthMetadataUrl"] = "https://oldpool.contoso.com/metadata/json/1"
    result = by_id(analyse(docs), "inside.exchange-partner-sfb")
    assert result.status is Status.WARN and "oldpool.contoso.com" in result.detail


def test_teams_applications_missing_warns_but_keeps_the_legacy_application() -> None:
    result = by_id(analyse(samples.faulty("teams-apps-missing")), "inside.teams-partner-apps")
    assert "Keep the legacy application" in result.detail
    assert "7557eb47-c689-4224-abcf-aef9bd7573df" in result.remediation
    assert "db7de2b5-2149-435e-8043-e080dd50afae" in result.remediation


def test_teams_rule_stays_quiet_without_the_legacy_application() -> None:
    docs = samples.faulty("teams-apps-missing")
    docs["exchange"]["partner_applications"] = [
        a for a in docs["exchange"]["partner_applications"] if a["ApplicationIdentifier"] != samples.SFB_ID]
    assert by_id(analyse(docs), "inside.teams-partner-apps").status is Status.PASS


# ---------------------------------------------------------------------------------------------
# SfB OAuthTokenIssuer
# ---------------------------------------------------------------------------------------------
def test_front_end_signing_with_another_certificate_is_named() -> None:
    result = by_id(analyse(samples.faulty("token-issuer-differs")), "inside.sfb-token-issuer-consistency")
    assert "fe02.contoso.com signs with" in result.detail
    assert samples.SFB_OAUTH_OTHER[:8] in result.detail
    # The pool's certificate is right: the lagging Front End needs the CMS's configuration, not a new setting.
    assert "Get-CsManagementStoreReplicationStatus -ReplicaFqdn 'fe02.contoso.com'" in result.remediation
    assert "Invoke-CsManagementStoreReplication -ReplicaFqdn 'fe02.contoso.com'" in result.remediation
    assert "fe01.contoso.com" not in result.remediation and samples.SFB_OAUTH in result.remediation
    assert "-Thumbprint <thumbprint>" in result.remediation  # setting it again only if the pool's is wrong


def test_a_front_end_name_that_is_no_fqdn_gets_the_plain_advice_not_a_command() -> None:
    docs = samples.faulty("token-issuer-differs")
    docs["sfb-fe02"]["computer_fqdn"] = "fe02.contoso.com'; Remove-Item C:\\ -Recurse; '"
    result = by_id(analyse(docs), "inside.sfb-token-issuer-consistency")
    assert result.status is Status.FAIL and "Remove-Item" not in result.remediation


def test_no_token_issuer_certificate_fails() -> None:
    docs = samples.healthy()
    for name in ("sfb-fe01", "sfb-fe02"):
        docs[name]["oauth_token_issuer"] = []
    assert by_id(analyse(docs), "inside.sfb-token-issuer-consistency").status is Status.FAIL


def test_expiry_follows_the_injected_clock() -> None:
    docs = samples.healthy()
    later = NOW + timedelta(days=570)  # the OAuthTokenIssuer has 600 days left at NOW
    assert by_id(analyse(docs, now=NOW), "inside.sfb-token-issuer-expiry").status is Status.PASS
    result = by_id(analyse(docs, now=later), "inside.sfb-token-issuer-expiry")
    assert result.status is Status.WARN and "expires in 30 days" in result.detail


def test_rolled_successor_quiets_an_expiring_certificate_and_is_named() -> None:
    result = by_id(analyse(samples.faulty("token-issuer-rolled")), "inside.sfb-token-issuer-expiry")
    assert result.status is Status.PASS and "rolled successor" in result.detail


def test_weak_key_fails_with_the_bit_count() -> None:
    result = by_id(analyse(samples.faulty("token-issuer-weak-key")), "inside.sfb-token-issuer-properties")
    assert "1024 bits" in result.detail


def _published(*documents: tuple[bytes, str]) -> PublishedKeys:
    return PublishedKeys(tuple(parse_metadata_document(data, source=src) for data, src in documents))


def test_sfb_metadata_publishing_another_certificate_fails_and_the_right_one_passes() -> None:
    served = certs.make_der("contoso.com", NOW)
    docs = samples.healthy()
    stale = _published((certs.sfb_metadata(served), "https://pool01.contoso.com/metadata/json/1"))
    result = by_id(analyse(docs, published=stale), "inside.sfb-token-issuer-published")
    assert result.status is Status.FAIL and "pool01.contoso.com" in result.detail
    good = PublishedKeys((from_thumbprints("sfb", [samples.SFB_OAUTH]),))
    assert by_id(analyse(docs, published=good), "inside.sfb-token-issuer-published").status is Status.PASS


def test_published_rules_skip_without_a_metadata_document() -> None:
    results = analyse(samples.healthy())
    assert by_id(results, "inside.sfb-token-issuer-published").status is Status.SKIP
    assert by_id(results, "inside.exchange-auth-cert-published").status is Status.SKIP


# ---------------------------------------------------------------------------------------------
# Exchange auth certificate
# ---------------------------------------------------------------------------------------------
def test_expired_auth_certificate_mentions_owa_and_ecp() -> None:
    result = by_id(analyse(samples.faulty("exchange-auth-expired")), "inside.exchange-auth-cert-expiry")
    assert "expired 10 days ago" in result.detail and "OWA and ECP" in result.detail


def test_next_certificate_taking_over_before_expiry_quiets_the_warning() -> None:
    result = by_id(analyse(samples.faulty("exchange-auth-next-set")), "inside.exchange-auth-cert-expiry")
    assert result.status is Status.PASS and "takes over on" in result.detail


def test_expired_next_certificate_fails() -> None:
    docs = samples.faulty("exchange-auth-next-set")
    for cert in docs["exchange"]["certificates"]:
        if cert["Thumbprint"] == samples.EXCHANGE_AUTH_NEXT:
            cert["NotAfter"] = samples.iso(NOW - timedelta(days=1))
    assert by_id(analyse(docs), "inside.exchange-auth-cert-expiry").status is Status.FAIL


def test_current_thumbprint_on_no_server_fails() -> None:
    docs = samples.healthy()
    docs["exchange"]["auth_config"]["CurrentCertificateThumbprint"] = samples.thumb("gone")
    assert by_id(analyse(docs), "inside.exchange-auth-cert-expiry").status is Status.FAIL


def test_server_without_the_auth_certificate_is_named() -> None:
    result = by_id(analyse(samples.faulty("exchange-auth-missing-on-server")), "inside.exchange-auth-cert-servers")
    assert "ex02.contoso.com lacks" in result.detail
    assert "Get-Service -ComputerName 'ex02.contoso.com' -Name MSExchangeServiceHost" in result.remediation


def test_server_the_collector_could_not_reach_warns() -> None:
    docs = samples.healthy()
    docs["exchange"]["certificates"] = [
        c for c in docs["exchange"]["certificates"] if c["Server"] != "ex02.contoso.com"]
    docs["exchange"]["errors"] = [{"Source": "Get-ExchangeCertificate -Server ex02.contoso.com",
                                   "Message": "The RPC server is unavailable."}]
    results = analyse(docs)
    assert by_id(results, "inside.exchange-auth-cert-servers").status is Status.WARN
    assert by_id(results, "inside.collection-health").status is Status.WARN


def test_exchange_metadata_must_publish_the_current_certificate() -> None:
    der = certs.make_der("Microsoft Exchange Server Auth Certificate", NOW)
    docs = samples.healthy()
    published = _published((certs.exchange_metadata(der), "exchange-1.json"))
    result = by_id(analyse(docs, published=published), "inside.exchange-auth-cert-published")
    assert result.status is Status.FAIL and "exchange-1.json" in result.detail
    for cert in docs["exchange"]["certificates"]:
        if cert["Thumbprint"] == samples.EXCHANGE_AUTH:
            cert["Thumbprint"] = certs.thumbprint(der)
    docs["exchange"]["auth_config"]["CurrentCertificateThumbprint"] = certs.thumbprint(der)
    assert by_id(analyse(docs, published=published), "inside.exchange-auth-cert-published").status is Status.PASS


# ---------------------------------------------------------------------------------------------
# Tenant and collection
# ---------------------------------------------------------------------------------------------
def test_service_principal_lacking_the_exchange_certificate_is_named() -> None:
    result = by_id(analyse(samples.faulty("tenant-lacks-exchange-cert")), "inside.tenant-service-principal-keys")
    assert "Skype for Business Online" in result.detail and samples.EXCHANGE_AUTH[:8] in result.detail
    assert "hybrid.upload-exchange-auth-certificate" in result.remediation and "merge" in result.remediation


def test_missing_teams_principal_is_not_a_problem_but_a_missing_sfb_principal_is() -> None:
    docs = samples.healthy()
    principals = docs["graph"]["service_principals"]
    for sp in principals:
        if sp["AppId"] == samples.CLOUD_VOICEMAIL_ID:
            sp.update({"Found": False, "KeyCredentials": []})
    assert by_id(analyse(docs), "inside.tenant-service-principal-keys").status is Status.PASS
    for sp in principals:
        if sp["AppId"] == samples.EXCHANGE_ID:  # the shared Exchange Online principal is no longer needed
            sp.update({"Found": False, "KeyCredentials": []})
    assert by_id(analyse(docs), "inside.tenant-service-principal-keys").status is Status.PASS
    for sp in principals:
        if sp["AppId"] == samples.SFB_ID:
            sp.update({"Found": False, "KeyCredentials": []})
    assert by_id(analyse(docs), "inside.tenant-service-principal-keys").status is Status.FAIL


def test_exchange_hybrid_wants_sfb_servers_certificate_on_exchange_onlines_principal_too() -> None:
    """Microsoft's SfB hybrid procedure repeats the OAuthTokenIssuer upload for 00000002 (mailboxes in the cloud)."""
    docs = samples.healthy(topology="exchange-hybrid")
    scenario = samples.scenario("exchange-hybrid")
    assert by_id(analyse(docs, scenario=scenario), "inside.tenant-service-principal-keys").status is Status.PASS
    for sp in docs["graph"]["service_principals"]:
        if sp["AppId"] == samples.EXCHANGE_ID:
            sp["KeyCredentials"] = []
    result = by_id(analyse(docs, scenario=scenario), "inside.tenant-service-principal-keys")
    assert result.status is Status.FAIL
    assert (f"Office 365 Exchange Online ({samples.EXCHANGE_ID}) lacks the SfB OAuthTokenIssuer certificate "
            f"{samples.SFB_OAUTH[:8]}") in result.detail
    assert "hybrid.upload-sfb-oauth-certificate" in result.remediation


def test_tenant_rule_skips_without_graph_data() -> None:
    docs = {k: v for k, v in samples.healthy().items() if k != "graph"}
    assert by_id(analyse(docs), "inside.tenant-service-principal-keys").status is Status.SKIP


def test_data_collected_weeks_ago_warns() -> None:
    result = by_id(analyse(samples.healthy(), now=NOW + timedelta(days=30)), "inside.collection-health")
    assert result.status is Status.WARN and "was collected on" in result.detail


def test_sfb_rules_skip_when_no_front_end_was_collected() -> None:
    docs = {k: v for k, v in samples.healthy().items() if not k.startswith("sfb-")}
    results = analyse(docs)
    assert by_id(results, "inside.autodiscover-url").status is Status.SKIP
    assert by_id(results, "inside.sfb-token-issuer-consistency").status is Status.SKIP


def test_rules_do_not_change_the_documents() -> None:
    docs = samples.healthy()
    before = copy.deepcopy(docs)
    analyse(docs)
    assert docs == before


def _named_steps(results: list[ProbeResult]) -> set[str]:
    return {m for r in results for m in re.findall(r"Playbook step \u201c([a-z0-9.-]+)\u201d", r.remediation)}


@pytest.mark.parametrize("topology", ["hybrid", "onprem"])
def test_every_step_a_remediation_names_is_in_the_scenarios_playbook(topology: str) -> None:
    from wizard.playbook.build import build_playbook

    scenario = samples.scenario(topology)
    named: set[str] = set()
    for fault in samples.FAULTS:
        named |= _named_steps(analyse(samples.faulty(fault.name), scenario=scenario))
    playbook = {step.id for step in build_playbook(scenario)}
    assert len(named) >= 6, named
    assert named - playbook == set()


def test_a_fix_the_playbook_has_no_step_for_names_the_shell_instead() -> None:
    result = by_id(analyse(samples.faulty("realm-not-sip-domain")), "inside.oauth-realm")
    assert result.remediation.startswith("In the Skype for Business Server Management Shell")
