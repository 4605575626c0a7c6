"""Page change to repaint: Next and Back through every page of the wizard, against a bare QWizard.

    python benchmarks/page_change.py [--latency-ms 150] [--rounds 3]

What is measured: the wizard opens on the lab (`python -m wizard.lab serve` in a separate process, so its
servers do not share the wizard's GIL) and walks from the start page to Verification with Next and back
with Back, --rounds times. Before each change the current page's checks are let finish (Next waits for
them, as it does for the admin), and the clock runs from the call of next()/back() to the moment the new
page's paint event arrives, i.e. until the admin sees the page. A page's first visit builds its widgets
and is reported apart. The baseline is a bare QWizard with as many pages (a label each), walked the same
way in the same process. Printed: median and worst of first visits and of later changes, the baseline
and the ratio of the medians. Exit status 1 only when the target is missed: the median later change
must stay below 50 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from keystroke import SIZE, PaintWatch, answer_yes, spin  # noqa: E402 - a sibling script

TARGET_MS = 50.0


def timed_change(app: Any, wizard: Any, change: Callable[[], None], target_page: Any) -> float:
    """Milliseconds from `change()` to the first paint event of `target_page`."""
    watch = PaintWatch()
    watch.attach(target_page)
    started = time.perf_counter()
    change()
    deadline = started + 5
    while watch.painted is None and time.perf_counter() < deadline:
        app.processEvents()
    watch.detach(target_page)
    return ((watch.painted or time.perf_counter()) - started) * 1000


def walk(app: Any, wizard: Any, rounds: int, settle: Callable[[], None]) -> tuple[list[float], list[float], list[str]]:
    """First visits and later changes (ms), walking Next to the last page and Back to the first, `rounds` times."""
    first: list[float] = []
    later: list[float] = []
    seen: set[int] = {wizard.currentId()}
    titles: list[str] = []
    for _ in range(rounds):
        while True:
            settle()
            following = wizard.nextId()
            if following < 0 or following not in wizard.pageIds():
                break
            page = wizard.page(following)
            took = timed_change(app, wizard, wizard.next, page)
            if wizard.currentId() != following:
                break
            (later if following in seen else first).append(took)
            if following not in seen:
                titles.append(f"{page.title() or page.objectName()} {took:.0f} ms")
            seen.add(following)
        while wizard.visitedIds() and len(wizard.visitedIds()) > 1:
            settle()
            back_to = wizard.visitedIds()[-2]
            later.append(timed_change(app, wizard, wizard.back, wizard.page(back_to)))
    return first, later, titles


def bare_wizard(pages: int) -> Any:
    from PySide6.QtWidgets import QLabel, QVBoxLayout, QWizard, QWizardPage

    wizard = QWizard()
    for index in range(pages):
        page = QWizardPage()
        page.setTitle(f"Page {index + 1}")
        QVBoxLayout(page).addWidget(QLabel(f"The content of page {index + 1}"))
        wizard.addPage(page)
    wizard.resize(*SIZE)
    return wizard


def describe(values: list[float]) -> str:
    return f"median {statistics.median(values):6.1f} ms, worst {max(values):6.1f} ms ({len(values)} changes)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     epilog="Exit status: 0 when the median later page change is under 50 ms.")
    parser.add_argument("--latency-ms", type=int, default=150, help="the lab's injected latency")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", metavar="FILE", help="write a cProfile of the GUI thread's later changes")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(Path(__file__).resolve().parent))  # the benchmarks folder is not a package
    from user_folders import private_user_folders

    private_user_folders("page-change-bench-")

    from wizard.lab.serve import lab_process, settings_from_json
    from wizard.scenario import Scenario
    from wizard.ui.app import application, build_wizard

    app = application()
    with lab_process(latency_ms=args.latency_ms) as lab:
        settings = settings_from_json(lab["settings"])
        wizard = build_wizard(Scenario.from_dict(lab["scenario"]), settings=settings)
        answer_yes(wizard)
        wizard.resize(*SIZE)
        wizard.show()
        spin(app, 0.3)
        session = wizard.session

        def settle() -> None:
            spin(app, 120, lambda: not session.is_running())
            spin(app, 0.15)

        first, later, titles = walk(app, wizard, 1, settle)
        profiler = None
        if args.profile:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        more_first, more, _ = walk(app, wizard, args.rounds - 1, settle) if args.rounds > 1 else ([], [], [])
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(args.profile)
        later += more_first + more
        pages = len(wizard.pageIds())
        session.cancel_all()
        wizard.model.discard_autosave()
        wizard.hide()
        wizard.deleteLater()
        spin(app, 0.2)
    bare = bare_wizard(pages)
    bare.show()
    spin(app, 0.3)
    bare_first, bare_later, _ = walk(app, bare, args.rounds, lambda: spin(app, 0.05))
    bare.hide()
    bare.deleteLater()
    base = statistics.median(bare_later)
    print(f"page change to repaint, Next to the last page and Back, {args.rounds} rounds, lab latency "
          f"{args.latency_ms} ms")
    print(f"  first visits (the page is built): {describe(first)}: " + ", ".join(titles))
    print(f"  later changes:                    {describe(later)}")
    print(f"  bare QWizard, {pages} pages:         {describe(bare_later)} (first visits {describe(bare_first)})")
    typical = statistics.median(later)
    print(f"ratio of the medians {typical / max(base, 0.01):.1f}; target median < {TARGET_MS:.0f} ms: "
          + ("met" if typical < TARGET_MS else "missed"))
    return 0 if typical < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
