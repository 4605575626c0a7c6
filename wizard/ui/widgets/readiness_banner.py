"""The verification verdict in one line: ready, ready with warnings, or not ready (and the counts)."""

from __future__ import annotations

import html

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

from wizard.probes.result import ProbeResult, Status, summarise, worst
from wizard.ui.status_style import PENDING, RUNNING, STATUS_COLOURS, status_pixmap


class ReadinessBanner(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("readiness")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QHBoxLayout(self)
        self.icon = QLabel()
        self.icon.setFixedSize(QSize(36, 36))
        self.headline = QLabel()
        self.headline.setObjectName("readiness_headline")
        self.headline.setWordWrap(True)
        self.headline.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.icon)
        layout.addWidget(self.headline, 1)
        self.status = PENDING

    def show_summary(self, results: list[ProbeResult], *, running: bool, planned: int) -> None:
        counts = summarise(results)
        if running:
            status, headline = RUNNING, f"Checking… {len(results)} of {planned} checks done"
        elif not results:
            status, headline = PENDING, "Not checked yet"
        else:
            overall = worst([r.status for r in results])
            status = overall.value
            problems = counts["fail"] + counts["error"]
            if overall.is_problem:
                headline = f"Not ready: {problems} of {len(results)} checks failed"
            elif overall is Status.WARN:
                headline = f"Ready, with {counts['warn']} warning(s) to review"
            else:
                headline = f"Ready: all {counts['pass']} checks passed"
        self.status = status
        detail = " · ".join(f"{counts[s.value]} {word}" for s, word in (
            (Status.PASS, "passed"), (Status.WARN, "warnings"), (Status.FAIL, "failed"),
            (Status.ERROR, "could not check"), (Status.SKIP, "skipped")) if counts[s.value])
        colour = STATUS_COLOURS.get(status, STATUS_COLOURS[PENDING])
        self.headline.setText(f"<span style='font-size:large; font-weight:600; color:{colour}'>"
                              f"{html.escape(headline)}</span><br>{html.escape(detail)}")
        self.icon.setPixmap(status_pixmap(status, 36, self.devicePixelRatioF()))
        self.setAccessibleName(headline)
