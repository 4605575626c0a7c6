"""The last page, in the manner of the Hybrid Configuration Wizard's: what passed and what did not (each step's one
status, the same the step list shows), what was exported where, what to do next, and the report to open.

Finish is only here, so Alt+N on Verification never closes the window.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget, QWizardPage

from wizard.topology import Phase
from wizard.ui.services import Services
from wizard.ui.status_style import STATUS_COLOURS, STATUS_WORDS
from wizard.words import counted

if TYPE_CHECKING:
    from wizard.step_status import StepSummary


def next_steps(mode: str, status: str) -> list[str]:
    """What an admin does after this run, by the task and the verification's status."""
    steps = []
    if mode == "setup":
        steps += ["Run the exported scripts in the order of the runbook (runbook.html), each in the shell it names; "
                  "each writes a record its undo script reads, so keep the folder.",
                  "Come back to Verification and press Re-check once the scripts have run."]
    if status in ("fail", "error"):
        steps.append("Fix the root causes listed first on Verification (each says what to do), then check again.")
    elif status == "stale":
        steps.append("Values changed since the checks ran: check again on Verification before relying on them.")
    elif status in ("pending", "not-run", "blocked"):
        steps.append("Not every check ran: run them on Verification before relying on the result.")
    steps.append("Save the report and attach it to the change request or the ticket.")
    return steps


class CompletionPage(QWizardPage):
    def __init__(self, services: Services, summaries: Callable[[], list[tuple[Phase, StepSummary]]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page_completion")
        self.setTitle("Summary")
        self.setSubTitle("What was checked, what was exported, and what comes next.")
        self.setFinalPage(True)
        self.services = services
        self._summaries = summaries
        layout = QVBoxLayout(self)
        self.outcome = QLabel()
        self.outcome.setObjectName("completion_outcome")
        self.outcome.setWordWrap(True)
        self.outcome.setTextFormat(Qt.TextFormat.RichText)
        self.exported = QLabel()
        self.exported.setObjectName("completion_exported")
        self.exported.setWordWrap(True)
        self.exported.setTextFormat(Qt.TextFormat.RichText)
        self.exported.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.next = QLabel()
        self.next.setObjectName("completion_next")
        self.next.setWordWrap(True)
        self.next.setTextFormat(Qt.TextFormat.RichText)
        row = QHBoxLayout()
        self.save_report = QPushButton("&Export report…")
        self.open_report = QPushButton("&Open the report")
        self.open_report.setObjectName("completion_open_report")
        row.addWidget(self.save_report)
        row.addWidget(self.open_report)
        row.addStretch(1)
        for widget in (self.outcome, self.exported, self.next):
            layout.addWidget(widget)
        layout.addLayout(row)
        layout.addStretch(1)
        self.save_report.clicked.connect(self._save_report)
        self.open_report.clicked.connect(self._open_report)

    def initializePage(self) -> None:
        import html  # with the page's first showing, not at start-up

        lines = []
        for phase, summary in self._summaries():
            colour = STATUS_COLOURS.get(summary.status, STATUS_COLOURS["pending"])
            word = STATUS_WORDS.get(summary.status, summary.status)
            detail = f" — {html.escape(summary.detail)}" if summary.detail else ""
            title = "Verification's own checks" if phase is Phase.VERIFICATION else phase.title
            lines.append(f"<li><b>{html.escape(title)}</b>: <span style='color:{colour}'>{html.escape(word)}"
                         f"</span>{detail}</li>")
        whole = self.services.step_summary(None)  # every check: the step list's Verification and its banner
        overall = whole.status
        self.outcome.setText(f"<p style='font-size:large'><b>{html.escape(whole.headline)}</b></p>"
                             f"<ul>{''.join(lines)}</ul>")
        self._show_exported()
        mode = self.services.model.scenario.mode
        self.next.setText("<b>Next steps</b><ol>" + "".join(f"<li>{html.escape(step)}</li>"
                                                             for step in next_steps(mode, overall)) + "</ol>")

    def _show_exported(self) -> None:
        import html

        exporter = self.services.exporter
        done = exporter.exported if exporter is not None else []
        if not done:
            self.exported.setText("<b>Exported</b><br>Nothing yet: export the scripts and the report on "
                                  "Verification's Export tab, or save the report here.")
        else:
            self.exported.setText("<b>Exported</b><ul>" + "".join(
                f"<li>{html.escape(what)}: {counted(len(files), 'file')} in {html.escape(str(files[0].parent))}</li>"
                for what, files in done if files) + "</ul>")
        self.open_report.setEnabled(exporter is not None and exporter.last_report is not None)

    def _save_report(self) -> None:
        if self.services.exporter is not None and self.services.exporter.export_report():
            self._show_exported()

    def _open_report(self) -> None:
        from PySide6.QtCore import QUrl
        from PySide6.QtGui import QDesktopServices

        report = self.services.exporter.last_report if self.services.exporter is not None else None
        if report is not None and not QDesktopServices.openUrl(QUrl.fromLocalFile(str(report))):
            self.services.dialogs.info("Open the report", f"The report is {report}")

    def nextId(self) -> int:
        return -1
