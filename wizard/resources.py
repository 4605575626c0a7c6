"""Find bundled resources (feature tables, error knowledge, icons) from source and when frozen.

PyInstaller unpacks data next to `sys._MEIPASS`; from a source tree they live in ../resources.
Every module that reads a resource goes through here so the packaged .exe finds the same files.
"""

from __future__ import annotations

import json
import sys
from functools import cache
from pathlib import Path
from typing import Any


def resources_dir() -> Path:
    frozen_base = getattr(sys, "_MEIPASS", None)
    if frozen_base:
        return Path(frozen_base) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource_path(*parts: str) -> Path:
    path = resources_dir().joinpath(*parts)
    if not path.exists():
        raise FileNotFoundError(f"resource missing from this build: {'/'.join(parts)}")
    return path


@cache
def load_json(*parts: str) -> Any:
    """Parse a JSON resource once; callers must treat the result as read-only."""
    return json.loads(resource_path(*parts).read_text(encoding="utf-8"))
