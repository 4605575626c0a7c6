"""With a lab fault switched on, the page of that phase shows the failure, opened, with its remediation."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QTextDocumentFragment

from tests.ui.helpers import click, click_next, wait_for_checks
from wizard.lab import Lab
from wizard.topology import Phase
from wizard.ui.pages.ids import PHASE_IDS

pytestmark = pytest.mark.gui

# fault -> (page, probe id that fails, words of its remediation)
CASES = {
    "weak-oauth-key": (Phase.CERTIFICATES, "certificates.oauth.key-size", "2048"),
    "missing-autodiscover-record": (Phase.AUTODISCOVER, "autodiscover.dns", "CNAME"),
    "metadata-404": (Phase.PARTNER_APPLICATIONS, "partner-applications.sfb-metadata:pool01.contoso.com",
                     "/metadata/json/1"),
}


def plain(rich: str) -> str:
    return QTextDocumentFragment.fromHtml(rich).toPlainText()


@pytest.mark.parametrize("fault", sorted(CASES))
def test_lab_fault_fails_on_its_page_with_remediation_and_next_asks_first(fault, make_wizard, qtbot):
    phase, probe_id, remedy = CASES[fault]
    with Lab.start([fault]) as lab:
        wizard = make_wizard(lab.scenario, settings=lab.settings)
        dialogs = wizard.dialogs
        while wizard.currentId() != PHASE_IDS[phase]:
            click_next(qtbot, wizard)
            wait_for_checks(qtbot, wizard)
        states = wait_for_checks(qtbot, wizard)
        assert states[probe_id] in ("fail", "error")
        card = wizard.currentPage().checks.list.cards[probe_id]
        assert card.body.isVisible(), "a failed check opens by itself"
        details = plain(card.body.text())
        assert "What to do" in details
        assert remedy in details
        result = wizard.session.result(probe_id)
        assert result.remediation and result.remediation.split()[0] in details

        entry = next(e for e in wizard.page_list.entries if e.page_id == PHASE_IDS[phase])
        assert entry.status in ("fail", "error")

        # Next is allowed, but only after confirming; "stay" keeps the page.
        dialogs.confirm_answer = False
        click_next(qtbot, wizard)
        assert wizard.currentId() == PHASE_IDS[phase]
        assert any("failed" in text for text in dialogs.titles("confirm"))
        dialogs.confirm_answer = True
        click_next(qtbot, wizard)
        assert wizard.currentId() != PHASE_IDS[phase]
        wizard.session.cancel_all()


def test_a_failed_check_can_be_rechecked_after_the_fix(make_wizard, qtbot):
    with Lab.start(["weak-oauth-key"]) as lab:
        wizard = make_wizard(lab.scenario, settings=lab.settings)
        wizard.setCurrentId(PHASE_IDS[Phase.CERTIFICATES])
        states = wait_for_checks(qtbot, wizard)
        assert states["certificates.oauth.key-size"] == "fail"
        page = wizard.currentPage()
        assert page.panel.rule_icons["key"].toolTip() == wizard.session.result("certificates.oauth.key-size").detail
        click(qtbot, page.checks.recheck)
        assert wizard.session.is_running(page.checks.key)
        states = wait_for_checks(qtbot, wizard)
        assert states["certificates.oauth.key-size"] == "fail"
