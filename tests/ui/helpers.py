"""Shared steps of the GUI tests: drive the wizard like a user and wait for its checks."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QRadioButton, QWizard

CHECKS_TIMEOUT_MS = 60000


def checks_done(wizard) -> bool:
    """The current page ran its checks and every listed check has a result."""
    page = wizard.currentPage()
    checks = getattr(page, "checks", None)
    if checks is None:
        return True
    if wizard.session.is_running(checks.key) or not checks.list.cards:
        return False
    if any(state in ("running", "pending") for state in checks.list.states().values()):
        return False
    # The side panel and the verification summary refresh a frame later (coalesced); wait for them too.
    entry = next((e for e in wizard.page_list.entries if e.page_id == wizard.currentId()), None)
    if entry is None or entry.status in ("running", "pending"):
        return False
    banner = getattr(page, "banner", None)
    return banner is None or banner.status not in ("running", "pending")


def wait_for_checks(qtbot, wizard, timeout: int = CHECKS_TIMEOUT_MS) -> dict[str, str]:
    qtbot.waitUntil(lambda: checks_done(wizard), timeout=timeout)
    return wizard.currentPage().checks.list.states()


def click(qtbot, widget) -> None:
    if isinstance(widget, QRadioButton):  # a radio button only takes clicks on its circle and label
        qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=QPoint(8, widget.height() // 2))
    else:
        qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def click_next(qtbot, wizard) -> None:
    button = wizard.button(QWizard.WizardButton.NextButton)
    qtbot.waitUntil(button.isEnabled, timeout=CHECKS_TIMEOUT_MS)
    click(qtbot, button)
