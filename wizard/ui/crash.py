"""Unhandled exceptions: log them, autosave the scenario, tell the admin, and keep the wizard open.

Without this, an exception in a Qt slot is printed to a console a windowed .exe does not have and the
admin sees nothing (or, from a worker thread, a half-updated page). Exceptions from other threads are
handed to the GUI thread through a queued signal, because only that thread may show a dialog.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from wizard import logs

log = logging.getLogger("wizard.crash")

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


@dataclass(frozen=True)
class CrashReport:
    """What the dialog says: the error in one line, where it happened, and where to find the details."""

    what: str
    where: str
    log_location: Path
    autosaved_to: str  # "" when nothing was saved
    details: str  # the traceback, redacted like the log


def _describe(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> tuple[str, str, str]:
    what = logs.redact(f"{exc_type.__name__}: {exc}" if str(exc) else exc_type.__name__)
    frames = traceback.extract_tb(tb)
    where = f"{Path(frames[-1].filename).name}, line {frames[-1].lineno}, in {frames[-1].name}" if frames else "?"
    details = logs.redact("".join(traceback.format_exception(exc_type, exc, tb)))
    return what, where, details


class _GuiThreadRelay(QObject):
    """Lives in the GUI thread; a signal emitted from any thread runs the dialog there."""

    raised = Signal(object, str)  # (exc_info, thread name)


class CrashHandler:
    """Installed by `install_excepthook`; `uninstall()` puts the previous hooks back (tests, shutdown)."""

    def __init__(self, main_window_getter: Callable[[], Any]) -> None:
        self._main_window_getter = main_window_getter
        self._previous_sys_hook = sys.excepthook
        self._previous_thread_hook = threading.excepthook
        self._relay = _GuiThreadRelay()
        self._relay.raised.connect(self._report_in_gui_thread)
        self._showing = False
        self.reports: list[CrashReport] = []  # every report shown in this session, newest last

    def install(self) -> CrashHandler:
        sys.excepthook = self._sys_hook
        threading.excepthook = self._thread_hook
        return self

    def uninstall(self) -> None:
        if sys.excepthook == self._sys_hook:
            sys.excepthook = self._previous_sys_hook
        if threading.excepthook == self._thread_hook:
            threading.excepthook = self._previous_thread_hook

    def _sys_hook(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt) or QCoreApplication.instance() is None:
            self._previous_sys_hook(exc_type, exc, tb)
            return
        self._log((exc_type, exc, tb), threading.current_thread().name)
        self._relay.raised.emit((exc_type, exc, tb), threading.current_thread().name)

    def _thread_hook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None or issubclass(args.exc_type, SystemExit) or QCoreApplication.instance() is None:
            self._previous_thread_hook(args)
            return
        name = args.thread.name if args.thread is not None else "?"
        exc_info = (args.exc_type, args.exc_value, args.exc_traceback)
        self._log(exc_info, name)
        self._relay.raised.emit(exc_info, name)

    @staticmethod
    def _log(exc_info: ExcInfo, thread_name: str) -> None:
        log.critical("unhandled exception in thread %s", thread_name, exc_info=exc_info)

    def _report_in_gui_thread(self, exc_info: ExcInfo, thread_name: str) -> None:
        what, where, details = _describe(*exc_info)
        if self._showing:  # an error while the dialog is up: already logged, one dialog at a time
            return
        self._showing = True
        try:
            window = self._safe_window()
            report = CrashReport(
                what=what,
                where=f"{where} (thread {thread_name})",
                log_location=logs.log_file() or logs.log_dir(),
                autosaved_to=self._autosave(window),
                details=details,
            )
            self.reports.append(report)
            _show_dialog(window if isinstance(window, QWidget) else None, report)
        finally:
            self._showing = False

    def _safe_window(self) -> Any:
        try:
            return self._main_window_getter()
        except Exception:
            log.exception("could not find the main window for the crash dialog")
            return None

    @staticmethod
    def _autosave(window: Any) -> str:
        autosave = getattr(window, "autosave", None)
        if not callable(autosave):
            return ""
        try:
            saved = autosave()
        except Exception:
            log.exception("autosave after an unhandled exception failed")
            return ""
        log.info("scenario autosaved after an unhandled exception: %s", saved)
        return str(saved) if saved else "the autosave location"


def _show_dialog(parent: QWidget | None, report: CrashReport) -> None:
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle("Unexpected error")
    box.setText(f"Something went wrong: {report.what}")
    saved = f"Your scenario was saved to {report.autosaved_to}.\n" if report.autosaved_to else ""
    box.setInformativeText(
        f"Where: {report.where}\n{saved}"
        f"The details are in the log: {report.log_location}\n"
        "The wizard keeps running; check the current page before you continue."
    )
    box.setDetailedText(report.details)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.exec()


def install_excepthook(main_window_getter: Callable[[], Any]) -> CrashHandler:
    """Route unhandled exceptions (main thread, Qt slots, other threads) to the log and a dialog.

    `main_window_getter` returns the wizard window (or None); if it has `autosave()`, that runs
    before the dialog and its return value (a path) is named in it. Call from the GUI thread.
    """
    return CrashHandler(main_window_getter).install()
