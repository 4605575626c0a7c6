"""A page's checks: Re-check / Stop, a progress bar with the elapsed time, why the checks cannot run
(invalid input), and the list of check cards. It only asks the probe session and shows its state."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from wizard.topology import Phase
from wizard.ui.coalesce import coalesced
from wizard.ui.probe_session import plan
from wizard.ui.services import Services
from wizard.ui.status_style import STATUS_COLOURS
from wizard.ui.widgets.probe_list import ProbeListView
from wizard.words import counted


class ChecksPanel(QWidget):
    """Re-check / Stop, a progress bar with elapsed time, why checks cannot run, and the cards."""

    def __init__(self, services: Services, key: str, phase: Phase | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self.key = key
        self.phase = phase
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        bar = QHBoxLayout()
        self.recheck = QPushButton("&Re-check")
        self.recheck.setObjectName("recheck_button")
        self.recheck.setToolTip("Run this step's checks again")
        self.recheck.clicked.connect(self.start)
        self.stop = QPushButton("&Stop")
        self.stop.setObjectName("stop_button")
        self.stop.setToolTip("Stop waiting for the running checks")
        self.stop.clicked.connect(self.cancel)
        self.progress = QProgressBar()
        self.progress.setObjectName("probe_progress")
        self.progress.setTextVisible(True)
        self.progress.setMinimumWidth(160)
        self.state = QLabel()
        self.state.setObjectName("checks_state")
        bar.addWidget(self.recheck)
        bar.addWidget(self.stop)
        bar.addWidget(self.progress, 1)
        bar.addWidget(self.state)
        layout.addLayout(bar)
        self.blocked = QLabel()
        self.blocked.setObjectName("blocked_reason")
        self.blocked.setWordWrap(True)
        self.blocked.setTextFormat(Qt.TextFormat.RichText)
        self.blocked.hide()
        layout.addWidget(self.blocked)
        self.list = ProbeListView(services.session, group_by_phase=phase is None)
        view = QHBoxLayout()
        self.problems_only = QCheckBox("Problems only")
        self.problems_only.setObjectName("problems_only")
        self.problems_only.setToolTip("Hide the checks that passed, were skipped or have not run yet")
        self.problems_only.toggled.connect(self.list.set_problems_only)
        self.expand_all = QPushButton("Expand all")
        self.expand_all.setObjectName("expand_all")
        self.expand_all.setToolTip("Open the details of every check that has a result")
        self.expand_all.clicked.connect(self.list.expand_all)
        self.collapse_all = QPushButton("Collapse all")
        self.collapse_all.setObjectName("collapse_all")
        self.collapse_all.setToolTip("Close the details of every check")
        self.collapse_all.clicked.connect(self.list.collapse_all)
        view.addWidget(self.problems_only)
        view.addStretch(1)
        view.addWidget(self.expand_all)
        view.addWidget(self.collapse_all)
        layout.addLayout(view)
        layout.addWidget(self.list, 1)
        self._ticker = QTimer(self)
        self._ticker.setInterval(100)
        self._ticker.timeout.connect(self._tick)
        session = services.session
        session.runStarted.connect(self._run_changed)
        session.resultsChanged.connect(coalesced(self, self._show_summary))  # out of date shows at once
        session.runEnded.connect(self._run_ended)
        if services.inside is not None:  # imported findings count in the step's summary
            services.inside.changed.connect(coalesced(self, self._show_summary))
        self._outcome = ""
        self._update_controls()

    # ---- control ---------------------------------------------------------------------------
    def refresh_plan(self) -> None:
        """List the checks the core would run now (before they run, or after the topology changed)."""
        planned = plan(self._services.model.scenario, self.phase, self._services.session.settings)
        self.list.set_planned(planned)

    def start(self) -> bool:
        """Run the checks if the input allows; otherwise say why. Returns True when started."""
        reason = self._services.session.run(self.key, self.phase)
        if reason:
            self.refresh_plan()
            if not self.list.cards:  # nothing to check here: a plain fact, not a warning, and no buttons to press
                self.blocked.setText("No checks apply to this step for the chosen topology; what it needs done is on "
                                     "the PowerShell tab.")
            else:
                colour = STATUS_COLOURS["warn"]
                self.blocked.setText(f"<b style='color:{colour}'>Checks not started.</b> {html.escape(reason)}")
            self.blocked.show()
            self._update_controls()
            return False
        self.blocked.hide()
        run = self._services.session.run_info(self.key)
        if run is not None:
            self.list.set_planned(run.planned)
        self._update_controls()
        return True

    def cancel(self) -> None:
        self._services.session.cancel(self.key)

    @property
    def running(self) -> bool:
        return self._services.session.is_running(self.key)

    # ---- session signals -------------------------------------------------------------------
    def _run_changed(self, key: str) -> None:
        if key == self.key:
            self._outcome = ""
            self._update_controls()

    def _run_ended(self, key: str, outcome: str) -> None:
        if key == self.key:
            self._outcome = outcome
            self._update_controls()

    def _tick(self) -> None:
        run = self._services.session.run_info(self.key)
        if run is None:
            return
        total = max(1, len(run.planned))
        self.progress.setRange(0, total)
        self.progress.setValue(len(run.done))
        self.progress.setFormat(f"{len(run.done)} of {total} checks · {run.elapsed:.1f} s")

    def _update_controls(self) -> None:
        running = self.running
        self.stop.setEnabled(running)
        self.recheck.setEnabled(not running and bool(self.list.cards))
        for button in (self.expand_all, self.collapse_all, self.problems_only):
            button.setEnabled(bool(self.list.cards))
        if running:
            self._ticker.start()
            self._tick()
            self.state.setText("Checking…")
        else:
            self._ticker.stop()
            results = [self._services.session.result(pid) for pid in self.list.cards]
            done = [r for r in results if r is not None]
            self.progress.setRange(0, max(1, len(self.list.cards)))
            self.progress.setValue(len(done))
            if self._outcome == "cancelled":
                self.progress.setFormat("Stopped")
                self.state.setText("Stopped; press Re-check to run again.")
            elif self._outcome and self._outcome != "done":
                self.progress.setFormat("Stopped")
                self.state.setText(self._outcome)
            else:
                findings = len(self._services.findings_for(self.phase))
                self.progress.setFormat((f"{len(done)} of {counted(len(self.list.cards), 'check')}" if self.list.cards
                                         else "No checks")
                                        + (f" + {counted(findings, 'imported finding')}" if findings else ""))
                self._show_summary()

    def _show_summary(self) -> None:
        """The step's one summary (the step list's and the banner's): its headline and its counts."""
        if self.running or self._outcome not in ("", "done"):
            return
        summary = self._services.step_summary(self.phase)
        # The headline beside the progress bar; the counts in its tooltip (a long line would widen the window).
        self.state.setText(summary.headline)
        self.state.setToolTip(summary.detail)
