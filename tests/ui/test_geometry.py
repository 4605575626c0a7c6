"""The window's geometry at the sizes admins have: 1366 x 768 at 100, 125 and 150 % and 1024 x 768.

The scale factor must be set before the QApplication exists, so each size runs this file as a script in a
subprocess (an offscreen screen of that size, QT_SCALE_FACTOR as a scaled display sets it) that builds the
wizard on the demo lab, visits every page and every tab of Verification, and prints the violations as JSON:
a visible widget outside its parent, two visible widgets of one layout overlapping, a widget squeezed below
the size its content needs (clipped), a name the topology picture had to elide, a scroll area inside
another, a wizard button outside the window, or a window larger than the screen's work area.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
TASKBAR = 40  # the Windows taskbar: the work area of a 768-pixel-high screen is 728 pixels high

# (scale factor, screen width, screen height) in physical pixels.
SIZES = [(1.0, 1366, 768), (1.25, 1366, 768), (1.5, 1366, 768), (1.0, 1024, 768)]


def _run(scale: float, width: int, height: int, tmp_path: Path) -> dict[str, Any]:
    config = tmp_path / "screen.json"
    # The offscreen screen is the work area (no taskbar can be modelled), so the window must fit it whole.
    config.write_text(json.dumps({"screens": [{"name": "laptop", "x": 0, "y": 0, "width": width,
                                               "height": height - TASKBAR, "logicalDpi": 96,
                                               "logicalBaseDpi": 96, "dpr": 1}]}))
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={config}", QT_SCALE_FACTOR=str(scale),
               PYTHONPATH=str(ROOT))
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        env[name] = str(tmp_path / name.lower())
    done = subprocess.run([sys.executable, __file__], env=env, capture_output=True, text=True, timeout=100,
                          check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    assert done.returncode == 0 and lines, done.stderr[-3000:]
    return json.loads(lines[-1])


@pytest.mark.gui
@pytest.mark.parametrize(("scale", "width", "height"), SIZES, ids=[f"{w}x{h}@{s:g}" for s, w, h in SIZES])
def test_every_page_fits_without_overlap_or_clipping(scale, width, height, tmp_path):
    found = _run(scale, width, height, tmp_path)
    assert found["pages"] >= 9, found  # start, the phase pages and the verification tabs were all seen
    assert found["violations"] == []


def test_placeholders_come_from_the_scenario_once_it_has_a_domain():
    from wizard.fields import FIELD_BY_NAME
    from wizard.scenario import Scenario
    from wizard.ui.widgets.field_form import derived_placeholder

    empty = Scenario()
    assert derived_placeholder(FIELD_BY_NAME["pool_fqdns"], empty) == "pool01.contoso.com"  # nothing known yet
    known = Scenario(sip_domains=["fabrikam.com"], smtp_domain="fabrikam.com", test_sip_uri="sip:megan@fabrikam.com")
    assert derived_placeholder(FIELD_BY_NAME["autodiscover_fqdn"], known) == "autodiscover.fabrikam.com"
    assert derived_placeholder(FIELD_BY_NAME["oauth_realm"], known) == "fabrikam.com"
    assert derived_placeholder(FIELD_BY_NAME["test_mailbox"], known) == "megan@fabrikam.com"
    assert derived_placeholder(FIELD_BY_NAME["exchange_autodiscover_url"], known) == (
        "https://autodiscover.fabrikam.com/autodiscover/autodiscover.svc")
    for name in ("pool_fqdns", "exchange_fqdns", "dc_fqdn", "test_sip_uri"):
        text = derived_placeholder(FIELD_BY_NAME[name], known)
        assert "fabrikam.com" in text and "contoso" not in text, (name, text)
    assert "https:///" not in derived_placeholder(FIELD_BY_NAME["exchange_autodiscover_url"], empty)


@pytest.mark.gui
def test_copy_feedback_sits_beside_the_button_and_is_gone_on_the_next_page(make_wizard, qtbot):
    from PySide6.QtCore import QRect

    from tests.ui.helpers import click, click_next, wait_for_checks
    from wizard.lab import Lab

    with Lab.start() as lab:
        wizard = make_wizard(lab.scenario, settings=lab.settings)
        click_next(qtbot, wizard)
        wait_for_checks(qtbot, wizard)
        page = wizard.currentPage()
        page.tabs.setCurrentWidget(page.commands)
        tab = next(iter(page.commands.shell_tabs.values()))
        page.commands.tabs.setCurrentWidget(tab)
        click(qtbot, tab.copy_button)
        assert tab.feedback.isVisible() and "Copied" in tab.feedback.text()
        feedback = QRect(tab.feedback.mapTo(wizard, tab.feedback.rect().topLeft()), tab.feedback.size())
        button = QRect(tab.copy_button.mapTo(wizard, tab.copy_button.rect().topLeft()), tab.copy_button.size())
        assert abs(feedback.center().y() - button.center().y()) < button.height()  # on the button's line
        assert 0 <= button.left() - feedback.right() < 40  # right before it
        assert "Copied" not in wizard.status_label.text()
        click_next(qtbot, wizard)
        assert not tab.feedback.text()


@pytest.mark.gui
def test_a_click_on_a_topology_box_names_the_checks_that_coloured_it(make_wizard, qtbot):
    from PySide6.QtCore import QPoint, Qt

    from tests.ui.helpers import wait_for_checks
    from wizard.lab import Lab
    from wizard.topology import Phase
    from wizard.ui.pages.ids import PHASE_IDS

    with Lab.start() as lab:
        wizard = make_wizard(lab.scenario, settings=lab.settings)
        while wizard.currentId() != PHASE_IDS[Phase.VERIFICATION]:
            wizard.next()
        wait_for_checks(qtbot, wizard)
        view = wizard.verification_page.topology
        wizard.verification_page.tabs.setCurrentWidget(view)
        qtbot.waitUntil(lambda: bool(view._rects), timeout=5000)
        node = view.diagram.node("autodiscover")
        centre = view._rects["autodiscover"].center().toPoint()
        with qtbot.waitSignal(view.nodeActivated, timeout=2000) as signal:
            qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=centre)
        assert signal.args == ["autodiscover", list(node.results)]
        assert node.results and all(wizard.session.result(pid) is not None for pid in node.results)
        with qtbot.assertNotEmitted(view.nodeActivated):
            qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=QPoint(2, 2))


# ---- the script run in each subprocess -------------------------------------------------------------
def _managed_widgets(layout: Any) -> list[Any]:
    """The widgets a layout places, through its nested layouts (they share the layout's parent)."""
    found = []
    for index in range(layout.count()):
        item = layout.itemAt(index)
        if item.widget() is not None:
            found.append(item.widget())
        elif item.layout() is not None:
            found += _managed_widgets(item.layout())
    return found


def _name(widget: Any) -> str:
    parts = []
    while widget is not None and len(parts) < 4:
        parts.append(widget.objectName() or type(widget).__name__)
        widget = widget.parentWidget()
    return "/".join(reversed(parts))


def _scrolled(widget: Any) -> bool:
    """A widget inside a scroll area's viewport: moving out of view is what scrolling does."""
    from PySide6.QtWidgets import QAbstractScrollArea

    parent = widget.parentWidget()
    grand = parent.parentWidget() if parent is not None else None
    return isinstance(grand, QAbstractScrollArea) and parent is grand.viewport()


def _clipped(widget: Any) -> str:
    """Why the widget shows less than its content needs ('' when it does not)."""
    from PySide6.QtWidgets import QAbstractButton, QComboBox, QGroupBox, QLabel, QLineEdit, QSizePolicy, QTabBar

    if not isinstance(widget, (QAbstractButton, QComboBox, QLabel, QLineEdit, QGroupBox, QTabBar)):
        return ""
    if isinstance(widget.parentWidget(), QLineEdit):  # the line edit's own clear and status buttons
        return ""
    policy = widget.sizePolicy()
    if QSizePolicy.Policy.Ignored in (policy.horizontalPolicy(), policy.verticalPolicy()):
        return ""
    size = widget.size()
    if isinstance(widget, QLabel) and widget.wordWrap():
        needed = widget.heightForWidth(widget.width())
        return f"needs {needed} px high, has {size.height()}" if needed > size.height() + 1 else ""
    hint = widget.minimumSizeHint()
    if isinstance(widget, QLabel):  # a label without wrapping: its whole text must be seen
        hint = widget.sizeHint()
    if hint.height() > size.height() + 1 or (hint.width() > size.width() + 1 and not isinstance(widget, QLineEdit)):
        return f"needs {hint.width()}x{hint.height()}, has {size.width()}x{size.height()}"
    return ""


def violations_in(window: Any, where: str) -> list[str]:
    """Every geometry problem of the window as it is painted now."""
    from PySide6.QtCore import QRect
    from PySide6.QtWidgets import QAbstractScrollArea, QWidget, QWizard

    found: list[str] = []
    screen = window.screen().availableGeometry()
    if window.width() > screen.width() or window.height() > screen.height():
        found.append(f"{where}: window {window.width()}x{window.height()} larger than the work area "
                     f"{screen.width()}x{screen.height()}")
    for which in (QWizard.WizardButton.BackButton, QWizard.WizardButton.NextButton,
                  QWizard.WizardButton.FinishButton, QWizard.WizardButton.CancelButton):
        button = window.button(which)
        if button.isVisible():
            rect = QRect(button.mapTo(window, button.rect().topLeft()), button.size())
            if not window.rect().contains(rect):
                found.append(f"{where}: button {button.text()!r} at {rect.getRect()} outside the window")
    visible = [w for w in window.findChildren(QWidget) if w.isVisible() and not w.isWindow()]
    for widget in visible:
        parent = widget.parentWidget()
        if parent is None or _scrolled(widget):
            continue
        if not parent.rect().contains(widget.geometry()) and widget.width() > 0 and widget.height() > 0:
            found.append(f"{where}: {_name(widget)} {widget.geometry().getRect()} outside its parent "
                         f"{parent.rect().getRect()}")
        why = _clipped(widget)
        if why:
            found.append(f"{where}: {_name(widget)} clipped ({why})")
        if type(widget).__name__ == "TopologyView" and widget.elided:
            found.append(f"{where}: {_name(widget)} elides {widget.elided}")
        if isinstance(widget, QAbstractScrollArea):
            outer = parent
            while outer is not None and outer is not window:
                if isinstance(outer, QAbstractScrollArea):
                    found.append(f"{where}: scroll area {_name(widget)} inside scroll area {_name(outer)}")
                    break
                outer = outer.parentWidget()
    for parent in {w.parentWidget() for w in visible}:
        layout = parent.layout() if parent is not None else None
        if layout is None:
            continue
        placed = [w for w in _managed_widgets(layout) if w.isVisible() and w.width() > 0 and w.height() > 0]
        for index, first in enumerate(placed):
            for second in placed[index + 1:]:
                overlap = first.geometry().intersected(second.geometry())
                if overlap.width() > 0 and overlap.height() > 0:
                    found.append(f"{where}: {_name(first)} overlaps {_name(second)} by "
                                 f"{overlap.width()}x{overlap.height()}")
    return found


def _main() -> int:
    import time

    from PySide6.QtCore import QSize
    from PySide6.QtWidgets import QApplication

    sys.path.insert(0, str(ROOT))
    from tests.ui.fakes import ScriptedDialogs
    from wizard.lab import Lab
    from wizard.ui.app import application, build_wizard

    app = application()
    screen = app.primaryScreen().availableGeometry()
    pages = 0
    violations: list[str] = []
    with Lab.start() as lab:
        wizard = build_wizard(lab.scenario, settings=lab.settings)
        wizard.set_dialogs(ScriptedDialogs())
        wizard.resize(QSize(screen.width(), screen.height()))  # maximised in the work area
        wizard.show()

        def settle(deadline: float = 30.0) -> None:
            end = time.monotonic() + deadline
            while time.monotonic() < end:
                app.processEvents()
                if not wizard.session.is_running():
                    break
            calm = time.monotonic() + 0.15  # coalesced refreshes (40 ms timers) and layouts land
            while time.monotonic() < calm:
                app.processEvents()

        def look(where: str) -> None:
            nonlocal pages
            pages += 1
            violations.extend(violations_in(wizard, where))

        settle()
        look("start")
        verification = wizard.verification_page
        while wizard.currentPage() is not verification:
            wizard.next()
            settle()
            page = wizard.currentPage()
            look(page.objectName())
            if page is not verification:
                page.tabs.setCurrentIndex(1)  # the PowerShell tab
                settle(0)
                look(page.objectName() + " PowerShell")
        for index in range(verification.tabs.count()):
            verification.tabs.setCurrentIndex(index)
            settle(0)
            look(f"verification {verification.tabs.tabText(index)}")
        wizard.model.discard_autosave()
        wizard.session.cancel_all()
        wizard.deleteLater()
        QApplication.processEvents()
    print(json.dumps({"pages": pages, "violations": violations}))
    return 0


if __name__ == "__main__":
    sys.exit(_main())
