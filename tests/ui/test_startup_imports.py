"""The window's start-up path stays lean, and the deferred crash hook loses no early exception."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

from wizard import __main__ as entry_point
from wizard import cli
from wizard.ui import app as app_module

ROOT = Path(__file__).resolve().parents[2]

# Imported when first needed (a check starts, commands are shown, a file is exported), never for the
# first window: each costs start-up time and memory the admin may never need. (argparse is not
# listed: PySide6's own signature support imports it.)
# datetime, html and the topology picture's model serve a check, an export or a page's content, all
# filled after the first paint.
NOT_BEFORE_FIRST_WINDOW = ("wizard.cli", "wizard.commands", "requests", "dns", "cryptography", "truststore",
                           "wizard.probes.registry", "wizard.lab", "wizard.playbook", "logging.handlers",
                           "datetime", "html", "wizard.ui.topology_model")

PROGRAM = """
import os, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWizard
show = QWizard.show
def report(self):
    show(self)
    print(" ".join(sorted(sys.modules)))
    maps = "/proc/self/maps"  # the shared libraries loaded so far (Linux)
    libraries = open(maps, encoding="utf-8").read().split() if os.path.exists(maps) else []
    print(" ".join(sorted({os.path.basename(p) for p in libraries if "svg" in p.lower()})))
    QTimer.singleShot(0, QApplication.instance().quit)
QWizard.show = report
from wizard.__main__ import main
main([])
"""


def test_main_dispatches_exactly_the_cli_commands():
    assert set(cli.COMMANDS) == set(entry_point.COMMANDS)


def test_first_window_is_shown_before_network_playbook_and_cli_modules_are_imported(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        env[name] = str(tmp_path)
    done = subprocess.run([sys.executable, "-c", PROGRAM], capture_output=True, text=True, env=env, cwd=ROOT,
                          timeout=60, check=True)
    modules, svg_libraries = done.stdout.splitlines()[-2:]
    loaded = set(modules.split())
    assert "wizard.ui.window" in loaded
    early = sorted(m for m in loaded if any(m == name or m.startswith(name + ".") for name in NOT_BEFORE_FIRST_WINDOW))
    assert early == []
    # The logo and the window icon are raster (app.png): no SVG plugin or QtSvg library before the window.
    assert svg_libraries.split() == []


class _RecordingHandler:
    def __init__(self) -> None:
        self.seen: list[BaseException] = []
        self.uninstalled = False
        sys.excepthook = lambda _type, exc, _tb: self.seen.append(exc)

    def uninstall(self) -> None:
        self.uninstalled = True


def test_an_exception_before_the_deferred_set_up_reaches_the_real_crash_handler(monkeypatch):
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    monkeypatch.setattr(app_module, "_setup_logging", lambda: None)
    installed: list[_RecordingHandler] = []
    monkeypatch.setattr(app_module, "_install_crash_hook", lambda _getter: installed.append(_RecordingHandler())
                        or installed[-1])
    hooks = app_module.DeferredCrashHook(lambda: None).install()
    assert installed == []  # nothing heavy before the first event-loop turn
    error = ValueError("raised before the first paint")
    sys.excepthook(ValueError, error, None)
    [handler] = installed
    assert handler.seen == [error]
    hooks.complete()  # the queued set-up finds it done
    assert len(installed) == 1
    hooks.uninstall()
    assert handler.uninstalled


def test_a_set_up_still_queued_after_uninstall_installs_nothing(monkeypatch):
    previous = sys.excepthook
    monkeypatch.setattr(app_module, "_setup_logging", lambda: None)
    monkeypatch.setattr(app_module, "_install_crash_hook", lambda _getter: (_ for _ in ()).throw(AssertionError))
    hooks = app_module.DeferredCrashHook(lambda: None).install()
    assert sys.excepthook != previous
    hooks.uninstall()
    assert sys.excepthook == previous
    hooks.complete()
    assert sys.excepthook == previous
