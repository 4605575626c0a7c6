"""Fixtures for the packaging tests: an isolated application log per test."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from wizard import logs


@pytest.fixture
def app_log(tmp_path: Path) -> Iterator[Path]:
    """setup_logging into tmp_path; the handler is removed again so tests do not share a file."""
    root = logging.getLogger()
    level = root.level
    path = logs.setup_logging(logging.DEBUG, directory=tmp_path / "logs")
    try:
        yield path
    finally:
        for handler in [h for h in root.handlers if isinstance(h, logs._WizardLogHandler)]:
            root.removeHandler(handler)
            handler.close()
        root.setLevel(level)
