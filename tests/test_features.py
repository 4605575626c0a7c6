"""feature_support: both published tables, every column, and how topologies beyond their letter are read.

The expected Y/N vectors are transcribed here from the seeds independently of resources/features.json.
"""

from __future__ import annotations

import dataclasses
import json

import pytest

from wizard.features import FeatureTableError, feature_support, feature_tables, parse_cell, tables_from
from wizard.resources import resource_path
from wizard.scenario import example_scenario
from wizard.topology import ExchangeKind, ExchangeVersion, SfbKind, SfbVersion, Topology

FEATURES_000 = [
    "Presence in Outlook",
    "Respond via IM, PSTN Call, Skype Call or Video Call from an Outlook email",
    "Schedule and join online meetings through Outlook",
    "Presence in Outlook Web App",
    "Respond via IM, PSTN Call, Skype Call or Video Call from an OWA email",
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
NEEDS_2016_2013 = {"Contact List (via Unified Contact Store)", "High-resolution Contact Photo",
                   "Archiving Content (IM and Meeting) in Exchange", "Search archived content"}

# Seed 000, column by column ("Y (need Exchange 2016/2013)" written as "need").
SEED_000 = {
    "exchange-server+sfb-server": ["Y"] * 9 + ["need", "need", "Y", "Y", "need", "need", "Y", "Y"],
    "exchange-online+sfb-server": ["Y"] * 17,
    "exchange-2010+sfb-online": list("YYYNNNYYYNNYYNNNN"),
    "exchange-2016-2013+sfb-online": list("YYYNNNYYYNYYYNNNY"),
    "exchange-online+sfb-online": list("YYYYYYYYYYYYYYYNY"),
}
FEATURES_002 = ["Outlook integration (EWS, MAPI)", "Outlook Web App integration (IM/P)",
                "Outlook Web App online meetings (scheduling)", "Unified Contact Store",
                "High-resolution contact photos"]
SEED_002 = {
    "lync-2013-only": ["Supported"] * 5,
    "sfb-online-only": ["Supported", "Not supported", "Not supported", "Not supported", "Supported"],
    "lync-2013-hybrid": ["Supported", "Supported", "Supported*", "Supported*", "Supported"],
}


def topo(exchange: str, sfb: str) -> Topology:
    """'2016'/'online' x '2015'/'online'/'hybrid-2013' -> Topology."""
    ex_kind = ExchangeKind.ONLINE if exchange == "online" else ExchangeKind.SERVER
    ex_version = None if exchange == "online" else ExchangeVersion(exchange)
    if sfb == "online":
        return Topology(ex_kind, ex_version, SfbKind.TEAMS, None)
    kind, _, version = sfb.rpartition("-")
    return Topology(ex_kind, ex_version, SfbKind.HYBRID if kind == "hybrid" else SfbKind.SERVER,
                    SfbVersion(version))


def by_name(topology: Topology) -> dict[str, object]:
    return {f.feature: f for f in feature_support(topology)}


def test_bundled_tables_hold_both_seed_tables_cell_for_cell():
    tables = feature_tables()
    table = tables["000"]
    assert [f.name for f in table.features] == FEATURES_000
    assert [c.id for c in table.columns] == list(SEED_000)
    for column, cells in SEED_000.items():
        published = [f.cells[column].text for f in table.features]
        assert published == [("Y (need Exchange 2016/2013)" if c == "need" else c) for c in cells], column
    assert "Cloud Voicemail" in table.notes[0]["text"]
    table = tables["002"]
    assert [f.name for f in table.features] == FEATURES_002
    for column, cells in SEED_002.items():
        assert [f.cells[column].text for f in table.features] == cells
    assert table.footnotes["*"] == "Supported only for Lync users who are homed on-premises."


def test_every_entry_keeps_its_source():
    for table_id, table in feature_tables().items():
        assert f"seed {table_id}" in table.source
        for row in table.features:
            assert row.source.startswith(f"seed {table_id}") and row.name in row.source


@pytest.mark.parametrize(("exchange", "sfb", "column"), [
    ("2016", "server-2015", "exchange-server+sfb-server"),
    ("2013", "server-2013", "exchange-server+sfb-server"),
    ("online", "server-2019", "exchange-online+sfb-server"),
    ("2010", "online", "exchange-2010+sfb-online"),
    ("2016", "online", "exchange-2016-2013+sfb-online"),
    ("2013", "online", "exchange-2016-2013+sfb-online"),
    ("online", "online", "exchange-online+sfb-online"),
])
def test_each_column_answers_as_published(exchange, sfb, column):
    answers = by_name(topo(exchange, sfb))
    for name, cell in zip(FEATURES_000, SEED_000[column], strict=True):
        answer = answers[name]
        if name == "Exchange UM Voice Mail" and exchange == "online":
            continue  # Exchange Online UM is retired: see its own test
        assert answer.supported is (cell != "N"), (column, name)
        assert column_heading(column) in answer.why


def column_heading(column: str) -> str:
    return feature_tables()["000"].column(column).heading


def test_exchange_2010_with_sfb_server_lacks_the_features_that_need_2016_2013():
    answers = by_name(topo("2010", "server-2015"))
    for name in FEATURES_000:
        if name in NEEDS_2016_2013:
            assert not answers[name].supported
            assert answers[name].why.startswith("Needs Exchange 2016/2013")
            assert "no server-to-server OAuth" in answers[name].why
        else:
            assert answers[name].supported, name


def test_exchange_2019_reads_the_2016_2013_column_but_has_no_um():
    answers = by_name(topo("2019", "server-2019"))
    for name in NEEDS_2016_2013:
        assert answers[name].supported
        assert "Exchange 2019 is read as the 2016/2013 column" in answers[name].why
    um = answers["Exchange UM Voice Mail"]
    assert not um.supported and "Exchange 2019 has no Unified Messaging" in um.why
    assert answers["Cloud Voicemail"].supported


def test_exchange_online_um_is_retired_whatever_the_table_says():
    um = by_name(topo("online", "server-2015"))["Exchange UM Voice Mail"]
    assert not um.supported
    assert "Table 000 marks it Y" in um.why and "retired" in um.why


def test_hybrid_answers_for_on_premises_users_and_names_the_online_column():
    answers = by_name(topo("2016", "hybrid-2015"))
    owa = answers["Presence in Outlook Web App"]
    assert owa.supported
    assert owa.why.startswith("For users homed on premises:")
    assert "Users homed in Skype for Business Online: N" in owa.why
    assert column_heading("exchange-2016-2013+sfb-online") in owa.why
    online = by_name(topo("online", "hybrid-2013"))["Exchange UM Voice Mail"]
    assert not online.supported and "Users homed in Skype for Business Online: N" in online.why


def test_cloud_voicemail_note_covers_every_sfb_deployment_listed():
    for sfb in ("online", "server-2013", "server-2015", "server-2019", "hybrid-2015"):
        cloud = by_name(topo("2016", sfb))["Cloud Voicemail"]
        assert cloud.supported and "Cloud Voicemail service" in cloud.why
        assert "note" in cloud.source


@pytest.mark.parametrize(("exchange", "sfb", "column"), [
    ("2013", "server-2013", "lync-2013-only"),
    ("2013", "online", "sfb-online-only"),
    ("2013", "hybrid-2013", "lync-2013-hybrid"),
])
def test_table_002_columns(exchange, sfb, column):
    answers = by_name(topo(exchange, sfb))
    for name, cell in zip(FEATURES_002, SEED_002[column], strict=True):
        assert answers[name].supported is (cell != "Not supported"), name
        assert f"'{cell}'" in answers[name].why
        footnote = "Supported only for Lync users who are homed on-premises."
        assert (footnote in answers[name].why) is cell.endswith("*")
        assert "read as" not in answers[name].why


def test_table_002_is_stretched_to_later_versions_and_says_so():
    answers = by_name(topo("2019", "hybrid-2019"))
    ucs = answers["Unified Contact Store"]
    assert "Exchange 2019 is read as 2013" in ucs.why
    assert "Skype for Business Server 2019 hybrid is read as the Lync Server 2013 hybrid row" in ucs.why


@pytest.mark.parametrize(("exchange", "sfb"), [("2016", "server-2015"), ("2010", "server-2013"),
                                               ("2010", "online"), ("online", "server-2013"), ("online", "online")])
def test_table_002_is_silent_where_it_does_not_apply(exchange, sfb):
    assert not set(FEATURES_002) & set(by_name(topo(exchange, sfb)))
    assert len(feature_support(topo(exchange, sfb))) == 18


def test_a_scenario_is_answered_like_its_topology():
    scenario = example_scenario()
    assert feature_support(scenario) == feature_support(scenario.topology)


def test_feature_support_is_frozen_and_named():
    answer = feature_support(topo("2016", "server-2015"))[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        answer.supported = False  # type: ignore[misc]
    assert answer.name == answer.feature == "Presence in Outlook"


@pytest.mark.parametrize("text", ["y", "Yes", "Y (need Exchange)", "Supported**", ""])
def test_unknown_cells_are_rejected(text):
    with pytest.raises(FeatureTableError):
        parse_cell(text)


def test_need_cell_lists_the_versions():
    assert parse_cell("Y (need Exchange 2016/2013)").needs_exchange == ("2016", "2013")


def test_a_row_missing_a_column_is_rejected():
    document = json.loads(resource_path("features.json").read_text(encoding="utf-8"))
    del document["tables"][0]["features"][3]["cells"]["exchange-online+sfb-online"]
    with pytest.raises(FeatureTableError, match="cells do not match"):
        tables_from(document)
    with pytest.raises(FeatureTableError):
        tables_from({"schema": "something else"})
