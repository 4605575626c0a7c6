"""Quote values as PowerShell literals: the only way a user value may enter a generated script.

A single-quoted PowerShell string expands nothing ($, backtick, subexpressions stay text); the only
special character inside it is the quote itself, doubled to escape. PowerShell also treats the
typographic quotes U+2018..U+201B as single quotes, so they are doubled too (a pasted ’ would
otherwise end the string).
"""

from __future__ import annotations

from collections.abc import Iterable

_SINGLE_QUOTES = frozenset("'\u2018\u2019\u201a\u201b")


def literal(value: str) -> str:
    """`value` as one single-quoted PowerShell string literal."""
    if any(ord(c) < 32 and c not in "\t" for c in value):
        raise ValueError("control characters cannot be put into a PowerShell literal")
    return "'" + "".join(c + c if c in _SINGLE_QUOTES else c for c in value) + "'"


def array(values: Iterable[str]) -> str:
    """A PowerShell array of literals: @('a', 'b')."""
    return "@(" + ", ".join(literal(v) for v in values) + ")"


def boolean(value: bool) -> str:
    return "$true" if value else "$false"
