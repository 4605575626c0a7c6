"""EWS access policies: on premises (EwsEnabled, *SchedulingService* in an allow list) and Exchange Online's
retirement settings (EWSEnabled, EWSAllowedAppIDs), from collected files and a fixed clock."""

from __future__ import annotations

import copy
import json
from datetime import datetime, timedelta

from inside import samples
from wizard.inside.collected import CollectedFileError, combine, parse_collected
from wizard.inside.published import PublishedKeys
from wizard.inside.rules import RuleContext, admits_teams, run_rules
from wizard.probes.result import ProbeResult, Status

NOW = samples.FIXED_NOW
HYBRID = "exchange-hybrid"


def _one(docs: samples.Docs, rule_id: str, topology: str = "hybrid", now: datetime = NOW) -> ProbeResult:
    data = combine(parse_collected(json.dumps(doc).encode(), source=name) for name, doc in docs.items())
    found = [r for r in run_rules(RuleContext(data, samples.scenario(topology), now, PublishedKeys()))
             if r.id == rule_id]
    assert len(found) == 1, found
    return found[0]


def test_allow_list_entries_that_admit_the_teams_scheduling_service() -> None:
    assert admits_teams(("*SchedulingService*",)) and admits_teams(("*",))
    assert admits_teams(("Outlook*", "*scheduling*"))
    assert not admits_teams(("SchedulingService",)) and not admits_teams(("Outlook*",)) and not admits_teams(())


def test_on_premises_allow_list_without_the_scheduling_service_fails_for_teams_users() -> None:
    docs = copy.deepcopy(samples.healthy())
    docs["exchange"]["organization_config"].update({"EwsApplicationAccessPolicy": "EnforceAllowList",
                                                     "EwsAllowList": ["Outlook*", "MacOutlook*"]})
    result = _one(docs, "inside.exchange-ews-access")
    assert result.status is Status.FAIL and "*SchedulingService*" in result.detail
    assert "Set-OrganizationConfig -EwsAllowList @{Add='*SchedulingService*'}" in result.remediation
    assert "Resolve interaction issues between Teams and Exchange Server" in result.detail
    docs["exchange"]["organization_config"]["EwsAllowList"].append("*SchedulingService*")
    assert _one(docs, "inside.exchange-ews-access").status is Status.PASS


def test_allow_list_is_not_judged_without_teams_users() -> None:
    docs = copy.deepcopy(samples.healthy(topology="onprem"))
    docs["exchange"]["organization_config"].update({"EwsApplicationAccessPolicy": "EnforceAllowList",
                                                     "EwsAllowList": ["Outlook*"]})
    assert _one(docs, "inside.exchange-ews-access", "onprem").status is Status.PASS


def test_ews_turned_off_for_the_organisation_or_the_test_user_fails() -> None:
    docs = copy.deepcopy(samples.healthy())
    docs["exchange"]["cas_mailboxes"][0]["EwsEnabled"] = False
    result = _one(docs, "inside.exchange-ews-access")
    assert result.status is Status.FAIL and "mailbox kenmyer@contoso.com: EwsEnabled is False" in result.detail
    assert "Set-CASMailbox -Identity 'kenmyer@contoso.com' -EwsEnabled $true" in result.remediation
    docs = copy.deepcopy(samples.healthy(topology="onprem"))
    docs["exchange"]["organization_config"]["EwsEnabled"] = False
    result = _one(docs, "inside.exchange-ews-access", "onprem")
    assert result.status is Status.FAIL and "Set-OrganizationConfig -EwsEnabled $true" in result.remediation


def test_ews_enabled_not_set_is_not_off() -> None:
    docs = copy.deepcopy(samples.healthy())
    assert docs["exchange"]["organization_config"]["EwsEnabled"] is None
    assert _one(docs, "inside.exchange-ews-access").status is Status.PASS


