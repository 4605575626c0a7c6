"""`python -m wizard verify`: run the live probes for a scenario and print what passes, warns and fails.

--nameserver compares split-DNS views, --ca-bundle adds an internal CA, --demo runs against the built-in
lab (with --fault to break it on purpose). Root causes are printed first, each with the checks it
blocked; then every check by phase. --json prints the report dialect (resources/report.schema.json),
--output FILE writes .json, .html or .md. Exit 0 successful (or warnings), 1 a finding, 3 could not check
(all or part), 2 bad input.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from wizard.advisories import advisories
from wizard.cli import LAB_TOPOLOGIES, UsageError, add_scenario_arguments, scenario_from_args
from wizard.commands.network_options import add_network_arguments, settings_from_args
from wizard.commands.progress import Progress
from wizard.fields import FIELDS
from wizard.probes.context import ProbeContext, ProbeSettings
from wizard.probes.registry import probes_for
from wizard.probes.result import ProbeResult, Status
from wizard.probes.runner import run_probes
from wizard.probes.summary import CAUSE_WORDS, exit_code, headline, root_causes
from wizard.report_files import ReportFormatError, report_format, write_report
from wizard.run_document import TargetRun
from wizard.safe_text import clean_line, indented_block
from wizard.scenario import Scenario
from wizard.topology import Phase
from wizard.words import counted

PFX_PASSWORD_ENV = "SFB_WIZARD_PFX_PASSWORD"

_COLOURS = {Status.PASS: "32", Status.WARN: "33", Status.FAIL: "31", Status.ERROR: "35", Status.SKIP: "2",
            Status.BLOCKED: "2", Status.NOT_RUN: "2"}
_BADGE = {Status.NOT_RUN: "NOT RUN"}
EXAMPLES = """examples:
  python -m wizard verify --scenario contoso.json
  python -m wizard verify --scenario contoso.json --nameserver 10.0.0.53 --output report.html
  python -m wizard verify --demo --fault metadata-404 --json

exit codes: 0 successful (or with warnings) and every check ran; 1 a check found a problem;
3 some or all checks could not be made; 2 bad input."""


def add_parser(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "verify", help="run the live checks against a deployment (or the built-in demo lab)",
        description="Run the probes for the scenario's topology and print the results by phase.",
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_scenario_arguments(parser)
    add_network_arguments(parser.add_argument_group("network"))
    parser.add_argument("--phase", action="append", choices=[p.value for p in Phase], metavar="NAME",
                        help="only this phase (repeatable): " + ", ".join(p.value for p in Phase))
    parser.add_argument("--json", action="store_true",
                        help="print one JSON document (the report dialect, resources/report.schema.json)")
    parser.add_argument("--output", metavar="FILE",
                        help="also write the report to FILE: .json, .html or .md, chosen by the extension")
    demo = parser.add_argument_group("demo lab")
    demo.add_argument("--demo", action="store_true", help="start the built-in Contoso lab and verify it")
    demo.add_argument("--fault", action="append", metavar="NAME", help="break the lab this way (implies --demo)")
    demo.add_argument("--demo-topology", choices=LAB_TOPOLOGIES, default="onprem",
                      help="which lab deployment to start: onprem (Exchange + SfB Server), hybrid (SfB Server "
                           "with Teams), teams (Exchange Server + Teams; 'online' is its old name); default onprem")
    parser.set_defaults(run=run)


def _pfx_password(scenario: Scenario) -> bytes | None:
    """The PFX password for this run only: from the environment or a prompt; never stored."""
    if not scenario.oauth_certificate.lower().endswith((".pfx", ".p12")):
        return None
    value = os.environ.get(PFX_PASSWORD_ENV)
    if value is None and sys.stdin.isatty():
        value = getpass.getpass(f"Password for {scenario.oauth_certificate} (empty for none): ")
    return value.encode() if value else None


@contextmanager
def _target(args: argparse.Namespace) -> Iterator[tuple[Scenario, ProbeSettings]]:
    """The scenario and settings to verify: the user's, or a lab started for the duration."""
    if args.fault or args.demo:
        if args.scenario:
            raise UsageError("--demo verifies the lab's own scenario; leave out --scenario")
        given = [spec.flag for spec in FIELDS if getattr(args, spec.name, None) is not None]
        if given:
            raise UsageError(f"--demo verifies the lab's own scenario (Exchange Server SE with SfB Server SE, or "
                             f"--demo-topology); leave out {', '.join(given)}")
        from wizard.lab import Lab

        try:
            lab = Lab.start(args.fault or (), topology=args.demo_topology)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        with lab:
            yield lab.scenario, settings_from_args(args, lab.settings)
        return
    scenario = scenario_from_args(args)
    yield scenario, settings_from_args(args)


def output_path(value: str | None) -> Path | None:
    """--output, checked before anything runs: a bad extension is bad input, not a late surprise."""
    if not value:
        return None
    path = Path(value)
    try:
        report_format(path)
    except ReportFormatError as exc:
        raise UsageError(f"--output: {exc}") from None
    if not path.parent.is_dir():
        raise UsageError(f"--output: the folder {path.parent} does not exist")
    return path


