"""Verification: every check of every step as one checklist with a readiness summary, the picture,
the verification commands, the error decoder and the exports."""

from __future__ import annotations

import html

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from wizard.probes.result import Status, summarise, worst
from wizard.topology import Phase
from wizard.ui.pages.phase_page import PhasePage
from wizard.ui.probe_session import ALL
from wizard.ui.services import Services
from wizard.ui.status_style import PENDING, RUNNING, STATUS_COLOURS, status_icon
from wizard.ui.topology_model import diagram_for
from wizard.ui.widgets.decoder_box import DecoderBox
from wizard.ui.widgets.topology_view import TopologyView


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

    def show_summary(self, results: list, *, running: bool, planned: int) -> None:
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
        self.icon.setPixmap(status_icon(status).pixmap(QSize(36, 36), self.devicePixelRatioF()))
        self.setAccessibleName(headline)


class VerificationPage(PhasePage):
    BUTTON_LETTERS = PhasePage.BUTTON_LETTERS + "podl"
    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(services, Phase.VERIFICATION, parent)
        self.setFinalPage(True)
        self.banner = ReadinessBanner()
        self._layout.insertWidget(0, self.banner)
        self.topology = TopologyView()
        self.tabs.insertTab(1, self.topology, "Topology")
        self.checks.list.setObjectName("verification_checklist")
        self.tabs.setTabText(0, "Checklist")
        self.decoder = DecoderBox()
        self.tabs.addTab(self.decoder, "Decode an error")
        self.exports = QWidget()
        export_layout = QVBoxLayout(self.exports)
        intro = QLabel("Save the scripts for every step (one per shell, each with its undo script, plus a "
                       "runbook), or a report of this verification to attach to a change request.")
        intro.setWordWrap(True)
        export_layout.addWidget(intro)
        row = QHBoxLayout()
        self.export_scripts_button = QPushButton("Export scri&pts…")
        self.export_scripts_button.setObjectName("export_scripts_button")
        self.export_report_button = QPushButton("Export rep&ort…")
        self.export_report_button.setObjectName("export_report_button")
        row.addWidget(self.export_scripts_button)
        row.addWidget(self.export_report_button)
        row.addStretch(1)
        export_layout.addLayout(row)
        self.export_result = QLabel()
        self.export_result.setObjectName("export_result")
        self.export_result.setWordWrap(True)
        self.export_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        export_layout.addWidget(self.export_result)
        export_layout.addStretch(1)
        self.tabs.addTab(self.exports, "Export")
        services.session.resultsChanged.connect(self.refresh_summary)
        services.model.fieldChanged.connect(lambda _n: self.refresh_summary())

    @property
    def run_key(self) -> str:
        return ALL

    @property
    def probe_phase(self) -> Phase | None:
        return None  # every phase

    def connect_exporter(self, exporter: object) -> None:
        self.export_scripts_button.clicked.connect(lambda: self._show_export(exporter.export_scripts()))
        self.export_report_button.clicked.connect(lambda: self._show_export(exporter.export_report()))

    def _show_export(self, written: object) -> None:
        files = written if isinstance(written, list) else ([written] if written else [])
        if files:
            self.export_result.setText("Written:<br>" + "<br>".join(html.escape(str(p)) for p in files))

    def initializePage(self) -> None:
        super().initializePage()
        self.refresh_summary()

    def refresh_summary(self) -> None:
        session = self.services.session
        planned = list(self.checks.list.cards)
        results = [result for pid in planned
                   if (result := session.result(pid)) is not None and not session.is_pending(pid)]
        self.banner.show_summary(results, running=session.is_running(ALL), planned=len(planned))
        self.topology.show_diagram(diagram_for(self.services.model.scenario, results))

    def validatePage(self) -> bool:
        return True  # Finish: the checklist is a report, not a gate

    def nextId(self) -> int:
        return -1
