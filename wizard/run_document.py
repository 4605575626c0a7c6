"""The one JSON dialect of every run: `verify`, `check`, `analyze` and the window's report export.

Its shape is described by resources/report.schema.json (a test validates real output against it), so a
script that reads one command's output reads them all. The keys are stable: run values (a host, a
thumbprint) are values, never keys, so evidence is a list of label/value pairs. Every text that came from
outside is cleaned (wizard.safe_text.clean_result) before it is written: a report is read by people too.

A run covers one target (verify, analyze, the window) or several (check with several addresses): each
target's results, root causes and discovered values carry its `query`, and `queries` has one verdict
per target; the top-level verdict is the worst of them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from wizard import __version__
from wizard.probes.result import ProbeResult
from wizard.probes.summary import RootCause, Verdict, counts, root_causes, verdict
from wizard.safe_text import clean_line, clean_result

SCHEMA = "sfb-exchange-wizard/report"
SCHEMA_VERSION = 2
COMMANDS = ("verify", "check", "analyze", "window")
_VERDICT_ORDER = (Verdict.FAILED, Verdict.NOT_CHECKED, Verdict.WARNINGS, Verdict.SUCCESSFUL)


@dataclass(frozen=True)
class DiscoveredValue:
    """A value a run found out for itself (`check` from DNS and public endpoints, `analyze` from collected
    files), with where it came from, so a reader can tell a discovered value from a typed one."""

    field: str  # the scenario field it fills (wizard.fields), e.g. "pool_fqdns"
    value: str
    source: str  # where it was found, in words an admin can repeat: "_sipinternaltls._tcp.contoso.com SRV"

    def to_json(self) -> dict[str, str]:
        return {"field": self.field, "value": clean_line(self.value), "source": clean_line(self.source)}


@dataclass(frozen=True)
class TargetRun:
    """The results of one target: a check's address, or the one scenario of verify/analyze (query None)."""

    results: tuple[ProbeResult, ...]
    query: str | None = None
    discovered: tuple[DiscoveredValue, ...] = ()
    duration_s: float = 0.0
    notes: tuple[str, ...] = field(default=())  # what could not be discovered, and what to give instead

    @property
    def verdict(self) -> Verdict:
        return verdict(self.results)


def worst_verdict(verdicts: Sequence[Verdict]) -> Verdict:
    """Failed before not-checked before warnings before successful; not checked when there is nothing."""
    return next((v for v in _VERDICT_ORDER if v in verdicts), Verdict.NOT_CHECKED)


def result_json(result: ProbeResult, query: str | None = None) -> dict[str, Any]:
    data = clean_result(result).to_json()
    return data | {"query": query} if query is not None else data


def root_cause_json(cause: RootCause, query: str | None = None) -> dict[str, Any]:
    data = RootCause(clean_result(cause.result), cause.blocked).to_json()
    return data | {"query": query} if query is not None else data


def run_document(command: str, targets: Sequence[TargetRun], *, started_at: datetime, duration_s: float,
                 extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The document for one run. `extra` adds the command's own keys (scenario, steps, trust graph, ...);
    it cannot replace a key of the dialect."""
    if command not in COMMANDS:
        raise ValueError(f"unknown command {command!r}")
    all_results = [r for t in targets for r in t.results]
    document: dict[str, Any] = {
        "schema": SCHEMA,
        "schema_version": SCHEMA_VERSION,
        "tool_version": __version__,
        "command": command,
        "started_at": started_at.isoformat(timespec="seconds"),
        "duration_s": round(duration_s, 3),
        "verdict": worst_verdict([t.verdict for t in targets]).value if targets else Verdict.NOT_CHECKED.value,
        "summary": counts(all_results),
        "queries": [{"query": t.query, "verdict": t.verdict.value, "duration_s": round(t.duration_s, 3),
                     "summary": counts(t.results), "notes": [clean_line(n) for n in t.notes]}
                    for t in targets if t.query is not None],
        "discovered": [d.to_json() | ({"query": t.query} if t.query is not None else {})
                       for t in targets for d in t.discovered],
        "root_causes": [root_cause_json(c, t.query) for t in targets for c in root_causes(t.results)],
        "results": [result_json(r, t.query) for t in targets for r in t.results],
    }
    for key, value in (extra or {}).items():
        if key in document:
            raise ValueError(f"{key!r} is a key of the report dialect; it cannot be replaced")
        document[key] = value
    return document
