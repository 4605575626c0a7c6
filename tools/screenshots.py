"""Write a PNG of every wizard page (and the verification page's tabs) to docs/screenshots/.

Runs the wizard offscreen on the demo lab, waits for each page's checks, and grabs the window.
`--scale 1.5` sets QT_SCALE_FACTOR (as a 150 % display would) and writes to docs/screenshots/scale-1.5/.
`--fault NAME` starts the lab with a named fault (e.g. autodiscover-xml) to picture a failure.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class AutoAnswers:
    """Stands in for the dialogs: continue past failed checks, never block on a modal window."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def confirm(self, title: str, *_a: object, **_k: object) -> bool:
        self.asked.append(title)
        return True

    def __getattr__(self, name: str) -> object:
        def answer(*_a: object, **_k: object) -> None:
            self.asked.append(name)

        return answer


def dark_palette():
    from PySide6.QtGui import QColor, QPalette

    role = QPalette.ColorRole
    palette = QPalette()
    for name, colour in ((role.Window, "#2b2b2b"), (role.WindowText, "#e8e8e8"), (role.Base, "#1f1f1f"),
                         (role.AlternateBase, "#2a2a2a"), (role.Text, "#e8e8e8"), (role.Button, "#353535"),
                         (role.ButtonText, "#e8e8e8"), (role.Highlight, "#3d8ee9"), (role.HighlightedText, "#ffffff"),
                         (role.PlaceholderText, "#9a9a9a"), (role.Mid, "#5a5a5a"), (role.Dark, "#1a1a1a"),
                         (role.Light, "#4a4a4a"), (role.Midlight, "#404040"), (role.Shadow, "#000000"),
                         (role.ToolTipBase, "#3a3a3a"), (role.ToolTipText, "#e8e8e8"), (role.Link, "#6cb4ff")):
        palette.setColor(name, QColor(colour))
    palette.setColor(QPalette.ColorGroup.Disabled, role.ButtonText, QColor("#7a7a7a"))
    palette.setColor(QPalette.ColorGroup.Disabled, role.WindowText, QColor("#7a7a7a"))
    palette.setColor(QPalette.ColorGroup.Disabled, role.Text, QColor("#7a7a7a"))
    return palette


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--fault", action="append", default=[])
    parser.add_argument("--topology", default="onprem", choices=("onprem", "hybrid", "online"))
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--size", default="1180x820", help="window size in logical pixels at scale 1")
    parser.add_argument("--dark", action="store_true", help="the dark colour scheme, as the OS would set it")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if args.scale != 1.0:
        os.environ["QT_SCALE_FACTOR"] = str(args.scale)
    folder = ("" if args.scale == 1.0 else f"scale-{args.scale:g}") or ("dark" if args.dark else "")
    out = args.out or ROOT / "docs" / "screenshots" / folder
    out.mkdir(parents=True, exist_ok=True)

    sys.path.insert(0, str(ROOT))
    from PySide6.QtCore import QSize
    from PySide6.QtWidgets import QApplication

    from wizard.lab import Lab
    from wizard.ui.app import application, build_wizard

    app = application()
    if args.dark:
        app.setPalette(dark_palette())  # what a dark OS scheme hands Qt (offscreen has no OS scheme to follow)
    lab = Lab.start(args.fault, topology=args.topology)
    try:
        wizard = build_wizard(lab.scenario, settings=lab.settings)
        wizard.set_dialogs(AutoAnswers())
        width, height = (int(v) for v in args.size.split("x"))
        wizard.resize(QSize(width, height))
        wizard.show()
        suffix = ("-" + "-".join(args.fault)) if args.fault else ""
        prefix = "" if args.topology == "onprem" else f"{args.topology}-"
        written = []

        def settle(deadline: float = 30.0) -> None:
            end = time.monotonic() + deadline
            while time.monotonic() < end:
                app.processEvents()
                if not wizard.session.is_running():
                    break
            calm = time.monotonic() + 0.25  # let coalesced refreshes (40 ms timers) and repaints land
            while time.monotonic() < calm:
                app.processEvents()

        def grab(name: str) -> None:
            path = out / f"{prefix}{name}{suffix}.png"
            wizard.grab().save(str(path))
            written.append(path)

        settle()
        grab("00-start")
        number = 1
        while wizard.currentId() != -1 and not wizard.currentPage().isFinalPage():
            wizard.next()
            settle()
            page = wizard.currentPage()
            failing = any(s in ("fail", "error", "warn") for s in page.checks.list.states().values())
            if not args.fault or failing:  # with a fault, only the pages that show it
                grab(f"{number:02d}-{page.objectName().removeprefix('page_')}")
            number += 1
        page = wizard.verification_page
        if args.fault:
            grab(f"{number:02d}-verification")
        page.decoder.input.setPlainText(
            "Test-CsExStorageConnectivity : ExCreateItem exchange operation failed, code=50043,")
        page.decoder.decode()
        for index in range(1, 2 if args.fault else page.tabs.count()):
            page.tabs.setCurrentIndex(index)
            settle()
            grab(f"{number:02d}-verification-{page.tabs.tabText(index).lower().replace(' ', '-')}")
            number += 1
        if not args.fault:
            wizard.back()
            settle()
            previous = wizard.currentPage()
            previous.tabs.setCurrentIndex(1)
            settle()
            grab(f"{number:02d}-{previous.objectName().removeprefix('page_')}-powershell")
        wizard.model.discard_autosave()
        wizard.session.cancel_all()
        wizard.deleteLater()
        QApplication.processEvents()
    finally:
        lab.stop()
    for path in written:
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
