"""The crash hook: an exception in a slot or a thread shows a dialog, is logged, and the app survives."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from wizard.ui import crash

pytestmark = [pytest.mark.gui, pytest.mark.qt_no_exception_capture]


class FakeWizardWindow(QWidget):
    """Stands in for the wizard window: records autosaves like the real one would write a file."""

    def __init__(self, autosave_path: Path) -> None:
        super().__init__()
        self.autosave_path = autosave_path
        self.autosaves = 0

    def autosave(self) -> Path:
        self.autosaves += 1
        self.autosave_path.write_text("{}", encoding="utf-8")
        return self.autosave_path


@pytest.fixture
def shown_boxes(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, str]]:
    """Record each crash dialog instead of blocking in its event loop."""
    shown: list[dict[str, str]] = []

    def record(box: QMessageBox) -> int:
        shown.append({"title": box.windowTitle(), "text": box.text(), "info": box.informativeText(),
                      "details": box.detailedText()})
        return int(QMessageBox.StandardButton.Ok.value)

    monkeypatch.setattr(QMessageBox, "exec", record)
    return shown


@pytest.fixture
def window(qtbot, tmp_path: Path) -> FakeWizardWindow:
    widget = FakeWizardWindow(tmp_path / "autosave.json")
    qtbot.addWidget(widget)
    widget.show()
    return widget


@pytest.fixture
def handler(window: FakeWizardWindow) -> Iterator[crash.CrashHandler]:
    installed = crash.install_excepthook(lambda: window)
    yield installed
    installed.uninstall()


def _flush_log() -> None:
    for h in logging.getLogger().handlers:
        h.flush()


def test_exception_in_slot_shows_dialog_logs_and_app_keeps_running(
    qtbot, app_log: Path, window: FakeWizardWindow, handler: crash.CrashHandler, shown_boxes: list[dict[str, str]]
) -> None:
    def broken_slot() -> None:
        raise RuntimeError("metadata parser exploded with password=hunter2")

    QTimer.singleShot(0, broken_slot)
    qtbot.waitUntil(lambda: len(shown_boxes) == 1, timeout=5000)

    box = shown_boxes[0]
    assert box["title"] == "Unexpected error"
    assert "RuntimeError: metadata parser exploded" in box["text"]
    assert "hunter2" not in box["text"] + box["details"]
    assert "broken_slot" in box["info"]
    assert str(app_log) in box["info"]
    assert "broken_slot" in box["details"]

    _flush_log()
    logged = app_log.read_text(encoding="utf-8")
    assert "unhandled exception in thread MainThread" in logged
    assert "Traceback (most recent call last)" in logged and "broken_slot" in logged
    assert "hunter2" not in logged

    survived: list[bool] = []
    QTimer.singleShot(0, lambda: survived.append(True))
    qtbot.waitUntil(lambda: survived == [True], timeout=5000)
    assert window.isVisible()
    assert QApplication.instance() is not None


def test_scenario_is_autosaved_before_the_dialog_names_it(
    qtbot, app_log: Path, window: FakeWizardWindow, handler: crash.CrashHandler, shown_boxes: list[dict[str, str]]
) -> None:
    QTimer.singleShot(0, lambda: 1 / 0)
    qtbot.waitUntil(lambda: len(shown_boxes) == 1, timeout=5000)
    assert window.autosaves == 1
    assert window.autosave_path.exists()
    assert str(window.autosave_path) in shown_boxes[0]["info"]
    assert handler.reports[0].autosaved_to == str(window.autosave_path)


def test_exception_in_worker_thread_is_shown_from_the_gui_thread(
    qtbot, app_log: Path, handler: crash.CrashHandler, shown_boxes: list[dict[str, str]]
) -> None:
    shown_in: list[threading.Thread] = []
    original = crash._show_dialog

    def spy(parent: QWidget | None, report: crash.CrashReport) -> None:
        shown_in.append(threading.current_thread())
        original(parent, report)

    def probe_worker() -> None:
        raise ValueError("resolver returned garbage")

    crash._show_dialog = spy
    try:
        worker = threading.Thread(target=probe_worker, name="probe-worker")
        worker.start()
        worker.join(timeout=5)
        qtbot.waitUntil(lambda: len(shown_boxes) == 1, timeout=5000)
    finally:
        crash._show_dialog = original
    assert shown_in == [threading.main_thread()]
    assert "ValueError: resolver returned garbage" in shown_boxes[0]["text"]
    assert "thread probe-worker" in shown_boxes[0]["info"]
    _flush_log()
    assert "unhandled exception in thread probe-worker" in app_log.read_text(encoding="utf-8")


def test_window_without_autosave_still_gets_a_dialog(
    qtbot, app_log: Path, shown_boxes: list[dict[str, str]]
) -> None:
    def lookup_missing_page() -> None:
        raise IndexError("page 9 does not exist")

    handler = crash.install_excepthook(lambda: None)
    try:
        QTimer.singleShot(0, lookup_missing_page)
        qtbot.waitUntil(lambda: len(shown_boxes) == 1, timeout=5000)
    finally:
        handler.uninstall()
    assert "IndexError" in shown_boxes[0]["text"]
    assert "saved" not in shown_boxes[0]["info"]


def test_uninstall_restores_previous_hooks(qtbot) -> None:
    import sys

    before = (sys.excepthook, threading.excepthook)
    handler = crash.install_excepthook(lambda: None)
    assert sys.excepthook != before[0]
    handler.uninstall()
    assert (sys.excepthook, threading.excepthook) == before
