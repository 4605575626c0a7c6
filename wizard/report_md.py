"""The report as Markdown, for a ticket or a wiki page: the same sections as the HTML report.

Every text from outside goes through safe_text.markdown_escape, so a value never becomes a link, a
heading or a table column.
"""

from __future__ import annotations

from datetime import datetime

from wizard import __version__
from wizard.advisories import advisories
from wizard.playbook.runbook import scenario_rows
from wizard.probes.result import ProbeResult, Status
from wizard.probes.summary import CAUSE_WORDS, VERDICT_WORDS, headline, root_causes, verdict
from wizard.run_document import TargetRun
from wizard.safe_text import markdown_escape as m
from wizard.scenario import Scenario
from wizard.topology import Phase
from wizard.words import counted


def _result_lines(result: ProbeResult) -> list[str]:
    lines = [f"- **{result.status.value.upper()}** {m(result.title)} `{m(result.id)}`"]
    if result.status is Status.BLOCKED:
        lines.append(f"  - blocked by {', '.join(m(b) for b in result.blocked_by)}")
    elif result.status is not Status.PASS:
        if result.detail:
            lines.append(f"  - {m(result.detail)}")
        if result.remediation:
            lines.append(f"  - Fix: {m(result.remediation)}")
    return lines


def target_markdown(scenario: Scenario, target: TargetRun, *, level: int = 2) -> list[str]:
    """One target's sections: scenario, discovered values, verdict, root causes, checks by phase."""
    h = "#" * level
    results = list(target.results)
    lines = [f"{h} Scenario", "", "| Value | |", "|---|---|"]
    lines += [f"| {m(label)} | {m(value)} |" for label, value in scenario_rows(scenario)]
    if target.discovered or target.notes:
        lines += ["", f"{h} Discovered", ""]
        if target.discovered:
            lines += ["| Value | Found | From |", "|---|---|---|"]
            lines += [f"| {m(d.field)} | {m(d.value)} | {m(d.source)} |" for d in target.discovered]
        lines += [f"- {m(note)}" for note in target.notes]
    notes = [a for a in advisories(scenario.topology_or_default) if a.attention]
    if notes:
        lines += ["", f"{h} Products and services", ""] + [f"- {m(a.headline)}" for a in notes]
    lines += ["", f"{h} Verdict: {VERDICT_WORDS[verdict(results)]}" if results else f"{h} No checks have been run",
              "", m(headline(results)) if results else ""]
    causes = root_causes(results)
    if causes:
        lines += ["", f"{h} Root causes ({len(causes)})", ""]
        for cause in causes:
            why = f" ({CAUSE_WORDS[cause.result.cause]})" if cause.result.cause else ""
            first, *rest = _result_lines(cause.result)
            lines += [first + why, *rest]
            if cause.blocked:
                lines.append(f"  - Kept {counted(len(cause.blocked), 'check')} from running: "
                             + "; ".join(m(r.title) for r in cause.blocked))
    for phase in Phase:
        rows = [r for r in results if r.phase is phase]
        if rows:
            lines += ["", f"{h}# {phase.title}", ""]
            for result in rows:
                lines += _result_lines(result)
    return lines


def _header(title: str, when: datetime) -> list[str]:
    return [f"# {title}", "", f"Generated {when.isoformat(timespec='seconds')} by the SfB-Exchange integration "
            f"wizard {__version__}.", ""]


def render_report_md(scenario: Scenario, target: TargetRun, *, generated_at: datetime) -> str:
    title = f"Integration report: {m(scenario.topology_or_default.label)}"
    return "\n".join([*_header(title, generated_at), *target_markdown(scenario, target)]) + "\n"


def render_check_md(targets: list[tuple[Scenario, TargetRun]], *, generated_at: datetime) -> str:
    title = f"Quick check: {counted(len(targets), 'address', 'addresses')}"
    lines = [*_header(title, generated_at), "| Address | Verdict |", "|---|---|"]
    lines += [f"| {m(t.query)} | {VERDICT_WORDS[t.verdict]} |" for _, t in targets]
    for scenario, target in targets:
        lines += ["", f"## {m(target.query)}", "", *target_markdown(scenario, target, level=3)]
    return "\n".join(lines) + "\n"
