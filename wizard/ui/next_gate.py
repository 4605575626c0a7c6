"""When Next asks before leaving a step whose checks failed or are out of date: once per page and set of
problems, and never again for this scenario once the admin says so (a new or opened scenario asks again)."""

from __future__ import annotations

from wizard.topology import Phase


class NextGate:
    def __init__(self) -> None:
        self.dont_ask = False
        self.jumping = False  # the step list chose a page: its status is in view, so no question
        self._accepted: dict[Phase, frozenset[str]] = {}

    def should_ask(self, phase: Phase, problems: frozenset[str]) -> bool:
        """Ask unless told not to, or these problems (or fewer) were already accepted on this page."""
        return not (self.dont_ask or self.jumping) and not problems <= self._accepted.get(phase, frozenset())

    def accepted(self, phase: Phase, problems: frozenset[str], *, dont_ask_again: bool) -> None:
        self._accepted[phase] = problems
        self.dont_ask = self.dont_ask or dont_ask_again

    def reset(self) -> None:
        """Another scenario: its problems have not been seen."""
        self.dont_ask = False
        self._accepted.clear()
