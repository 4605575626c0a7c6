"""`--self-test`: prove a build works without a screen: Qt starts, every resource loads, the wizard
builds, and `verify --demo` passes against the built-in lab, all inside the one process.

It exists for the frozen program: a missing Qt plugin, an un-bundled resource or a module PyInstaller
did not see only shows up when the .exe runs, so the build script runs this right after building.
`--exit-after-show` is its timing sibling: the benchmark measures start-up to the first window.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from PySide6.QtCore import QByteArray, QEvent, QObject, QTimer
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QWidget

from wizard import __version__
from wizard.resources import resources_dir

TEXT_SUFFIXES = frozenset({".md", ".html", ".htm", ".txt", ".ps1", ".css", ".tmpl", ".j2", ".csv", ".xml"})
IMAGE_SUFFIXES = frozenset({".png", ".ico", ".jpg", ".jpeg"})
FIRST_WINDOW_MARKER = "first-window-shown"


@dataclass(frozen=True)
class CheckOutcome:
    name: str
    ok: bool
    summary: str  # a few words for the one-line report
    detail: str = ""  # what went wrong, for stderr


def _check(name: str, body: Callable[[], str]) -> CheckOutcome:
    try:
        return CheckOutcome(name, True, body())
    except Exception as exc:
        return CheckOutcome(name, False, f"{type(exc).__name__}: {exc}", traceback.format_exc())


def load_resource(path: Path) -> None:
    """Parse one bundled file the way the app will use it; raises if it would not load."""
    data = path.read_bytes()
    suffix = path.suffix.lower()
    if suffix == ".json":
        json.loads(data.decode("utf-8"))
    elif suffix == ".svg":
        from PySide6.QtSvg import QSvgRenderer  # here, not at the top: --exit-after-show must not pay for it

        if not QSvgRenderer(QByteArray(data)).isValid():
            raise ValueError("not a valid SVG")
    elif suffix in IMAGE_SUFFIXES:
        image = QImage()
        if not image.loadFromData(data, suffix.lstrip(".").upper()):
            raise ValueError(f"Qt cannot read this {suffix} (image format plugin missing?)")
    elif suffix in TEXT_SUFFIXES:
        data.decode("utf-8")
    elif not data:
        raise ValueError("empty file")


def check_resources(root: Path | None = None) -> str:
    folder = root or resources_dir()
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    if not files:
        raise FileNotFoundError(f"no resources under {folder}")
    problems = []
    for path in files:
        try:
            load_resource(path)
        except Exception as exc:
            problems.append(f"{path.relative_to(folder).as_posix()}: {exc}")
    if problems:
        raise ValueError("; ".join(problems))
    return f"{len(files)} resources loaded"


def check_wizard(app: QApplication) -> str:
    from wizard.ui.app import build_wizard

    wizard = build_wizard()
    try:
        wizard.show()
        app.processEvents()
        if not wizard.isVisible():
            raise RuntimeError("the wizard window did not show")
        pages = len(wizard.pageIds()) if hasattr(wizard, "pageIds") else 0
    finally:
        wizard.close()
        wizard.deleteLater()
        app.processEvents()
    return f"wizard built ({pages} pages)"


def check_verify_demo() -> str:
    from wizard.cli import main as cli_main

    output = io.StringIO()
    started = time.perf_counter()
    with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
        code = cli_main(["verify", "--demo"])
    elapsed = time.perf_counter() - started
    if code != 0:
        tail = "\n".join(output.getvalue().strip().splitlines()[-15:])
        raise RuntimeError(f"verify --demo exited {code}:\n{tail}")
    return f"verify --demo passed in {elapsed:.1f} s"


def _application() -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    os.environ["QT_QPA_PLATFORM"] = "offscreen"  # the self-test never needs (or wants) a screen
    return QApplication([sys.argv[0] if sys.argv else "sfb-exchange-wizard"])


def run_self_test(out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run every check; print one summary line (and failure details to `err`); 0 only if all passed."""
    out = out or sys.stdout
    err = err or sys.stderr
    started = time.perf_counter()
    app = _application()
    outcomes = [
        _check("resources", check_resources),
        _check("wizard", lambda: check_wizard(app)),
        _check("verify", check_verify_demo),
    ]
    elapsed = time.perf_counter() - started
    mode = "frozen" if getattr(sys, "frozen", False) else "source"
    failed = [o for o in outcomes if not o.ok]
    if failed:
        print(
            f"self-test FAILED ({__version__}, {mode}): " + "; ".join(f"{o.name}: {o.summary.splitlines()[0]}"
                                                                      for o in failed),
            file=out,
        )
        for outcome in failed:
            print(f"--- {outcome.name} ---\n{outcome.detail}", file=err)
        return 1
    print(f"self-test passed ({__version__}, {mode}, {elapsed:.1f} s): "
          + "; ".join(o.summary for o in outcomes), file=out)
    return 0


class _QuitAfterFirstShow(QObject):
    """Quits the application once the first top-level window has been shown and painted once."""

    def __init__(self, app: QApplication, out: TextIO) -> None:
        super().__init__(app)
        self._app = app
        self._out = out
        self._done = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (not self._done and event.type() == QEvent.Type.Show and isinstance(watched, QWidget)
                and watched.isWindow()):
            self._done = True
            print(FIRST_WINDOW_MARKER, file=self._out, flush=True)
            QTimer.singleShot(0, self._app.quit)
        return False


def show_and_exit(out: TextIO | None = None) -> int:
    """Start like the real program, show the wizard, exit as soon as it is on screen (for timing)."""
    from wizard.ui.app import application, build_wizard

    app = application()  # the real program's QApplication set-up (name, icon, DPI policy)
    app.installEventFilter(_QuitAfterFirstShow(app, out or sys.stdout))
    wizard = build_wizard()
    wizard.show()
    return app.exec()


def main(argv: list[str]) -> int:
    if argv:
        print(f"--self-test takes no arguments (got {' '.join(argv)})", file=sys.stderr)
        return 2
    return run_self_test()
