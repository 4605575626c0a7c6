"""ews_impact: what Exchange Online's EWS retirement means per topology, before, between and after its dates."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pytest

from wizard.ews_retirement import (
    ALL_OFF,
    DEFAULT_OFF,
    EXCHANGE_HYBRID_EWS_FEATURE,
    MILESTONES,
    SFB_SERVER_EWS_FEATURES,
    EwsPhase,
    Label,
    ews_features,
    ews_impact,
    ews_phase,
)
from wizard.features import feature_support
from wizard.topology import ExchangeKind, ExchangeVersion, SfbKind, SfbVersion, Topology, all_topologies

BEFORE = dt.date(2026, 9, 30)
TODAY = dt.date(2026, 12, 2)
AFTER = dt.date(2027, 4, 1)
DAYS = [BEFORE, TODAY, AFTER]
INTERNAL_WORDS = re.compile(r"table 000|table 002|seed|comment \d+", re.IGNORECASE)


def topo(exchange: str, exchange_version: str | None, sfb: str, sfb_version: str | None) -> Topology:
    return Topology(ExchangeKind(exchange), ExchangeVersion(exchange_version) if exchange_version else None,
                    SfbKind(sfb), SfbVersion(sfb_version) if sfb_version else None)


@pytest.mark.parametrize(("day", "phase"), [
    (dt.date(2026, 9, 30), EwsPhase.ON), (dt.date(2026, 10, 1), EwsPhase.ALLOW_LIST_ONLY),
    (dt.date(2027, 3, 31), EwsPhase.ALLOW_LIST_ONLY), (dt.date(2027, 4, 1), EwsPhase.OFF),
])
def test_phase_changes_on_the_announced_days(day, phase):
    assert ews_phase(day) is phase
    assert (dt.date(2026, 10, 1), dt.date(2027, 4, 1)) == (DEFAULT_OFF, ALL_OFF)


def test_the_dates_are_labelled_as_resting_on_summaries():
    assert [m.on for m in MILESTONES] == [DEFAULT_OFF, ALL_OFF]
    assert all(m.label is Label.THIRD_PARTY and "MC1227454" in m.source for m in MILESTONES)


@pytest.mark.parametrize("day", DAYS)
@pytest.mark.parametrize("topology", all_topologies(), ids=lambda t: t.label)
def test_every_topology_gets_an_answer_for_every_day(topology, day):
    impact = ews_impact(topology, day)
    expected = topology.exchange_online_mailboxes and (topology.sfb_on_prem or topology.exchange_on_prem)
    assert impact.affected is expected
    assert bool(impact.features) is expected
    assert impact.headline and impact.advice and impact.sources
    assert len(impact.timeline) == 4
    assert all(re.search(r"\[(VERIFIED|3RD-PARTY|UNVERIFIED): ", line) for line in impact.timeline)
    for text in (impact.headline, impact.advice, *impact.timeline, *impact.sources, *impact.unknowns):
        assert not INTERNAL_WORDS.search(text)
    if not topology.exchange_online_mailboxes:
        assert "every mailbox is on Exchange Server, which keeps EWS" in impact.headline
    if topology.sfb_on_prem and topology.exchange_online_mailboxes:
        names = {f.feature for f in feature_support(topology, on=day)}
        assert {f.name for f in SFB_SERVER_EWS_FEATURES} <= set(impact.features)
        assert {f.name for f in SFB_SERVER_EWS_FEATURES} <= names  # the feature view shows the same rows
        assert any("survives 1 April 2027: no source found" in u for u in impact.unknowns)
    else:
        assert not any("no source found" in u for u in impact.unknowns)


@pytest.mark.parametrize(("day", "opening", "tenses"), [
    (BEFORE, "From 1 October 2026", ["ahead", "ahead"]),
    (TODAY, "Since 1 October 2026", ["passed", "ahead"]),
    (AFTER, "Since 1 April 2027", ["passed", "passed"]),
])
def test_headline_and_timeline_follow_the_day(day, opening, tenses):
    impact = ews_impact(topo("online", None, "server", "se"), day)
    assert impact.headline.startswith(opening)
    assert "7 integration features of this topology" in impact.headline
    assert [re.search(r"\((passed|ahead)\)", line).group(1) for line in impact.timeline[:2]] == tenses


def test_advice_names_the_exchange_online_settings_until_they_are_gone():
    today = ews_impact(topo("hybrid", "2019", "hybrid", "2019"), TODAY)
    assert "Get-OrganizationConfig -RetrieveEwsOperationAccessPolicy" in today.advice
    assert "EwsAllowedAppIDs" in today.advice and "Before 1 April 2027 decide" in today.advice
    assert "move to Exchange Server SE" in today.advice
    before = ews_impact(topo("online", None, "server", "2015"), BEFORE)
    assert "EwsEnabled unset becomes False on 1 October 2026" in before.advice
    after = ews_impact(topo("online", None, "server", "2015"), AFTER)
    assert "Get-OrganizationConfig" not in after.advice and "move the users to Teams" in after.advice
    assert any("application IDs" in u for u in after.unknowns)


def test_exchange_hybrid_with_teams_is_affected_only_through_hybrid_coexistence():
    impact = ews_impact(topo("hybrid", "se", "teams", None), TODAY)
    assert impact.affected and impact.features == (EXCHANGE_HYBRID_EWS_FEATURE.name,)
    assert "dedicated Exchange hybrid application" in impact.advice
    assert "keep Exchange Server SE on its current update" in impact.advice
    assert "[3RD-PARTY: " in impact.advice  # the move to Graph rests on summaries
    assert "*SchedulingService*" in impact.advice


def test_teams_with_exchange_server_is_not_affected_and_says_what_that_rests_on():
    impact = ews_impact(topo("server", "se", "teams", None), TODAY)
    assert not impact.affected and impact.features == ()
    assert "*SchedulingService*" in impact.advice and "EwsEnabled must not be off" in impact.advice
    assert any("[UNVERIFIED]" in u and "Autodiscover v2" in u for u in impact.unknowns)


def test_exchange_online_with_teams_only_points_at_other_ews_applications():
    impact = ews_impact(topo("online", None, "teams", None), TODAY)
    assert not impact.affected
    assert impact.headline.startswith("No integration feature of this topology goes through EWS in Exchange Online")
    assert "EwsAllowedAppIDs" in impact.advice and impact.unknowns == ()


def test_pure_on_premises_is_not_affected():
    impact = ews_impact(topo("server", "2016", "server", "2015"), TODAY)
    assert not impact.affected and impact.unknowns == ()
    assert impact.advice == "Nothing to change for this topology's integration features."
    assert ews_features(topo("server", "2016", "server", "2015")) == ()


def test_features_say_how_sure_we_are_that_they_use_ews():
    labels = {f.id: f.label for f in SFB_SERVER_EWS_FEATURES}
    assert labels["unified-contact-store"] is Label.VERIFIED
    assert labels["exchange-archiving"] is Label.UNVERIFIED  # no Microsoft text names the protocol
    verified = [f for f in SFB_SERVER_EWS_FEATURES if f.label is Label.VERIFIED]
    assert all("Connectivity with Exchange Web Services (EWS) provides" in f.source for f in verified)


def test_impact_is_frozen():
    impact = ews_impact(topo("online", None, "server", "se"), TODAY)
    with pytest.raises(dataclasses.FrozenInstanceError):
        impact.affected = False  # type: ignore[misc]
