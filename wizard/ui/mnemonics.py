"""Unique Alt+letter mnemonics per page, so every field is reachable from the keyboard without clashes."""

from __future__ import annotations

# Letters the wizard's own buttons and menus use (Back, Next, Finish, Cancel, Help; File, Tools, Help menus).
RESERVED = frozenset("bnfcht")


class Mnemonics:
    """Hands out one letter per label; `label("SIP domain(s)")` -> "&SIP domain(s)"."""

    def __init__(self, taken: set[str] | frozenset[str] = RESERVED) -> None:
        self._taken = set(taken)

    def take(self, letter: str) -> None:
        self._taken.add(letter.lower())

    def label(self, text: str) -> str:
        plain = text.replace("&", "&&")
        candidates = [i for i, ch in enumerate(text) if ch.isalnum() and (i == 0 or not text[i - 1].isalnum())]
        candidates += [i for i, ch in enumerate(text) if ch.isalnum() and i not in candidates]
        for index in candidates:
            letter = text[index].lower()
            if letter not in self._taken:
                self._taken.add(letter)
                return plain[: _escaped_index(text, index)] + "&" + plain[_escaped_index(text, index):]
        return plain


def _escaped_index(text: str, index: int) -> int:
    """Position of text[index] once every '&' before it has been doubled."""
    return index + text[:index].count("&")
