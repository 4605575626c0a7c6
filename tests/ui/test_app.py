"""Entry points: build_wizard's window, `main` on a file, and `main --demo` on the lab (stopped on exit)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QWizard

from wizard.scenario import example_scenario
from wizard.topology import Phase
from wizard.ui import app as app_module
from wizard.ui.pages.ids import COMPLETION_ID, PHASE_IDS, START_ID

pytestmark = pytest.mark.gui


def test_build_wizard_returns_a_qwizard_with_start_and_phase_pages_and_menus(make_wizard):
    wizard = make_wizard(example_scenario())
    assert isinstance(wizard, QWizard)
    assert wizard.pageIds() == [START_ID, *(PHASE_IDS[p] for p in Phase), COMPLETION_ID]
    assert [a.text() for a in wizard.menu_bar.actions()] == ["&File", "&Tools", "&Help"]
    assert not wizard.windowIcon().isNull()
    assert wizard.sideWidget() is not None
    names = {a.objectName() for a in wizard.actions()}
    assert {"action_new", "action_open", "action_save", "action_save_as", "action_export_scripts",
            "action_export_report", "action_help", "action_log_folder", "action_about"} <= names


def test_pages_the_topology_does_not_need_are_skipped(make_wizard):
    scenario = example_scenario()
    scenario.update({"exchange": "online", "sfb": "online", "tenant_domain": "jdskype.onmicrosoft.com"})
    wizard = make_wizard(scenario, show=False)
    order = []
    page_id = wizard.start_page.nextId()
    while page_id != -1:
        order.append(page_id)
        page_id = wizard.page(page_id).nextId()
    assert order == [*(PHASE_IDS[p] for p in (Phase.PREREQUISITES, Phase.HYBRID, Phase.VERIFICATION)), COMPLETION_ID]
    skipped = {e.title for e in wizard.page_list.entries if not e.applies}
    assert skipped == {"Certificates", "Autodiscover", "OAuth configuration", "Partner applications"}


class _Exit:
    """Replaces QApplication.exec: inspects the shown wizard, closes it, returns 0."""

    def __init__(self) -> None:
        self.seen = None

    def __call__(self, *_args) -> int:
        wizards = [w for w in QApplication.topLevelWidgets() if isinstance(w, QWizard) and w.isVisible()]
        assert len(wizards) == 1
        self.seen = wizards[0]
        self.scenario = self.seen.model.scenario.to_dict()
        self.settings = self.seen.session.settings
        self.path = self.seen.model.path
        self.seen.model.replace(self.seen.model.scenario)  # nothing unsaved: closing asks nothing
        self.seen.close()
        return 0


def test_main_demo_opens_on_the_lab_and_stops_it_on_exit(monkeypatch):
    from wizard import lab as lab_module

    started = []
    real_start = lab_module.Lab.start

    def start(*args, **kwargs):
        started.append(real_start(*args, **kwargs))
        return started[-1]

    monkeypatch.setattr(lab_module.Lab, "start", start)
    exit_ = _Exit()
    monkeypatch.setattr(QApplication, "exec", exit_)
    assert app_module.main(["--demo"]) == 0
    [lab] = started
    assert exit_.scenario == lab.scenario.to_dict()
    assert exit_.settings == lab.settings
    assert not lab.running
    exit_.seen.deleteLater()


def test_main_opens_the_scenario_file_given_on_the_command_line(monkeypatch, tmp_path):
    path = tmp_path / "jdskype.json"
    example_scenario().save(path)
    exit_ = _Exit()
    monkeypatch.setattr(QApplication, "exec", exit_)
    assert app_module.main([str(path)]) == 0
    assert exit_.scenario == example_scenario().to_dict()
    assert exit_.path == path
    exit_.seen.deleteLater()


def test_main_offers_to_restore_work_left_by_a_session_that_did_not_close(monkeypatch, tmp_path):
    from wizard.ui.dialogs import Dialogs
    from wizard.ui.preferences import data_dir

    data_dir().mkdir(parents=True, exist_ok=True)
    example_scenario().save(data_dir() / "autosave.json")
    asked = []
    monkeypatch.setattr(Dialogs, "confirm", lambda self, title, *a, **k: asked.append(title) or True)
    exit_ = _Exit()
    monkeypatch.setattr(QApplication, "exec", exit_)
    assert app_module.main([]) == 0
    assert asked == ["Restore unsaved work?"]
    assert exit_.scenario == example_scenario().to_dict()
    exit_.seen.deleteLater()
