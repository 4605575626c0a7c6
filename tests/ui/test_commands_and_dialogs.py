"""The commands pane copies and saves exactly the exported script; the real dialogs are QMessageBoxes."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from tests.ui.helpers import click, wait_for_checks
from wizard.lab import Lab
from wizard.playbook.build import steps_for_phase
from wizard.playbook.export import render_script
from wizard.playbook.step import Shell
from wizard.scenario import example_scenario
from wizard.topology import Phase
from wizard.ui.dialogs import Dialogs
from wizard.ui.pages.ids import PHASE_IDS

pytestmark = pytest.mark.gui


def _page(make_wizard, settings, phase):
    wizard = make_wizard(example_scenario(), settings=settings)
    wizard.setCurrentId(PHASE_IDS[phase])
    wizard.session.cancel_all()
    page = wizard.currentPage()
    page.tabs.setCurrentWidget(page.commands)  # the scripts are rendered when their tab is shown
    return wizard, page


def test_copy_puts_the_exported_script_on_the_clipboard(make_wizard, dead_resolver_settings, qtbot):
    wizard, page = _page(make_wizard, dead_resolver_settings, Phase.OAUTH)
    tab = page.commands.shell_tabs[Shell.SFB]
    click(qtbot, tab.copy_button)
    scenario = wizard.model.scenario
    expected = render_script(scenario, Shell.SFB, steps_for_phase(scenario, Phase.OAUTH))
    assert QGuiApplication.clipboard().text() == expected
    assert "autodiscover.svc" in expected


def test_save_writes_the_script_and_asks_before_replacing(make_wizard, dead_resolver_settings, qtbot, tmp_path):
    wizard, page = _page(make_wizard, dead_resolver_settings, Phase.OAUTH)
    tab = page.commands.shell_tabs[Shell.SFB]
    target = tmp_path / "oauth.ps1"
    wizard.dialogs.save_path = target
    click(qtbot, tab.save_button)
    assert target.read_text(encoding="utf-8-sig") == tab.editor.toPlainText()
    wizard.dialogs.confirm_answer = False
    target.write_text("keep me", encoding="utf-8")
    click(qtbot, tab.save_button)
    assert target.read_text(encoding="utf-8") == "keep me"
    assert wizard.dialogs.titles("confirm")


def test_leaving_a_page_with_a_failed_check_asks_in_a_message_box(make_wizard, qtbot):
    with Lab.start(["metadata-404"]) as lab:
        wizard = make_wizard(lab.scenario, settings=lab.settings)
        wizard.set_dialogs(Dialogs(wizard))
        wizard.setCurrentId(PHASE_IDS[Phase.PARTNER_APPLICATIONS])
        page = wizard.currentPage()
        assert "fail" in wait_for_checks(qtbot, wizard).values()
        seen = []

        def answer_stay():
            box = QApplication.activeModalWidget()
            seen.append(box)
            if isinstance(box, QMessageBox):
                next(b for b in box.buttons() if b.text().replace("&", "") == "Stay on this page").click()

        QTimer.singleShot(0, answer_stay)
        assert page.validatePage() is False
        assert isinstance(seen[0], QMessageBox)
        assert "failed" in seen[0].text()
        assert wizard.currentId() == PHASE_IDS[Phase.PARTNER_APPLICATIONS]
