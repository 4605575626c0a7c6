"""Counts as an admin reads them: '1 check', '3 checks', never 'check(s)'."""

from __future__ import annotations


def counted(count: int, word: str, plural: str = "") -> str:
    """The count with its noun, singular for one ('1 address', '2 addresses' with plural='addresses')."""
    return f"{count} {word if count == 1 else plural or word + 's'}"
