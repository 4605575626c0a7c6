"""Parse PowerShell with tree-sitter-powershell: syntax errors, the commands run, the strings and .NET members used.

The one parse helper for every test that checks generated PowerShell (tests/playbook, tests/inside, ...).
Known false errors of this grammar: bare-word lists (`Select-Object Name, Uri`; write
-Property 'Name', 'Uri') and a one-line `function T { param($a) $a }`; generated code avoids both.
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
    commands: tuple[str, ...]  # command names in source order (Get-X, ForEach-Object, iisreset, ...)
    nameless_commands: tuple[str, ...]  # commands without a plain name: & $block, . $script
    static_members: tuple[str, ...]  # [Type]::Member uses, e.g. [System.IO.File]::WriteAllText
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
    nameless: list[str] = []
    statics: list[str] = []
    strings: list[str] = []
    expandable: list[str] = []

    def snippet(node: Node) -> str:
        return source[node.start_byte:node.end_byte].decode("utf-8", "replace")

    stack = [tree.root_node]  # explicit stack, source (pre-)order: deep scripts never hit the recursion limit
    while stack:
        node = stack.pop()
        stack.extend(reversed(node.children))
        if node.type == "ERROR" or node.is_missing:
            row, col = node.start_point
            kind = "MISSING" if node.is_missing else "ERROR"
            errors.append(f"{kind} at {row + 1}:{col + 1}: {snippet(node)[:80]!r}")
        if node.type == "command":
            name = next((c for c in node.children if c.type == "command_name"), None)
            if name is None:
                nameless.append(snippet(node)[:60])
            else:
                commands.append(snippet(name))
        elif node.type == "type_literal" and node.parent is not None and node.parent.type in (
                "invokation_expression", "member_access"):
            member = node.next_named_sibling
            statics.append(f"{snippet(node)}::{snippet(member) if member is not None else ''}")
        elif node.type == "verbatim_string_characters":
            strings.append(_decode_verbatim(snippet(node)))
        elif node.type == "expandable_string_literal":
            expandable.append(snippet(node))
    return ParsedScript(tuple(errors), tuple(commands), tuple(nameless), tuple(statics), tuple(strings),
                        tuple(expandable))


def command_names(text: str) -> list[str]:
    """The ordered command names of a script that must parse cleanly."""
    parsed = parse(text)
    assert parsed.ok, "\n".join(parsed.errors)
    return list(parsed.commands)
