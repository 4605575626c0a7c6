"""Size and start-up of the one-file build, as ratios to a hello-world QWizard frozen the same way.

    python benchmarks/package.py            # build both, then measure
    python benchmarks/package.py --reuse    # measure existing builds (build what is missing)

The baseline is a one-page PySide6 QWizard frozen in the same run by the same spec (its --entry
option), so the PyInstaller version, excludes, Qt trimming and one-file packing are identical and
the ratios show only what the wizard itself adds. Start-up is the time from launching the program
to the first window being shown (both print a marker at that moment and quit; the best of several
alternating runs after one warm-up, medians printed as well). Targets: both ratios at most 1.3;
the exit status is 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "build" / "bench"
TARGET_RATIO = 1.3
MARKER = "first-window-shown"  # wizard.ui.selftest.FIRST_WINDOW_MARKER; the baseline prints the same

HELLO_QWIZARD = f'''"""Baseline for benchmarks/package.py: the smallest PySide6 QWizard, timed like the wizard."""
import sys

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWizard, QWizardPage


class QuitAfterFirstShow(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Show and watched.isWidgetType() and watched.isWindow():
            print("{MARKER}", flush=True)
            QTimer.singleShot(0, QApplication.instance().quit)
            QApplication.instance().removeEventFilter(self)
        return False


def main():
    app = QApplication(sys.argv[:1])
    watcher = QuitAfterFirstShow()
    if "--exit-after-show" in sys.argv:
        app.installEventFilter(watcher)
    wizard = QWizard()
    page = QWizardPage()
    page.setTitle("Hello")
    QVBoxLayout(page).addWidget(QLabel("Hello, wizard"))
    wizard.addPage(page)
    wizard.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
'''


def _load_build_module():
    spec = importlib.util.spec_from_file_location("wizard_build", ROOT / "packaging" / "build.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["wizard_build"] = module
    spec.loader.exec_module(module)
    return module


def build_both(reuse: bool) -> tuple[tuple[Path, int, float | None], tuple[Path, int, float | None]]:
    """(program, size, build seconds or None when reused) for the wizard and the baseline."""
    build = _load_build_module()
    dist = BENCH / "dist"
    hello_script = BENCH / "hello_qwizard.py"
    hello_script.parent.mkdir(parents=True, exist_ok=True)
    hello_script.write_text(HELLO_QWIZARD, encoding="utf-8")
    results = []
    for name, spec_args in (
        (None, ()),
        ("hello-qwizard", ("--entry", str(hello_script))),
    ):
        program = build.program_path(True, name=name, dist=dist)
        if reuse and program.exists():
            results.append((program, program.stat().st_size, None))
            continue
        print(f"building {name or 'the wizard'} (one-file)...", flush=True)
        result = build.build(True, name=name, spec_args=spec_args, dist=dist, work=BENCH / "work", quiet=True)
        results.append((result.program, result.size_bytes, result.seconds))
    return results[0], results[1]


@dataclass(frozen=True)
class StartUp:
    to_window_s: float  # wall clock from launch to the first-window marker
    cpu_s: float | None  # user+system CPU of the whole process tree until it exited (POSIX only)


def launch_to_first_window(program: Path) -> StartUp:
    """Launch `program --exit-after-show`; time its first-window marker and, where we can, its CPU use."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    started = time.perf_counter()
    with subprocess.Popen([str(program), "--exit-after-show"], stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, text=True, env=env) as process:
        assert process.stdout is not None
        shown_at = None
        for line in process.stdout:
            if line.strip() == MARKER:
                shown_at = time.perf_counter()
                break
        process.stdout.read()
        cpu = None
        if hasattr(os, "wait4"):
            _, status, usage = os.wait4(process.pid, 0)  # the usage includes the one-file bootloader's child
            process.returncode = os.waitstatus_to_exitcode(status)
            cpu = usage.ru_utime + usage.ru_stime
        else:
            process.wait(timeout=60)
    if shown_at is None:
        raise RuntimeError(f"{program.name} exited {process.returncode} without showing a window")
    return StartUp(shown_at - started, cpu)


def start_ups(programs: list[Path], runs: int) -> list[list[StartUp]]:
    """Start-up samples per program; runs alternate between the programs so load changes hit both alike."""
    for program in programs:  # untimed: warms the disk cache
        launch_to_first_window(program)
    samples: list[list[StartUp]] = [[] for _ in programs]
    for _ in range(runs):
        for index, program in enumerate(programs):
            samples[index].append(launch_to_first_window(program))
    return samples


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     epilog="Exit status: 0 when both ratios are at most 1.3, 1 when one is missed.")
    parser.add_argument("--reuse", action="store_true", help="measure existing builds instead of rebuilding")
    parser.add_argument("--runs", type=int, default=9, help="timed start-ups per program (default 9)")
    args = parser.parse_args(argv)

    (wizard, wizard_size, wizard_build), (hello, hello_size, hello_build) = build_both(args.reuse)
    wizard_samples, hello_samples = start_ups([wizard, hello], args.runs)
    # The best run is the start-up without interference from other processes (as timeit does); the
    # median is printed too, to show how much the machine's load moved the numbers.
    wizard_start = min(s.to_window_s for s in wizard_samples)
    hello_start = min(s.to_window_s for s in hello_samples)

    size_ratio = wizard_size / hello_size
    start_ratio = wizard_start / hello_start
    mib = 2**20
    if wizard_build is not None and hello_build is not None:
        print(f"build time (one-file):  wizard {wizard_build:.1f} s, hello-world {hello_build:.1f} s")
    print(f"size (one-file):        wizard {wizard_size / mib:.1f} MiB, hello-world {hello_size / mib:.1f} MiB, "
          f"ratio {size_ratio:.2f} (target <= {TARGET_RATIO})")
    print(f"start-up to window:     wizard {wizard_start:.2f} s, hello-world {hello_start:.2f} s, "
          f"ratio {start_ratio:.2f} (target <= {TARGET_RATIO}; best of {args.runs})")
    wizard_median = statistics.median(s.to_window_s for s in wizard_samples)
    hello_median = statistics.median(s.to_window_s for s in hello_samples)
    print(f"  medians:              wizard {wizard_median:.2f} s, hello-world {hello_median:.2f} s, "
          f"ratio {wizard_median / hello_median:.2f}")
    if wizard_samples[0].cpu_s is not None:
        wizard_cpu = statistics.median(s.cpu_s or 0.0 for s in wizard_samples)
        hello_cpu = statistics.median(s.cpu_s or 0.0 for s in hello_samples)
        print(f"  CPU to exit (median): wizard {wizard_cpu:.2f} s, hello-world {hello_cpu:.2f} s, "
              f"ratio {wizard_cpu / hello_cpu:.2f} (less sensitive to other load)")
    if hasattr(os, "getloadavg"):
        print(f"  load average (1 min): {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    missed = [name for name, ratio in (("size", size_ratio), ("start-up", start_ratio)) if ratio > TARGET_RATIO]
    if missed:
        print(f"target missed: {', '.join(missed)}")
        return 1
    print("targets met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
