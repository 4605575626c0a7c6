"""Hypothesis strategies for text from outside: escape sequences, line breaks, NUL, bidi and zero-width
characters mixed with ordinary text (shared by the safe_text, playbook, report, inside and log tests)."""

from __future__ import annotations

from hypothesis import strategies as st

from wizard.safe_text import is_hidden

# What a hostile server or a tampered collected file would send, piece by piece.
PIECES = [
    "\x1b[2J", "\x1b[H", "\x1b[31m", "\x1b[0m", "\x1b]0;pwned\x07", "\x1b]8;;https://evil.example\x1b\\", "\x1bc",
    "\x9b2J", "\x1b", "\r\n", "\r", "\n", "\x00", "\x07", "\x08", "\x7f", "\x85", "\x0b", "\x0c", "\t",
    "\u202e", "\u202d", "\u202a", "\u202b", "\u202c", "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f",
    "\u061c", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u2028", "\u2029", "\U000e0041",
    "\ud800", "\udfff", "\ufffe",
    "gpj.exe", "contoso.com", "CN=Microsoft Exchange Server Auth Certificate", "C:\\certs\\", "<script>", "</td>",
    "&amp;", "&#60;", "|", "`", "*", "_", "[x](javascript:alert(1))", "![i](https://evil.example/i.png)", "# ",
    "1. ", "> ", "- ", "~~", "\\", "\\|", "'", "\u2019", "\"", "$(whoami)", "; Remove-Item C:\\ -Recurse", "#>",
    "<#", "\u00e9t\u00e9", "\u4e2d\u6587", "\u05e9\u05dc\u05d5\u05dd", " ", "  ",
]

HOSTILE = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=6)), max_size=14).map("".join)

# Hostile text without lone surrogates: what a str decoded from UTF-8 JSON or a socket can hold.
ENCODABLE = HOSTILE.map(lambda text: "".join(c for c in text if not 0xD800 <= ord(c) <= 0xDFFF))


def hidden_in(text: str, *, allowed: str = "") -> list[str]:
    """The hidden characters of `text` other than `allowed` (e.g. the line ends of a file)."""
    return [c for c in text if is_hidden(c) and c not in allowed]
