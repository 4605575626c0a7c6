"""The checks list reads problems first: each root cause with the checks it blocked under it, then the rest with
passes last; Problems only, Expand all / Collapse all and Copy as text work from the keyboard too."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from tests.ui.helpers import click, wait_for_checks
from wizard.lab import Lab
from wizard.probes.result import Status
from wizard.probes.summary import root_causes
from wizard.topology import Phase
from wizard.ui.pages.ids import PHASE_IDS
from wizard.ui.status_style import STALE, STATUS_COLOURS
from wizard.words import counted

pytestmark = pytest.mark.gui


@pytest.fixture
def untrusted_partner_page(make_wizard, qtbot):
    """Partner applications with an untrusted TLS certificate on the pool: one failure that blocks one check,
    and a check that passes."""
    with Lab.start(["untrusted-tls"]) as lab:
        wizard = make_wizard(lab.scenario, settings=lab.settings)
        wizard.setCurrentId(PHASE_IDS[Phase.PARTNER_APPLICATIONS])
        wait_for_checks(qtbot, wizard)
        yield wizard, wizard.currentPage().checks
        wizard.session.cancel_all()


def _listed_top_to_bottom(checks) -> list[str]:
    cards = checks.list.cards
    shown = [pid for pid in cards if not cards[pid].isHidden()]
    return sorted(shown, key=lambda pid: cards[pid].mapTo(checks.list.widget(), QPoint(0, 0)).y())


def test_a_root_cause_comes_first_with_the_check_it_blocked_under_it_and_passes_last(untrusted_partner_page, qtbot):
    wizard, checks = untrusted_partner_page
    results = [wizard.session.result(pid) for pid in checks.list.cards]
    (cause,) = root_causes(results)
    (blocked,) = cause.blocked
    passed = [r.id for r in results if r.status is Status.PASS]
    assert passed, "the lab's own metadata check passes"
    qtbot.waitUntil(lambda: _listed_top_to_bottom(checks) == checks.list.order, timeout=5000)
    assert checks.list.order == [cause.result.id, blocked.id, *passed]
    card = checks.list.cards[blocked.id]
    assert blocked.blocked_by == (cause.result.id,)
    assert card.layout().contentsMargins().left() > checks.list.cards[cause.result.id].layout().contentsMargins().left()
    assert f"blocked by “{cause.result.title}”" in card.status_text.toolTip()
    assert "Not checked: blocked" in card.status_text.text()
    header = checks.list.findChild(type(card.title), "problems_header")
    assert header.isVisibleTo(checks) and "1 root cause with the 1 check it blocked" in header.text()
    assert wizard.session.summary(Phase.PARTNER_APPLICATIONS).causes == 1  # the banner's count is the same


def test_problems_only_hides_the_passes_and_is_ticked_from_the_keyboard(untrusted_partner_page, qtbot):
    wizard, checks = untrusted_partner_page
    box = checks.problems_only
    assert box.focusPolicy() & Qt.FocusPolicy.TabFocus
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Space)
    assert box.isChecked()
    problems = {pid for pid in checks.list.cards if wizard.session.result(pid).status is not Status.PASS}
    assert set(checks.list.visible_ids()) == problems
    assert all(checks.list.cards[pid].isHidden() for pid in set(checks.list.cards) - problems)
    qtbot.keyClick(box, Qt.Key.Key_Space)
    assert set(checks.list.visible_ids()) == set(checks.list.cards)


def test_expand_all_opens_every_checked_card_and_collapse_all_closes_them(untrusted_partner_page, qtbot):
    _wizard, checks = untrusted_partner_page
    cards = checks.list.cards.values()
    assert any(not card.details.isVisibleTo(checks) for card in cards), "passes start closed"
    click(qtbot, checks.expand_all)
    assert all(card.details.isVisibleTo(checks) and card.body.text() for card in cards)
    click(qtbot, checks.collapse_all)
    assert not any(card.details.isVisibleTo(checks) for card in cards)


def test_copy_as_text_puts_title_status_detail_remedy_and_evidence_on_the_clipboard(untrusted_partner_page, qtbot):
    wizard, checks = untrusted_partner_page
    result = next(r for r in map(wizard.session.result, checks.list.cards) if r.status is Status.FAIL)
    card = checks.list.cards[result.id]
    QApplication.clipboard().clear()
    click(qtbot, card.copy_button)
    text = QApplication.clipboard().text()
    lines = text.splitlines()
    assert lines[0] == result.title
    assert lines[1] == "Status: Failed"
    assert f"Detail: {result.detail.splitlines()[0]}" in text
    assert f"What to do: {result.remediation.splitlines()[0]}" in text
    assert f"Target: {result.target}" in text and f"Check id: {result.id}" in text
    assert card.copy_button.text() == "Copied"

    # From the card's context menu (the menu key on its focused arrow), here for a check with evidence.
    with_evidence = next(r for r in map(wizard.session.result, checks.list.cards) if r.evidence)
    card = checks.list.cards[with_evidence.id]
    QApplication.clipboard().clear()
    assert card.contextMenuPolicy() is Qt.ContextMenuPolicy.CustomContextMenu
    menu = card.context_menu()
    (action,) = [a for a in menu.actions() if a.text() == "Copy as text"]
    action.trigger()
    text = QApplication.clipboard().text()
    assert text.splitlines()[0] == with_evidence.title
    assert all(f"{e.label}: {e.value}" in text.splitlines() for e in with_evidence.evidence)


def test_an_out_of_date_pass_is_not_shown_green(untrusted_partner_page, qtbot):
    wizard, checks = untrusted_partner_page
    passed = next(pid for pid in checks.list.cards if wizard.session.result(pid).status is Status.PASS)
    wizard.model.set("sfb_site", wizard.model.scenario.sfb_site + "x")
    card = checks.list.cards[passed]
    qtbot.waitUntil(lambda: card.out_of_date, timeout=5000)
    assert card.status_text.text().count(STATUS_COLOURS[STALE]) == 1
    assert STATUS_COLOURS[Status.PASS.value] not in card.status_text.text()
    assert card.as_text().splitlines()[1].startswith("Status: Out of date (was: Passed)")


def test_the_verification_checklist_lists_problems_of_every_step_above_the_steps(make_wizard, qtbot):
    with Lab.start(["untrusted-tls"]) as lab:
        wizard = make_wizard(lab.scenario, settings=lab.settings)
        wizard.setCurrentId(PHASE_IDS[Phase.VERIFICATION])
        wait_for_checks(qtbot, wizard)
        checks = wizard.currentPage().checks
        results = {pid: wizard.session.result(pid) for pid in checks.list.cards}
        causes = root_causes(list(results.values()))
        assert causes
        qtbot.waitUntil(lambda: _listed_top_to_bottom(checks) == checks.list.order, timeout=5000)
        first = [c.result.id for c in causes]
        order = checks.list.order
        assert order[0] == first[0]
        problems = [pid for pid in order if results[pid].status is not Status.PASS
                    and results[pid].status is not Status.SKIP]
        assert order[:len(problems)] == problems, "every problem is listed before any pass"
        assert all(results[pid].status is Status.PASS for pid in order[len(problems):]
                   if results[pid].status is not Status.SKIP)
        header = checks.list.findChild(type(checks.state), "problems_header")
        phase_header = checks.list.findChild(type(checks.state), f"phase_header_{Phase.PREREQUISITES.value}")
        assert header.y() < phase_header.y()
        assert counted(wizard.session.summary(None).causes, "root cause") in header.text()
        wizard.session.cancel_all()
