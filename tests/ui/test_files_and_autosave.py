"""The scenario survives: autosave after every change, Save/Open/recent files, and a question on close."""

from __future__ import annotations

import json

import pytest

from wizard.scenario import Scenario, example_scenario
from wizard.topology import Phase
from wizard.ui.dialogs import SaveChoice
from wizard.ui.pages.ids import PHASE_IDS
from wizard.ui.preferences import Preferences

pytestmark = pytest.mark.gui


def _type_smtp_domain(wizard, qtbot, text: str) -> None:
    wizard.setCurrentId(PHASE_IDS[Phase.PREREQUISITES])
    wizard.session.cancel_all()
    field = wizard.currentPage().form.rows["smtp_domain"].input
    field.clear()
    qtbot.keyClicks(field, text)


def test_typing_is_autosaved_shortly_after_it_stops(make_wizard, dead_resolver_settings, qtbot):
    wizard = make_wizard(example_scenario(), settings=dead_resolver_settings)
    target = wizard.model.autosave_path
    assert not target.exists()
    _type_smtp_domain(wizard, qtbot, "fabrikam.com")
    assert wizard.isWindowModified()
    qtbot.waitUntil(target.exists, timeout=3000)
    saved = json.loads(target.read_text(encoding="utf-8"))
    assert saved["scenario"]["smtp_domain"] == "fabrikam.com"
    assert Scenario.load(target).smtp_domain == "fabrikam.com"


def test_closing_with_unsaved_changes_asks_and_cancel_keeps_the_window(make_wizard, dead_resolver_settings, qtbot):
    wizard = make_wizard(example_scenario(), settings=dead_resolver_settings)
    _type_smtp_domain(wizard, qtbot, "fabrikam.com")
    wizard.dialogs.save_choice = SaveChoice.CANCEL
    wizard.close()
    assert wizard.isVisible()
    assert wizard.dialogs.titles("save_changes")
    wizard.dialogs.save_choice = SaveChoice.DISCARD
    wizard.close()
    assert not wizard.isVisible()
    assert not wizard.model.autosave_path.exists(), "discarded work leaves no crash copy behind"


def test_closing_with_save_writes_the_file_and_remembers_it(make_wizard, dead_resolver_settings, qtbot, tmp_path):
    wizard = make_wizard(example_scenario(), settings=dead_resolver_settings)
    _type_smtp_domain(wizard, qtbot, "fabrikam.com")
    wizard.dialogs.save_choice = SaveChoice.SAVE
    wizard.dialogs.save_path = tmp_path / "fabrikam"
    wizard.close()
    assert not wizard.isVisible()
    saved = tmp_path / "fabrikam.json"
    assert Scenario.load(saved).smtp_domain == "fabrikam.com"
    assert Preferences.load().recent_files[0] == str(saved.resolve())


def test_open_replaces_the_scenario_restarts_and_lists_the_file_in_recent(make_wizard, dead_resolver_settings,
                                                                          tmp_path):
    path = tmp_path / "other.json"
    other = example_scenario()
    other.set("smtp_domain", "other.example")
    other.save(path)
    wizard = make_wizard(example_scenario(), settings=dead_resolver_settings)
    wizard.setCurrentId(PHASE_IDS[Phase.PREREQUISITES])
    wizard.session.cancel_all()
    wizard.dialogs.open_path = path
    assert wizard.open_scenario()
    assert wizard.model.scenario.smtp_domain == "other.example"
    assert wizard.currentId() == 0
    assert not wizard.isWindowModified()
    assert path.name in wizard.windowTitle()
    assert [a.data() for a in wizard.recent_menu.actions() if a.data()] == [str(path.resolve())]


def test_a_corrupt_file_is_refused_with_the_reason(make_wizard, dead_resolver_settings, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"schema": "sfb-exchange-wizard/scenario", "schema_version": 1, "scenario": {', "utf-8")
    wizard = make_wizard(example_scenario(), settings=dead_resolver_settings)
    wizard.dialogs.open_path = path
    assert not wizard.open_scenario()
    assert "not valid JSON" in wizard.dialogs.errors[0]
    assert wizard.model.scenario.to_dict() == example_scenario().to_dict()
