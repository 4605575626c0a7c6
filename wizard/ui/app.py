"""Entry points of the window: `build_wizard` (the public factory) and `main` (python -m wizard).

Heavy modules (the probes with dnspython, requests and cryptography; the playbook; the lab) are
imported only when a page first needs them, so the window appears about as fast as an empty
QWizard would.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QApplication, QWizard

from wizard.probes.context import ProbeSettings
from wizard.scenario import Scenario

log = logging.getLogger(__name__)

EXIT_GRACE_MS = 3000


def application(argv: list[str] | None = None) -> QApplication:
    """The QApplication (created once, with the app's name and icon)."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    # High DPI: Qt 6 scales by the screen's factor with PassThrough rounding (125 % stays 125 %) by default.
    # Probe threads run Python too; hand the GIL back to the GUI thread after 1 ms instead of 5 ms so a
    # verification in the background does not make clicks wait (benchmarks/responsiveness.py).
    sys.setswitchinterval(0.001)
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
    parser = argparse.ArgumentParser(prog="python -m wizard", description="Open the integration wizard.")
    parser.add_argument("scenario", nargs="?", help="a scenario file to open")
    parser.add_argument("--demo", action="store_true",
                        help="open on the built-in demo lab (a Contoso deployment on loopback)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Open the wizard (optionally on a scenario file or the demo lab) and run until it closes."""
    args = _parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    app = application()
    _setup_logging()
    lab = None
    wizard: QWizard | None = None
    handler = _install_crash_hook(lambda: wizard)
    try:
        if args.demo:
            from wizard.lab import Lab

            lab = Lab.start()
            wizard = build_wizard(lab.scenario, settings=lab.settings)
        else:
            wizard = build_wizard()
            _restore_or_open(wizard, args.scenario)
        wizard.show()
        code = app.exec()
        # The window is gone; give cancelled checks a moment to notice their closed sockets so the
        # process exits cleanly (they stop within milliseconds; this never delays a visible window).
        QThreadPool.globalInstance().waitForDone(EXIT_GRACE_MS)
        return code
    finally:
        if handler is not None:
            handler.uninstall()
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
            "Restore the scenario you were working on?", yes="Restore", no="Start new"):
        model.replace(recovered, dirty=True)
    elif recovered is not None:
        model.discard_autosave()


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
