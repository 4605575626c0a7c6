"""A benchmark's own per-user folders: the wizard's autosave, preferences and logs never touch the admin's."""

from __future__ import annotations

import os
import tempfile


def private_user_folders(prefix: str) -> str:
    """Point every XDG per-user folder at one new temporary folder (returned) for this process."""
    folder = tempfile.mkdtemp(prefix=prefix)
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        os.environ[name] = folder
    return folder
