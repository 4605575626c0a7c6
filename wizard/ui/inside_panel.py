"""What the imported collected data shows: its findings as check cards, the trust graph with a legend,
and the certificate rotation plan with Save.

Every widget here only draws InsideView's latest AnalysisResult (the core decides every status,
colour and sentence); the cards are the probes' own cards, so a finding reads like a check.
"""

from __future__ import annotations

import html
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from wizard.policy import EXPIRY_REMINDER_DAYS, EXPIRY_WARNING_DAYS
from wizard.probes.result import Status
from wizard.topology import Phase
from wizard.ui.probe_session import PlannedProbe
from wizard.ui.services import Services
from wizard.ui.status_style import STATUS_COLOURS
from wizard.ui.widgets.probe_list import ProbeCard
from wizard.ui.widgets.trust_graph import TrustGraphView
from wizard.words import counted

if TYPE_CHECKING:  # the analysis is imported on first use, to keep start-up short
    from wizard.inside.analysis import AnalysisResult

GROUP_TITLE = "Inside view (collected data)"
LEGEND = ((Status.PASS, "trusted and valid"), (Status.WARN, f"expires within {EXPIRY_WARNING_DAYS} days"),
          (Status.FAIL, "mismatch, missing or expired"))


def days_left(not_after: datetime | None, now: datetime) -> int | None:
    return None if not_after is None else (not_after - now).days


def expiry_status(days: int | None) -> Status:
    """The same traffic light as the trust graph: red when expired, amber inside EXPIRY_WARNING_DAYS."""
    if days is None:
        return Status.WARN
    if days < 0:
        return Status.FAIL
    return Status.WARN if days < EXPIRY_WARNING_DAYS else Status.PASS


