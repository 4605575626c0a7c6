"""Text from outside (a server, a collected file, a certificate, a file name) made safe for where it goes.

A realm or a certificate subject is data, never instructions: an escape sequence in it must not
retitle, clear or recolour the admin's terminal, a line break must not start a new log record or a
new script line, and a right-to-left override (U+202E) must not make a value read backwards. Every
sink calls one of these functions:

- `clean_line`: one line for a terminal, a log field, a script comment or a table cell;
- `clean_block`: the same, keeping line breaks (as \\n) for multi-line detail and evidence;
  `indented_block` prints such a block in a terminal under the item it belongs to;
- `shown`: makes hidden characters visible (\\x1b, \\r, \\u202e) for error messages, so an admin
  sees exactly what was typed or received;
- `html_escape` / `markdown_escape`: cleaned, then escaped for an HTML page or a Markdown file;
- `clean_result`: every outside text field of a ProbeResult cleaned (the probe and finding boundary).

Hidden means: C0 and C1 control characters (ESC, CR, LF, NUL, DEL, ...), Unicode format characters
(bidi controls U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C; zero-width U+200B-U+200D,
U+2060, U+FEFF, the soft hyphen, tag characters), line and paragraph separators, lone surrogates
and the non-characters U+FFFE/U+FFFF.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wizard.probes.result import ProbeResult

ELLIPSIS = "\u2026"
REPLACEMENT = "\ufffd"  # stands in for a lone surrogate (undecodable bytes), which cannot be encoded

# Line limits for clean_result: a server can send a megabyte of "title"; nobody reads past these.
LINE_LIMIT = 500
BLOCK_LIMIT = 20_000

_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_NONCHARACTERS = frozenset("\ufffe\uffff")
# Characters that end a line somewhere (a terminal, PowerShell, Python's splitlines, a log reader).
_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
# A whole ANSI control sequence (ESC [ ... final, or the 8-bit CSI): dropped as one, so no "[2J" is left.
_CSI = re.compile(r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def is_hidden(char: str) -> bool:
    """True for a character that controls a terminal or the text's direction, or cannot be seen."""
    return unicodedata.category(char) in _HIDDEN_CATEGORIES or char in _NONCHARACTERS


def hidden_characters(text: str) -> list[str]:
    """The distinct hidden characters in `text`, in order of appearance (tab counts: it is a control)."""
    return list(dict.fromkeys(c for c in text if is_hidden(c)))


def _cap(text: str, limit: int | None) -> str:
    if limit is None or len(text) <= limit:
        return text
    return text[:max(limit - 1, 0)] + ELLIPSIS


def _clean(text: str, *, keep_breaks: bool) -> str:
    text = _CSI.sub("", text)
    text = text.replace("\r\n", "\n" if keep_breaks else " ")
    out: list[str] = []
    for char in text:
        if not is_hidden(char):
            out.append(char)
        elif char in _LINE_BREAKS:
            out.append("\n" if keep_breaks else " ")
        elif char == "\t":
            out.append("\t" if keep_breaks else " ")
        elif unicodedata.category(char) == "Cs":
            out.append(REPLACEMENT)
    return "".join(out)


def clean_line(text: object, *, limit: int | None = None) -> str:
    """`text` as one line with nothing hidden: line breaks and tabs become spaces, other hidden
    characters and whole ANSI sequences are removed; cut to `limit` characters with an ellipsis."""
    return _cap(_clean(str(text), keep_breaks=False), limit)


def clean_block(text: object, *, limit: int | None = None) -> str:
    """Like clean_line, but line breaks (CR LF, CR, U+2028, ...) stay, as \\n, and tabs stay."""
    return _cap(_clean(str(text), keep_breaks=True), limit)


def indented_block(text: object, indent: str, *, limit: int | None = None) -> str:
    """clean_block for a terminal: every line after the first starts with `indent`, so multi-line
    detail stays under the item it belongs to and no line of it starts at the margin."""
    return ("\n" + indent).join(clean_block(text, limit=limit).splitlines())


