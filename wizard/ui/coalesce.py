"""Coalesce bursts of model or probe notifications into one repaint per frame or so.

A verification delivers dozens of results within milliseconds; refreshing every list, icon and
progress bar for each one would stall the GUI thread (measured by benchmarks/responsiveness.py).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

FRAME_MS = 40


def coalesced(parent: QObject, slot: Callable[[], object], interval_ms: int = FRAME_MS) -> Callable[..., None]:
    """A function that schedules `slot` once within `interval_ms`, however often it is called."""
    timer = QTimer(parent)
    timer.setSingleShot(True)
    timer.setInterval(interval_ms)
    timer.timeout.connect(slot)

    def request(*_args: object) -> None:
        if not timer.isActive():
            timer.start()

    return request
