"""Parse PowerShell with tree-sitter-powershell: syntax errors, the commands run, the .NET members used."""

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
    errors: tuple[str, ...]  # "line:col text" of every ERROR or MISSING node
    commands: tuple[str, ...]  # command names in source order (Get-X, ForEach-Object, iisreset, ...)
    nameless_commands: tuple[str, ...]  # commands without a plain name: & $block, . $script
    static_members: tuple[str, ...]  # [Type]::Member uses, e.g. [System.IO.File]::WriteAllText


def parse(text: str) -> ParsedScript:
    source = text.encode("utf-8")
    tree = _parser().parse(source)
    errors: list[str] = []
    commands: list[str] = []
    nameless: list[str] = []
    statics: list[str] = []

    def snippet(node: Node) -> str:
        return source[node.start_byte:node.end_byte].decode("utf-8", "replace")

    stack = [tree.root_node]
    ordered: list[Node] = []
    while stack:
        node = stack.pop()
        ordered.append(node)
        stack.extend(reversed(node.children))
    for node in ordered:
        if node.type == "ERROR" or node.is_missing:
            row, col = node.start_point
            errors.append(f"{row + 1}:{col + 1} {snippet(node)[:60]!r}")
        elif node.type == "command":
            name = next((c for c in node.children if c.type == "command_name"), None)
            if name is None:
                nameless.append(snippet(node)[:60])
            else:
                commands.append(snippet(name))
        elif node.type == "type_literal" and node.parent is not None and node.parent.type in (
                "invokation_expression", "member_access"):
            member = node.next_named_sibling
            statics.append(f"{snippet(node)}::{snippet(member) if member is not None else ''}")
    return ParsedScript(tuple(errors), tuple(commands), tuple(nameless), tuple(statics))