# ---------------------------------------------------------------------------------------------
# Exchange Online
# ---------------------------------------------------------------------------------------------
def _exo(change: dict[str, object]) -> samples.Docs:
    docs = copy.deepcopy(samples.healthy(topology=HYBRID))
    docs["exo"]["organization_config"].update(change)
    return docs


def test_allow_list_with_both_applications_keeps_them_until_april_2027() -> None:
    result = _one(samples.healthy(topology=HYBRID), "inside.exo-ews-retirement", HYBRID)
    assert result.status is Status.PASS and "until 1 April 2027" in result.detail
    assert "third-party" in result.detail  # the retirement dates rest on summaries of the Exchange Team's posts


def test_unset_ews_enabled_warns_before_october_2026_and_fails_after() -> None:
    docs = _exo({"EwsEnabled": None})
    assert _one(docs, "inside.exo-ews-retirement", HYBRID).status is Status.WARN
    result = _one(docs, "inside.exo-ews-retirement", HYBRID, now=datetime.fromisoformat("2026-12-02T09:00:00+00:00"))
    assert result.status is Status.FAIL and "-EwsAllowedAppIDs" in result.remediation


def test_allow_list_without_the_hybrid_application_fails_and_the_fix_keeps_the_listed_ids() -> None:
    docs = _exo({"EwsAllowedAppIDs": [samples.SFB_ID, "11111111-2222-3333-4444-555555555555"]})
    result = _one(docs, "inside.exo-ews-retirement", HYBRID)
    assert result.status is Status.FAIL and samples.HYBRID_APP_ID in result.detail
    assert "11111111-2222-3333-4444-555555555555" in result.remediation and samples.HYBRID_APP_ID in result.remediation


def test_ews_disabled_in_exchange_online_fails() -> None:
    assert _one(_exo({"EwsEnabled": False}), "inside.exo-ews-retirement", HYBRID).status is Status.FAIL


def test_allow_list_that_could_not_be_read_warns() -> None:
    docs = _exo({"EwsAllowedAppIDsRead": False})
    result = _one(docs, "inside.exo-ews-retirement", HYBRID)
    assert result.status is Status.WARN and "could not be read" in result.detail


def test_mailbox_with_ews_off_fails_because_both_levels_must_allow() -> None:
    docs = copy.deepcopy(samples.healthy(topology=HYBRID))
    docs["exo"]["cas_mailboxes"][0]["EwsEnabled"] = False
    result = _one(docs, "inside.exo-ews-retirement", HYBRID)
    assert result.status is Status.FAIL and "MC1015893" in result.detail


def test_after_april_2027_ews_in_exchange_online_is_off_whatever_the_setting() -> None:
    result = _one(samples.healthy(topology=HYBRID), "inside.exo-ews-retirement", HYBRID,
                  now=datetime.fromisoformat("2027-04-02T00:00:00+00:00"))
    assert result.status is Status.FAIL


def test_without_the_exchange_online_file_the_rule_skips_and_still_explains_the_retirement() -> None:
    docs = {k: v for k, v in samples.healthy(topology=HYBRID).items() if k != "exo"}
    result = _one(docs, "inside.exo-ews-retirement", HYBRID)
    assert result.status is Status.SKIP and "1 October 2026" in result.detail
    assert "exo-collect.ps1" in result.remediation


def test_exo_file_shape_is_checked() -> None:
    doc = copy.deepcopy(samples.healthy(topology=HYBRID)["exo"])
    doc["organization_config"]["EwsEnabled"] = "yes"
    try:
        parse_collected(json.dumps(doc).encode(), source="exo.json")
    except CollectedFileError as exc:
        assert "organization_config.EwsEnabled: expected true or false" in str(exc)
    else:
        raise AssertionError("a string EwsEnabled was accepted")


def test_collection_age_counts_for_the_exchange_online_file_too() -> None:
    docs = copy.deepcopy(samples.healthy(topology=HYBRID))
    result = _one(docs, "inside.collection-health", HYBRID, now=NOW + timedelta(days=30))
    assert result.status is Status.WARN and "exo" in result.detail
