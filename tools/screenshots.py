"""Write a PNG of every wizard page (and the verification page's tabs) to docs/screenshots/.

Runs the wizard offscreen on the demo lab, waits for each page's checks, and grabs the window.
`--scale 1.5` sets QT_SCALE_FACTOR (as a 150 % display would) and writes to docs/screenshots/scale-1.5/.
`--fault NAME` starts the lab with a named fault (e.g. autodiscover-xml) to picture a failure.
`--topology hybrid` (SfB Server with Teams) or `teams` (Exchange Server with Teams only) pictures
another lab deployment, its files prefixed with the topology's name; `--size` sets the window (default
1297x669, the size the wizard opens at on a 1366 x 768 laptop; with `--scale 1.25` give the logical size of
that laptop's work area, 1093x582).
Then a second window imports a faulty sample of collected data (`--inside NAME`, one of the faults in
tests/inside/samples.py; `--inside none` skips it) and pictures the trust graph, the rotation plan and the
findings in the checklist.
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

    def confirm_with_option(self, title: str, *_a: object, **_k: object) -> tuple[bool, bool]:
        self.asked.append(title)
        return True, False

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


def inside_shots(app, lab, fault: str, out: Path, *, prefix: str, size) -> list[Path]:
    """Import a faulty collected-data sample on the start page (before any live check, so only the files
    speak), picture the trust graph window, then the verification page's Trust graph tab and checklist."""
    import tempfile

    sys.path.insert(0, str(ROOT / "tests"))
    from inside import samples

    from wizard.ui.app import build_wizard

    wizard = build_wizard(lab.scenario, settings=lab.settings)
    wizard.set_dialogs(AutoAnswers())
    wizard.resize(size)
    wizard.show()
    wizard.inside.clock = lambda: samples.FIXED_NOW
    docs = samples.faulty(fault)
    if not lab.scenario.topology.involves_tenant:
        docs.pop("graph", None)
    written: list[Path] = []

    def settle(done, deadline: float = 30.0) -> None:
        end = time.monotonic() + deadline
        while time.monotonic() < end and not done():
            app.processEvents()
        calm = time.monotonic() + 0.25
        while time.monotonic() < calm:
            app.processEvents()

    with tempfile.TemporaryDirectory() as folder:
        wizard.inside.start(samples.write(docs, Path(folder)))
        settle(lambda: wizard.inside.result is not None and not wizard.inside.busy)
    dialog = wizard._inside_dialog
    if dialog is not None:
        settle(dialog.isVisible)
        path = out / f"{prefix}20-trust-graph-window-{fault}.png"
        dialog.grab().save(str(path))
        written.append(path)
        dialog.close()
    while wizard.currentPage() is not wizard.verification_page:
        wizard.next()
        settle(lambda: not wizard.session.is_running())
    page = wizard.verification_page
    page.show_trust_graph()
    settle(lambda: True)
    path = out / f"{prefix}21-verification-trust-graph-{fault}.png"
    wizard.grab().save(str(path))
    written.append(path)
    page.tabs.setCurrentIndex(0)
    settle(lambda: True)
    page.checks.list.verticalScrollBar().setValue(page.inside_findings.y())  # the group's heading at the top
    settle(lambda: True)
    path = out / f"{prefix}22-verification-inside-findings-{fault}.png"
    wizard.grab().save(str(path))
    written.append(path)
    wizard.model.discard_autosave()
    wizard.session.cancel_all()
    wizard.deleteLater()
    app.processEvents()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--fault", action="append", default=[])
    parser.add_argument("--topology", default="onprem", choices=("onprem", "hybrid", "teams", "online"),
                        help="the lab's topology: onprem (SfB Server), hybrid (SfB Server with Teams), teams "
                             "(Exchange Server with Teams only; 'online' is its old name)")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--size", default="1297x669",
                        help="window size in logical pixels (default: the wizard's own on a 1366 x 768 laptop)")
    parser.add_argument("--dark", action="store_true", help="the dark colour scheme, as the OS would set it")
    parser.add_argument("--inside", default="token-issuer-differs",
                        help="collected-data sample fault to import for the trust graph pictures ('none' skips)")
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
        topology = {"online": "teams"}.get(args.topology, args.topology)
        prefix = "" if topology == "onprem" else f"{topology}-"
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
        failing = False
        while wizard.currentPage() is not wizard.verification_page:
            wizard.next()
            settle()
            page = wizard.currentPage()
            failing = any(s in ("fail", "error", "warn") for s in page.checks.list.states().values())
            if not args.fault or failing:  # with a fault, only the pages that show it
                grab(f"{number:02d}-{page.objectName().removeprefix('page_')}")
            number += 1
        page = wizard.verification_page
        if args.fault and not failing:  # the verification page is pictured once, failing or not
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
            page.tabs.setCurrentIndex(0)
            wizard.next()  # the summary page, where Finish is
            settle()
            grab(f"{number:02d}-summary")
            number += 1
            wizard.back()
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
        if args.inside != "none" and not args.fault:
            written += inside_shots(app, lab, args.inside, out, prefix=prefix, size=QSize(width, height))
    finally:
        lab.stop()
    for path in written:
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
