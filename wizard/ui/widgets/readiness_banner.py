"""The verification verdict in one line: ready, ready with warnings, or not ready (and the counts), with
the topology's advisories under it (wizard.advisories: support status, Exchange Online's EWS retirement),
the same ones verify's summary and the report carry."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from wizard.step_status import PENDING, RUNNING, STALE, StepSummary
from wizard.ui.status_style import STATUS_COLOURS, status_pixmap


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
        self.advisories = QLabel()
        self.advisories.setObjectName("readiness_advisories")
        self.advisories.setWordWrap(True)
        self.advisories.setTextFormat(Qt.TextFormat.RichText)
        self.advisories.hide()
        text = QVBoxLayout()
        text.setContentsMargins(0, 0, 0, 0)
        text.addWidget(self.headline)
        text.addWidget(self.advisories)
        layout.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(text, 1)
        self.status = PENDING

    def show_advisories(self, advisories: list[Any]) -> None:
        """One line per advisory (headline); its details and sources in the tooltip. An out-of-support product is
        said plainly, not as a failure; only a feature at risk (the EWS retirement) takes the warning colour."""
        lines = []
        for advisory in advisories:
            at_risk = advisory.attention and advisory.kind.value != "support"
            mark = (f"<span style='color:{STATUS_COLOURS['warn']}; font-weight:700'>\u26a0</span>" if at_risk
                    else "\u2139")
            lines.append(f"{mark} {html.escape(advisory.headline)}")
        self.advisories.setText("<br>".join(lines))
        self.advisories.setToolTip("\n\n".join(
            "\n".join([a.headline, *a.details, *(f"Source: {s}" for s in a.sources)]) for a in advisories))
        self.advisories.setVisible(bool(lines))

    def show_step(self, summary: StepSummary) -> None:
        """The step's one status (wizard.step_status), the same the step list shows: its headline, its counts, and
        when it is settled the first root causes, each with how many checks it kept from running."""
        detail = "" if summary.status == "pass" else html.escape(summary.detail)  # the headline counts the passes
        if summary.status not in (RUNNING, STALE) and summary.current:
            detail += "".join(f"<br>\u2022 {html.escape(c.result.title)}"
                              + (f" (blocks {len(c.blocked)})" if c.blocked else "")
                              for c in summary.root_causes[:3])
        self._show(summary.status, summary.headline, detail)

    def _show(self, status: str, headline: str, detail_html: str) -> None:
        self.status = status
        colour = STATUS_COLOURS.get(status, STATUS_COLOURS[PENDING])
        self.headline.setText(f"<span style='font-size:large; font-weight:600; color:{colour}'>"
                              f"{html.escape(headline)}</span>" + (f"<br>{detail_html}" if detail_html else ""))
        self.icon.setPixmap(status_pixmap(status, 36, self.devicePixelRatioF()))
        self.setAccessibleName(headline)
