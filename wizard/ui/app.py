"""Entry points of the window: `build_wizard` (the public factory) and `main` (python -m wizard).

Heavy modules (the probes with dnspython, requests and cryptography; the playbook; the lab) are
imported only when a page first needs them, so the window appears about as fast as an empty
QWizard would. For the same reason the log file and the crash dialog (which pull in logging.handlers,
socket, pickle and QMessageBox) are set up in the first event-loop turn after the window is shown;
until then a small hook stands in and, should anything be raised, sets them up on the spot.
"""

from __future__ import annotations

import logging
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QThreadPool, QTimer
from PySide6.QtWidgets import QApplication, QWizard

from wizard.probes.context import ProbeSettings
from wizard.scenario import Scenario
from wizard.ui.probe_session import forget_imported_sources

if TYPE_CHECKING:
    import argparse

log = logging.getLogger(__name__)

EXIT_GRACE_MS = 3000


def application(argv: list[str] | None = None) -> QApplication:
    """The QApplication (created once, with the app's name and icon)."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    # High DPI: Qt 6 scales by the screen's factor with PassThrough rounding (125 % stays 125 %) by default.
    # Python's default GIL switch interval (5 ms) is kept: 1 ms made no measurable difference to the GUI
    # stall during a verification (benchmarks/responsiveness.py --switch-interval; lab in or out of process).
    app = QApplication([sys.argv[0] if sys.argv else "sfb-exchange-wizard", *(argv or [])])
    app.setApplicationName("SfB-Exchange-Wizard")
    app.setApplicationDisplayName("SfB–Exchange Integration Wizard")
    app.setOrganizationName("SfB-Exchange-Wizard")
    from wizard.ui.window import app_icon

    app.setWindowIcon(app_icon())
    return app


def build_wizard(scenario: Scenario | None = None, *, settings: ProbeSettings | None = None) -> QWizard:
    """The wizard window on `scenario` (a new one when None).

    With `settings` None the user's saved Tools settings are used and changes are saved; given
    settings (the demo lab's) are used as they are and never written to the user's preferences.
    """
    from wizard.ui.preferences import Preferences
    from wizard.ui.window import SetupWizard

    application()
    preferences = Preferences.load()
    persist = settings is None
    effective = preferences.apply_to(ProbeSettings()) if settings is None else settings
    return SetupWizard(scenario or Scenario(), effective, preferences=preferences, persist_settings=persist)


def _parser() -> argparse.ArgumentParser:
    from wizard.cli import LAB_TOPOLOGIES, OneLineParser

    parser = OneLineParser(prog="python -m wizard", description="Open the integration wizard.")
    parser.add_argument("scenario", nargs="?", help="a scenario file to open")
    parser.add_argument("--demo", action="store_true",
                        help="open on the built-in demo lab (a Contoso deployment on loopback)")
    parser.add_argument("--fault", action="append", metavar="NAME",
                        help="break the demo lab this way, as verify --demo --fault does (implies --demo)")
    parser.add_argument("--demo-topology", choices=LAB_TOPOLOGIES, default="onprem",
                        help="the demo lab's deployment (default onprem)")
    return parser


@dataclass(frozen=True)
class WindowArgs:
    scenario: str | None = None
    demo: bool = False
    faults: tuple[str, ...] = ()
    topology: str = "onprem"


def _parse(argv: list[str]) -> WindowArgs:
    """The window's arguments; argparse (and its --help and errors) only when there are arguments."""
    if not argv:
        return WindowArgs()
    parser = _parser()
    args = parser.parse_args(argv)
    faults = tuple(args.fault or ())
    demo = args.demo or bool(faults) or args.demo_topology != "onprem"
    if demo and args.scenario:
        parser.error("--demo opens the lab's own scenario; leave out the scenario file")
    if demo:
        from wizard.lab.faults import lab_config

        try:
            lab_config(faults, topology=args.demo_topology)
        except ValueError as exc:
            parser.error(str(exc))
    return WindowArgs(args.scenario, demo, faults, args.demo_topology)


def main(argv: list[str] | None = None) -> int:
    """Open the wizard (optionally on a scenario file or the demo lab) and run until it closes."""
    parsed = _parse(list(sys.argv[1:] if argv is None else argv))
    scenario_path, demo = parsed.scenario, parsed.demo
    app = application()
    lab = None
    wizard: QWizard | None = None
    hooks = DeferredCrashHook(lambda: wizard).install()
    try:
        if demo:
            from wizard.lab import Lab

            lab = Lab.start(parsed.faults, topology=parsed.topology)
            wizard = build_wizard(lab.scenario, settings=lab.settings)
        else:
            wizard = build_wizard()
            _restore_or_open(wizard, scenario_path)
        wizard.show()
        QTimer.singleShot(0, hooks.complete)  # after the first paint, before the first click is handled
        QTimer.singleShot(0, forget_imported_sources)  # the window's modules are imported by then
        code = app.exec()
        # The window is gone; give cancelled checks a moment to notice their closed sockets so the
        # process exits cleanly (they stop within milliseconds; this never delays a visible window).
        QThreadPool.globalInstance().waitForDone(EXIT_GRACE_MS)
        return code
    finally:
        hooks.uninstall()
        if lab is not None:
            lab.stop()


def _restore_or_open(wizard: QWizard, path: str | None) -> None:
    model = wizard.model  # type: ignore[attr-defined]
    if path:
        wizard.open_scenario(Path(path))  # type: ignore[attr-defined]
        return
    recovered = model.recovered_scenario()
    if recovered is not None and wizard.dialogs.confirm(  # type: ignore[attr-defined]
            "Restore unsaved work?", "The wizard did not close normally last time.",
            "Restore the scenario you were working on?", yes="Restore", no="Start new", default_yes=True):
        model.replace(recovered, dirty=True)
    elif recovered is not None:
        model.discard_autosave()


class DeferredCrashHook:
    """Stands in for the crash handler until `complete()` sets up the log file and installs the real one.

    Anything raised before that (the window is on screen, the first event-loop turn has not run yet)
    completes the set-up at once and goes to the real handler, so no exception misses the dialog.
    """

    def __init__(self, window_getter: Any) -> None:
        self._window_getter = window_getter
        self._previous_sys_hook = sys.excepthook
        self._previous_thread_hook = threading.excepthook
        self.handler: Any = None  # the CrashHandler once complete() ran (None when the build lacks it)
        self._completed = False

    def install(self) -> DeferredCrashHook:
        sys.excepthook = self._sys_hook
        threading.excepthook = self._thread_hook
        return self

    def complete(self) -> None:
        """Open the log file and install the real crash handler (once)."""
        if self._completed:
            return
        self._completed = True
        self._restore_previous()
        _setup_logging()
        self.handler = _install_crash_hook(self._window_getter)

    def uninstall(self) -> None:
        self._completed = True  # a complete() still queued (the loop ended first) does nothing now
        self._restore_previous()
        if self.handler is not None:
            self.handler.uninstall()

    def _restore_previous(self) -> None:
        if sys.excepthook == self._sys_hook:
            sys.excepthook = self._previous_sys_hook
        if threading.excepthook == self._thread_hook:
            threading.excepthook = self._previous_thread_hook

    def _sys_hook(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        self.complete()
        sys.excepthook(exc_type, exc, tb)

    def _thread_hook(self, args: threading.ExceptHookArgs) -> None:
        # Crash-handler set-up creates Qt objects: only the GUI thread may do it; another thread's
        # error goes to the previous hook (the log is not open yet either).
        if threading.current_thread() is threading.main_thread():
            self.complete()
            threading.excepthook(args)
        else:
            self._previous_thread_hook(args)


def _setup_logging() -> None:
    try:
        from wizard.logs import setup_logging
    except ImportError:
        return
    try:
        setup_logging()
    except OSError:
        log.warning("could not open the log file", exc_info=True)


def _install_crash_hook(window_getter: object) -> object | None:
    try:
        from wizard.ui.crash import install_excepthook
    except ImportError:
        return None
    return install_excepthook(window_getter)  # type: ignore[arg-type]
