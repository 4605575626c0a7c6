"""The common shape of a phase page: its fields, its checks (run on entry and on Re-check) and its
commands, bound to the model and the probe session.

Qt idioms only: initializePage() reads the model, edits go back through the model, isComplete()
is "this page's values are valid and no check is running", nextId() asks the topology which phase
comes next, validatePage() asks before leaving with failed checks and never touches the network.
"""

from __future__ import annotations

import html
import time

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from wizard.fields import FIELDS, FieldSpec, Kind
from wizard.probes.result import Status
from wizard.scenario import ScenarioInvalid
from wizard.topology import Phase
from wizard.ui.mnemonics import Mnemonics
from wizard.ui.pages.ids import next_page_id
from wizard.ui.probe_session import ALL, plan
from wizard.ui.services import Services
from wizard.ui.status_style import STATUS_COLOURS
from wizard.ui.widgets.command_view import CommandsView
from wizard.ui.widgets.field_form import FieldForm
from wizard.ui.widgets.probe_list import ProbeListView

SUBTITLES: dict[Phase, str] = {
    Phase.PREREQUISITES: "The servers and names the integration relies on; every name must resolve.",
    Phase.CERTIFICATES: "The OAuth token-signing certificate and the HTTPS certificates both sides must trust.",
    Phase.AUTODISCOVER: "Lync / SfB finds Exchange through autodiscover: DNS names, SRV record and service.",
    Phase.OAUTH: "Tell Skype for Business where autodiscover is (the .svc URL, not .xml) and its OAuth realm.",
    Phase.PARTNER_APPLICATIONS: "Each side trusts the other through its authorization metadata document.",
    Phase.HYBRID: "The Microsoft 365 side: tenant, service principal credentials and the application account.",
    Phase.VERIFICATION: "Every check of every step in one list, the verification commands and the exports.",
}


def page_fields(phase: Phase, *, choices: bool) -> list[FieldSpec]:
    """The fields a page shows: its phase's fields; the start page takes the prerequisite choices."""
    return [f for f in FIELDS if f.phase is phase and (f.kind is Kind.CHOICE) == choices]


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
        layout.addWidget(self.list, 1)
        self._ticker = QTimer(self)
        self._ticker.setInterval(200)
        self._ticker.timeout.connect(self._tick)
        session = services.session
        session.runStarted.connect(self._run_changed)
        session.runEnded.connect(self._run_ended)
        session.resultArrived.connect(lambda _r: self._tick())
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
        self.recheck.setEnabled(not running)
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
                self.progress.setFormat(f"{len(done)} of {len(self.list.cards)} checks" if self.list.cards
                                        else "No checks")
                self.state.setText(_summary_text(done))


def _summary_text(results: list) -> str:
    if not results:
        return ""
    counts: dict[Status, int] = {}
    for result in results:
        counts[result.status] = counts.get(result.status, 0) + 1
    words = {Status.PASS: "passed", Status.WARN: "warning(s)", Status.FAIL: "failed", Status.ERROR: "could not check",
             Status.SKIP: "skipped"}
    return ", ".join(f"{counts[s]} {words[s]}" for s in Status if counts.get(s))


