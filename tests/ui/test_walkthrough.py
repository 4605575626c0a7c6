"""A full walk through the wizard on the demo lab: every page's checks pass, and the exports are right."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel, QWizard

from tests.ui.helpers import click, click_next, wait_for_checks
from wizard.features import unsupported
from wizard.lab import Lab
from wizard.topology import Phase
from wizard.ui.pages.ids import PHASE_BY_ID
from wizard.ui.worker import Worker

pytestmark = pytest.mark.gui


@pytest.fixture
def lab():
    with Lab.start() as running:
        yield running


def test_demo_lab_walkthrough_passes_every_page_and_exports_scripts_and_report(lab, make_wizard, qtbot, tmp_path):
    wizard = make_wizard(lab.scenario, settings=lab.settings)
    dialogs = wizard.dialogs
    start = wizard.start_page

    # Start page: the task, then the topology (away and back, so the feature matrix and the steps follow).
    click(qtbot, start.groups[0].radios["setup"])
    assert wizard.model.scenario.mode == "setup"
    click(qtbot, start.groups[1].radios["online"])
    assert "Exchange Online" in start.topology_label.text()
    assert "Hybrid / online" in start.steps_label.text()
    click(qtbot, start.groups[1].radios["server"])
    assert "Hybrid / online" not in start.steps_label.text()
    assert wizard.model.scenario.topology == lab.scenario.topology
    works, not_works = start.features.counts()
    lost = unsupported(lab.scenario.topology)
    assert works > 10
    assert not_works == len(lost) and not_works >= 1  # Exchange SE, like 2019, has no Unified Messaging
    listed = start.features.toPlainText()
    assert f"Will not work ({len(lost)})" in listed
    assert "Exchange UM Voice Mail" in listed
    assert "Exchange Online EWS retirement" in listed  # said even where it takes nothing away
    assert start.findChild(QLabel, "support_exchange_version").text().startswith("Supported")  # the lab runs SE
    assert wizard.model.scenario.errors() == {}

    visited = []
    while True:
        click_next(qtbot, wizard)
        phase = PHASE_BY_ID[wizard.currentId()]
        visited.append(phase)
        states = wait_for_checks(qtbot, wizard)
        assert states, f"{phase.title} lists no checks"
        failing = {probe: state for probe, state in states.items() if state != "pass"}
        assert not failing, f"{phase.title}: {failing}"
        assert wizard.page_list.current_id == wizard.currentId()
        if phase is Phase.VERIFICATION:
            break
    assert visited == lab.scenario.topology.phases()
    assert Phase.HYBRID not in visited  # the on-premises lab skips the tenant page

    page = wizard.verification_page
    assert page.banner.status == "pass"
    assert "Ready" in page.banner.headline.text()
    assert len(page.checks.list.cards) == len(wizard.session.results())
    diagram = page.topology.diagram
    assert diagram is not None and {n.status for n in diagram.nodes} == {"pass"}
    assert not dialogs.titles("confirm"), "nothing failed, so nothing had to be confirmed"

    bundle = tmp_path / "bundle"
    dialogs.directory_path = bundle
    click(qtbot, page.export_scripts_button)
    names = {p.name for p in bundle.iterdir()}
    assert {"exchange-setup.ps1", "exchange-undo.ps1", "sfb-setup.ps1", "sfb-undo.ps1", "runbook.md",
            "runbook.html"} <= names
    sfb_script = (bundle / "sfb-setup.ps1").read_text(encoding="utf-8-sig")
    assert "New-CsPartnerApplication" in sfb_script
    assert "autodiscover.svc" in sfb_script
    assert str(bundle / "sfb-setup.ps1") in page.export_result.text()

    report = tmp_path / "report.html"
    dialogs.save_path = report
    click(qtbot, page.export_report_button)
    text = report.read_text(encoding="utf-8")
    assert lab.scenario.topology.label in text
    first = next(iter(wizard.session.results()))
    assert first.title.replace("'", "&#x27;") in text or first.title in text

    # Exporting over an earlier export asks first; "no" leaves the files alone.
    before = (bundle / "sfb-setup.ps1").stat().st_mtime_ns
    dialogs.confirm_answer = False
    click(qtbot, page.export_scripts_button)
    assert any("Replace files?" in text for text in dialogs.titles("confirm"))
    assert (bundle / "sfb-setup.ps1").stat().st_mtime_ns == before
    dialogs.confirm_answer = True
    click(qtbot, page.export_report_button)
    assert sum("Replace file" in text for text in dialogs.titles("confirm")) == 2

    # Next: the summary, with each step's status and what was exported where; Finish is only there.
    assert not wizard.button(QWizard.WizardButton.FinishButton).isVisible()
    click_next(qtbot, wizard)
    summary = wizard.currentPage()
    assert summary is wizard.completion_page
    assert "report: 1 file in" in summary.exported.text() and summary.open_report.isEnabled()
    assert "Ready: all" in summary.outcome.text() or "Not ready" not in summary.outcome.text()

    # Finish: the start page edits are unsaved, so the wizard asks (scripted: discard) and closes.
    click(qtbot, wizard.button(QWizard.WizardButton.FinishButton))
    assert dialogs.titles("save_changes")
    assert not wizard.isVisible()
    qtbot.waitUntil(lambda: Worker.active_count() == 0, timeout=10000)