def _visible(char: str) -> str:
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def shown(text: object, *, limit: int | None = None) -> str:
    """`text` on one line with every hidden character written out (\\r\\n, \\x00, \\x1b[2J, \\u202e),
    for an error message that quotes what was typed or received; at most `limit` characters, cut
    between two written-out characters, never inside one."""
    pieces = [_visible(c) if is_hidden(c) else c for c in str(text)]
    if limit is None or sum(map(len, pieces)) <= limit:
        return "".join(pieces)
    kept: list[str] = []
    room = max(limit - 1, 0)
    for piece in pieces:
        if len(piece) > room:
            break
        kept.append(piece)
        room -= len(piece)
    return "".join(kept) + ELLIPSIS


def html_escape(text: object, *, limit: int | None = None) -> str:
    """Cleaned text (line breaks kept, for <pre>) escaped for HTML text and quoted attribute values."""
    import html  # here, not at the top: the window's start-up imports this module but writes no HTML

    return html.escape(clean_block(text, limit=limit), quote=True)


# Characters that format Markdown anywhere in a line (emphasis, code, links, images, raw HTML, tables).
_MD_ANYWHERE = frozenset("`*_[]<|~")
_MD_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
# What makes a line a heading, quote, list item, rule or setext underline when it starts it.
_MD_LINE_START = re.compile(r"^(\s*)(?:(?P<mark>[#>+=-])|(?P<number>\d+)(?P<dot>[.)]))")
_ASCII_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def markdown_escape(text: object, *, limit: int | None = None) -> str:
    """Cleaned text on one line (whitespace folded), escaped so Markdown shows it as typed.

    Emphasis, code spans, links, images, raw HTML and entities are escaped, and table bars too, so
    a value never adds a column. A backslash before a letter (C:\\certs) is literal in Markdown and
    stays as it is; one before punctuation is doubled.
    """
    line = " ".join(clean_line(text, limit=limit).split())
    out: list[str] = []
    for index, char in enumerate(line):
        if char == "\\":
            following = line[index + 1:index + 2]
            out.append("\\\\" if following and following in _ASCII_PUNCTUATION else "\\")
        elif char in _MD_ANYWHERE:
            out.append("\\" + char)
        else:
            out.append(char)
    escaped = _MD_ENTITY.sub(r"\\&", "".join(out))
    return _MD_LINE_START.sub(_escape_line_start, escaped, count=1)


def _escape_line_start(match: re.Match[str]) -> str:
    """'# x' -> '\\# x', '1. x' -> '1\\. x': the line is text, not a heading or a list."""
    if match.group("mark"):
        return match.group(1) + "\\" + match.group("mark")
    return match.group(1) + match.group("number") + "\\" + match.group("dot")


def clean_result(result: ProbeResult) -> ProbeResult:
    """The result with every text that can hold outside data cleaned: title and target on one line,
    detail, remediation and evidence values with their line breaks; each capped (LINE_LIMIT/BLOCK_LIMIT)."""
    return dataclasses.replace(
        result,
        title=clean_line(result.title, limit=LINE_LIMIT),
        detail=clean_block(result.detail, limit=BLOCK_LIMIT),
        remediation=clean_block(result.remediation, limit=BLOCK_LIMIT),
        evidence=tuple(dataclasses.replace(item, label=clean_line(item.label, limit=LINE_LIMIT),
                                           value=clean_block(item.value, limit=BLOCK_LIMIT))
                       for item in result.evidence),
        target=clean_line(result.target, limit=LINE_LIMIT),
        tags=tuple(clean_line(tag, limit=LINE_LIMIT) for tag in result.tags),
        subjects=tuple(dataclasses.replace(s, value=clean_line(s.value, limit=LINE_LIMIT)) for s in result.subjects),
    )
