"""Verification page: pasted cmdlet output is decoded by the core, and the verification commands are shown."""

from __future__ import annotations

import pytest

from tests.ui.helpers import click
from wizard.scenario import example_scenario
from wizard.topology import Phase
from wizard.ui.pages.ids import PHASE_IDS

pytestmark = pytest.mark.gui


@pytest.fixture
def verification(make_wizard, dead_resolver_settings):
    wizard = make_wizard(example_scenario(), settings=dead_resolver_settings)
    wizard.setCurrentId(PHASE_IDS[Phase.VERIFICATION])
    wizard.session.cancel_all()
    return wizard, wizard.currentPage()


def test_pasted_code_50043_is_explained_with_the_svc_fix(verification, qtbot):
    _wizard, page = verification
    page.decoder.input.setPlainText("Test-CsExStorageConnectivity : ExCreateItem exchange operation failed, "
                                    "code=50043,")
    click(qtbot, page.decoder.decode_button)
    text = page.decoder.output.toPlainText()
    assert "code=50043" in text
    assert "autodiscover.svc" in text
    assert "Cause:" in text and "Fix:" in text


def test_text_without_a_known_error_says_so(verification, qtbot):
    _wizard, page = verification
    page.decoder.input.setPlainText("Everything went fine, Test Passed.")
    click(qtbot, page.decoder.decode_button)
    assert "No known error" in page.decoder.output.toPlainText()


def test_the_verification_commands_include_the_storage_connectivity_test(verification):
    _wizard, page = verification
    page.tabs.setCurrentWidget(page.commands)  # the scripts are rendered when their tab is shown
    scripts = "".join(tab.editor.toPlainText() for tab in page.commands.shell_tabs.values())
    assert "Test-CsExStorageConnectivity" in scripts
    assert "sip:jeff@jdskype.net" in scripts


def test_the_summary_carries_the_topologys_advisories(make_wizard, dead_resolver_settings, qtbot):
    """The support status and the EWS retirement, as verify's summary and the report say them."""
    import html

    from wizard.advisories import advisories
    from wizard.examples import example_for
    from wizard.topology import ExchangeKind, ExchangeVersion, SfbKind, SfbVersion, Topology

    topology = Topology(ExchangeKind.HYBRID, ExchangeVersion.V2019, SfbKind.SERVER, SfbVersion.V2015)
    wizard = make_wizard(example_for(topology), settings=dead_resolver_settings)
    wizard.setCurrentId(PHASE_IDS[Phase.VERIFICATION])
    wizard.session.cancel_all()
    banner = wizard.currentPage().banner
    expected = advisories(topology)
    assert [a.kind.value for a in expected] == ["support", "ews-retirement"]
    qtbot.waitUntil(lambda: not banner.advisories.isHidden(), timeout=5000)
    shown = banner.advisories.text()
    assert all(html.escape(a.headline) in shown for a in expected)
    assert "Exchange Server 2019" in shown and "Skype for Business Server 2015" in shown
    assert all(detail in banner.advisories.toolTip() for a in expected for detail in a.details)
