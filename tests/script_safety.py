"""Structure rules every exported script must follow, read from the tree-sitter parse (tests/pwsh.py's grammar).

A *change* is a command that changes state outside the PowerShell session: a cmdlet with a changing
verb (New-, Set-, Add-, Remove-, ...), a native program that changes a server (iisreset, appcmd), or
a .NET call that writes a file. Inside the steps of a script (each step's try block):

- setup: a change sits in the body of an `if` (its guard), carries -ErrorAction Stop (natives are
  followed by Assert-NativeSuccess), and is followed in that guarded block by Add-IntegrationRecord,
  except the few kinds that leave nothing to revert (NOT_RECORDED); a created object (New-, Add-) is
  read back first: a `throw` between the change and its record entry;
- undo: a change is reached only inside `foreach ($entry in @(Get-IntegrationRecord ...))`;
- verify: there is no change at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tree_sitter import Node

from tests.pwsh import _parser

CHANGING_VERB = re.compile(
    r"^(New|Set|Add|Remove|Update|Enable|Disable|Grant|Revoke|Install|Uninstall|Register|Unregister|Move|Clear|"
    r"Rename|Restart|Reset|Export|Import|Copy|Start|Stop|Suspend|Resume|Publish|Send|Invoke)-", re.IGNORECASE)
# Changing verbs that do not change anything outside this PowerShell session.
SESSION_ONLY = frozenset(name.lower() for name in (
    "New-Object", "Add-Member", "Add-Type", "Import-Module", "Import-PSSession", "Set-StrictMode", "Set-Variable",
    "Start-Sleep", "Stop-IntegrationStep", "Invoke-Command", "Invoke-Expression", "Set-Location",
    # reads: GET requests for metadata documents and read-only web services
    "Invoke-RestMethod", "Invoke-WebRequest",
    # the record itself
    "Add-IntegrationRecord", "Complete-IntegrationRecord",
))
NATIVE = frozenset({"iisreset", "appcmd.exe"})
WRITING_METHODS = frozenset({"WriteAllBytes", "WriteAllText", "Save", "Delete"})
# Changes that leave nothing an undo could revert: restarts, and local files with public data.
NOT_RECORDED = frozenset({"iisreset", "appcmd.exe", "new-item", "export-certificate", "writeallbytes"})
STEP_STOP = "Stop-IntegrationStep"
READ_RECORD = "Get-IntegrationRecord"


@dataclass(frozen=True)
class Change:
    name: str
    line: int
    text: str
    guarded: bool
    recorded: bool
    stops: bool
    via_record: bool
    read_back: bool

    def where(self) -> str:
        return f"line {self.line}: {self.text}"


def _text(source: bytes, node: Node) -> str:
    return source[node.start_byte:node.end_byte].decode("utf-8", "replace")


def _command_name(source: bytes, node: Node) -> str:
    for child in node.children:
        if child.type == "command_name":
            return _text(source, child)
        if child.type == "command_name_expr":
            return _text(source, child).strip("\"'").replace("\\", "/").rsplit("/", 1)[-1]
    return ""


def _is_step_block(source: bytes, node: Node) -> bool:
    if node.type != "try_statement":
        return False
    clauses = [c for c in node.children if c.type == "catch_clauses"]
    return bool(clauses) and STEP_STOP in _text(source, clauses[0])


def _has_stop(source: bytes, command: Node) -> bool:
    elements = next((c for c in command.children if c.type == "command_elements"), None)
    if elements is None:
        return False
    named = [c for c in elements.children if c.type not in ("command_argument_sep",)]
    for index, child in enumerate(named):
        if child.type == "command_parameter" and _text(source, child).lower() == "-erroraction":
            value = named[index + 1] if index + 1 < len(named) else None
            return value is not None and _text(source, value).lower() == "stop"
        if child.type == "command_parameter" and _text(source, child).lower().startswith("-erroraction:"):
            return _text(source, child).lower().endswith("stop")
    return False


def _statement(node: Node) -> Node:
    """The pipeline statement a command belongs to."""
    current = node
    while current.parent is not None and current.parent.type != "statement_list":
        current = current.parent
    return current


def _next_statement_calls(source: bytes, node: Node, name: str) -> bool:
    statement = _statement(node)
    sibling = statement.next_named_sibling
    return sibling is not None and _text(source, sibling).startswith(name)


def _guard(node: Node, limit: Node) -> Node | None:
    """The innermost if statement whose *body* (not its condition) holds node, inside limit."""
    current = node
    while current.parent is not None and current is not limit:
        parent = current.parent
        if parent.type == "if_statement" and current.type == "statement_block":
            return parent
        if parent.type in ("else_clause", "elseif_clause") and current.type == "statement_block":
            return parent
        current = parent
    return None


def _recorded_after(source: bytes, node: Node, guard: Node | None) -> bool:
    scope = guard if guard is not None else node.parent
    if scope is None:
        return False
    stack = [scope]
    while stack:
        current = stack.pop()
        stack.extend(current.children)
        if current.type == "command" and current.start_byte > node.end_byte and (
                _command_name(source, current) == "Add-IntegrationRecord"):
            return True
    return False


def _read_back(source: bytes, node: Node, guard: Node | None) -> bool:
    """A `throw` after the change and before the next record entry, inside the guarded block."""
    scope = guard if guard is not None else node.parent
    if scope is None:
        return False
    record_at = None
    throws: list[int] = []
    stack = [scope]
    while stack:
        current = stack.pop()
        stack.extend(current.children)
        if current.start_byte <= node.end_byte:
            continue
        if current.type == "command" and _command_name(source, current) == "Add-IntegrationRecord":
            record_at = current.start_byte if record_at is None else min(record_at, current.start_byte)
        if current.type == "flow_control_statement" and _text(source, current).startswith("throw"):
            throws.append(current.start_byte)
    return any(record_at is None or at < record_at for at in throws)


def _via_record(source: bytes, node: Node, limit: Node) -> bool:
    current = node
    while current.parent is not None and current is not limit:
        parent = current.parent
        if parent.type == "foreach_statement" and current.type == "statement_block":
            iterable = next((c for c in parent.children if c.type == "pipeline"), None)
            if iterable is not None and READ_RECORD in _text(source, iterable):
                return True
        current = parent
    return False


def _changes_in(source: bytes, block: Node) -> list[Change]:
    found: list[Change] = []
    stack = [block]
    while stack:
        node = stack.pop()
        stack.extend(reversed(node.children))
        name = ""
        stops = False
        if node.type == "command":
            name = _command_name(source, node)
            lowered = name.lower()
            if lowered in NATIVE:
                stops = _next_statement_calls(source, node, "Assert-NativeSuccess")
            elif CHANGING_VERB.match(name) and lowered not in SESSION_ONLY and "-" in name:
                stops = _has_stop(source, node)
            else:
                continue
        elif node.type == "member_name" and _text(source, node) in WRITING_METHODS and (
                node.parent is not None and node.parent.type in ("invokation_expression", "member_access")):
            name = _text(source, node)
            stops = True  # a .NET method throws on failure
        else:
            continue
        guard = _guard(node, block)
        found.append(Change(
            name=name, line=node.start_point[0] + 1, text=_text(source, _statement(node))[:120],
            guarded=guard is not None,
            recorded=name.lower() in NOT_RECORDED or _recorded_after(source, node, guard),
            stops=stops, via_record=_via_record(source, node, block),
            read_back=(not re.match(r"^(New|Add)-", name, re.IGNORECASE) or name.lower() in NOT_RECORDED
                       or _read_back(source, node, guard))))
    return found


def step_changes(text: str) -> list[Change]:
    """Every change inside the script's steps (top-level try blocks whose catch calls Stop-IntegrationStep)."""
    source = text.removeprefix("\ufeff").encode("utf-8")
    tree = _parser().parse(source)
    changes: list[Change] = []
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        if node.type == "function_statement":
            continue
        if _is_step_block(source, node):
            body = next(c for c in node.children if c.type == "statement_block")
            changes += _changes_in(source, body)
            continue
        stack.extend(node.children)
    return changes


