"""GUI tests: every per-user folder (autosave, preferences, logs) goes to a temporary directory."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def isolated_user_folders(tmp_path, monkeypatch):
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(name, str(tmp_path / "user" / name.lower()))
    return tmp_path / "user"


@pytest.fixture
def dead_resolver_settings():
    """Probe settings whose resolver is a closed loopback port: nothing can leave the machine."""
    import socket

    from wizard.probes.context import ProbeSettings

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return ProbeSettings(nameserver=("127.0.0.1", port), dns_timeout=0.3, http_timeout=0.5)


@pytest.fixture
def make_wizard(qtbot):
    """Build the real wizard with scripted dialogs; it is closed (without prompts) after the test."""
    from tests.ui.fakes import ScriptedDialogs
    from wizard.ui.app import build_wizard

    built = []

    def make(scenario=None, *, settings=None, show=True):
        wizard = build_wizard(scenario, settings=settings)
        wizard.set_dialogs(ScriptedDialogs())
        qtbot.addWidget(wizard)
        if show:
            wizard.show()
        built.append(wizard)
        return wizard

    yield make
    for wizard in built:
        wizard.session.cancel_all()
        wizard.model.discard_autosave()
        wizard.model.replace(wizard.model.scenario)  # not dirty: closing asks nothing
        wizard.close()
    qtbot.waitUntil(_workers_idle, timeout=10000)


def _workers_idle() -> bool:
    from wizard.ui.worker import Worker

    return Worker.active_count() == 0