class PhasePage(QWizardPage):
    """A page for one phase; subclasses add phase-specific widgets with `add_extra`."""

    phase: Phase
    # Letters of this page's own buttons (Re-check, Stop, Copy, Save; subclasses add theirs), kept off the fields.
    BUTTON_LETTERS = "rsyv"

    def __init__(self, services: Services, phase: Phase, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.phase = phase
        self.services = services
        self.setObjectName(f"page_{phase.value}")
        self.setTitle(phase.title)
        self.setSubTitle(SUBTITLES[phase])
        self.mnemonics = Mnemonics()
        for letter in self.BUTTON_LETTERS:
            self.mnemonics.take(letter)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.form = FieldForm(services.model, page_fields(phase, choices=False), mnemonics=self.mnemonics,
                              on_browse=self.browse_for)
        self.form_box = QGroupBox("Values for this step")
        box_layout = QVBoxLayout(self.form_box)
        box_layout.addWidget(self.form)
        # Values (and page extras) above, checks and commands below; the user can move the divider and
        # the values scroll when a large font or 150 % scaling leaves little height.
        self.top = QWidget()
        top_layout = QVBoxLayout(self.top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.form_box)
        self.extra_layout = QVBoxLayout()
        top_layout.addLayout(self.extra_layout)
        self.top_scroll = QScrollArea()
        self.top_scroll.setObjectName(f"values_{phase.value}")
        self.top_scroll.setWidgetResizable(True)
        self.top_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.top_scroll.setWidget(self.top)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.top_scroll)
        self._layout.addWidget(self.splitter, 1)
        self.tabs = QTabWidget()
        self.tabs.setObjectName(f"tabs_{phase.value}")
        self.checks = ChecksPanel(services, self.run_key, self.probe_phase)
        self.commands = CommandsView(services.dialogs, services.status)
        self.tabs.addTab(self.checks, "Checks")
        self.tabs.addTab(self.commands, "PowerShell")
        self.splitter.addWidget(self.tabs)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self._commands_timer = QTimer(self)
        self._commands_timer.setSingleShot(True)
        self._commands_timer.setInterval(250)
        self._commands_timer.timeout.connect(self.refresh_commands)
        self.form.validityChanged.connect(self.completeChanged)
        services.model.fieldChanged.connect(self._model_changed)
        services.model.replaced.connect(self._model_replaced)
        services.session.runStarted.connect(self._session_run_changed)
        services.session.runEnded.connect(self._session_run_changed)
        self._entered_at = 0.0

    # ---- what this page probes ------------------------------------------------------------------
    @property
    def run_key(self) -> str:
        return self.phase.value

    @property
    def probe_phase(self) -> Phase | None:
        return self.phase

    def add_extra(self, widget: QWidget) -> None:
        self.extra_layout.addWidget(widget)

    def browse_for(self, spec: FieldSpec) -> None:
        path = self.services.dialogs.open_file(f"Choose {spec.label.lower()}", "All files (*)")
        if path is not None:
            self.services.model.set(spec.name, str(path))

    # ---- QWizardPage ---------------------------------------------------------------------------
    def initializePage(self) -> None:
        self._entered_at = time.monotonic()
        self.form.read_model()
        self.form_box.setVisible(bool(self.form.visible_specs()))
        self.top_scroll.setVisible(self.form_box.isVisibleTo(self) or self.extra_layout.count() > 0)
        self.refresh_commands()
        self.checks.refresh_plan()
        self.checks.start()
        self.tabs.setCurrentWidget(self.checks)
        QTimer.singleShot(0, self.balance_splitter)

    def balance_splitter(self) -> None:
        """Give the values their natural height, but never more than about half the page."""
        total = self.splitter.height()
        if total <= 0:
            return
        width = self.top_scroll.viewport().width()
        wanted = self.top.heightForWidth(width) if self.top.hasHeightForWidth() else -1
        if wanted < 0:
            wanted = self.top.sizeHint().height()
        wanted += 2
        top = min(wanted, int(total * 0.55)) if self.top_scroll.isVisibleTo(self) else 0
        self.splitter.setSizes([top, total - top])

    def cleanupPage(self) -> None:
        """Back: stop this page's checks without waiting for them."""
        self.checks.cancel()

    def isComplete(self) -> bool:
        return not self.form.errors() and not self.checks.running

    def nextId(self) -> int:
        return next_page_id(self.services.model.scenario.topology_or_default, self.phase)

    def validatePage(self) -> bool:
        """Leaving with failed checks is allowed, but only after saying so; no network here."""
        problems = [r for r in self.services.session.results(self.phase)
                    if r.status.is_problem and r.id in self.checks.list.cards]
        if not problems:
            return True
        names = "\n".join(f"• {r.title}" for r in problems[:8])
        more = f"\n… and {len(problems) - 8} more" if len(problems) > 8 else ""
        return self.services.dialogs.confirm(
            "Checks failed",
            f"{len(problems)} check(s) of “{self.phase.title}” failed.",
            f"{names}{more}\n\nThe integration will not work until they pass. Continue to the next step anyway?",
            yes="Continue anyway", no="Stay on this page")

    # ---- model / session -------------------------------------------------------------------------
    def refresh_commands(self) -> None:
        scenario = self.services.model.scenario
        try:
            from wizard.playbook.build import steps_for_phase

            steps = steps_for_phase(scenario, self.phase)
            if not steps:
                self.commands.show_message("Nothing to run in this step for the chosen topology.")
                return
            self.commands.show_steps(scenario, steps, intro=self._checks_intro(steps))
        except ScenarioInvalid as exc:
            self.commands.show_message(f"The commands appear once every value is valid. {exc}")
        except ImportError as exc:  # a build that lost a module: say so instead of breaking the page
            self.commands.show_message(f"The commands are not available in this build ({exc}).")

    def _checks_intro(self, steps: list) -> str:
        """In verify mode, what to compare for each step (the steps' own check text)."""
        if self.services.model.scenario.mode != "verify":
            return ""
        checks = "".join(f"<li><b>{html.escape(s.title)}</b>: {html.escape(s.check)}</li>" for s in steps if s.check)
        return (f"<p>You are verifying an existing integration: for each step, this is how to see that it is "
                f"in place. The scripts in the other tabs show what each step sets.</p><ul>{checks}</ul>"
                if checks else "")

    def _model_changed(self, _name: str) -> None:
        if self.isVisible():
            self._commands_timer.start()
        self.completeChanged.emit()

    def _model_replaced(self) -> None:
        if self.isVisible():
            self.initializePage()

    def _session_run_changed(self, key: str, *_rest: object) -> None:
        if key in (self.run_key, ALL):
            self.completeChanged.emit()
