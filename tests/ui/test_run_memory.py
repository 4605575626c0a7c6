"""A finished run lets go of its probes, scenario snapshot and context (trust stores, answers, bodies)."""

from __future__ import annotations

import gc
import weakref

import pytest

from wizard.lab import Lab
from wizard.ui.probe_session import ALL

pytestmark = pytest.mark.gui


def test_a_finished_verification_frees_its_probe_context(make_wizard, qtbot):
    with Lab.start() as lab:
        wizard = make_wizard(lab.scenario, settings=lab.settings, show=False)
        session = wizard.session
        session.cancel_all()
        assert session.run(ALL, None) is None
        context = weakref.ref(session.run_info(ALL).context)
        qtbot.waitUntil(lambda: not session.is_running(ALL), timeout=30000)
        assert session.results()
        qtbot.waitUntil(lambda: context() is None or gc.collect() < 0, timeout=5000)
