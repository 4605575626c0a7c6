"""The dedicated hybrid applications: configured, missing and half-done, per topology, from collected files."""

from __future__ import annotations

import copy
import json

import pytest

from inside import samples
from wizard.inside.collected import combine, parse_collected
from wizard.inside.published import PublishedKeys
from wizard.inside.rules import RuleContext, run_rules
from wizard.probes.result import ProbeResult, Status

NOW = samples.FIXED_NOW
HYBRID = "exchange-hybrid"


def _results(docs: samples.Docs, topology: str = HYBRID) -> list[ProbeResult]:
    data = combine(parse_collected(json.dumps(doc).encode(), source=name) for name, doc in docs.items())
    return run_rules(RuleContext(data, samples.scenario(topology), NOW, PublishedKeys()))


def _app(docs: samples.Docs, topology: str = HYBRID) -> ProbeResult:
    found = [r for r in _results(docs, topology) if r.id == "inside.exchange-hybrid-app"]
    assert len(found) == 1
    return found[0]


def _docs() -> samples.Docs:
    return copy.deepcopy(samples.healthy(topology=HYBRID))


def test_configured_application_passes_naming_the_app_and_the_override() -> None:
    result = _app(_docs())
    assert result.status is Status.PASS
    assert samples.HYBRID_APP_ID in result.detail and "EnableExchangeHybrid3PAppFeature" in result.detail
    assert f"ExchangeServerApp-{samples.ORGANIZATION_GUID} holds the auth certificate" in result.detail


def test_missing_application_fails_with_the_october_2025_consequence_and_the_documented_fix() -> None:
    docs = _docs()
    docs["exchange"]["auth_servers"][0]["ApplicationIdentifier"] = ""
    docs["exchange"]["setting_overrides"] = []
    result = _app(docs)
    assert result.status is Status.FAIL
    assert "31 October 2025" in result.detail and "free/busy, MailTips and profile photos" in result.detail
    assert "Hybrid Configuration Wizard" in result.remediation
    assert "ConfigureExchangeHybridApplication.ps1 -FullyConfigureExchangeHybridApplication" in result.remediation
    assert "docs/Hybrid/ConfigureExchangeHybridApplication.md" in result.remediation
    assert "Deploy dedicated Exchange hybrid app" in result.remediation
    assert "00000002" not in result.remediation  # never the deprecated upload to the shared principal


def test_override_without_an_auth_server_app_id_is_half_done() -> None:
    docs = _docs()
    docs["exchange"]["auth_servers"][0]["ApplicationIdentifier"] = ""
    result = _app(docs)
    assert result.status is Status.FAIL and "Half done" in result.detail
    assert "-ConfigureAuthServer" in result.remediation


def test_auth_server_app_id_without_the_override_is_half_done() -> None:
    docs = _docs()
    docs["exchange"]["setting_overrides"] = []
    result = _app(docs)
    assert result.status is Status.FAIL and "Half done" in result.detail
    assert "-EnableExchangeHybridApplicationOverride" in result.remediation


def test_override_that_disables_the_feature_fails() -> None:
    docs = _docs()
    docs["exchange"]["setting_overrides"][0]["Parameters"] = ["Enabled=false"]
    result = _app(docs)
    assert result.status is Status.FAIL and "disables" in result.detail


def test_two_overrides_cannot_be_judged() -> None:
    docs = _docs()
    docs["exchange"]["setting_overrides"].append({**docs["exchange"]["setting_overrides"][0], "Name": "Second"})
    result = _app(docs)
    assert result.status is Status.FAIL and "2 setting overrides" in result.detail


def test_application_missing_in_the_tenant_fails() -> None:
    docs = _docs()
    docs["graph"]["applications"] = []
    result = _app(docs)
    assert result.status is Status.FAIL and "has no application with app ID" in result.detail


