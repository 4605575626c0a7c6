"""The start page's Quick check: a user's address, the deployment discovered from the lab (values shown with
their sources and editable on their pages), then straight to Verification, which runs every check."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocumentFragment

from tests.ui.helpers import click, wait_for_checks
from wizard.lab import Lab
from wizard.scenario import Scenario
from wizard.topology import Phase
from wizard.ui.pages.ids import PHASE_IDS, START_ID

pytestmark = pytest.mark.gui


def plain(rich: str) -> str:
    return QTextDocumentFragment.fromHtml(rich).toPlainText()


def _discover(qtbot, wizard, address: str):
    box = wizard.start_page.quick
    box.address.setText(address)
    click(qtbot, box.discover_button)
    qtbot.waitUntil(lambda: box.discovery is not None and not box.running, timeout=30000)
    return box


@pytest.mark.parametrize("topology", ["hybrid", "teams"])
def test_discovered_values_fill_the_scenario_with_their_sources_and_verify_runs(make_wizard, qtbot, topology):
    with Lab.start((), topology=topology) as lab:
        wizard = make_wizard(Scenario(), settings=lab.settings)
        box = _discover(qtbot, wizard, "adele@contoso.com")
        scenario = wizard.model.scenario
        shown = box.details.toPlainText()
        assert scenario.tenant_id == "7c3b1f52-9e4a-4d6b-8f21-0a5c6d7e8f90"
        assert scenario.sfb == ("hybrid" if topology == "hybrid" else "teams")
        assert "from X-OWA-Version 15.2.2562.37" in shown
        if topology == "hybrid":
            assert scenario.pool_fqdns == ["pool01.contoso.com"]
            assert "from _sipinternaltls._tcp.contoso.com SRV" in shown
        assert box.check_button.isEnabled()
        # The values are the scenario's: the page shows them and an edit goes back to the model.
        wizard.model.set("test_mailbox", "megan@contoso.com")
        assert wizard.model.scenario.test_mailbox == "megan@contoso.com"
        wizard.model.set("test_mailbox", "adele@contoso.com")
        click(qtbot, box.check_button)
        assert wizard.currentId() == PHASE_IDS[Phase.VERIFICATION]
        states = wait_for_checks(qtbot, wizard, timeout=60000)
        assert states and set(states.values()) <= {"pass", "skip"}, {k: v for k, v in states.items()
                                                                      if v not in ("pass", "skip")}
        wizard.back()
        assert wizard.currentId() == START_ID


def test_an_address_whose_domain_publishes_nothing_cannot_be_verified(make_wizard, qtbot):
    with Lab.start(()) as lab:
        wizard = make_wizard(Scenario(), settings=lab.settings)
        box = _discover(qtbot, wizard, "nobody@fabrikam.com")
        assert not box.check_button.isEnabled()
        assert "The deployment was not found" in plain(box.status.text())
        assert "Find Exchange for the address" in box.details.toPlainText()


def test_a_bad_address_is_refused_in_place_and_nothing_runs(make_wizard, qtbot):
    wizard = make_wizard(Scenario())
    box = wizard.start_page.quick
    box.address.setText("not an address")
    qtbot.keyClick(box.address, Qt.Key.Key_Return)
    assert wizard.currentId() == START_ID  # Enter discovers; it does not also press Next
    assert not box.running and box.status.isVisible()
    assert plain(box.status.text()).startswith("Not started.")


def test_replacing_typed_values_asks_first(make_wizard, qtbot):
    with Lab.start(()) as lab:
        wizard = make_wizard(Scenario(), settings=lab.settings)
        wizard.model.set("pool_fqdns", ["typed.contoso.com"])
        wizard.dialogs.confirm_answer = False
        box = wizard.start_page.quick
        box.address.setText("adele@contoso.com")
        click(qtbot, box.discover_button)
        assert not box.running and wizard.model.scenario.pool_fqdns == ["typed.contoso.com"]
        assert [t.split(":")[0] for t in wizard.dialogs.titles("confirm")] == ["Replace the current values?"]


def test_stop_ends_the_lookups_at_once(make_wizard, qtbot):
    with Lab.start(("dns-silent",)) as lab:
        wizard = make_wizard(Scenario(), settings=lab.settings)
        box = wizard.start_page.quick
        box.address.setText("adele@contoso.com")
        click(qtbot, box.discover_button)
        assert box.running and box.discover_button.text() == "Stop"
        click(qtbot, box.discover_button)
        qtbot.waitUntil(lambda: not box.running, timeout=5000)
        assert "Discovery stopped." in plain(box.status.text())
        assert box.discover_button.text() == "&Discover"
