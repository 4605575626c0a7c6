"""Quote values as PowerShell literals: the only way a user value may enter a generated script.

A single-quoted PowerShell string expands nothing ($, backtick, subexpressions stay text); the only
special character inside it is the quote itself, doubled to escape. PowerShell also treats the
typographic quotes U+2018..U+201B as single quotes, so they are doubled too (a pasted ’ would
otherwise end the string).

Nothing hidden may enter a literal: a control character could end the line, and a bidi control
(U+202E) or a zero-width character would make the script read differently from what runs. Typed
values are refused by their validator first (wizard.validation); text from outside (a collected
file, a server) is validated too (rules.quoted_host) or cleaned first: literal(safe_text.clean_line(x)).
"""

from __future__ import annotations

from collections.abc import Iterable

from wizard.safe_text import hidden_characters, shown

_SINGLE_QUOTES = frozenset("'\u2018\u2019\u201a\u201b")


def literal(value: str) -> str:
    """`value` as one single-quoted PowerShell string literal; a hidden character (other than a tab) is refused."""
    hidden = [c for c in hidden_characters(value) if c != "\t"]
    if hidden:
        raise ValueError(f"control characters cannot be put into a PowerShell literal ({shown(''.join(hidden))} in "
                         f"{shown(value, limit=80)})")
    return "'" + "".join(c + c if c in _SINGLE_QUOTES else c for c in value) + "'"


def array(values: Iterable[str]) -> str:
    """A PowerShell array of literals: @('a', 'b')."""
    return "@(" + ", ".join(literal(v) for v in values) + ")"


def boolean(value: bool) -> str:
    return "$true" if value else "$false"
