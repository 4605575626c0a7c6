"""Keyboard: F1 explains the current step; every field has a label with a unique Alt+letter on its page."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget

from wizard.scenario import example_scenario
from wizard.topology import Phase
from wizard.ui.help_texts import HELP
from wizard.ui.pages.ids import PHASE_IDS, START_ID

pytestmark = pytest.mark.gui

MNEMONIC = re.compile(r"&([^&])")


def _mnemonic(text: str) -> str | None:
    found = MNEMONIC.search(text.replace("&&", ""))
    return found.group(1).lower() if found else None


def test_f1_opens_the_current_steps_explanation(make_wizard, dead_resolver_settings, qtbot):
    wizard = make_wizard(example_scenario(), settings=dead_resolver_settings)
    wizard.setCurrentId(PHASE_IDS[Phase.OAUTH])
    wizard.session.cancel_all()
    wizard.activateWindow()
    qtbot.waitUntil(wizard.isActiveWindow, timeout=3000)
    qtbot.keyClick(wizard.focusWidget() or wizard, Qt.Key.Key_F1)
    help_dialog = wizard._help
    assert help_dialog is not None and help_dialog.isVisible()
    text = help_dialog.browser.toPlainText()
    assert "autodiscover.svc" in text and "code=50043" in text
    assert help_dialog.windowTitle() == f"Help: {HELP[Phase.OAUTH.value][0]}"
    wizard.back()  # the open help follows the wizard to the page shown (here: back to the start page)
    assert wizard.currentId() == START_ID
    assert help_dialog.windowTitle() == f"Help: {HELP['start'][0]}"


@pytest.mark.parametrize("page_id", [START_ID, *PHASE_IDS.values()])
def test_every_page_has_unique_mnemonics_and_labelled_fields(page_id, make_wizard, dead_resolver_settings):
    scenario = example_scenario()
    scenario.update({"sfb": "hybrid", "tenant_domain": "jdskype.onmicrosoft.com"})
    wizard = make_wizard(scenario, settings=dead_resolver_settings)
    page = wizard.page(page_id)
    if hasattr(page, "ensure_built"):
        page.ensure_built()  # phase pages build their widgets when first shown
    letters: dict[str, str] = {}
    last = wizard.WizardButton.FinishButton if page.isFinalPage() else wizard.WizardButton.NextButton
    wizard_buttons = [wizard.button(b) for b in (wizard.WizardButton.BackButton, last)]
    texts = [a.text() for a in wizard.menu_bar.actions()] + [b.text() for b in wizard_buttons]
    for widget in page.findChildren(QWidget):
        if isinstance(widget, (QLabel, QAbstractButton)) and widget.isVisibleTo(page):
            texts.append(widget.text())
    for text in texts:
        letter = _mnemonic(text)
        if letter is None:
            continue
        assert letter not in letters, f"Alt+{letter} is both {letters[letter]!r} and {text!r}"
        letters[letter] = text
    form = getattr(page, "form", None)
    for name, row in (form.rows.items() if form else []):
        if not row.isVisibleTo(page):
            continue
        label = form.labels[name]
        assert label.buddy() is row.input, name
        assert _mnemonic(label.text()), f"{name} has no Alt+letter"
        assert row.input.focusPolicy() != Qt.FocusPolicy.NoFocus