class InsideFindingsGroup(QWidget):
    """The findings of the imported data under their own heading, as the checklist's cards: every finding, or
    with `phase` those about one step (its page shows them under its own checks)."""

    def __init__(self, services: Services, parent: QWidget | None = None, *, phase: Phase | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("inside_findings" if phase is None else f"inside_findings_{phase.value}")
        self._services = services
        self._inside = services.inside
        self._phase = phase
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.header = QLabel(f"<b>{html.escape(GROUP_TITLE)}</b>")
        self.header.setContentsMargins(0, 6, 0, 0)
        self.sources = QLabel()
        self.sources.setWordWrap(True)
        layout.addWidget(self.header)
        layout.addWidget(self.sources)
        self._cards_layout = QVBoxLayout()
        self._cards_layout.setSpacing(4)
        layout.addLayout(self._cards_layout)
        self.cards: dict[str, ProbeCard] = {}
        self._inside.changed.connect(self.refresh)
        self.refresh()

    def states(self) -> dict[str, str]:
        return {finding_id: card.state for finding_id, card in self.cards.items()}

    def refresh(self) -> None:
        result = self._inside.result
        findings = self._services.findings_for(self._phase)  # the ones the step's status counts
        planned = [PlannedProbe(f.id, f.phase, f.title) for f in findings]
        if [c.planned for c in self.cards.values()] != planned:
            for card in self.cards.values():
                self._cards_layout.removeWidget(card)
                card.deleteLater()
            self.cards = {}
            for probe in planned:
                card = ProbeCard(probe)
                self._cards_layout.addWidget(card)
                self.cards[probe.id] = card
        for finding in findings:
            card = self.cards[finding.id]
            card.show_state(finding.status.value, finding, stale=self._inside.stale)
            card.elapsed.clear()  # read from files, not timed on the network
        if result is not None:
            names = ", ".join(c.source.replace("\\", "/").rsplit("/", 1)[-1] for c in result.collected.collections)
            note = " The scenario changed since: import again to judge the new values." if self._inside.stale else ""
            self.sources.setText(f"From {html.escape(names)}, analysed {result.now:%Y-%m-%d %H:%M} UTC.{note}")
        self.setVisible(result is not None and (self._phase is None or bool(findings)))


class RotationPlanView(QTreeWidget):
    """One row per certificate (expiry, days left), its ordered steps below it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("rotation_plan")
        self.setAccessibleName("Certificate rotation plan")
        self.setColumnCount(4)
        self.setHeaderLabels(["Certificate / step", "Expires", "Days left", "Run in"])
        self.setRootIsDecorated(True)
        self.setUniformRowHeights(False)
        self.setWordWrap(True)
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)

    def show_plan(self, result: AnalysisResult | None) -> None:
        self.clear()
        if result is None or result.plan.is_empty:
            item = QTreeWidgetItem(["No certificate to rotate: import collected data first." if result is None
                                    else "The collected data shows no certificate in use to rotate."])
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.addTopLevelItem(item)
            return
        plan, now = result.plan, result.now
        for rotation in plan.rotations:
            left = days_left(rotation.not_after, now)
            status = expiry_status(left)
            expires = rotation.not_after.date().isoformat() if rotation.not_after else "unknown"
            top = QTreeWidgetItem([f"{rotation.title} ({rotation.thumbprint[:8]}…)", expires,
                                   "expired" if left is not None and left < 0 else ("?" if left is None else str(left)),
                                   f"{len(rotation.steps)} steps"])
            top.setToolTip(0, f"{rotation.title}\n{rotation.thumbprint}\n{rotation.subject}")
            colour = QBrush(QColor(STATUS_COLOURS[status.value]))
            for column in (1, 2):
                top.setForeground(column, colour)
            font = top.font(0)
            font.setBold(True)
            top.setFont(0, font)
            top.setData(0, Qt.ItemDataRole.UserRole, rotation.key)
            top.setData(2, Qt.ItemDataRole.UserRole, status.value)
            for step in rotation.steps:
                where = "manual" if step.manual else rotation.script_name(step.shell)
                child = QTreeWidgetItem([f"{step.number}. {step.title}", "", "", where])
                child.setToolTip(0, step.why + (f"\n\n{step.command}" if step.command else ""))
                top.addChild(child)
            self.addTopLevelItem(top)
            top.setExpanded(True)


def legend_html() -> str:
    swatches = " &nbsp; ".join(
        f"<span style='color:{STATUS_COLOURS[status.value]}; font-size:large'>\u25a0</span> {html.escape(text)}"
        for status, text in LEGEND)
    return f"{swatches} &nbsp; · hover a box or line for the explanation"


class InsidePanel(QWidget):
    """The trust graph over the rotation plan, with Import, Export collector scripts and Save rotation plan."""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("inside_panel")
        self._services = services
        self._inside = services.inside
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        row = QHBoxLayout()
        self.summary = QLabel()
        self.summary.setObjectName("inside_summary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        row.addWidget(self.summary, 1)
        self.import_button = QPushButton("&Import collected data…")
        self.import_button.setObjectName("import_collected_button")
        self.import_button.setToolTip("Load the JSON files the collector scripts wrote (several at once)")
        self.collectors_button = QPushButton("Colle&ctor scripts…")
        self.collectors_button.setObjectName("export_collectors_button")
        self.collectors_button.setToolTip("Export the read-only scripts that gather the data, one per shell")
        self.save_plan_button = QPushButton("Save rotation pla&n…")
        self.save_plan_button.setObjectName("save_rotation_plan_button")
        self.save_plan_button.setToolTip("Write the rotation scripts (.ps1 per shell), the runbook and an .ics "
                                         f"calendar with reminders {' and '.join(map(str, EXPIRY_REMINDER_DAYS))} "
                                         "days before each expiry")
        for button in (self.import_button, self.collectors_button, self.save_plan_button):
            row.addWidget(button)
        layout.addLayout(row)
        self.legend = QLabel(legend_html())
        self.legend.setObjectName("trust_graph_legend")
        self.legend.setWordWrap(True)
        layout.addWidget(self.legend)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setChildrenCollapsible(False)
        self.graph = TrustGraphView()
        self.graph.setMinimumHeight(40)  # at 150 % on a small laptop the tab is short; the splitter gives more
        self.plan = RotationPlanView()
        self.plan.setMinimumHeight(36)
        self.splitter.addWidget(self.graph)
        self.splitter.addWidget(self.plan)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        layout.addWidget(self.splitter, 1)
        self.import_button.clicked.connect(lambda _checked=False: self._inside.ask_and_import())
        self.collectors_button.clicked.connect(lambda _checked=False: services.exporter.export_collectors())
        self.save_plan_button.clicked.connect(lambda _checked=False: self.save_plan())
        self._inside.changed.connect(self.refresh)
        self._inside.busyChanged.connect(self._busy)
        self.refresh()

    def save_plan(self) -> list[Path]:
        result = self._inside.result
        if result is None:
            return []
        return self._services.exporter.save_rotation_plan(result.plan)

    def _busy(self, busy: bool) -> None:
        self.import_button.setEnabled(not busy)
        if busy:
            self.summary.setText("Analysing the collected data…")
        else:
            self.refresh()

    def refresh(self) -> None:
        result = self._inside.result
        self.save_plan_button.setEnabled(result is not None and not result.plan.is_empty)
        if result is None:
            from wizard.inside.collectors import collector_places

            places = collector_places(self._services.model.scenario.topology_or_default)
            self.summary.setText(f"Run the collector scripts inside {places}, then import their JSON files to see "
                                 "which certificates each side trusts.")
            from wizard.inside.trust_graph import TrustGraph

            self.graph.set_graph(TrustGraph((), (), ()))
        else:
            graph = result.graph
            red = sum(1 for c in graph.certificates if c.status.severity == 2)
            amber = sum(1 for c in graph.certificates if c.status.severity == 1)
            verdict = (f"<b style='color:{STATUS_COLOURS['fail']}'>{counted(red, 'certificate')} with a problem</b>"
                       if red else f"<b style='color:{STATUS_COLOURS['warn']}'>{counted(amber, 'certificate')} "
                       "expiring soon</b>" if amber
                       else f"<b style='color:{STATUS_COLOURS['pass']}'>Every certificate trusted and valid</b>")
            stale = " The scenario changed since this analysis." if self._inside.stale else ""
            self.summary.setText(f"{verdict} · {counted(len(graph.certificates), 'certificate')}, "
                                 f"{counted(len(graph.holders), 'place')} holding or publishing them."
                                 f"{html.escape(stale)}")
            self.graph.set_graph(graph)
        self.plan.show_plan(result)
        self.plan.setVisible(result is not None)  # before an import the graph's hint takes the whole height


class InsideDialog(QDialog):
    """The panel in its own non-modal window, for when the verification page is not the current one."""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("inside_dialog")
        self.setWindowTitle("Trust graph and rotation plan")
        self.setModal(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.panel = InsidePanel(services)
        layout.addWidget(self.panel)
        line = self.fontMetrics().height()
        self.resize(line * 76, line * 48)
