"""Reports of a check run: one self-contained HTML page (inline CSS, nothing fetched) and a JSON document
(the one dialect of wizard.run_document, resources/report.schema.json).

Both carry the scenario values, the features the topology gets, every probe result by phase with a
summary, and the playbook's commands, so a report sent to a colleague stands on its own. Every text
that came from the scenario, a probe or the wire goes through runbook.e (safe_text.html_escape):
hidden characters (controls, bidi overrides, zero-width) removed, then HTML-escaped.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime
from typing import Any

from wizard import __version__
from wizard.advisories import Advisory, advisories
from wizard.features import feature_support
from wizard.playbook.runbook import e, features_table_html, html_page, scenario_rows, scenario_table_html, steps_html
from wizard.playbook.step import Step
from wizard.probes.result import ProbeResult, Status, summarise
from wizard.probes.summary import CAUSE_WORDS, VERDICT_WORDS, root_causes, verdict
from wizard.run_document import DiscoveredValue, TargetRun, run_document
from wizard.scenario import Scenario
from wizard.topology import Phase
from wizard.words import counted

STATUS_CSS = """
.status { display: inline-block; min-width: 3.5em; text-align: center; border-radius: 3px; padding: 0 .4em;
          font-weight: bold; font-size: .85em; color: #fff; }
.status-pass { background: #107c10; } .status-warn { background: #9d5d00; } .status-fail { background: #a80000; }
.status-error { background: #5c2d91; } .status-skip { background: #767676; }
.status-blocked { background: #5f3dc4; } .status-not-run { background: #767676; }
.root-cause { border-left: 4px solid #a80000; padding-left: .8em; }
.result { margin: .6em 0 1em; } .result h3 { margin: .2em 0; }
.evidence th { font-weight: normal; color: #555; }
"""


def _results_by_phase(results: list[ProbeResult]) -> list[tuple[Phase, list[ProbeResult]]]:
    return [(phase, [r for r in results if r.phase is phase]) for phase in Phase
            if any(r.phase is phase for r in results)]


def _summary_html(results: list[ProbeResult]) -> str:
    counts = summarise(results)
    cells = "".join(f'<td><span class="status status-{e(s.value)}">{e(s.value)}</span> {counts[s.value]}</td>'
                    for s in Status)
    return f"<table><tr><th>Checks</th>{cells}<td>total {len(results)}</td></tr></table>"


def _root_causes_html(results: list[ProbeResult]) -> str:
    """The problems no other check explains, each with the checks it kept from running."""
    causes = root_causes(results)
    if not causes:
        return ""
    items = []
    for cause in causes:
        blocked = ""
        if cause.blocked:
            names = "".join(f"<li>{e(r.title)} <small>({e(r.id)})</small></li>" for r in cause.blocked)
            blocked = f"<p>It kept {counted(len(cause.blocked), 'check')} from running:</p><ul>{names}</ul>"
        why = f" <small>({e(CAUSE_WORDS[cause.result.cause])})</small>" if cause.result.cause else ""
        items.append(f'<div class="root-cause">{_result_html(cause.result).replace("</h3>", why + "</h3>", 1)}'
                     f"{blocked}</div>")
    return f"<h2>Root causes ({len(causes)})</h2>" + "".join(items)


def _advisories_html(found: list[Advisory]) -> str:
    """Support status and service changes (EWS retirement), with their sources, before the checks."""
    items = []
    for advisory in found:
        details = "".join(f"<li>{e(d)}</li>" for d in advisory.details)
        sources = "; ".join(e(s) for s in advisory.sources)
        items.append(f"<h3>{e(advisory.headline)}</h3><ul>{details}</ul>"
                     + (f'<p class="meta">Sources: {sources}</p>' if sources else ""))
    return "<h2>Products and services</h2>" + "".join(items) if items else ""


def _result_html(result: ProbeResult) -> str:
    parts = [f'<div class="result" id="{e(result.id)}"><h3><span class="status status-{e(result.status.value)}">'
             f"{e(result.status.value)}</span> {e(result.title)}</h3>"]
    if result.target:
        parts.append(f'<div class="meta">Target: {e(result.target)} · {result.elapsed_ms:.0f} ms · '
                     f"{e(result.id)}</div>")
    if result.detail:
        parts.append(f"<p>{e(result.detail)}</p>")
    if result.remediation:
        parts.append(f"<p><b>What to do:</b> {e(result.remediation)}</p>")
    if result.evidence:
        rows = "".join(f"<tr><th>{e(item.label)}</th><td><pre>{e(item.value)}</pre></td></tr>"
                       for item in result.evidence)
        parts.append(f'<table class="evidence">{rows}</table>')
    parts.append("</div>")
    return "".join(parts)


def _playbook(scenario: Scenario, steps: list[Step] | None) -> list[Step]:
    if steps is not None:
        return steps
    from wizard.playbook.build import build_playbook

    return build_playbook(scenario)


def _when(generated_at: datetime | None) -> datetime:
    return generated_at if generated_at is not None else datetime.now().astimezone()


def _discovered_html(found: tuple[DiscoveredValue, ...], notes: tuple[str, ...]) -> str:
    """What check found out by itself, and where from, so a reader can tell it from typed values."""
    if not found and not notes:
        return ""
    rows = "".join(f"<tr><th>{e(d.field)}</th><td>{e(d.value)}</td><td>{e(d.source)}</td></tr>" for d in found)
    table = f"<table><tr><th>Value</th><th>Found</th><th>From</th></tr>{rows}</table>" if rows else ""
    extra = "".join(f'<p class="warn">{e(n)}</p>' for n in notes)
    return f"<h2>Discovered</h2>{table}{extra}"


def _target_sections(scenario: Scenario, target: TargetRun, *, level: int = 2) -> list[str]:
    """One target's scenario, discovered values, verdict, root causes and checks."""
    results = list(target.results)
    topology = scenario.topology_or_default
    sections = [
        f"<h2>Scenario</h2>{scenario_table_html(scenario)}",
        _discovered_html(target.discovered, target.notes),
        _advisories_html(advisories(topology)),
        f"<h2>Features for this topology</h2>{features_table_html(feature_support(scenario))}",
        f"<h2>Verdict: {e(VERDICT_WORDS[verdict(results)])}</h2>" if results else "",
        _root_causes_html(results),
        f"<h2>Checks</h2>{_summary_html(results)}",
    ]
    if not results:
        sections.append("<p>No checks have been run.</p>")
    for phase, phase_results in _results_by_phase(results):
        tally = ", ".join(f"{n} {s}" for s, n in summarise(phase_results).items() if n)
        sections.append(f"<h3>{e(phase.title)} ({e(tally)})</h3>")
        sections += [_result_html(r) for r in phase_results]
    if level > 2:  # a target inside a page of several: its headings one level down
        sections = [s.replace("<h3", "<h4").replace("</h3>", "</h4>").replace("<h2", "<h3").replace("</h2>", "</h3>")
                    for s in sections]
    return sections


def render_report_html(scenario: Scenario, results: list[ProbeResult], steps: list[Step] | None = None, *,
                       generated_at: datetime | None = None, target: TargetRun | None = None) -> str:
    """The HTML report. `steps` defaults to the scenario's playbook ([] leaves the commands out), `generated_at`
    to now (pass both to be deterministic); `target` carries what check discovered."""
    steps = _playbook(scenario, steps)
    when = _when(generated_at)
    topology = scenario.topology_or_default
    sections = [
        f"<h1>Integration report: {e(topology.label)}</h1>",
        f'<p class="meta">Generated {e(when.isoformat(timespec="seconds"))} by the SfB-Exchange integration '
        f"wizard {e(__version__)}.</p>",
        *_target_sections(scenario, target or TargetRun(tuple(results))),
    ]
    if steps:
        sections.append("<h1>Commands</h1>" + steps_html(steps))
    return html_page(f"Integration report: {topology.label}", "".join(sections), STATUS_CSS)


def render_check_html(targets: list[tuple[Scenario, TargetRun]], *, generated_at: datetime | None = None) -> str:
    """The report of a check of several addresses: one verdict line each, then each address in full."""
    when = _when(generated_at)
    rows = "".join(f'<tr><td><a href="#q{i}">{e(t.query)}</a></td><td>{e(VERDICT_WORDS[t.verdict])}</td>'
                   f"<td>{e(s.topology_or_default.label)}</td></tr>" for i, (s, t) in enumerate(targets))
    sections = [f"<h1>Quick check: {counted(len(targets), 'address', 'addresses')}</h1>",
                f'<p class="meta">Generated {e(when.isoformat(timespec="seconds"))} by the SfB-Exchange integration '
                f"wizard {e(__version__)}.</p>",
                f"<table><tr><th>Address</th><th>Verdict</th><th>Deployment</th></tr>{rows}</table>"]
    for i, (scenario, target) in enumerate(targets):
        sections.append(f'<h2 id="q{i}">{e(target.query)}</h2>')
        sections += _target_sections(scenario, target, level=3)
    return html_page("Quick check", "".join(sections), STATUS_CSS)


def _step_json(step: Step) -> dict[str, Any]:
    data = asdict(step)
    data["phase"] = step.phase.value
    data["shell"] = step.shell.value
    return data


def scenario_extra(scenario: Scenario) -> dict[str, Any]:
    """The keys a report adds about its scenario (values, features, advisories) to the dialect."""
    topology = scenario.topology_or_default
    return {
        "topology": topology.label,
        "scenario": scenario.to_dict(),
        "scenario_values": [{"label": label, "value": value} for label, value in scenario_rows(scenario)],
        "corrections": scenario.corrections(),
        "advisories": [a.to_json() for a in advisories(topology)],
        "features": [{"feature": f.feature, "supported": f.supported, "why": f.why, "source": f.source}
                     for f in feature_support(scenario)],
    }


def report_document(scenario: Scenario, results: list[ProbeResult], steps: list[Step] | None = None, *,
                    generated_at: datetime | None = None, command: str = "window", duration_s: float | None = None,
                    target: TargetRun | None = None) -> dict[str, Any]:
    """The report as plain data in the one dialect (what render_report_json serialises)."""
    steps = _playbook(scenario, steps)
    run = target or TargetRun(tuple(results))
    took = duration_s if duration_s is not None else sum(r.elapsed_ms for r in run.results) / 1000
    extra = scenario_extra(scenario) | {"steps": [_step_json(s) for s in steps]}
    return run_document(command, [run], started_at=_when(generated_at), duration_s=took, extra=extra)


def render_report_json(scenario: Scenario, results: list[ProbeResult], steps: list[Step] | None = None, *,
                       generated_at: datetime | None = None) -> str:
    return json.dumps(report_document(scenario, results, steps, generated_at=generated_at),
                      indent=2, ensure_ascii=False) + "\n"
