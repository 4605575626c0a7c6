"""Certificates page: a .pfx is opened with a password that goes to the probes and nowhere else."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QTextDocumentFragment

from tests.ui.helpers import click, wait_for_checks
from wizard.lab import Lab
from wizard.lab.lab import PFX_PASSWORD
from wizard.topology import Phase
from wizard.ui.pages.ids import PHASE_IDS

pytestmark = pytest.mark.gui


@pytest.fixture
def lab():
    with Lab.start() as running:
        yield running


def _certificates_page(make_wizard, lab):
    wizard = make_wizard(lab.scenario, settings=lab.settings)
    wizard.setCurrentId(PHASE_IDS[Phase.CERTIFICATES])
    return wizard, wizard.currentPage()


def test_pfx_password_is_asked_used_by_the_checks_and_never_saved(lab, make_wizard, qtbot, tmp_path):
    wizard, page = _certificates_page(make_wizard, lab)
    wait_for_checks(qtbot, wizard)
    wizard.dialogs.open_path = Path(lab.oauth_pfx_path)
    wizard.dialogs.password = PFX_PASSWORD
    click(qtbot, page.form.rows["oauth_certificate"].browse)
    assert wizard.dialogs.titles("password")
    assert wizard.session.certificate_password == PFX_PASSWORD
    assert wizard.model.scenario.oauth_certificate == lab.oauth_pfx_path
    qtbot.waitUntil(lambda: "contoso.com" in page.panel.values["subject"].text(), timeout=10000)
    assert "2048" in page.panel.values["key"].text()
    assert page.panel.password.isVisible()

    click(qtbot, page.checks.recheck)
    states = wait_for_checks(qtbot, wizard)
    assert len(states) >= 4
    assert all(state == "pass" for state in states.values()), states

    saved = tmp_path / "scenario.json"
    wizard.model.save(saved)
    secret = PFX_PASSWORD.decode()
    assert lab.oauth_pfx_path in saved.read_text(encoding="utf-8")
    assert secret not in saved.read_text(encoding="utf-8")
    assert wizard.model.autosave() is not None
    assert secret not in wizard.model.autosave_path.read_text("utf-8")


def test_a_wrong_pfx_password_says_so(lab, make_wizard, qtbot):
    wizard, page = _certificates_page(make_wizard, lab)
    wait_for_checks(qtbot, wizard)
    wizard.dialogs.open_path = Path(lab.oauth_pfx_path)
    wizard.dialogs.password = b"not-the-password"
    click(qtbot, page.form.rows["oauth_certificate"].browse)
    qtbot.waitUntil(page.panel.message.isVisible, timeout=10000)
    qtbot.waitUntil(lambda: "password" in page.panel.message.text(), timeout=10000)
    message = QTextDocumentFragment.fromHtml(page.panel.message.text()).toPlainText()
    assert "password is wrong" in message


def test_the_windows_store_button_is_only_enabled_on_windows(lab, make_wizard):
    _wizard, page = _certificates_page(make_wizard, lab)
    assert page.panel.from_store.isEnabled() == (sys.platform == "win32")


def test_the_three_rules_follow_the_certificate_checks(lab, make_wizard, qtbot):
    wizard, page = _certificates_page(make_wizard, lab)
    wait_for_checks(qtbot, wizard)
    for rule in ("subject", "same", "key"):
        tip = page.panel.rule_icons[rule].toolTip()
        assert tip and tip != "Not run yet", rule


def test_a_path_being_typed_is_read_once_typing_pauses(lab, make_wizard, qtbot):
    wizard, page = _certificates_page(make_wizard, lab)
    wait_for_checks(qtbot, wizard)
    qtbot.waitUntil(lambda: "Reading" not in page.panel.message.text(), timeout=10000)
    first = page._loader
    path = lab.scenario.oauth_certificate
    for extra in ("x", "xy", "xyz"):  # three keys typed in quick succession
        wizard.model.set("oauth_certificate", path + extra)
    assert page._loader is first and page._load_later.isActive()  # nothing read per key
    qtbot.waitUntil(lambda: page._loader is not first, timeout=5000)
    qtbot.waitUntil(lambda: "Cannot read" in page.panel.message.text(), timeout=10000)
    assert "xyz" in page.panel.message.text()
