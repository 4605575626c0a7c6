"""The common shape of a phase page: its fields, its checks (run on entry and on Re-check) and its
commands, bound to the model and the probe session.

Qt idioms only: initializePage() reads the model, edits go back through the model, isComplete()
is "this page's values are valid and no check is running", nextId() asks the topology which phase
comes next, validatePage() asks before leaving with failed checks and never touches the network.
A page builds its widgets the first time it is shown, so the window opens as fast as an empty one.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, Qt, QTimer
from PySide6.QtWidgets import QFrame, QGroupBox, QVBoxLayout, QWidget, QWizardPage

from wizard.fields import FIELDS, FieldSpec, Kind
from wizard.scenario import ScenarioInvalid
from wizard.topology import Phase, Topology
from wizard.ui.mnemonics import Mnemonics
from wizard.ui.pages.ids import next_page_id
from wizard.ui.probe_session import ALL
from wizard.ui.services import Services

if TYPE_CHECKING:
    from wizard.playbook.step import Step
    from wizard.ui.widgets.checks_panel import ChecksPanel
    from wizard.ui.widgets.command_view import CommandsView
    from wizard.ui.widgets.field_form import FieldForm

log = logging.getLogger(__name__)

SUBTITLES: dict[Phase, str] = {
    Phase.PREREQUISITES: "The servers and names the integration relies on; every name must resolve.",
    Phase.CERTIFICATES: "The OAuth token-signing certificate and the HTTPS certificates both sides must trust.",
    Phase.AUTODISCOVER: "Lync / SfB finds Exchange through autodiscover: DNS names, SRV record and service.",
    Phase.OAUTH: "Tell Skype for Business where autodiscover is (the .svc URL, not .xml) and its OAuth realm.",
    Phase.PARTNER_APPLICATIONS: "Each side trusts the other through its authorization metadata document.",
    Phase.HYBRID: "The Microsoft 365 side: tenant, service principal credentials and the application account.",
    Phase.VERIFICATION: "Every check of every step in one list, the verification commands and the exports.",
}
# Without Skype for Business Server (Exchange Server with Teams only) these steps are Exchange's alone.
SUBTITLES_WITHOUT_SFB_SERVER: dict[Phase, str] = {
    Phase.CERTIFICATES: "The HTTPS certificates of Exchange's autodiscover and web services, which clients and "
                        "Microsoft 365 must trust.",
    Phase.AUTODISCOVER: "Outlook, Teams and Microsoft 365 find Exchange through autodiscover: DNS names, SRV record "
                        "and service.",
    Phase.OAUTH: "Exchange Server's OAuth with Microsoft's online token service, which Teams' calendar and "
                 "presence rely on.",
    Phase.PARTNER_APPLICATIONS: "Exchange publishes its authorization metadata document for its OAuth partners.",
}


def subtitle(phase: Phase, topology: Topology) -> str:
    """The page's one-line purpose, in the terms of the chosen topology."""
    if not topology.sfb_on_prem and phase in SUBTITLES_WITHOUT_SFB_SERVER:
        return SUBTITLES_WITHOUT_SFB_SERVER[phase]
    return SUBTITLES[phase]


def page_fields(phase: Phase, *, choices: bool) -> list[FieldSpec]:
    """The fields a page shows: its phase's fields; the start page takes the prerequisite choices."""
    return [f for f in FIELDS if f.phase is phase and (f.kind is Kind.CHOICE) == choices]


