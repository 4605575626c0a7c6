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


RUNTIME_COMMANDS = frozenset({"Add-IntegrationRecord", "Get-IntegrationRecord", "Complete-IntegrationRecord",
                              "Stop-IntegrationStep", "Assert-NativeSuccess"})


def step_command_names(text: str) -> list[str]:
    """The commands of an exported script's steps, in order: each step's banner (Write-Host) and the commands
    of its try block, leaving out the shared runtime (preamble, needs check, record calls, final line)."""
    parsed = parse(text)
    assert parsed.ok, "\n".join(parsed.errors)
    source = text.removeprefix("\ufeff").encode("utf-8")
    tree = _parser().parse(source)
    names: list[str] = []
    lists = [c for c in tree.root_node.children if c.type == "statement_list"]
    statements = lists[0].children if lists else []
    for index, node in enumerate(statements):
        if node.type != "try_statement":
            continue
        catch = next((c for c in node.children if c.type == "catch_clauses"), None)
        if catch is None or b"Stop-IntegrationStep" not in source[catch.start_byte:catch.end_byte]:
            continue
        banner = statements[index - 1] if index else None
        if banner is not None and source[banner.start_byte:banner.end_byte].startswith(b"Write-Host"):
            names.append("Write-Host")
        body = next(c for c in node.children if c.type == "statement_block")
        stack = [body]
        while stack:
            current = stack.pop()
            stack.extend(reversed(current.children))
            if current.type == "command":
                name = next((c for c in current.children if c.type == "command_name"), None)
                if name is not None:
                    text_name = source[name.start_byte:name.end_byte].decode()
                    if text_name not in RUNTIME_COMMANDS:
                        names.append(text_name)
    return names


def body_command_names(text: str) -> list[str]:
    """The commands of one step's PowerShell (a Step.command or Step.undo), without the shared runtime's."""
    return [name for name in command_names(text) if name not in RUNTIME_COMMANDS]