def test_application_without_the_auth_certificate_is_a_half_done_renewal() -> None:
    docs = _docs()
    docs["graph"]["applications"][0]["KeyCredentials"] = []
    result = _app(docs)
    assert result.status is Status.FAIL and samples.EXCHANGE_AUTH[:8] in result.detail
    assert "-UpdateCertificate" in result.remediation


def test_certificate_left_on_the_shared_principal_is_noted_not_failed() -> None:
    docs = _docs()
    exchange_key = docs["graph"]["applications"][0]["KeyCredentials"][0]
    for sp in docs["graph"]["service_principals"]:
        if sp["AppId"] == samples.EXCHANGE_ID:
            sp["KeyCredentials"] = [exchange_key]
    result = _app(docs)
    assert result.status is Status.PASS and "-ResetFirstPartyServicePrincipalKeyCredentials" in result.detail


def test_an_older_collector_file_skips_instead_of_guessing() -> None:
    docs = _docs()
    for key in ("auth_servers", "setting_overrides"):
        del docs["exchange"][key]
    docs["exchange"]["schema_version"] = 1
    assert _app(docs).status is Status.SKIP


def test_exchange_server_without_cloud_mailboxes_only_warns_when_oauth_with_exchange_online_exists() -> None:
    docs = copy.deepcopy(samples.healthy())
    docs["exchange"]["setting_overrides"] = []
    docs["exchange"]["auth_servers"][0]["ApplicationIdentifier"] = ""
    assert _app(docs, "hybrid").status is Status.WARN
    docs["exchange"]["partner_applications"] = [a for a in docs["exchange"]["partner_applications"]
                                                if a["ApplicationIdentifier"] != samples.EXCHANGE_ID]
    assert _app(docs, "hybrid").status is Status.PASS


def test_the_rule_does_not_apply_without_a_tenant() -> None:
    results = _results(samples.healthy(topology="onprem"), "onprem")
    assert not [r for r in results if r.id == "inside.exchange-hybrid-app"]


def test_tenant_keys_rule_no_longer_sends_the_admin_to_the_shared_principal() -> None:
    docs = _docs()
    for sp in docs["graph"]["service_principals"]:
        if sp["AppId"] == samples.SFB_ID:
            sp["KeyCredentials"] = [k for k in sp["KeyCredentials"]
                                    if k["CustomKeyIdentifier"] != samples.EXCHANGE_AUTH]
    result = next(r for r in _results(docs) if r.id == "inside.tenant-service-principal-keys")
    assert result.status is Status.FAIL
    assert "Re-run the Hybrid Configuration Wizard" not in result.remediation


# ---------------------------------------------------------------------------------------------
# Skype for Business Server: reported, not confirmed
# ---------------------------------------------------------------------------------------------
def _sfb_app(docs: samples.Docs) -> ProbeResult:
    return next(r for r in _results(docs) if r.id == "inside.sfb-hybrid-app")


def test_sfb_application_is_labelled_as_reported_with_its_sources() -> None:
    result = _sfb_app(_docs())
    assert result.status is Status.WARN
    assert "Reported, not confirmed" in result.detail
    assert "ConfigureSkypeforBusinessHybridApplication.ps1" in result.detail
    assert "Released: August 2025 Skype for Business Server Hotfix Updates" in result.detail
    assert "Every collected Front End runs 7.0.2046.820" in result.detail


def test_sfb_front_end_below_the_reported_build_is_named() -> None:
    docs = _docs()
    for component in docs["sfb-fe02"]["patch_versions"]:
        component["Version"] = "7.0.2046.520"
    result = _sfb_app(docs)
    assert "fe02.contoso.com (7.0.2046.520)" in result.detail and "KB5065372" in result.detail


@pytest.mark.parametrize("topology", ["hybrid", "onprem"])
def test_sfb_application_rule_needs_exchange_online_mailboxes(topology: str) -> None:
    results = _results(samples.healthy(topology=topology), topology)
    assert not [r for r in results if r.id == "inside.sfb-hybrid-app"]
