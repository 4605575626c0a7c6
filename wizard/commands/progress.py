"""Results as they finish, for `check` and `verify`: a live "N of M checks" line on a terminal, plain lines
(problems only) when the output is piped, so a slow run is never silent and a log stays readable."""

from __future__ import annotations

import threading
from typing import TextIO

from wizard.probes.result import ProbeResult, Status
from wizard.safe_text import clean_line


class Progress:
    """Streams results: a live line on a terminal, plain lines when piped (one check has one writer)."""

    def __init__(self, stream: TextIO, *, live: bool, per_result: bool) -> None:
        self.stream, self.live, self.per_result = stream, live, per_result
        self.lock = threading.Lock()
        self.done = 0
        self.planned = 0

    def planned_is(self, count: int) -> None:
        with self.lock:
            self.planned = max(self.planned, count)

    def result(self, result: ProbeResult) -> None:
        with self.lock:
            self.done += 1
            if self.live:
                self.stream.write(f"\r\033[K{self.done} of {max(self.planned, self.done)} checks"
                                  + (f"  {result.status.value}: {clean_line(result.title)[:60]}" if self.per_result
                                     else ""))
            elif self.per_result and result.status is not Status.PASS and result.status is not Status.SKIP:
                self.stream.write(f"  {result.status.value:7} {clean_line(result.title)}  [{clean_line(result.id)}]\n")
            self.stream.flush()

    def clear(self) -> None:
        if self.live:
            with self.lock:
                self.stream.write("\r\033[K")
                self.stream.flush()