def changes_outside_steps(text: str) -> list[str]:
    """Changing commands outside any step and outside the runtime's functions and record set-up (should be none)."""
    source = text.removeprefix("\ufeff").encode("utf-8")
    tree = _parser().parse(source)
    out: list[str] = []
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        if node.type == "function_statement" or _is_step_block(source, node):
            continue
        if node.type == "try_statement" and "$IntegrationRecordFile" in _text(source, node):
            continue  # the runtime's own check that the record file can be written
        if node.type == "command":
            name = _command_name(source, node)
            if name.lower() in NATIVE or (CHANGING_VERB.match(name) and name.lower() not in SESSION_ONLY):
                out.append(f"line {node.start_point[0] + 1}: {_text(source, node)[:100]}")
        stack.extend(node.children)
    return out


def setup_violations(text: str) -> list[str]:
    problems = []
    for change in step_changes(text):
        if not change.guarded:
            problems.append(f"unguarded change, {change.where()}")
        if not change.recorded:
            problems.append(f"change without a record entry after it, {change.where()}")
        if not change.stops:
            problems.append(f"change that does not stop on failure, {change.where()}")
        if not change.read_back:
            problems.append(f"created object not read back, {change.where()}")
    return problems + [f"change outside a step, {c}" for c in changes_outside_steps(text)]


def undo_violations(text: str) -> list[str]:
    problems = []
    for change in step_changes(text):
        if not change.via_record:
            problems.append(f"undo change not reached through a record entry, {change.where()}")
        if not change.stops:
            problems.append(f"undo change that does not stop on failure, {change.where()}")
    return problems + [f"change outside a step, {c}" for c in changes_outside_steps(text)]


def verify_violations(text: str) -> list[str]:
    return [f"change in a verify script, {c.where()}" for c in step_changes(text)] + [
        f"change outside a step, {c}" for c in changes_outside_steps(text)]


def step_text(script: str, title: str) -> str:
    """The lines of one step of an exported script: from its banner to the next step's rule."""
    lines = script.splitlines()
    start = next(i for i, line in enumerate(lines)
                 if line.startswith("Write-Host '[") and title in line.replace("''", "'"))
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("# ------")), len(lines))
    return "\n".join(lines[start:end])


def record_loop(source: bytes, node: Node) -> str:
    """The Get-IntegrationRecord call of the foreach loop around node ('' when there is none)."""
    current = node
    while current.parent is not None:
        parent = current.parent
        if parent.type == "foreach_statement" and current.type == "statement_block":
            iterable = next(c for c in parent.children if c.type == "pipeline")
            if READ_RECORD in _text(source, iterable):
                return _text(source, iterable)
        current = parent
    return ""
