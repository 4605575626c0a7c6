"""The window's status is always true: out-of-date results are never green, Stop leaves unfinished checks "not run",
the step list and the page's banner read one summary, Next asks once, and navigation does what admins expect
(clickable steps, Ctrl+number, Alt+N never finishes, Esc asks while checks run, a summary page at the end)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWizard

from tests.ui.helpers import click, click_next, wait_for_checks
from wizard.lab import Lab
from wizard.probes.result import Status
from wizard.scenario import Scenario
from wizard.topology import Phase
from wizard.ui.dialogs import Dialogs
from wizard.ui.pages.ids import COMPLETION_ID, PHASE_IDS, START_ID
from wizard.words import counted

pytestmark = pytest.mark.gui


def entry(wizard, phase: Phase):
    return next(e for e in wizard.page_list.entries if e.page_id == PHASE_IDS[phase])


def settle(qtbot, wizard, phase: Phase, status: str) -> None:
    qtbot.waitUntil(lambda: entry(wizard, phase).status == status, timeout=20000)


def test_a_changed_value_makes_passed_checks_out_of_date_and_next_says_so_once(make_wizard, qtbot):
    with Lab.start(()) as lab:
        wizard = make_wizard(lab.scenario, settings=lab.settings)
        wizard.go_to(PHASE_IDS[Phase.PREREQUISITES])
        wait_for_checks(qtbot, wizard)
        settle(qtbot, wizard, Phase.PREREQUISITES, "pass")
        wizard.model.set("pool_fqdns", ["pool99.contoso.com"])  # a wrong pool name typed after the checks passed
        settle(qtbot, wizard, Phase.PREREQUISITES, "stale")
        summary = wizard.step_summary(Phase.PREREQUISITES)
        assert summary.status == "stale" and summary.headline.startswith("Out of date")
        dialogs = wizard.dialogs
        click_next(qtbot, wizard)
        assert wizard.currentId() != PHASE_IDS[Phase.PREREQUISITES]
        assert [t.split(":")[0] for t in dialogs.titles("confirm")] == ["Checks out of date"]
        wizard.back()
        wizard.session.cancel_all()
        click_next(qtbot, wizard)  # the same problems were accepted on this page: not asked again
        assert len(dialogs.titles("confirm")) == 1


def test_stop_leaves_unfinished_checks_not_run_and_the_step_never_green(make_wizard, qtbot):
    with Lab.start(("slow",)) as lab:
        wizard = make_wizard(lab.scenario, settings=lab.settings)
        wizard.go_to(PHASE_IDS[Phase.VERIFICATION])
        page = wizard.currentPage()
        qtbot.waitUntil(wizard.session.is_running, timeout=5000)
        click(qtbot, page.checks.stop)
        assert not wizard.session.is_running()
        summary = wizard.step_summary(Phase.VERIFICATION)
        assert summary.counts[Status.NOT_RUN.value] > 0
        assert summary.status not in ("pass", "running")
        not_run = [r for r in summary.current if r.status is Status.NOT_RUN]
        assert not_run and "stopped before this one finished" in not_run[0].detail
        settle(qtbot, wizard, Phase.VERIFICATION, summary.status)
        qtbot.waitUntil(lambda: page.banner.status == summary.status, timeout=5000)


@pytest.mark.parametrize(("fault", "status"), [("metadata-404", "fail"), ((), "pass")])
def test_step_list_banner_and_headline_agree(make_wizard, qtbot, fault, status):
    with Lab.start(fault) as lab:
        wizard = make_wizard(lab.scenario, settings=lab.settings)
        wizard.go_to(PHASE_IDS[Phase.VERIFICATION])
        page = wizard.currentPage()
        wait_for_checks(qtbot, wizard, timeout=60000)
        settle(qtbot, wizard, Phase.VERIFICATION, status)
        qtbot.waitUntil(lambda: page.banner.status == status, timeout=5000)
        summary = wizard.step_summary(Phase.VERIFICATION)
        headline = page.banner.headline.text()
        assert summary.headline.replace("'", "&#x27;") in headline or summary.headline in headline
        assert status == "pass" or summary.detail in headline.replace("&#x27;", "'")  # a pass: the headline counts
        if status == "fail":
            assert counted(summary.causes, "problem") in summary.headline
            assert summary.counts["fail"] + summary.counts["error"] >= summary.causes


def test_steps_are_clickable_and_ctrl_number_goes_there_and_back_returns(make_wizard, qtbot):
    wizard = make_wizard(Scenario(), settings=None)
    label = wizard.page_list._rows[3][1]  # step 4, Autodiscover
    assert label.reachable
    qtbot.mouseClick(label, Qt.MouseButton.LeftButton)
    assert wizard.currentId() == PHASE_IDS[Phase.AUTODISCOVER]
    wizard.session.cancel_all()
    next(a for a in wizard.actions() if a.objectName() == "action_step_8").trigger()
    assert wizard.currentId() == PHASE_IDS[Phase.VERIFICATION]
    wizard.session.cancel_all()
    wizard.back()
    assert wizard.currentId() == PHASE_IDS[Phase.AUTODISCOVER]
    wizard.go_to(START_ID)
    assert wizard.currentId() == START_ID


def test_a_step_the_topology_skips_cannot_be_chosen(make_wizard):
    scenario = Scenario()
    scenario.update({"exchange": "online", "sfb": "teams", "tenant_domain": "contoso.onmicrosoft.com"})
    wizard = make_wizard(scenario)
    row = [e.page_id for e in wizard.page_list.entries].index(PHASE_IDS[Phase.CERTIFICATES])
    assert not wizard.page_list._rows[row][1].reachable
    wizard.go_to(PHASE_IDS[Phase.CERTIFICATES])
    assert wizard.currentId() == START_ID


def test_alt_n_on_verification_opens_the_summary_and_never_closes(make_wizard, qtbot):
    with Lab.start(()) as lab:
        wizard = make_wizard(lab.scenario, settings=lab.settings)
        wizard.go_to(PHASE_IDS[Phase.VERIFICATION])
        wait_for_checks(qtbot, wizard, timeout=60000)
        assert wizard.button(QWizard.WizardButton.FinishButton).text() == "Finish"
        qtbot.keyClick(wizard, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
        qtbot.waitUntil(lambda: wizard.currentId() == COMPLETION_ID, timeout=5000)
        assert wizard.isVisible()
        page = wizard.completion_page
        assert "Ready: all" in page.outcome.text()
        # Each step's line counts its own checks: together they are the headline's total, none counted twice.
        whole = wizard.step_summary(Phase.VERIFICATION)
        lines = page._summaries()
        assert sum(summary.planned for _phase, summary in lines) == whole.planned
        assert f"all {whole.planned} checks passed" in page.outcome.text()
        assert "Verification&#x27;s own checks" in page.outcome.text()
        assert "Nothing yet" in page.exported.text() and not page.open_report.isEnabled()
        assert "Save the report" in page.next.text()


def test_next_asks_with_dont_ask_again_and_then_never_for_this_scenario(make_wizard, qtbot):
    with Lab.start(("metadata-404",)) as lab:
        wizard = make_wizard(lab.scenario, settings=lab.settings)
        dialogs = wizard.dialogs
        dialogs.option_answer = True
        wizard.go_to(PHASE_IDS[Phase.PARTNER_APPLICATIONS])
        wait_for_checks(qtbot, wizard)
        click_next(qtbot, wizard)
        asked = dialogs.titles("confirm")
        assert len(asked) == 1 and asked[0].startswith("Checks failed") and "Don't ask again" in asked[0]
        assert "The integration will not work until they pass" in asked[0]
        wizard.session.cancel_all()
        wizard.back()
        wait_for_checks(qtbot, wizard)
        click_next(qtbot, wizard)
        assert len(dialogs.titles("confirm")) == 1


def test_in_setup_mode_next_says_the_commands_fix_the_failures(make_wizard, qtbot):
    with Lab.start(("metadata-404",)) as lab:
        scenario = lab.scenario
        scenario.set("mode", "setup")
        wizard = make_wizard(scenario, settings=lab.settings)
        wizard.go_to(PHASE_IDS[Phase.PARTNER_APPLICATIONS])
        wait_for_checks(qtbot, wizard)
        click_next(qtbot, wizard)
        assert "the commands on the PowerShell tab are what fixes them" in wizard.dialogs.titles("confirm")[0]


def test_a_later_steps_invalid_value_does_not_stop_prerequisites(make_wizard, qtbot):
    with Lab.start((), topology="hybrid") as lab:
        scenario = lab.scenario
        scenario.set("tenant_domain", "not a domain")  # a value of the Hybrid / online page
        wizard = make_wizard(scenario, settings=lab.settings)
        assert wizard.session.blocked_reason(Phase.PREREQUISITES) is None
        assert wizard.session.blocked_reason(None)
        wizard.go_to(PHASE_IDS[Phase.PREREQUISITES])
        assert wizard.session.is_running(Phase.PREREQUISITES.value)


def test_esc_asks_while_checks_run_and_closes_when_nothing_is_pending(make_wizard, qtbot):
    with Lab.start(("slow",)) as lab:
        wizard = make_wizard(lab.scenario, settings=lab.settings)
        wizard.go_to(PHASE_IDS[Phase.VERIFICATION])
        qtbot.waitUntil(wizard.session.is_running, timeout=5000)
        wizard.dialogs.confirm_answer = False
        qtbot.keyClick(wizard, Qt.Key.Key_Escape)
        assert wizard.isVisible()
        assert wizard.dialogs.titles("confirm")[0].startswith("Close the wizard?")
        wizard.session.cancel_all()
        wizard.model.replace(wizard.model.scenario)  # nothing unsaved
        qtbot.keyClick(wizard, Qt.Key.Key_Escape)
        assert not wizard.isVisible()


def test_crash_restore_defaults_to_restore(qtbot):
    seen: list[str] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append(box.defaultButton().text())
            box.defaultButton().click()

    QTimer.singleShot(0, answer)
    assert Dialogs(None).confirm("Restore unsaved work?", "x", yes="Restore", no="Start new", default_yes=True)
    assert seen == ["Restore"]


def test_the_window_takes_the_demo_labs_faults_and_topology():
    from wizard.ui.app import _parse

    parsed = _parse(["--fault", "metadata-404", "--demo-topology", "hybrid"])
    assert parsed.demo and parsed.faults == ("metadata-404",) and parsed.topology == "hybrid"
    with pytest.raises(SystemExit) as refused:
        _parse(["--fault", "unknown-tenant"])  # not a fault of the default on-premises lab
    assert refused.value.code == 2


def test_a_box_of_the_topology_picture_leads_to_the_step_of_its_worst_check(make_wizard, qtbot):
    with Lab.start(("metadata-404",)) as lab:
        wizard = make_wizard(lab.scenario, settings=lab.settings)
        wizard.go_to(PHASE_IDS[Phase.VERIFICATION])
        wait_for_checks(qtbot, wizard, timeout=60000)
        picture = wizard.currentPage().topology
        assert picture.property("navigates")
        pool = next(n for n in picture.diagram.nodes if n.id.startswith("pool:"))
        picture.nodeActivated.emit(pool.id, list(pool.results))
        assert wizard.currentId() == PHASE_IDS[Phase.PARTNER_APPLICATIONS]
        wizard.session.cancel_all()
        wizard.go_to(START_ID)
        start_picture = wizard.start_page.picture
        wizard.update_side_panel()
        start_picture.nodeActivated.emit("autodiscover", [])
        assert wizard.currentId() == PHASE_IDS[Phase.AUTODISCOVER]


def test_window_size_and_splitters_are_remembered(make_wizard, qtbot):
    from PySide6.QtCore import QSize

    wizard = make_wizard(Scenario())
    screen = wizard.screen().availableGeometry()
    assert wizard.width() <= screen.width() and wizard.height() <= screen.height()
    wizard.resize(QSize(790, 540))
    wizard.go_to(PHASE_IDS[Phase.AUTODISCOVER])
    page = wizard.currentPage()
    qtbot.waitUntil(lambda: page.splitter.sizes()[0] > 0, timeout=5000)
    sizes = page.splitter.sizes()
    page.splitter.setSizes([sizes[0] + 40, sizes[1] - 40])
    moved = page.splitter.sizes()
    wizard.session.cancel_all()
    wizard.model.replace(wizard.model.scenario)
    wizard.close()
    again = make_wizard(Scenario())
    assert (again.width(), again.height()) == (790, 540)
    again.go_to(PHASE_IDS[Phase.AUTODISCOVER])
    page = again.currentPage()
    qtbot.waitUntil(lambda: page.splitter.sizes() == moved, timeout=5000)


def test_the_pages_own_line_reads_the_same_summary(make_wizard, qtbot):
    with Lab.start(()) as lab:
        wizard = make_wizard(lab.scenario, settings=lab.settings)
        wizard.go_to(PHASE_IDS[Phase.AUTODISCOVER])
        wait_for_checks(qtbot, wizard)
        state = wizard.currentPage().checks.state
        qtbot.waitUntil(lambda: state.text().startswith("Ready: all"), timeout=5000)
        wizard.model.set("sip_domains", ["fabrikam.com"])
        qtbot.waitUntil(lambda: state.text().startswith("Out of date"), timeout=5000)
        assert wizard.step_summary(Phase.AUTODISCOVER).headline in state.text()


def test_a_defect_while_asking_before_leaving_is_logged_and_next_goes_on(make_wizard, qtbot, caplog):
    with Lab.start(("metadata-404",)) as lab:
        wizard = make_wizard(lab.scenario, settings=lab.settings)
        wizard.go_to(PHASE_IDS[Phase.PARTNER_APPLICATIONS])
        wait_for_checks(qtbot, wizard)

        def broken(*_args, **_kwargs):
            raise RuntimeError("a defect in the dialog")

        wizard.dialogs.confirm_with_option = broken
        assert wizard.currentPage().validatePage() is True
        assert "asking before leaving partner-applications failed" in caplog.text
