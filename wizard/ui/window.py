"""The wizard window: pages, side panel, menu bar, file handling and closing, and nothing of the domain.

Which pages exist and in which order comes from the phases; which are skipped comes from the
topology (through each page's nextId); probes and scripts come from the core via the pages.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QIcon, QKeySequence, QShowEvent
from PySide6.QtWidgets import QApplication, QLabel, QMenu, QMenuBar, QVBoxLayout, QWidget, QWizard

from wizard.probes.context import ProbeSettings
from wizard.scenario import Scenario, ScenarioFileError
from wizard.step_status import PENDING
from wizard.topology import Phase
from wizard.ui.coalesce import coalesced
from wizard.ui.dialogs import Dialogs, SaveChoice
from wizard.ui.exporting import Exporter
from wizard.ui.inside_view import InsideView
from wizard.ui.model_adapter import ScenarioModel
from wizard.ui.pages.autodiscover import AutodiscoverPage
from wizard.ui.pages.certificates import CertificatesPage
from wizard.ui.pages.hybrid import HybridPage
from wizard.ui.pages.ids import COMPLETION_ID, PHASE_BY_ID, PHASE_IDS, START_ID
from wizard.ui.pages.oauth import OAuthPage
from wizard.ui.pages.partner_applications import PartnerApplicationsPage
from wizard.ui.pages.phase_page import PhasePage
from wizard.ui.pages.prerequisites import PrerequisitesPage
from wizard.ui.pages.start import StartPage
from wizard.ui.pages.verification import VerificationPage
from wizard.ui.preferences import Preferences, data_dir
from wizard.ui.probe_session import ALL, ProbeSession
from wizard.ui.services import Services
from wizard.ui.widgets.page_list import PageEntry, PageList
from wizard.ui.worker import Worker

if TYPE_CHECKING:
    from wizard.step_status import StepSummary

log = logging.getLogger(__name__)

APP_TITLE = "SfB–Exchange Integration Wizard"
WARM_UP_DELAY_MS = 300  # after the first paint, before anyone can have reached a page with checks
SCENARIO_FILTER = "Wizard scenarios (*.json);;All files (*)"

PAGE_CLASSES: dict[Phase, Callable[[Services], PhasePage]] = {  # each page knows its phase
    Phase.PREREQUISITES: PrerequisitesPage,
    Phase.CERTIFICATES: CertificatesPage,
    Phase.AUTODISCOVER: AutodiscoverPage,
    Phase.OAUTH: OAuthPage,
    Phase.PARTNER_APPLICATIONS: PartnerApplicationsPage,
    Phase.HYBRID: HybridPage,
    Phase.VERIFICATION: VerificationPage,
}


def app_icon() -> QIcon:
    """The application icon, from the 256 px PNG rendered from app.svg (tools/make_icons.py).

    Raster on purpose: Qt decodes PNG itself, while an SVG icon loads the SVG icon-engine plugin and
    QtSvg and parses the drawing before the first window can show its logo (about 6 ms); Qt scales
    the PNG down smoothly for the logo and the title bar.
    """
    try:
        from wizard.resources import resource_path

        return QIcon(str(resource_path("icons", "app.png")))
    except FileNotFoundError:
        return QIcon()


# A box of the topology picture without checks yet: the step that first sets it up.
NODE_STEPS = {"dns": Phase.PREREQUISITES, "autodiscover": Phase.AUTODISCOVER, "exchange": Phase.PARTNER_APPLICATIONS,
              "tenant": Phase.HYBRID, "teams": Phase.HYBRID, "exchange-online": Phase.HYBRID}


class SetupWizard(QWizard):
    def __init__(self, scenario: Scenario, settings: ProbeSettings, *, preferences: Preferences,
                 persist_settings: bool, autosave_dir: Path | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("setup_wizard")
        self.preferences = preferences
        self.persist_settings = persist_settings
        self.dialogs = Dialogs(self)
        self.model = ScenarioModel(scenario, autosave_dir=autosave_dir or data_dir(), parent=self)
        self.session = ProbeSession(self.model, settings, parent=self)
        self.services = Services(self.model, self.session, self.dialogs, self.show_status)
        self.exporter = Exporter(self.services)
        self.services.exporter = self.exporter
        self.inside = InsideView(self.services, parent=self)
        self.services.inside = self.inside
        self.exporter.inside_findings = self.inside.findings
        self.inside.imported.connect(lambda _result: self.show_trust_graph())
        self._help: Any = None  # the HelpDialog, created on the first F1
        self._inside_dialog: Any = None  # the non-modal trust graph window, created when first needed
        self._visited: set[int] = {START_ID}
        self._warmed = False

        self.setWindowTitle(APP_TITLE)
        icon = QApplication.windowIcon()  # set by wizard.ui.app.application(): one icon, drawn once per size
        if icon.isNull():
            icon = app_icon()
        self.setWindowIcon(icon)
        if sys.platform == "win32" and hasattr(QWizard.WizardStyle, "AeroStyle"):
            self.setWizardStyle(QWizard.WizardStyle.AeroStyle)
        else:
            self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setOption(QWizard.WizardOption.HaveHelpButton, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, False)
        self.setButtonText(QWizard.WizardButton.FinishButton, "Finish")  # only on the summary; Alt+N is Next
        self.setButtonText(QWizard.WizardButton.HelpButton, "Help")
        self.setButtonText(QWizard.WizardButton.CancelButton, "Close")
        logo = icon.pixmap(QSize(40, 40), self.devicePixelRatioF())
        self.setPixmap(QWizard.WizardPixmap.LogoPixmap, logo)
        self.helpRequested.connect(self.show_help)

        self.start_page = StartPage(self.services)
        self.setPage(START_ID, self.start_page)
        self.phase_pages: dict[Phase, PhasePage] = {}
        for phase, page_class in PAGE_CLASSES.items():
            page = page_class(self.services)
            self.phase_pages[phase] = page
            self.setPage(PHASE_IDS[phase], page)
        from wizard.ui.pages.completion import CompletionPage

        self.completion_page = CompletionPage(self.services, self._completion_summaries)
        self.setPage(COMPLETION_ID, self.completion_page)
        self.setStartId(START_ID)
        self.start_page.quick.check_now.connect(self.verify_now)

        self.side = QWidget()
        side_layout = QVBoxLayout(self.side)
        side_layout.setContentsMargins(0, 0, 6, 0)
        self.page_list = PageList()
        self.page_list.step_chosen.connect(self.go_to)
        side_layout.addWidget(self.page_list, 1)
        self.status_label = QLabel()
        self.status_label.setObjectName("status_line")
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        side_layout.addWidget(self.status_label)
        self.setSideWidget(self.side)
        self._status_timer = QTimer(self)
        self._status_timer.setSingleShot(True)
        self._status_timer.setInterval(12000)
        self._status_timer.timeout.connect(self.status_label.clear)

        self.menu_bar = self._build_menus()
        _install_menu_bar(self, self.menu_bar)

        self.currentIdChanged.connect(self._page_changed)
        side_panel_later = coalesced(self, self.update_side_panel)
        self.model.fieldChanged.connect(side_panel_later)
        self.model.dirtyChanged.connect(lambda _d: self._update_title())
        self.model.pathChanged.connect(lambda _p: self._update_title())
        self.model.replaced.connect(self._scenario_replaced)
        self.session.resultsChanged.connect(side_panel_later)
        self.inside.changed.connect(side_panel_later)  # imported findings count in their steps' status
        self._update_title()
        self.update_side_panel()
        self._restore_layout()

    def set_dialogs(self, dialogs: Dialogs) -> None:
        """Swap the object that asks the user questions (tests and the screenshot tool answer them)."""
        self.dialogs = dialogs
        self.services.dialogs = dialogs

    # ---- pages -------------------------------------------------------------------------------
    @property
    def verification_page(self) -> VerificationPage:
        page = self.phase_pages[Phase.VERIFICATION]
        assert isinstance(page, VerificationPage)
        page.ensure_built()
        return page

    def page_for(self, phase: Phase) -> PhasePage:
        return self.phase_pages[phase]

    def _current_key(self) -> str | None:
        page = self.currentPage()
        return page.run_key if isinstance(page, PhasePage) else None

    def _page_changed(self, page_id: int) -> None:
        """Leaving a page stops its checks at once (nothing waits on the network)."""
        self._visited.add(page_id)
        self._connect_pictures()
        keep = self._current_key()
        for key in [k for k in (ALL, *(p.value for p in Phase)) if k != keep]:
            self.session.cancel(key)
        self.update_side_panel()
        if self._help is not None and self._help.isVisible():
            self.show_help()

    def _scenario_replaced(self) -> None:
        self.services.next_gate.reset()
        self._visited = {START_ID}
        self.restart()
        self.update_side_panel()

    def _connect_pictures(self) -> None:
        """The topology pictures' boxes lead to their steps (the verification page's once it is built)."""
        pictures = [getattr(self.start_page, "_picture", None), getattr(self.verification_page_if_built, "topology",
                                                                       None)]
        for picture in pictures:
            if picture is not None and not picture.property("navigates"):
                picture.nodeActivated.connect(self.node_chosen)
                picture.setProperty("navigates", True)

    @property
    def verification_page_if_built(self) -> VerificationPage | None:
        page = self.phase_pages[Phase.VERIFICATION]
        return page if isinstance(page, VerificationPage) and page.built else None

    def update_side_panel(self) -> None:
        """Each step's status is the session's summary of it, the same one its page's banner shows."""
        self._connect_pictures()
        topology = self.model.scenario.topology_or_default
        entries = [PageEntry(START_ID, "Start", True, PENDING, True)]
        checked = bool(self.session.results()) or self.session.is_running() or bool(self.inside.findings())
        for phase in Phase:
            page_id = PHASE_IDS[phase]
            status = PENDING
            applies = topology.applies(phase)
            if checked and applies and (phase is not Phase.VERIFICATION or page_id in self._visited
                                        or self.session.is_running(ALL)):
                status = self.step_summary(phase).status
            entries.append(PageEntry(page_id, phase.title, applies, status, page_id in self._visited))
        entries.append(PageEntry(COMPLETION_ID, "Summary", True, PENDING, COMPLETION_ID in self._visited))
        self.page_list.show_entries(entries, self.currentId(), topology.label)

    def step_summary(self, phase: Phase) -> StepSummary:
        """A step's one status (Services.step_summary): with the imported findings about it."""
        return self.services.step_summary(phase)

    # ---- warm-up -----------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._warmed:
            self._warmed = True
            QTimer.singleShot(WARM_UP_DELAY_MS, self._warm_up)

    def _warm_up(self) -> None:
        """Load the probes and the playbook in the background once the window is up, so the first
        check does not pay for importing dnspython, requests and cryptography on the GUI's time."""
        Worker(_preload_core).start(self.session.pool)

    # ---- status, title, size -----------------------------------------------------------------
    def show_status(self, text: str) -> None:
        self.status_label.setText(text)
        self._status_timer.start()
        log.info("%s", text)

    def _update_title(self) -> None:
        name = self.model.path.name if self.model.path else "Untitled scenario"
        self.setWindowTitle(f"{name}[*] — {APP_TITLE}")
        self.setWindowModified(self.model.dirty)

    def _size_to_screen(self) -> None:
        """Most of the work area (on a 1366 x 768 laptop about 1300 x 670, room for a dozen checks), up to what a
        large screen needs for the text (100 x 62 lines), never beyond the work area."""
        line = self.fontMetrics().height()
        wanted = QSize(line * 100, line * 62)
        screen = self.screen()
        if screen is not None:
            available = screen.availableGeometry().size()
            if available.width() > 200 and available.height() > 200:
                wanted = wanted.boundedTo(QSize(int(available.width() * 0.95), int(available.height() * 0.92)))
        self.resize(wanted)

    # ---- help --------------------------------------------------------------------------------
    def show_help(self) -> None:
        page_id = self.currentId()
        key = PHASE_BY_ID[page_id].value if page_id in PHASE_BY_ID else "start"
        if self._help is None:
            from wizard.ui.help_dialog import HelpDialog

            self._help = HelpDialog(self)
        self._help.show_for(key)
        self._help.show()
        self._help.raise_()

    # ---- collected data ------------------------------------------------------------------------
    def show_trust_graph(self) -> None:
        """On the verification page: its Trust graph tab; elsewhere: the same panel in its own window."""
        if self.currentPage() is self.phase_pages[Phase.VERIFICATION]:
            self.verification_page.show_trust_graph()
            return
        if self._inside_dialog is None:
            from wizard.ui.inside_panel import InsideDialog

            self._inside_dialog = InsideDialog(self.services, self)
        self._inside_dialog.show()
        self._inside_dialog.raise_()

    def open_log_folder(self) -> None:
        from PySide6.QtCore import QUrl
        from PySide6.QtGui import QDesktopServices

        from wizard.logs import log_dir

        folder = log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
            self.dialogs.info("Log folder", f"The log is in {folder}")

    def show_about(self) -> None:
        from wizard import __version__

        self.dialogs.info(
            f"About {APP_TITLE}",
            f"{APP_TITLE} {__version__}\n\nGuides the integration of Lync / Skype for Business with Exchange: "
            "checks each step live and writes the PowerShell for it.\n\nThe checks only read: they never change "
            "your servers or tenant.")

    # ---- files -------------------------------------------------------------------------------
    def _settle_unsaved(self) -> bool:
        """Ask about unsaved changes; False when the user wants to stay."""
        if not self.model.dirty:
            return True
        choice = self.dialogs.ask_save_changes(self.model.path.name if self.model.path else "this scenario")
        if choice is SaveChoice.CANCEL:
            return False
        if choice is SaveChoice.SAVE:
            return self.save()
        self.model.discard_autosave()
        return True

    def new_scenario(self) -> None:
        if self._settle_unsaved():
            self.model.replace(Scenario())

    def open_scenario(self, path: Path | None = None) -> bool:
        if not self._settle_unsaved():
            return False
        path = path or self.dialogs.open_file("Open scenario", SCENARIO_FILTER)
        if path is None:
            return False
        try:
            self.model.open(path)
        except ScenarioFileError as exc:
            self.dialogs.error("Open scenario", str(exc))
            return False
        self.preferences.add_recent(path)
        self._rebuild_recent_menu()
        self.show_status(f"Opened {path}")
        return True

    def save(self) -> bool:
        if self.model.path is None:
            return self.save_as()
        return self._save_to(self.model.path)

    def save_as(self) -> bool:
        path = self.dialogs.save_file("Save scenario as", SCENARIO_FILTER, "scenario.json")
        if path is None:
            return False
        if path.suffix == "":
            path = path.with_suffix(".json")
        if path.exists() and path != self.model.path and not self.dialogs.confirm(
                "Replace file?", f"{path.name} already exists.", "Replace it?", yes="Replace", no="Cancel"):
            return False
        return self._save_to(path)

    def _save_to(self, path: Path) -> bool:
        try:
            self.model.save(path)
        except OSError as exc:
            self.dialogs.error("Save scenario", f"Could not write {path}: {exc.strerror or exc}")
            return False
        self.preferences.add_recent(path)
        self._rebuild_recent_menu()
        self.show_status(f"Saved {path}")
        return True

    def autosave(self) -> Path | None:
        """For the crash hook: write the scenario to the per-user autosave file now."""
        return self.model.autosave()

    def verify_now(self) -> None:
        """The Quick check's "Verify discovered": straight to Verification, which runs every check as it opens."""
        self.go_to(PHASE_IDS[Phase.VERIFICATION])

    def go_to(self, page_id: int) -> None:
        """Any step the topology needs, from the step list or Ctrl+number: no question on the way (the step list
        shows each step's status), and Back returns to where the admin was."""
        if page_id == self.currentId() or self.page(page_id) is None:
            return
        phase = PHASE_BY_ID.get(page_id)
        if phase is not None and not self.model.scenario.topology_or_default.applies(phase):
            return
        gate = self.services.next_gate
        gate.jumping = True
        try:
            self.setCurrentId(page_id)
        finally:
            gate.jumping = False

    def node_chosen(self, node_id: str, probe_ids: list[str]) -> None:
        """A click on a box of the topology picture: the step of its worst check (where the fix is), else the
        step that sets the box up."""
        from wizard.probes.result import worst

        results = [r for i in probe_ids if (r := self.session.result(i)) is not None and not self.session.is_stale(i)]
        phase = NODE_STEPS.get(node_id, Phase.CERTIFICATES if node_id.startswith("pool") else Phase.PREREQUISITES)
        if results:
            bad = worst([r.status for r in results])
            phase = next(r.phase for r in results if r.status is bad)
        self.go_to(PHASE_IDS[phase])

    def _completion_summaries(self) -> list[tuple[Phase, StepSummary]]:
        """Each step's own checks (and findings), so the lines add up to the verification's total: the
        verification step's line counts only the checks of its own phase, not every check again."""
        topology = self.model.scenario.topology_or_default
        return [(phase, self.services.session.summary(phase) if phase is Phase.VERIFICATION
                 else self.step_summary(phase)) for phase in Phase if topology.applies(phase)]

    # ---- closing -----------------------------------------------------------------------------
    def reject(self) -> None:  # Close button, Esc and the window's close box all come here
        if self.session.is_running() and not self.dialogs.confirm(
                "Close the wizard?", "Checks are still running.", "Closing stops them; their results are lost.",
                yes="Close", no="Keep working"):
            return
        if self._settle_unsaved():
            self._shut_down()
            super().reject()

    def done(self, result: int) -> None:
        if result == int(QWizard.DialogCode.Accepted) and not self._settle_unsaved():
            return
        self._shut_down()
        super().done(result)

    def _shut_down(self) -> None:
        """Stop every run without waiting (sockets closed; worker threads end by themselves); remember the
        window's place and size and each page's splitter."""
        self.session.cancel_all()
        self._remember_layout()
        if self.model.dirty:
            self.model.flush_autosave()
        else:
            self.model.discard_autosave()
        if self._help is not None:
            self._help.close()
        if self._inside_dialog is not None:
            self._inside_dialog.close()

    def _remember_layout(self) -> None:
        prefs = self.preferences
        prefs.window_geometry = bytes(self.saveGeometry().toBase64().data()).decode("ascii")
        for phase, page in self.phase_pages.items():
            if page.built:
                prefs.splitters[phase.value] = bytes(page.splitter.saveState().toBase64().data()).decode("ascii")
        prefs.save()

    def _restore_layout(self) -> None:
        """The size and place of last time (Qt keeps it on a screen that exists), else a sensible default."""
        self.services.splitters = self.preferences.splitters
        geometry = self.preferences.window_geometry
        if not geometry or not self.restoreGeometry(QByteArray.fromBase64(geometry.encode("ascii"))):
            self._size_to_screen()

    # ---- tools -------------------------------------------------------------------------------
    def apply_settings(self, settings: ProbeSettings | None) -> None:
        if settings is None or settings == self.session.settings:
            return
        self.session.settings = settings
        if self.persist_settings:
            prefs = self.preferences
            prefs.nameserver = f"{settings.nameserver[0]}:{settings.nameserver[1]}" if settings.nameserver else ""
            prefs.ca_bundle = settings.ca_bundle or ""
            prefs.dns_timeout = settings.dns_timeout
            prefs.http_timeout = settings.http_timeout
            prefs.budget = settings.budget or prefs.budget
            prefs.accept_untrusted = settings.accept_untrusted
            prefs.remember_proxy(settings.proxy, system_proxy=settings.system_proxy)
            prefs.save()
        self.accept_untrusted_action.setChecked(settings.accept_untrusted)
        self.show_status("Probe settings changed; press Re-check to use them.")

    def _tools_resolver(self) -> None:
        from wizard.ui.tools_dialogs import ask_resolver

        self.apply_settings(ask_resolver(self.dialogs, self.session.settings))

    def _tools_ca_bundle(self) -> None:
        from wizard.ui.tools_dialogs import ask_ca_bundle

        self.apply_settings(ask_ca_bundle(self.dialogs, self.session.settings))

    def _tools_clear_ca_bundle(self) -> None:
        self.apply_settings(replace(self.session.settings, ca_bundle=None))

    def _tools_timeouts(self) -> None:
        from wizard.ui.tools_dialogs import TimeoutsDialog

        dialog = TimeoutsDialog(self.session.settings, self)
        if dialog.exec() == TimeoutsDialog.DialogCode.Accepted:
            self.apply_settings(dialog.settings())

    def _tools_proxy(self) -> None:
        from wizard.ui.tools_dialogs import ProxyDialog

        dialog = ProxyDialog(self.session.settings, self)
        if dialog.exec() == ProxyDialog.DialogCode.Accepted:
            self.apply_settings(dialog.settings())

    def _tools_accept_untrusted(self, checked: bool) -> None:
        if checked == self.session.settings.accept_untrusted:
            return
        if checked and not self.dialogs.confirm(
                "Accept untrusted certificates?",
                "Untrusted HTTPS certificates will be reported as warnings instead of failures.",
                "Exchange and Skype for Business do not accept them: the integration still fails until the "
                "certificates come from a CA both trust. Use this only to look past a known trust problem.",
                yes="Accept untrusted", no="Cancel"):
            self.accept_untrusted_action.setChecked(False)
            return
        self.apply_settings(replace(self.session.settings, accept_untrusted=checked))

    # ---- menus -------------------------------------------------------------------------------
    def _action(self, menu: QMenu, text: str, slot: object,
                shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
                name: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        if name:
            action.setObjectName(name)
        menu.addAction(action)
        self.addAction(action)  # shortcuts work wherever the focus is in the window
        return action

    def _build_menus(self) -> QMenuBar:
        bar = QMenuBar(self)
        bar.setObjectName("menu_bar")
        file_menu = bar.addMenu("&File")
        self._action(file_menu, "&New", self.new_scenario, QKeySequence.StandardKey.New, "action_new")
        self._action(file_menu, "&Open…", lambda _checked=False: self.open_scenario(), QKeySequence.StandardKey.Open,
                     "action_open")
        self.recent_menu = file_menu.addMenu("Open &recent")
        self._rebuild_recent_menu()
        file_menu.addSeparator()
        self._action(file_menu, "&Save", self.save, QKeySequence.StandardKey.Save, "action_save")
        self._action(file_menu, "Save &as…", self.save_as, QKeySequence.StandardKey.SaveAs, "action_save_as")
        file_menu.addSeparator()
        self._action(file_menu, "Export &scripts…", lambda _checked=False: self.exporter.export_scripts(), "Ctrl+E",
                     "action_export_scripts")
        self._action(file_menu, "Export r&eport…", lambda _checked=False: self.exporter.export_report(), "Ctrl+Shift+E",
                     "action_export_report")
        file_menu.addSeparator()
        self._action(file_menu, "Export co&llector scripts…", lambda _checked=False: self.exporter.export_collectors(),
                     name="action_export_collectors")
        self._action(file_menu, "&Import collected data…", lambda _checked=False: self.inside.ask_and_import(),
                     "Ctrl+I", "action_import_collected")
        self._action(file_menu, "&Trust graph and rotation plan", lambda _checked=False: self.show_trust_graph(),
                     name="action_trust_graph")
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.reject, QKeySequence.StandardKey.Quit, "action_quit")

        tools = bar.addMenu("&Tools")
        self._action(tools, "DNS &resolver…", self._tools_resolver, name="action_resolver")
        self._action(tools, "Extra &CA bundle…", self._tools_ca_bundle, name="action_ca_bundle")
        self._action(tools, "Use only the system &trust store", self._tools_clear_ca_bundle)
        self._action(tools, "T&imeouts…", self._tools_timeouts, name="action_timeouts")
        self._action(tools, "&Proxy for Microsoft 365…", self._tools_proxy, name="action_proxy")
        tools.addSeparator()
        self.accept_untrusted_action = QAction("Accept &untrusted certificates", self)
        self.accept_untrusted_action.setCheckable(True)
        self.accept_untrusted_action.setChecked(self.session.settings.accept_untrusted)
        self.accept_untrusted_action.toggled.connect(self._tools_accept_untrusted)
        tools.addAction(self.accept_untrusted_action)

        for number, page_id in enumerate((START_ID, *PHASE_IDS.values(), COMPLETION_ID), 1):  # Ctrl+1 … Ctrl+9
            step = QAction(f"Go to step {number}", self)
            step.setObjectName(f"action_step_{number}")
            step.setShortcut(QKeySequence(f"Ctrl+{number}"))
            step.triggered.connect(lambda _checked=False, page=page_id: self.go_to(page))
            self.addAction(step)

        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "&Help for this step", self.show_help, QKeySequence.StandardKey.HelpContents,
                     "action_help")
        self._action(help_menu, "Open &log folder", self.open_log_folder, name="action_log_folder")
        help_menu.addSeparator()
        self._action(help_menu, "&About", self.show_about, name="action_about")
        return bar

    def _rebuild_recent_menu(self) -> None:
        menu = self.recent_menu
        menu.clear()
        for number, name in enumerate(self.preferences.recent_files, 1):
            action = menu.addAction(f"&{number} {Path(name).name}")
            action.setToolTip(name)
            action.setData(name)
            action.triggered.connect(lambda _c=False, n=name: self.open_scenario(Path(n)))
        if not self.preferences.recent_files:
            empty = menu.addAction("(none)")
            empty.setEnabled(False)
        else:
            menu.addSeparator()
            menu.addAction("&Clear list", self._clear_recent)

    def _clear_recent(self) -> None:
        self.preferences.recent_files = []
        self.preferences.save()
        self._rebuild_recent_menu()


def _preload_core() -> None:
    """Import what the first check and the first script need; a failure here only costs time later."""
    try:
        import wizard.playbook.build
        import wizard.playbook.export
        import wizard.probes.registry
        import wizard.probes.runner  # noqa: F401
    except Exception:  # e.g. the program is already shutting down; the pages import on demand
        log.debug("warm-up import failed", exc_info=True)


def _install_menu_bar(wizard: QWizard, bar: QMenuBar) -> None:
    """QWizard has no menu bar; put ours at the top of the layout of its single content widget."""
    for child in wizard.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly):
        layout = child.layout()
        if layout is not None and child is not bar:
            layout.setMenuBar(bar)
            return
    log.warning("QWizard's content layout not found; the menu bar stays detached")
