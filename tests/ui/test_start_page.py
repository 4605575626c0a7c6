"""The start page speaks December 2026: Exchange Server / hybrid / Online, SfB Server / SfB with Teams /
Teams only, the Subscription Editions, each version's support date, and what the EWS retirement means."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import QLabel

from tests.ui.helpers import click
from wizard.ews_retirement import ews_impact
from wizard.examples import example_for
from wizard.lifecycle import EXCHANGE_SUPPORT, SFB_ONLINE_RETIRED, SFB_SUPPORT, today
from wizard.scenario import Scenario
from wizard.topology import (
    EXCHANGE_NAMES,
    SFB_NAMES,
    ExchangeKind,
    ExchangeVersion,
    SfbKind,
    SfbVersion,
    Topology,
)
from wizard.ui.choice_labels import support_status

pytestmark = pytest.mark.gui


def _start(make_wizard, qtbot, scenario=None, settings=None):
    wizard = make_wizard(scenario, settings=settings)
    start = wizard.start_page
    qtbot.waitUntil(lambda: start._features is not None and bool(start.features.features), timeout=10000)
    return wizard, start


def _note(start, field: str) -> QLabel:
    return start.findChild(QLabel, f"support_{field}")


def _radio_texts(group) -> dict[str, str]:
    return {value: radio.text().replace("&", "") for value, radio in group.radios.items()}


def test_the_choices_are_todays_products_with_the_subscription_editions(make_wizard, dead_resolver_settings,
                                                                        qtbot):
    _wizard, start = _start(make_wizard, qtbot, Scenario(), dead_resolver_settings)
    _task, exchange, sfb = start.groups
    assert _radio_texts(exchange) == {
        "server": "Exchange Server (every mailbox on premises)",
        "hybrid": "Exchange hybrid (mailboxes on premises and in Exchange Online)",
        "online": "Exchange Online (every mailbox in Microsoft 365)"}
    assert _radio_texts(sfb) == {
        "server": "Lync / Skype for Business Server (on premises)",
        "hybrid": "Skype for Business Server with Microsoft Teams (hybrid)",
        "teams": "Microsoft Teams only"}
    assert not any("Skype for Business Online" in text for text in _radio_texts(sfb).values())
    versions = [exchange.version.itemText(i) for i in range(exchange.version.count())]
    assert versions == [EXCHANGE_NAMES[v] for v in ExchangeVersion]
    assert [sfb.version.itemText(i) for i in range(sfb.version.count())] == [
        SFB_NAMES[v].replace("Skype for Business Server", "SfB Server") for v in SfbVersion]
    # A new scenario starts on the Subscription Editions, shown as supported.
    assert exchange.version.currentText() == EXCHANGE_NAMES[ExchangeVersion.SE]
    assert sfb.version.currentText() == "SfB Server Subscription Edition (SE)"
    assert _note(start, "exchange_version").text() == "Supported (Modern Lifecycle Policy)."
    assert _note(start, "sfb_version").text() == "Supported (Modern Lifecycle Policy)."
    assert EXCHANGE_SUPPORT[ExchangeVersion.SE].source in _note(start, "exchange_version").toolTip()


def test_an_out_of_support_version_shows_its_end_date_where_it_is_chosen(make_wizard, dead_resolver_settings,
                                                                         qtbot):
    wizard, start = _start(make_wizard, qtbot, Scenario(), dead_resolver_settings)
    exchange, sfb = start.groups[1], start.groups[2]
    index = list(ExchangeVersion).index(ExchangeVersion.V2016)
    exchange.version.setCurrentIndex(index)
    exchange.version.activated.emit(index)
    assert wizard.model.scenario.exchange_version == "2016"
    end = EXCHANGE_SUPPORT[ExchangeVersion.V2016].end
    assert end is not None and today() > end
    assert _note(start, "exchange_version").text() == (
        f"Out of support since {end.day} {end:%B %Y}; the wizard still handles it.")
    assert "no longer ships security fixes" in _note(start, "exchange_version").toolTip()
    index = list(SfbVersion).index(SfbVersion.V2013)
    sfb.version.activated.emit(index)
    lync = SFB_SUPPORT[SfbVersion.V2013].end
    assert lync is not None
    assert f"{lync.day} {lync:%B %Y}" in _note(start, "sfb_version").text()
    assert "Lync Server 2013" in start.topology_label.text()


def test_support_status_words_a_date_still_ahead_as_supported_until():
    end = EXCHANGE_SUPPORT[ExchangeVersion.V2019].end
    assert end is not None
    before = end - dt.timedelta(days=30)
    assert support_status("exchange_version", "2019", on=before)[0] == f"Supported until {end.day} {end:%B %Y}."
    assert support_status("exchange_version", "2019", on=end + dt.timedelta(days=1))[0].startswith(
        "Out of support since")
    assert support_status("mode", "setup") == ("", "")


def test_teams_only_hides_the_sfb_version_and_says_what_became_of_sfb_online(make_wizard, dead_resolver_settings,
                                                                             qtbot):
    wizard, start = _start(make_wizard, qtbot, Scenario(), dead_resolver_settings)
    sfb = start.groups[2]
    click(qtbot, sfb.radios["teams"])
    assert wizard.model.scenario.sfb == "teams"
    assert sfb.version.isHidden() and sfb.version_label.isHidden()
    note = _note(start, "sfb_version")
    assert not note.isHidden()
    assert f"retired on {SFB_ONLINE_RETIRED.day} {SFB_ONLINE_RETIRED:%B %Y}" in note.text()
    assert "Microsoft Teams" in start.topology_label.text()
    assert "teams" in {n.id for n in start.picture.diagram.nodes}
    click(qtbot, start.groups[1].radios["online"])
    assert start.groups[1].version.isHidden()
    assert _note(start, "exchange_version").isHidden()  # nothing on premises: no version, no date


def test_a_scenario_saved_with_sfb_online_opens_as_teams(make_wizard, dead_resolver_settings, qtbot, tmp_path):
    old = example_for(Topology(ExchangeKind.SERVER, ExchangeVersion.V2016, SfbKind.TEAMS, None)).to_dict()
    old["sfb"] = "online"  # what the wizard wrote before Teams replaced Skype for Business Online
    wizard, start = _start(make_wizard, qtbot, Scenario.from_dict(old), dead_resolver_settings)
    assert start.groups[2].radios["teams"].isChecked()
    assert wizard.model.scenario.sfb == "teams"


def test_a_double_hybrid_lists_features_per_group_of_users_and_the_ews_retirement(make_wizard,
                                                                                  dead_resolver_settings, qtbot):
    topology = Topology(ExchangeKind.HYBRID, ExchangeVersion.SE, SfbKind.HYBRID, SfbVersion.SE)
    _wizard, start = _start(make_wizard, qtbot, example_for(topology), dead_resolver_settings)
    assert start.groups[1].radios["hybrid"].isChecked() and start.groups[2].radios["hybrid"].isChecked()
    listed = start.features.toPlainText()
    impact = ews_impact(topology, today())
    assert impact.affected
    assert impact.headline in listed
    assert all(name in listed for name in impact.features)
    assert "What to do:" in listed and "Timeline" in listed
    assert "Works for some users only" in listed
    assert listed.index("Exchange Online EWS retirement") < listed.index("Will work (")  # it takes something away
    works, not_works = start.features.counts()
    assert f"{works} of {works + not_works} integration features" in start.topology_label.text()
    assert f"{start.features.partial()} work for some users only" in start.topology_label.text()
    nodes = {n.id: n for n in start.picture.diagram.nodes}
    assert nodes["exchange"].title == "Exchange SE" and nodes["exchange-online"].title == "Exchange Online"
    assert "teams" in nodes and "tenant" in nodes


def test_exchange_server_only_says_the_ews_retirement_does_not_touch_it(make_wizard, dead_resolver_settings, qtbot):
    topology = Topology(ExchangeKind.SERVER, ExchangeVersion.SE, SfbKind.SERVER, SfbVersion.SE)
    _wizard, start = _start(make_wizard, qtbot, example_for(topology), dead_resolver_settings)
    listed = start.features.toPlainText()
    impact = ews_impact(topology, today())
    assert not impact.affected
    assert impact.headline in listed
    assert listed.index("Exchange Online EWS retirement") > listed.index("Will work (")  # a footnote, last


def test_every_topology_is_shown_in_its_own_words(make_wizard, dead_resolver_settings, qtbot):
    """All 99: the radios follow, the version shows where something runs on premises, each version its support
    line, the label and the feature list are the topology's, and no text is an internal reference."""
    import html

    from tests.ui.test_no_internal_references import internal_references
    from wizard.topology import all_topologies

    wizard, start = _start(make_wizard, qtbot, Scenario(), dead_resolver_settings)
    _task, exchange, sfb = start.groups
    for topology in all_topologies():
        wizard.model.replace(example_for(topology))
        qtbot.waitUntil(lambda t=topology: html.escape(t.label) in start.topology_label.text(), timeout=5000)
        assert exchange.radios[topology.exchange.value].isChecked()
        assert sfb.radios[topology.sfb.value].isChecked()
        assert exchange.version.isHidden() == (not topology.exchange_on_prem)
        assert sfb.version.isHidden() == (not topology.sfb_on_prem)
        if topology.exchange_version is not None:
            assert exchange.version.currentText() == EXCHANGE_NAMES[topology.exchange_version]
            assert _note(start, "exchange_version").text() == support_status(
                "exchange_version", topology.exchange_version.value)[0]
        if topology.sfb_version is not None:
            assert _note(start, "sfb_version").text() == support_status("sfb_version", topology.sfb_version.value)[0]
        assert not _note(start, "sfb_version").isHidden()  # a version's support, or what became of SfB Online
        assert start.features.features, topology.label
        assert ews_impact(topology, today()).headline in start.features.toPlainText()
        assert internal_references(start) == [], topology.label
