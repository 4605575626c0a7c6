"""wizard/policy.py is the only home of the rule numbers and Microsoft application IDs.

The tree is read as Python syntax (docstrings and comments aside): a copied ID, a key size or an
expiry window written as a literal anywhere else in wizard/ fails here, so a check and the text
that explains it cannot drift apart.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from wizard import policy

ROOT = Path(__file__).resolve().parents[1]
WIZARD = ROOT / "wizard"
POLICY_FILE = WIZARD / "policy.py"
GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
EXPIRY_DAYS = frozenset(policy.EXPIRY_REMINDER_DAYS) | {policy.EXPIRY_WARNING_DAYS}

# (file, literal) pairs that are not the policy although they look like it; each says why.
NOT_POLICY: dict[tuple[str, object], str] = {
    ("wizard/probes/formats/autodiscover.py", policy.MIN_RSA_KEY_BITS): "bytes read to sniff for a DOCTYPE",
    ("wizard/lab/ca.py", policy.EXPIRY_LAST_CALL_DAYS): "how far a lab certificate is backdated or postdated",
}


def _docstrings(tree: ast.AST) -> set[int]:
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def _is_days_keyword(parent: ast.AST | None, node: ast.AST) -> bool:
    return isinstance(parent, ast.keyword) and parent.arg == "days" and parent.value is node


def copies(source: str) -> Iterator[tuple[int, object, str]]:
    """(line, literal, what) for every policy value written out in this Python source."""
    tree = ast.parse(source)
    skip = _docstrings(tree)
    parents = {id(child): parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)}
    ids = {i.lower() for i in policy.MICROSOFT_APP_IDS}
    key_bits = re.compile(rf"\b{policy.MIN_RSA_KEY_BITS}\b")
    expiry_words = re.compile(rf"\b({'|'.join(str(d) for d in sorted(EXPIRY_DAYS))})\b(?=[ -]days?\b| and \d+ days)")
    for node in ast.walk(tree):
        if not isinstance(node, ast.Constant) or id(node) in skip:
            continue
        value, line = node.value, node.lineno
        if isinstance(value, str):
            for guid in GUID.findall(value):
                if guid.lower() in ids:
                    yield line, guid, "Microsoft application ID"
            if key_bits.search(value):
                yield line, policy.MIN_RSA_KEY_BITS, "RSA key size in a text"
            for match in expiry_words.finditer(value):
                yield line, int(match.group(1)), "expiry window in a text"
        elif isinstance(value, int) and not isinstance(value, bool):
            if value == policy.MIN_RSA_KEY_BITS:
                yield line, value, "RSA key size"
            elif value in EXPIRY_DAYS and _is_days_keyword(parents.get(id(node)), node):
                yield line, value, "expiry window (timedelta days=)"
            elif value in EXPIRY_DAYS and _assigned_to_expiry_name(parents.get(id(node)), node):
                yield line, value, "expiry window (named constant)"


def _assigned_to_expiry_name(parent: ast.AST | None, node: ast.AST) -> bool:
    if not isinstance(parent, ast.Assign | ast.AnnAssign) or parent.value is not node:
        return False
    targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
    return any(isinstance(t, ast.Name) and re.search("EXPIR|REMIND|WARN", t.id) for t in targets)


def _tree_copies() -> list[str]:
    found = []
    for path in sorted(WIZARD.rglob("*.py")):
        if path == POLICY_FILE:
            continue
        relative = path.relative_to(ROOT).as_posix()
        for line, literal, what in copies(path.read_text(encoding="utf-8")):
            if (relative, literal) not in NOT_POLICY:
                found.append(f"{relative}:{line}: {what} {literal!r}")
    return found


def test_no_policy_value_is_written_out_outside_policy_py() -> None:
    assert _tree_copies() == [], "import these from wizard.policy instead"


@pytest.mark.parametrize(("source", "what"), [
    ('X = "00000004-0000-0ff1-ce00-000000000000"', "Microsoft application ID"),
    ('X = f"issuer {realm} 00000002-0000-0FF1-CE00-000000000000"', "Microsoft application ID"),
    ("MIN_KEY = 2048", "RSA key size"),
    ('HINT = "New-ExchangeCertificate -KeySize 2048"', "RSA key size in a text"),
    ("LIMIT = timedelta(days=60)", "expiry window (timedelta days=)"),
    ("EXPIRY_WARNING_DAYS = 60", "expiry window (named constant)"),
    ('LEGEND = "expires within 60 days"', "expiry window in a text"),
    ('TIP = "reminders 60 and 30 days before"', "expiry window in a text"),
])
def test_a_new_copy_is_caught(source: str, what: str) -> None:
    assert what in [w for _line, _literal, w in copies(source)]


@pytest.mark.parametrize("source", [
    '"""A docstring may say 2048 bits and 60 days."""',
    "TIMEOUT = 30  # seconds, not an expiry window",
    "PAGE = 60",
    "head = body[:4096]",
    'NOTE = "deprecated on 30 March 2024"',
    "BITS = MIN_RSA_KEY_BITS",
])
def test_other_numbers_are_left_alone(source: str) -> None:
    assert list(copies(source)) == []


def test_the_resources_name_only_known_microsoft_applications() -> None:
    """Data files cannot import: every application ID they quote must be one policy.py knows."""
    known = {i.lower() for i in policy.MICROSOFT_APP_IDS}
    for path in sorted((ROOT / "resources").glob("*.json")):
        json.loads(path.read_text(encoding="utf-8"))  # still a valid document
        unknown = {g for g in GUID.findall(path.read_text(encoding="utf-8")) if g.lower() not in known}
        assert unknown == set(), f"{path.name} quotes application IDs policy.py does not know"


def test_the_reminders_start_at_the_warning_and_come_earliest_first() -> None:
    assert policy.EXPIRY_REMINDER_DAYS[0] == policy.EXPIRY_WARNING_DAYS
    assert list(policy.EXPIRY_REMINDER_DAYS) == sorted(policy.EXPIRY_REMINDER_DAYS, reverse=True)
