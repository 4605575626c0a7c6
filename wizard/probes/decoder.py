"""Name the known cause and fix of pasted PowerShell error output (resources/errors.json).

Each entry has patterns (case-insensitive regular expressions; any one matching is enough), a
cause, a fix and the source that documents it, so a newly met error is one more entry, not code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from wizard.resources import load_json

MAX_TEXT = 256 * 1024  # pasted output beyond this is not read (patterns stay fast)
NOTHING_MATCHED = ("No known error matched this text. Check that it is the full error record (the lines after "
                   "'+ CategoryInfo' help too); the verification probes may still find the cause.")
_REQUIRED = ("id", "title", "patterns", "cause", "fix", "source")


@dataclass(frozen=True)
class DecodedError:
    id: str
    title: str
    cause: str
    fix: str
    source: str
    excerpt: str = ""  # the part of the text that matched


@dataclass(frozen=True)
class _Entry:
    id: str
    title: str
    patterns: tuple[re.Pattern[str], ...]
    cause: str
    fix: str
    source: str


class InvalidCatalogueError(ValueError):
    """resources/errors.json is malformed (caught by the tests, never at a user's desk)."""


def parse_catalogue(document: Any) -> tuple[_Entry, ...]:
    if not isinstance(document, dict) or not isinstance(document.get("entries"), list):
        raise InvalidCatalogueError("errors.json needs an 'entries' list")
    entries: list[_Entry] = []
    seen: set[str] = set()
    for raw in document["entries"]:
        if not isinstance(raw, dict) or any(not raw.get(k) for k in _REQUIRED):
            raise InvalidCatalogueError(f"entry {raw!r:.80} lacks one of {', '.join(_REQUIRED)}")
        if raw["id"] in seen:
            raise InvalidCatalogueError(f"duplicate id {raw['id']}")
        seen.add(raw["id"])
        try:
            patterns = tuple(re.compile(p, re.IGNORECASE) for p in raw["patterns"])
        except (re.error, TypeError) as exc:
            raise InvalidCatalogueError(f"entry {raw['id']}: bad pattern: {exc}") from None
        entries.append(_Entry(raw["id"], raw["title"], patterns, raw["cause"], raw["fix"], raw["source"]))
    return tuple(entries)


@cache
def catalogue() -> tuple[_Entry, ...]:
    return parse_catalogue(load_json("errors.json"))


def _normalise(text: str) -> str:
    """Undo what consoles and mail do to pasted output: typographic quotes, wrapped lines, NBSPs."""
    text = text[:MAX_TEXT]
    text = text.translate({0x2018: "'", 0x2019: "'", 0x201A: "'", 0x201B: "'", 0x201C: '"', 0x201D: '"',
                           0x201E: '"', 0x00A0: " "})
    return text.replace("\r\n", "\n")


def decode(text: str, entries: tuple[_Entry, ...] | None = None) -> list[DecodedError]:
    """Every known error the text shows, in catalogue order (most specific first); [] when none."""
    cleaned = _normalise(text)
    flowing = " ".join(cleaned.split())  # console-wrapped lines joined again
    found: list[DecodedError] = []
    for entry in entries if entries is not None else catalogue():
        for pattern in entry.patterns:
            match = next((m for m in (pattern.search(flowing), pattern.search(cleaned)) if m), None)
            if match:
                excerpt = " ".join(match.string[match.start():match.start() + 160].split())
                found.append(DecodedError(entry.id, entry.title, entry.cause, entry.fix, entry.source, excerpt))
                break
    return found


def explain(text: str) -> str:
    """Plain-text answer for the CLI and the GUI: each match with cause and fix, or that nothing matched."""
    found = decode(text)
    if not found:
        return NOTHING_MATCHED
    parts = [f"{e.title}\n  Cause: {e.cause}\n  Fix: {e.fix}\n  Source: {e.source}" for e in found]
    return "\n\n".join(parts)
