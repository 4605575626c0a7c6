"""Shared labs: one healthy lab per topology for the read-only tests of a module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from wizard.lab import Lab


@pytest.fixture(scope="module")
def lab() -> Iterator[Lab]:
    with Lab.start() as running:
        yield running
        assert running.errors == [], "the lab's own servers raised exceptions"


@pytest.fixture(scope="module")
def hybrid_lab() -> Iterator[Lab]:
    with Lab.start(topology="hybrid") as running:
        yield running
        assert running.errors == []


@pytest.fixture(scope="module")
def online_lab() -> Iterator[Lab]:
    with Lab.start(topology="online") as running:
        yield running
        assert running.errors == []
