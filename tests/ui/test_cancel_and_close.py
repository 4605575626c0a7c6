"""Nothing the user does waits on the network: Stop, Back and closing the window return at once."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest
from PySide6.QtWidgets import QWizard

from tests.ui.helpers import click
from wizard.lab import Lab
from wizard.topology import Phase
from wizard.ui.pages.ids import PHASE_IDS, START_ID
from wizard.ui.worker import Worker

pytestmark = pytest.mark.gui

AT_ONCE_S = 0.5


@pytest.fixture
def silent_dns_lab():
    """A lab whose DNS server never answers for autodiscover, with probes told to wait 30 s for it."""
    with Lab.start(["dns-timeout"]) as lab:
        yield lab, replace(lab.settings, dns_timeout=30.0, http_timeout=30.0)


def _enter_prerequisites_while_waiting(make_wizard, qtbot, lab, settings):
    wizard = make_wizard(lab.scenario, settings=settings)
    wizard.setCurrentId(PHASE_IDS[Phase.PREREQUISITES])
    key = wizard.currentPage().checks.key
    qtbot.waitUntil(lambda: wizard.session.is_running(key), timeout=5000)
    # Let the fast checks report so that what is left is really waiting on the silent DNS server.
    qtbot.waitUntil(lambda: len(wizard.session.run_info(key).done) >= 3, timeout=10000)
    assert wizard.session.is_running(key)
    return wizard, key


def test_closing_the_window_while_probes_wait_returns_at_once(silent_dns_lab, make_wizard, qtbot):
    lab, settings = silent_dns_lab
    wizard, _key = _enter_prerequisites_while_waiting(make_wizard, qtbot, lab, settings)
    started = time.monotonic()
    wizard.close()
    assert time.monotonic() - started < AT_ONCE_S
    assert not wizard.isVisible()
    assert not wizard.session.is_running()
    # The cancelled run's sockets were closed, so its threads end long before the 30 s timeout.
    qtbot.waitUntil(lambda: Worker.active_count() == 0, timeout=5000)


def test_stop_ends_the_wait_at_once_and_recheck_runs_again(silent_dns_lab, make_wizard, qtbot):
    lab, settings = silent_dns_lab
    wizard, key = _enter_prerequisites_while_waiting(make_wizard, qtbot, lab, settings)
    checks = wizard.currentPage().checks
    assert checks.stop.isEnabled() and not checks.recheck.isEnabled()
    assert not wizard.currentPage().isComplete(), "Next waits for running checks (or Stop)"
    started = time.monotonic()
    click(qtbot, checks.stop)
    assert time.monotonic() - started < AT_ONCE_S
    assert not wizard.session.is_running(key)
    assert checks.progress.format() == "Stopped"
    assert checks.recheck.isEnabled()
    assert wizard.currentPage().isComplete()
    qtbot.waitUntil(lambda: Worker.active_count() == 0, timeout=5000)
    click(qtbot, checks.recheck)
    assert wizard.session.is_running(key)
    wizard.session.cancel_all()


def test_back_leaves_the_page_without_waiting(silent_dns_lab, make_wizard, qtbot):
    lab, settings = silent_dns_lab
    wizard, key = _enter_prerequisites_while_waiting(make_wizard, qtbot, lab, settings)
    started = time.monotonic()
    click(qtbot, wizard.button(QWizard.WizardButton.BackButton))
    assert time.monotonic() - started < AT_ONCE_S
    assert wizard.currentId() == START_ID
    assert not wizard.session.is_running(key)
    qtbot.waitUntil(lambda: Worker.active_count() == 0, timeout=5000)