def save_report(path: Path, command: str, targets: list[tuple[Scenario, TargetRun]], started_at: datetime,
                duration_s: float) -> None:
    try:
        write_report(path, command, targets, started_at=started_at, duration_s=duration_s, steps=[])
    except OSError as exc:
        raise UsageError(f"--output: cannot write {path}: {exc.strerror or exc}") from None
    print(f"Report written to {path}", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    output = output_path(args.output)
    started_at, clock = datetime.now().astimezone(), time.monotonic()
    with _target(args) as (scenario, settings):
        ctx = ProbeContext(settings, certificate_password=_pfx_password(scenario))
        phases = [Phase(p) for p in args.phase] if args.phase else None
        probes = probes_for(scenario, phases, login_base_url=settings.login_base_url)
        live = sys.stderr.isatty() and not args.json
        progress = Progress(sys.stderr if live else sys.stdout, live=live, per_result=not args.json)
        progress.planned_is(len(probes))
        results = run_probes(probes, scenario, ctx, on_result=None if args.json else progress.result)
        progress.clear()
    duration = time.monotonic() - clock
    if not args.json and not live and any(r.status.is_problem for r in results):
        print()  # the streamed problems, then the report
    if args.json:
        print(json.dumps(document(scenario, results, started_at=started_at, duration_s=duration), indent=2,
                         ensure_ascii=False))
    else:
        print_table(scenario, results, sys.stdout)
    if output:
        save_report(output, "verify", [(scenario, TargetRun(tuple(results)))], started_at, duration)
    return exit_code(results)


def document(scenario: Scenario, results: list[ProbeResult], *, started_at: datetime | None = None,
             duration_s: float | None = None) -> dict[str, Any]:
    """verify's JSON: the report dialect with the scenario's values, features and advisories (no commands)."""
    from wizard.report import report_document

    return report_document(scenario, results, [], generated_at=started_at, command="verify", duration_s=duration_s)


def _use_colour(stream: TextIO) -> bool:
    return stream.isatty() and "NO_COLOR" not in os.environ


def print_table(scenario: Scenario, results: list[ProbeResult], stream: TextIO) -> None:
    """Root causes first (with what they blocked), then every check by phase, then one summary line."""
    colour = _use_colour(stream)

    def paint(status: Status, text: str) -> str:
        return f"\033[{_COLOURS[status]}m{text}\033[0m" if colour else text

    def badge(status: Status) -> str:
        return paint(status, f"{_BADGE.get(status, status.value.upper()):7}")

    pad = " " * 11

    def line(text: str) -> None:  # every text below was cleaned at the probe boundary; clean again here,
        print(text, file=stream)  # at the terminal, because this is where an escape sequence would act

    line(f"Verifying {clean_line(scenario.topology_or_default.label)}")
    notes = [a for a in advisories(scenario.topology_or_default) if a.attention]
    for advisory in notes:
        line(f"  Note: {advisory.headline}")
    causes = root_causes(results)
    if causes:
        line(f"\nRoot causes ({len(causes)})")
        for cause in causes:
            result = cause.result
            why = f"  ({CAUSE_WORDS[result.cause]})" if result.cause else ""
            line(f"  {badge(result.status)}  {clean_line(result.title)}  [{clean_line(result.id)}]{why}")
            if result.detail:
                line(f"{pad}{indented_block(result.detail, pad)}")
            if result.remediation:
                line(f"{pad}Fix: {indented_block(result.remediation, pad + '     ')}")
            if cause.blocked:
                shown = "; ".join(clean_line(r.title) for r in cause.blocked[:5])
                more = "; …" if len(cause.blocked) > 5 else ""
                line(f"{pad}Blocks {counted(len(cause.blocked), 'check')}: {shown}{more}")
    roots = {c.result.id for c in causes}
    for phase in Phase:
        rows = [r for r in results if r.phase is phase]
        if not rows:
            continue
        line(f"\n{phase.title}")
        for result in rows:
            line(f"  {badge(result.status)}  {clean_line(result.title)}  [{clean_line(result.id)}]")
            if result.status is Status.BLOCKED:
                line(f"{pad}blocked by {', '.join(clean_line(b) for b in result.blocked_by)}")
            elif result.id in roots:
                line(f"{pad}(root cause, see above)")
            elif result.status is not Status.PASS and result.detail:
                line(f"{pad}{indented_block(result.detail, pad)}")
                if result.remediation:
                    line(f"{pad}Fix: {indented_block(result.remediation, pad + '     ')}")
    if notes:
        line("\nSupport and service changes")
        for advisory in notes:
            line(f"  {advisory.headline}")
            for detail in advisory.details:
                line(f"{pad}- {indented_block(detail, pad + '  ')}")
    print(f"\n{headline(results) if results else 'no checks apply'}", file=stream)
