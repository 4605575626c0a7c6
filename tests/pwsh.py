"""Parse PowerShell with tree-sitter-powershell: syntax errors and the commands a script would run.

Shared by every test that checks generated PowerShell. Known false errors of this grammar: bare-word
lists (`Select-Object Name, Uri`; write -Property 'Name', 'Uri') and a one-line
`function T { param($a) $a }`; generated code avoids both.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import tree_sitter_powershell
from tree_sitter import Language, Node, Parser


@cache
def _parser() -> Parser:
    return Parser(Language(tree_sitter_powershell.language()))


@dataclass(frozen=True)
class ParsedScript:
    errors: tuple[str, ...]  # "ERROR at line:col: text" / "MISSING ..." for every bad node
    commands: tuple[str, ...]  # command_name nodes, in source order
    strings: tuple[str, ...]  # the decoded value of every single-quoted (verbatim) string literal
    expandable: tuple[str, ...]  # the raw text of every double-quoted string

    @property
    def ok(self) -> bool:
        return not self.errors


def _decode_verbatim(text: str) -> str:
    """'It''s' -> It's (PowerShell doubles any of its single quote characters inside such a literal)."""
    inner = text[1:-1]
    out, i = [], 0
    quotes = "'\u2018\u2019\u201a\u201b"
    while i < len(inner):
        out.append(inner[i])
        if inner[i] in quotes and i + 1 < len(inner) and inner[i + 1] in quotes:
            i += 1
        i += 1
    return "".join(out)


def parse(text: str) -> ParsedScript:
    """Parse script text (a leading BOM is ignored)."""
    source = text.removeprefix("\ufeff").encode("utf-8")
    tree = _parser().parse(source)
    errors: list[str] = []
    commands: list[str] = []
    strings: list[str] = []
    expandable: list[str] = []

    def walk(node: Node) -> None:
        if node.type == "ERROR" or node.is_missing:
            row, col = node.start_point
            kind = "MISSING" if node.is_missing else "ERROR"
            errors.append(f"{kind} at {row + 1}:{col + 1}: {node.text.decode('utf-8', 'replace')[:80]!r}")
        if node.type == "command_name":
            commands.append(node.text.decode("utf-8"))
        elif node.type == "verbatim_string_characters":
            strings.append(_decode_verbatim(node.text.decode("utf-8")))
        elif node.type == "expandable_string_literal":
            expandable.append(node.text.decode("utf-8"))
        for child in node.children:
            walk(child)

    walk(tree.root_node)
    return ParsedScript(tuple(errors), tuple(commands), tuple(strings), tuple(expandable))


def command_names(text: str) -> list[str]:
    """The ordered command names of a script that must parse cleanly."""
    parsed = parse(text)
    assert parsed.ok, "\n".join(parsed.errors)
    return list(parsed.commands)
