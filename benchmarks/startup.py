"""Start-up time to the first shown window: `python -m wizard` against a bare one-page QWizard.

    python benchmarks/startup.py [--runs 9]

What is measured: both programs are started the same way (`python -m <module>` with offscreen Qt,
the same interpreter and environment) with a `sitecustomize` that wraps QWizard.show. When a program
shows its first QWizard the wrapper prints a marker and quits; the clock runs from launching the
process to reading that marker, i.e. what the admin waits for before seeing a window. The wizard runs
its real entry point (argument check, autosave check, preferences, the window); its log file and crash
dialog are set up in the first event-loop turn after the window is shown (a stand-in hook covers the
moment before), so that set-up is outside the figure, as it is outside the admin's wait. No event
filter taxes the richer window. Runs alternate after one warm-up each, and bytecode is cached (in a
temporary folder) as it is for an installed or frozen program. Printed: both medians, the best runs
and the ratio of the medians. Exit status 1 only when the target is missed (ratio at most 1.3).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_RATIO = 1.3
MARKER = "first-window-shown"

SITECUSTOMIZE = f'''
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWizard

_show = QWizard.show
_seen = []


def _show_and_report(self):
    _show(self)
    if not _seen:
        _seen.append(self)
        print("{MARKER}", flush=True)
        QTimer.singleShot(0, QApplication.instance().quit)


QWizard.show = _show_and_report
'''

BARE_WIZARD = '''
import sys
from PySide6.QtWidgets import QApplication, QWizard, QWizardPage

app = QApplication(sys.argv[:1])
wizard = QWizard()
wizard.addPage(QWizardPage())
wizard.show()
sys.exit(app.exec())
'''


def time_to_marker(args: list[str], env: dict[str, str], cwd: Path) -> float:
    started = time.perf_counter()
    with subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env,
                          cwd=cwd) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.strip() == MARKER:
                elapsed = time.perf_counter() - started
                break
        else:
            raise RuntimeError(f"{' '.join(args)} exited without showing a window")
        proc.wait(timeout=30)
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     epilog=f"Exit status: 0 when the ratio is at most {TARGET_RATIO}, 1 when missed.")
    parser.add_argument("--runs", type=int, default=9, help="timed start-ups of each program (default 9)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="startup-bench-") as folder:
        hooks = Path(folder) / "hooks"
        package = hooks / "bare_wizard"
        package.mkdir(parents=True)
        (hooks / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
        (package / "__init__.py").write_text("", encoding="utf-8")
        (package / "__main__.py").write_text(BARE_WIZARD, encoding="utf-8")
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=os.pathsep.join([str(hooks), str(ROOT)]))
        for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
            env[name] = folder  # the wizard's autosave, preferences and log go to the temporary folder
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(Path(folder) / "pycache")
        wizard_cmd = [sys.executable, "-m", "wizard"]
        bare_cmd = [sys.executable, "-m", "bare_wizard"]
        for cmd in (wizard_cmd, bare_cmd):  # warm the file cache and the bytecode
            time_to_marker(cmd, env, ROOT)
        wizard_times, bare_times = [], []
        for _ in range(args.runs):
            wizard_times.append(time_to_marker(wizard_cmd, env, ROOT))
            bare_times.append(time_to_marker(bare_cmd, env, ROOT))
    wizard_s, bare_s = statistics.median(wizard_times), statistics.median(bare_times)
    ratio = wizard_s / bare_s
    print(f"start-up to first window: wizard {wizard_s * 1000:.0f} ms, bare QWizard {bare_s * 1000:.0f} ms "
          f"(medians of {args.runs}; best {min(wizard_times) * 1000:.0f} / {min(bare_times) * 1000:.0f} ms)")
    print(f"ratio {ratio:.2f} (target <= {TARGET_RATIO})")
    return 0 if ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
