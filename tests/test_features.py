"""feature_support: the published tables cell for cell, and today's answer for every topology and user group.

The expected cells are transcribed here from the published pages independently of resources/features.json.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re

import pytest

from wizard.features import (
    FeatureSupport,
    FeatureTableError,
    feature_support,
    feature_tables,
    parse_cell,
    tables_from,
    unsupported,
)
from wizard.resources import resource_path
from wizard.scenario import example_scenario
from wizard.topology import ExchangeKind, ExchangeVersion, SfbKind, SfbVersion, Topology, all_topologies

TODAY = dt.date(2026, 12, 2)
BEFORE_OCTOBER = dt.date(2026, 9, 30)
AFTER_APRIL = dt.date(2027, 4, 1)

SFB_ROWS = [
    "Presence in Outlook",
    "Respond via IM, PSTN Call, Skype Call, or Video Call from an Outlook email",
    "Schedule and join online meetings through Outlook",
    "Presence in Outlook Web App",
    "Respond via IM, PSTN Call, Skype Call, or Video Call from an OWA email",
    "Schedule and join online meetings through Outlook Web App",
    "IM/Presence in Mobile Clients",
    "Join online meetings in Mobile clients",
    "Publish status based on Outlook calendar free/busy information",
    "Contact List (via Unified Contact Store)",
    "High-resolution Contact Photo",
    "Meeting delegation",
    "Missed Conversations history and Call Logs are written to user's exchange mailbox",
    "Archiving Content (IM and Meeting) in Exchange",
    "Search archived content",
    "Exchange UM Voice Mail",
    "Server Side Conversation History",
]
UM = "Exchange UM Voice Mail"
NEEDED_2016_2013 = {"Contact List (via Unified Contact Store)", "High-resolution Contact Photo",
                    "Archiving Content (IM and Meeting) in Exchange", "Search archived content"}
# Microsoft Learn "Plan to integrate Skype for Business and Exchange", revision of 26 June 2025.
CURRENT = {
    "exchange-server+sfb-server": ["Y"] * 15 + ["Y (Exchange 2016 only)", "Y"],
    "exchange-online+sfb-server": ["Y"] * 17,
}
# The same page before June 2025 ("need" = "Y (need Exchange 2016/2013)").
EARLIER = {
    "exchange-server+sfb-server": ["Y"] * 9 + ["need", "need", "Y", "Y", "need", "need", "Y", "Y"],
    "exchange-online+sfb-server": ["Y"] * 17,
    "exchange-2010+sfb-online": list("YYYNNNYYYNNYYNNNN"),
    "exchange-2016-2013+sfb-online": list("YYYNNNYYYNYYYNNNY"),
    "exchange-online+sfb-online": list("YYYYYYYYYYYYYYYNY"),
}
LYNC_ROWS = ["Outlook integration (EWS, MAPI)", "Outlook Web App integration (IM/P)",
             "Outlook Web App online meetings (scheduling)", "Unified Contact Store", "High-resolution contact photos"]
LYNC_2013 = {
    "lync-2013-only": ["Supported"] * 5,
    "sfb-online-only": ["Supported", "Not supported", "Not supported", "Not supported", "Supported"],
    "lync-2013-hybrid": ["Supported", "Supported", "Supported*", "Supported*", "Supported"],
}
# "How Exchange and Microsoft Teams interact", table "Actions supported": (Exchange Online, Exchange On-premises).
TEAMS = {
    "eDiscovery": ("Yes 1", "Yes 1,9"), "Legal Hold": ("Yes 1", "Yes 1"), "Retention": ("Yes", "Yes 3"),
    "Team and Channel management": ("Yes", "Yes"), "Create and view meetings in Teams": ("Yes", "Yes 8"),
    "Modify user profile picture": ("Yes 7", "Yes 10"), "Call History": ("Yes", "Yes"),
    "Manage Contacts": ("Yes", "Yes"), "Access Outlook contacts": ("Yes 6", "No"), "Voicemail": ("Yes", "Yes 4"),
    "Add and configure connectors": ("Yes", "Yes 5"), "Add and configure tabs": ("Yes", "Yes"),
    "Add and configure bots": ("Yes", "Yes"), "Modify Out of Office settings": ("Yes", "No"),
}
# "Plan Cloud Voicemail service for on-premises users", Migration and interoperability (2013, 2016, 2019, Online).
VOICEMAIL = {
    "Skype for Business Server 2019": ["Exchange Server UM", "Exchange Server UM", "Cloud Voicemail",
                                       "Cloud Voicemail"],
    "Skype for Business Server 2015": ["Exchange Server UM", "Exchange Server UM", "Not supported",
                                       "Cloud Voicemail"],
    "Lync Server 2013": ["Exchange Server UM", "Exchange Server UM", "Not Supported", "Cloud Voicemail"],
}
INTERNAL_WORDS = re.compile(r"table 000|table 002|seed|comment \d+|field guide comment", re.IGNORECASE)


def topo(exchange: str, exchange_version: str | None, sfb: str, sfb_version: str | None) -> Topology:
    return Topology(ExchangeKind(exchange), ExchangeVersion(exchange_version) if exchange_version else None,
                    SfbKind(sfb), SfbVersion(sfb_version) if sfb_version else None)


def by_name(topology: Topology, on: dt.date = TODAY) -> dict[str, FeatureSupport]:
    return {f.feature: f for f in feature_support(topology, on=on)}


def teams_cell(text: str) -> str:
    """'Yes <sup>1,9</sup>' -> 'Yes 1,9' (how TEAMS above writes cells)."""
    return re.sub(r" ?<sup>([0-9,]+)</sup>", r" \1", text)


# ----- the tables as published -----

def test_current_sfb_table_is_held_cell_for_cell():
    table = feature_tables()["sfb-exchange"]
    assert [f.name for f in table.features] == SFB_ROWS
    assert [c.id for c in table.columns] == list(CURRENT)
    for column, cells in CURRENT.items():
        assert [f.cells[column].text for f in table.features] == cells, column
    assert table.revision == "revision of 26 June 2025"
    assert "retired on July 31, 2021" in table.notes["retirements"]
    assert "retired Unified Messaging (UM) in Exchange Online" in table.notes["retirements"]


def test_earlier_sfb_table_is_kept_as_history_cell_for_cell():
    table = feature_tables()["sfb-exchange-before-2025"]
    assert [c.id for c in table.columns] == list(EARLIER)
    for column, cells in EARLIER.items():
        published = [f.cells[column].text for f in table.features]
        assert published == [("Y (need Exchange 2016/2013)" if c == "need" else c) for c in cells], column
    assert "Cloud Voicemail service" in table.notes["cloud-voicemail"]


def test_lync_2013_table_is_held_cell_for_cell():
    table = feature_tables()["lync-2013-exchange-2013"]
    assert [f.name for f in table.features] == LYNC_ROWS
    for column, cells in LYNC_2013.items():
        assert [f.cells[column].text for f in table.features] == cells
    assert table.footnotes["*"] == "Supported only for Lync users who are homed on-premises."


def test_teams_table_is_held_cell_for_cell():
    table = feature_tables()["teams-exchange"]
    assert [f.name for f in table.features] == list(TEAMS)
    for row in table.features:
        online, on_prem = TEAMS[row.name]
        assert teams_cell(row.cells["exchange-online"].text) == online, row.name
        assert teams_cell(row.cells["exchange-on-premises"].text) == on_prem, row.name
    assert "Exchange Server 2016 Cumulative Update 3 or later" in table.notes["on-premises-meetings"]


def test_cloud_voicemail_table_is_held_cell_for_cell():
    table = feature_tables()["cloud-voicemail"]
    assert [r.name for r in table.features] == list(VOICEMAIL)
    assert [c.heading for c in table.columns] == ["Exchange Server 2013", "Exchange Server 2016",
                                                  "Exchange Server 2019", "Exchange Online"]
    for row in table.features:
        assert [row.cells[c.id].text for c in table.columns] == VOICEMAIL[row.name]
    assert table.notes["no-um-2019"] == "Exchange Server 2019 no longer provides Exchange UM functionality"


def test_every_table_cites_its_document_by_title_and_address():
    for table in feature_tables().values():
        assert table.document.title and table.document.publisher
        source = table.source(table.features[0])
        assert table.document.title in source and table.features[0].name in source
        assert not INTERNAL_WORDS.search(source)
        if table.document.publisher == "Microsoft Learn":
            assert table.document.address.startswith("https://learn.microsoft.com/")


# ----- every topology -----

@pytest.mark.parametrize("topology", all_topologies(), ids=lambda t: t.label)
def test_every_topology_gets_answers_that_cite_public_documents(topology):
    answers = feature_support(topology, on=TODAY)
    names = [a.feature for a in answers]
    assert answers and len(names) == len(set(names))
    for answer in answers:
        assert answer.why and answer.source and answer.groups
        assert answer.supported is all(g.supported for g in answer.groups)
        for text in (answer.why, answer.source, answer.history, *(g.why for g in answer.groups)):
            assert not INTERNAL_WORDS.search(text), (answer.feature, text)
    assert (set(SFB_ROWS) <= set(names)) is topology.sfb_on_prem
    assert ("Cloud Voicemail" in names) is topology.sfb_on_prem
    assert ({f"Teams: {n}" for n in TEAMS} <= set(names)) is topology.teams_users
    assert not any(n.startswith("Teams: ") for n in names) or topology.teams_users
    lync = topology.sfb_version is SfbVersion.V2013 and topology.exchange_version is ExchangeVersion.V2013
    assert (set(LYNC_ROWS) <= set(names)) is lync
    groups = {g.users for a in answers for g in a.groups}
    mailbox_kinds = {"on" if " mailboxes on " in g else "online" for g in groups}
    expected = ({"on"} if topology.exchange_on_prem else set()) | (
        {"online"} if topology.exchange_online_mailboxes else set())
    assert mailbox_kinds == expected


@pytest.mark.parametrize("topology", all_topologies(), ids=lambda t: t.label)
def test_unsupported_lists_exactly_what_not_every_user_gets(topology):
    assert unsupported(topology, on=TODAY) == [f for f in feature_support(topology, on=TODAY) if not f.supported]


# ----- Cloud Voicemail -----

@pytest.mark.parametrize("topology", [t for t in all_topologies() if t.sfb is SfbKind.SERVER], ids=lambda t: t.label)
def test_cloud_voicemail_needs_sfb_hybrid_connectivity(topology):
    cloud = by_name(topology)["Cloud Voicemail"]
    assert not cloud.supported
    assert all(g.why.startswith("Needs hybrid connectivity") for g in cloud.groups)
    assert "Plan Cloud Voicemail service for on-premises users" in cloud.why


@pytest.mark.parametrize("sfb_version", ["2015", "2013"])
@pytest.mark.parametrize("exchange_version", ["2019", "se"])
def test_cloud_voicemail_is_not_supported_for_sfb_2015_and_lync_2013_with_exchange_2019_or_se(
        sfb_version, exchange_version):
    for sfb in ("server", "hybrid"):
        cloud = by_name(topo("server", exchange_version, sfb, sfb_version))["Cloud Voicemail"]
        assert not cloud.supported
        assert re.search(r'"Not [Ss]upported"', cloud.why)
        assert "column \"Exchange Server 2019\"" in cloud.source
    if exchange_version == "se":
        assert "Exchange Server SE is read like Exchange Server 2019" in cloud.why


@pytest.mark.parametrize(("exchange", "exchange_version", "sfb_version", "works", "says"), [
    ("server", "2019", "2019", True, "names Cloud Voicemail"),
    ("server", "se", "se", True, "Skype for Business Server SE is read like Skype for Business Server 2019"),
    ("server", "2016", "2019", False, "names Exchange Server UM, not Cloud Voicemail"),
    ("server", "2013", "2015", False, "names Exchange Server UM, not Cloud Voicemail"),
    ("server", "2010", "2015", False, "no Exchange 2010 column"),
    ("online", None, "2013", True, "names Cloud Voicemail for Lync Server 2013 with Exchange Online"),
    ("online", None, "2015", True, "names Cloud Voicemail for Skype for Business Server 2015 with Exchange Online"),
])
def test_cloud_voicemail_in_an_sfb_hybrid_follows_the_interoperability_table(
        exchange, exchange_version, sfb_version, works, says):
    cloud = by_name(topo(exchange, exchange_version, "hybrid", sfb_version))["Cloud Voicemail"]
    assert cloud.supported is works
    assert says in cloud.why


def test_cloud_voicemail_in_an_exchange_hybrid_answers_each_mailbox_location():
    cloud = by_name(topo("hybrid", "2019", "hybrid", "2015"))["Cloud Voicemail"]
    assert [g.supported for g in cloud.groups] == [False, True]
    assert cloud.groups[0].users.endswith("mailboxes on Exchange Server 2019")
    assert cloud.groups[1].users.endswith("mailboxes in Exchange Online")
    assert not cloud.supported and cloud.why.startswith("Works for users homed on Skype for Business Server 2015 "
                                                        "with mailboxes in Exchange Online; not for")


def test_teams_only_has_no_cloud_voicemail_row_but_the_teams_voicemail_row():
    answers = by_name(topo("server", "se", "teams", None))
    assert "Cloud Voicemail" not in answers
    voicemail = answers["Teams: Voicemail"]
    assert voicemail.supported and "won't be available to view or play within the Teams client" in voicemail.why


# ----- Unified Messaging -----

@pytest.mark.parametrize("exchange_version", ["2019", "se"])
def test_exchange_2019_and_se_have_no_unified_messaging(exchange_version):
    um = by_name(topo("server", exchange_version, "server", "2019"))[UM]
    assert not um.supported
    assert "Exchange Server 2019 no longer provides Exchange UM functionality" in um.why
    assert ("Exchange Server SE is read like Exchange Server 2019" in um.why) is (exchange_version == "se")


@pytest.mark.parametrize("exchange_version", ["2010", "2013", "2016"])
def test_exchange_um_still_serves_versions_that_have_it(exchange_version):
    um = by_name(topo("server", exchange_version, "server", "2015"))[UM]
    assert um.supported and '"Y (Exchange 2016 only)"' in um.why
    assert ("Exchange UM still serves this version" in um.why) is (exchange_version != "2016")


def test_exchange_online_unified_messaging_is_retired_whatever_the_cell_says():
    um = by_name(topo("online", None, "server", "2015"))[UM]
    assert not um.supported
    assert 'marks it "Y"' in um.why and "retired Unified Messaging in Exchange Online" in um.why


def test_exchange_hybrid_um_works_only_for_mailboxes_on_premises():
    um = by_name(topo("hybrid", "2016", "server", "2019"))[UM]
    assert [g.supported for g in um.groups] == [True, False]
    assert not um.supported and "not for users homed on Skype for Business Server 2019 with mailboxes in Exchange " \
                                "Online" in um.why


# ----- the Skype for Business Server rows -----

def test_exchange_2010_lacks_what_needs_server_to_server_oauth():
    answers = by_name(topo("server", "2010", "server", "2015"))
    for name in SFB_ROWS:
        if name in NEEDED_2016_2013:
            assert not answers[name].supported
            assert answers[name].why.startswith("Needs Exchange 2013 or later")
            assert "no server-to-server OAuth" in answers[name].why
        else:
            assert answers[name].supported, name


def test_sfb_rows_keep_what_the_earlier_revision_said():
    answers = by_name(topo("hybrid", "2016", "server", "2015"))
    ucs = answers["Contact List (via Unified Contact Store)"]
    assert ucs.history.startswith("Before June 2025")
    assert '"Y (need Exchange 2016/2013)" for Exchange 2016/2013/2010' in ucs.history
    assert '"Y" for Exchange Online + Skype for Business Server' in ucs.history


def test_lync_2013_is_read_like_skype_for_business_server_and_says_so():
    answers = by_name(topo("server", "2016", "server", "2013"))
    assert "Lync Server 2013 is read the same way" in answers["Presence in Outlook"].why


@pytest.mark.parametrize(("on", "phrase"), [
    (BEFORE_OCTOBER, "turns off from 1 October 2026"),
    (TODAY, "has turned off since 1 October 2026"),
    (AFTER_APRIL, "has turned off for every tenant since 1 April 2027"),
])
def test_ews_features_for_exchange_online_mailboxes_carry_the_retirement_for_the_day(on, phrase):
    answers = by_name(topo("hybrid", "se", "server", "se"), on=on)
    ucs = answers["Contact List (via Unified Contact Store)"]
    on_prem, online = ucs.groups
    assert phrase in online.why and "EWS" in online.why
    assert "EWS" not in on_prem.why
    assert "EWS" not in answers["Presence in Outlook"].why


# ----- the Microsoft Teams rows -----

@pytest.mark.parametrize(("exchange_version", "works"), [
    ("2010", False), ("2013", False), ("2016", True), ("2019", True), ("se", True)])
def test_teams_meetings_with_on_premises_mailboxes_need_exchange_2016_cu3(exchange_version, works):
    meetings = by_name(topo("server", exchange_version, "teams", None))["Teams: Create and view meetings in Teams"]
    assert meetings.supported is works
    assert "Exchange Server 2016 Cumulative Update 3 or later" in meetings.why
    if works:
        assert "Autodiscover v2" in meetings.why
    else:
        assert meetings.why.startswith("Needs Exchange Server 2016 CU3 or later")
    assert ("Exchange Server SE is read like Exchange Server 2019" in meetings.why) is (exchange_version == "se")


@pytest.mark.parametrize("exchange", ["online", "hybrid"])
def test_teams_rows_follow_the_table_by_mailbox_location(exchange):
    version = None if exchange == "online" else "se"
    answers = by_name(topo(exchange, version, "teams", None))
    for name, (online, on_prem) in TEAMS.items():
        answer = answers[f"Teams: {name}"]
        cells = [on_prem, online] if exchange == "hybrid" else [online]
        assert [g.supported for g in answer.groups] == [c.startswith("Yes") for c in cells], name
        assert all(g.users.startswith("Teams users with") for g in answer.groups)


def test_sfb_hybrid_answers_sfb_users_by_the_sfb_table_and_teamsonly_users_by_the_teams_table():
    answers = by_name(topo("server", "se", "hybrid", "se"))
    assert answers["Presence in Outlook"].groups[0].users.startswith("users homed on Skype for Business Server SE"
                                                                     .replace("SE", "Subscription Edition (SE)"))
    assert answers["Teams: Call History"].groups[0].users.startswith("TeamsOnly users")


# ----- the Lync Server 2013 table -----

@pytest.mark.parametrize(("sfb", "column"), [("server", "lync-2013-only"), ("hybrid", "lync-2013-hybrid")])
def test_lync_2013_table_answers_lync_2013_with_exchange_2013(sfb, column):
    answers = by_name(topo("server", "2013", sfb, "2013"))
    for name, cell in zip(LYNC_ROWS, LYNC_2013[column], strict=True):
        answer = answers[name]
        assert answer.supported is (cell != "Not supported"), name
        assert f'"{cell}"' in answer.why
        assert ("Supported only for Lync users who are homed on-premises." in answer.why) is cell.endswith("*")
        assert ("TeamsOnly users are answered by the Teams rows" in answer.why) is (sfb == "hybrid")


@pytest.mark.parametrize("topology", [
    topo("server", "2016", "server", "2013"), topo("server", "2013", "server", "2015"),
    topo("server", "2013", "teams", None), topo("online", None, "server", "2013"),
], ids=lambda t: t.label)
def test_lync_2013_table_is_silent_beyond_its_letter(topology):
    assert not set(LYNC_ROWS) & set(by_name(topology))


def test_sfb_server_with_exchange_server_has_the_sfb_rows_and_cloud_voicemail():
    assert len(feature_support(topo("server", "2013", "server", "2015"), on=TODAY)) == 18


# ----- API -----

def test_a_scenario_is_answered_like_its_topology():
    scenario = example_scenario()
    assert feature_support(scenario, on=TODAY) == feature_support(scenario.topology, on=TODAY)


def test_feature_support_is_frozen_and_named():
    answer = feature_support(topo("server", "2016", "server", "2015"), on=TODAY)[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        answer.supported = False  # type: ignore[misc]
    assert answer.name == answer.feature == "Presence in Outlook"


@pytest.mark.parametrize("text", ["y", "Yes <sup></sup>", "Y (need Exchange)", "Supported**", "", "Maybe"])
def test_unknown_cells_are_rejected(text):
    with pytest.raises(FeatureTableError):
        parse_cell(text)


def test_cells_are_read_with_their_versions_and_footnotes():
    assert parse_cell("Y (need Exchange 2016/2013)").needs_exchange == ("2016", "2013")
    assert parse_cell("Y (Exchange 2016 only)").needs_exchange == ("2016",)
    cell = parse_cell("Yes <sup>1,9</sup>")
    assert cell.supported and cell.footnotes == ("1", "9") and cell.plain == "Yes"
    assert not parse_cell("No").supported
    assert parse_cell("Cloud Voicemail").supported and not parse_cell("Exchange Server UM").supported


def bundled() -> dict:
    return json.loads(resource_path("features.json").read_text(encoding="utf-8"))


def test_a_row_missing_a_column_is_rejected():
    document = bundled()
    del document["tables"][0]["features"][3]["cells"]["exchange-online+sfb-server"]
    with pytest.raises(FeatureTableError, match="cells do not match"):
        tables_from(document)
    with pytest.raises(FeatureTableError):
        tables_from({"schema": "something else"})


def test_a_footnote_marker_without_its_footnote_is_rejected():
    document = bundled()
    teams = next(t for t in document["tables"] if t["id"] == "teams-exchange")
    teams["footnotes"] = [f for f in teams["footnotes"] if f["marker"] != "9"]
    with pytest.raises(FeatureTableError, match="no footnote 9"):
        tables_from(document)


def test_a_table_naming_an_unknown_document_is_rejected():
    document = bundled()
    document["tables"][0]["document"] = "nowhere"
    with pytest.raises(FeatureTableError, match="missing"):
        tables_from(document)
