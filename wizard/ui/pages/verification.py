"""Verification: every check of every step as one checklist with a readiness summary, the picture,
the trust graph of imported collected data, the verification commands, the error decoder and the exports.

Findings of imported collected data join the checklist as cards of their own group and count in the
readiness summary, so they read exactly like the live checks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from wizard.step_status import RUNNING, STALE
from wizard.topology import Phase, Topology
from wizard.ui.coalesce import coalesced
from wizard.ui.pages.phase_page import PhasePage
from wizard.ui.probe_session import ALL
from wizard.ui.services import Services

if TYPE_CHECKING:
    from wizard.step_status import StepSummary


class VerificationPage(PhasePage):
    BUTTON_LETTERS = PhasePage.BUTTON_LETTERS + "podl" + "icn"  # + the Trust graph tab's buttons
    VALUES_SHARE = 0.3  # the banner is above: the checklist keeps most of the page

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(services, Phase.VERIFICATION, parent)

    def build_extra(self) -> None:
        from wizard.ui.inside_panel import InsideFindingsGroup, InsidePanel
        from wizard.ui.widgets.decoder_box import DecoderBox
        from wizard.ui.widgets.readiness_banner import ReadinessBanner
        from wizard.ui.widgets.topology_view import TopologyView

        services = self.services
        self.banner = ReadinessBanner()
        self._layout.insertWidget(0, self.banner)
        self.topology = TopologyView()
        self.tabs.insertTab(1, self.topology, "Topology")
        self.checks.list.setObjectName("verification_checklist")
        self.tabs.setTabText(0, "Checklist")
        self.inside_findings = InsideFindingsGroup(services)
        inner = self.checks.list.cards_layout
        inner.insertWidget(inner.count() - 1, self.inside_findings)  # after every check card, above the stretch
        self.inside_panel = InsidePanel(services)
        self.tabs.insertTab(2, self.inside_panel, "Trust graph")
        self.decoder = DecoderBox()
        self.tabs.addTab(self.decoder, "Decode an error")
        self.exports = QWidget()
        export_layout = QVBoxLayout(self.exports)
        export_layout.setContentsMargins(6, 6, 6, 6)
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
        self._shown_summary: StepSummary | None = None
        self._shown_topology: Topology | None = None
        self._diagram_due = True
        self.tabs.currentChanged.connect(lambda _index: self._refresh_diagram()
                                         if self.tabs.currentWidget() is self.topology else None)
        summary_later = coalesced(self, self.refresh_summary)
        services.session.resultsChanged.connect(summary_later)
        services.model.fieldChanged.connect(summary_later)
        services.inside.changed.connect(summary_later)
        self.export_scripts_button.clicked.connect(lambda: self._show_export(services.exporter.export_scripts()))
        self.export_report_button.clicked.connect(lambda: self._show_export(services.exporter.export_report()))

    @property
    def run_key(self) -> str:
        return ALL

    @property
    def probe_phase(self) -> Phase | None:
        return None  # every phase

    def _show_export(self, written: object) -> None:
        files = written if isinstance(written, list) else ([written] if written else [])
        if files:
            from html import escape

            self.export_result.setText("Written:<br>" + "<br>".join(escape(str(p)) for p in files))

    def initializePage(self) -> None:
        super().initializePage()
        self.refresh_summary()

    def show_trust_graph(self) -> None:
        self.tabs.setCurrentWidget(self.inside_panel)

    def refresh_summary(self) -> None:
        """The banner and the picture follow the results; each is redrawn only when what it shows changed. While
        values are typed or a run streams results the picture waits until its tab is open or the run has ended:
        a keystroke must not relayout a hidden diagram."""
        summary = self.services.step_summary(None)  # the step list's status too
        settled = False
        if summary != self._shown_summary:
            self._shown_summary = summary
            self.banner.show_step(summary)
            settled = summary.status not in (RUNNING, STALE)  # a finished run, not a keystroke or a result
        topology = self.services.model.scenario.topology_or_default
        if topology != self._shown_topology:
            from wizard.advisories import advisories

            self._shown_topology = topology
            self.banner.show_advisories(advisories(topology))
        self._diagram_due = True
        if settled or self.tabs.currentWidget() is self.topology:
            self._refresh_diagram()

    def _refresh_diagram(self) -> None:
        from wizard.ui.topology_model import diagram_for  # with the page's first picture, not at start-up

        if not self._diagram_due:
            return
        self._diagram_due = False
        session = self.services.session
        summary = self._shown_summary or self.services.step_summary(None)
        results = [r for r in summary.current if session.result(r.id) is r]
        diagram = diagram_for(self.services.model.scenario, results)
        if diagram != self.topology.diagram:
            self.topology.show_diagram(diagram)

    def validatePage(self) -> bool:
        return True  # on to the summary: the checklist is a report, not a gate

    def nextId(self) -> int:
        from wizard.ui.pages.ids import COMPLETION_ID

        return COMPLETION_ID  # the summary page, where Finish is (Alt+N here never closes the window)