class PhasePage(QWizardPage):
    """A page for one phase; subclasses add phase-specific widgets in `build_extra` with `add_extra`."""

    phase: Phase
    # Letters of this page's own buttons (Re-check, Stop, Copy, Save; subclasses add theirs), kept off the fields.
    BUTTON_LETTERS = "rsyv"
    VALUES_SHARE = 0.42  # at most this much of the page for the values above the checks
    form: FieldForm
    checks: ChecksPanel
    commands: CommandsView

    def __init__(self, services: Services, phase: Phase, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.phase = phase
        self.services = services
        self.built = False
        self.setObjectName(f"page_{phase.value}")
        self.setTitle(phase.title)
        self.setSubTitle(SUBTITLES[phase])
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    def ensure_built(self) -> None:
        """Create the page's widgets (once); called when the page is first shown."""
        if self.built:
            return
        self.built = True
        from PySide6.QtWidgets import QScrollArea, QSplitter, QTabWidget  # Qt makes a class on first use

        from wizard.ui.widgets.checks_panel import ChecksPanel
        from wizard.ui.widgets.command_view import CommandsView
        from wizard.ui.widgets.field_form import FieldForm

        services = self.services
        self.mnemonics = Mnemonics()
        for letter in self.BUTTON_LETTERS:
            self.mnemonics.take(letter)
        self.form = FieldForm(services.model, page_fields(self.phase, choices=False), mnemonics=self.mnemonics,
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
        self.top_scroll.setObjectName(f"values_{self.phase.value}")
        self.top_scroll.setWidgetResizable(True)
        self.top_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.top_scroll.setWidget(self.top)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.top_scroll)
        self._layout.addWidget(self.splitter, 1)
        self.tabs = QTabWidget()
        self.tabs.setObjectName(f"tabs_{self.phase.value}")
        self.checks = ChecksPanel(services, self.run_key, self.probe_phase)
        self.commands = CommandsView(services)
        self.tabs.addTab(self.checks, "Checks")
        self.tabs.addTab(self.commands, "PowerShell")
        self.splitter.addWidget(self.tabs)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self._commands_timer = QTimer(self)
        self._commands_timer.setSingleShot(True)
        self._commands_timer.setInterval(250)
        self._commands_timer.timeout.connect(self.refresh_commands)
        self._commands_stale = True  # rendered when the PowerShell tab is shown, not on every key
        self._complete_told: bool | None = None
        self.form.validityChanged.connect(self.update_complete)
        self.tabs.currentChanged.connect(self._tab_changed)
        services.model.fieldChanged.connect(self._model_changed)
        services.model.replaced.connect(self._model_replaced)
        services.session.runStarted.connect(self._session_run_changed)
        services.session.runEnded.connect(self._session_run_changed)
        self._findings: QWidget | None = None
        if services.inside is not None and self.phase is not Phase.VERIFICATION:  # its own group lists them all
            services.inside.changed.connect(self._show_findings)
            self._show_findings()
        self.build_extra()

    def _show_findings(self) -> None:
        """Imported collected data's findings about this step, under the step's checks: they count in its status
        (Services.step_summary), so the page shows them too. Made when the first import arrives."""
        if self._findings is not None or self.services.inside.result is None:
            return
        from wizard.ui.inside_panel import InsideFindingsGroup

        self._findings = InsideFindingsGroup(self.services, phase=self.phase)
        inner = self.checks.list.cards_layout
        inner.insertWidget(inner.count() - 1, self._findings)  # after the step's check cards, above the stretch

    def build_extra(self) -> None:
        """Subclasses add their own widgets here (called once, at the end of ensure_built)."""

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
        self.setSubTitle(subtitle(self.phase, self.services.model.scenario.topology_or_default))
        self.ensure_built()
        self.form.read_model()
        self.form_box.setVisible(bool(self.form.visible_specs()))
        extras = [item.widget() for item in map(self.extra_layout.itemAt, range(self.extra_layout.count()))
                  if item is not None]
        # An empty band above the checks says nothing: the values area shows only when something in it does.
        self.top_scroll.setVisible(self.form_box.isVisibleTo(self)
                                   or any(w is not None and not w.isHidden() for w in extras))
        self._commands_stale = True  # rendered when its tab is shown
        self.checks.refresh_plan()
        self.checks.start()
        self.tabs.setCurrentWidget(self.checks)
        QTimer.singleShot(0, self.balance_splitter)

    def balance_splitter(self) -> None:
        """Where the admin left the splitter last time; else the values at their natural height, but never more
        than about two fifths of the page (the checks are what the admin reads), unless the step's checks need
        less: a step with one check leaves its values the room (OAuth configuration at 150 %)."""
        total = self.splitter.height()
        if total <= 0:
            return
        remembered = self.services.splitters.get(self.phase.value)
        if remembered and self.splitter.restoreState(QByteArray.fromBase64(remembered.encode("ascii"))):
            return
        width = self.top_scroll.viewport().width()
        wanted = self.top.heightForWidth(width) if self.top.hasHeightForWidth() else -1
        if wanted < 0:
            wanted = self.top.sizeHint().height()
        wanted += 2
        cards = self.checks.list.widget()
        chrome = max(0, self.tabs.height() - self.checks.list.viewport().height())  # tab bar, buttons, margins
        checks_need = chrome + (cards.sizeHint().height() if cards is not None else 0)
        share = max(int(total * self.VALUES_SHARE), total - checks_need)
        top = min(wanted, share) if self.top_scroll.isVisibleTo(self) else 0
        self.splitter.setSizes([top, total - top])

    def cleanupPage(self) -> None:
        """Back: stop this page's checks without waiting for them."""
        self.services.session.cancel(self.run_key)

    def isComplete(self) -> bool:
        if not self.built:
            return True
        return not self.form.errors() and not self.checks.running

    def nextId(self) -> int:
        return next_page_id(self.services.model.scenario.topology_or_default, self.phase)

    def validatePage(self) -> bool:
        """Leaving a step whose checks failed or are out of date is allowed, after saying so once (no network).

        Qt calls this from C++: an exception escaping it would take the process down before the crash dialog
        could say anything, so a defect here is logged and Next goes on.
        """
        try:
            return self._ask_before_leaving()
        except Exception:
            log.exception("asking before leaving %s failed", self.phase.value)
            return True

    def _ask_before_leaving(self) -> bool:
        from wizard.probes.result import Status
        from wizard.step_status import STALE
        from wizard.words import counted

        summary = self.services.step_summary(self.phase)
        if summary.status not in (Status.FAIL.value, Status.ERROR.value, STALE):
            return True
        stale = summary.status == STALE
        problems = [r for r in summary.current if r.status.is_problem]
        ids = frozenset(self.services.session.planned_ids(self.phase) if stale else (r.id for r in problems))
        gate = self.services.next_gate
        if not gate.should_ask(self.phase, ids):
            return True
        setup = self.services.model.scenario.mode == "setup"
        if stale:
            title, text = "Checks out of date", f"Values changed since the checks of “{self.phase.title}” ran."
            names = "Their results say nothing about the values now: press Re-check to check them again."
        else:
            title = "Checks failed"
            text = f"{counted(summary.causes, 'problem')} in “{self.phase.title}”: {summary.detail}."
            names = "\n".join(f"• {r.title}" for r in problems[:8])
            names += f"\n… and {len(problems) - 8} more" if len(problems) > 8 else ""
        after = ("\n\nIn a new setup that is expected before its commands run: the commands on the PowerShell tab "
                 "are what fixes them. Continue to the next step?" if setup else
                 "\n\nThe integration will not work until they pass. Continue to the next step anyway?")
        go, never = self.services.dialogs.confirm_with_option(
            title, text, names + after, "&Don't ask again for this scenario", yes="&Continue anyway",
            no="&Stay on this page")
        if go:
            gate.accepted(self.phase, ids, dont_ask_again=never)
        return go

    # ---- model / session -------------------------------------------------------------------------
    def refresh_commands(self) -> None:
        self._commands_stale = False
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

    def _checks_intro(self, steps: list[Step]) -> str:
        """In verify mode, what to compare for each step (the steps' own check text)."""
        if self.services.model.scenario.mode != "verify":
            return ""
        from html import escape

        checks = "".join(f"<li><b>{escape(s.title)}</b>: {escape(s.check)}</li>" for s in steps if s.check)
        return (f"<p>You are verifying an existing integration: for each step, this is how to see that it is "
                f"in place. The scripts in the other tabs show what each step sets.</p><ul>{checks}</ul>"
                if checks else "")

    def update_complete(self, *_args: object) -> None:
        """Tell QWizard only when Next's state really changes: each completeChanged makes it re-show the whole
        page (every card laid out again), which on every keystroke made typing slow."""
        complete = self.isComplete()
        if complete != self._complete_told:
            self._complete_told = complete
            self.completeChanged.emit()

    def _tab_changed(self, _index: int) -> None:
        if self.tabs.currentWidget() is self.commands and self._commands_stale:
            self.refresh_commands()

    def _model_changed(self, _name: str) -> None:
        self._commands_stale = True
        if self.isVisible() and self.tabs.currentWidget() is self.commands:
            self._commands_timer.start()
        self.update_complete()

    def _model_replaced(self) -> None:
        if self.isVisible():
            self.initializePage()

    def _session_run_changed(self, key: str, *_rest: object) -> None:
        if key in (self.run_key, ALL):
            self.update_complete()
