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
    scripts = "".join(tab.editor.toPlainText() for tab in page.commands.shell_tabs.values())
    assert "Test-CsExStorageConnectivity" in scripts
    assert "sip:jeff@jdskype.net" in scripts
