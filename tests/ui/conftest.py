"""GUI tests: every per-user folder (autosave, preferences, logs) goes to a temporary directory."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def isolated_user_folders(tmp_path, monkeypatch):
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(name, str(tmp_path / "user" / name.lower()))
    return tmp_path / "user"
