"""`python -m wizard analyze FILE...`: check the collectors' JSON files against the scenario.

Reads exchange/sfb/graph/exo collector outputs, runs the inside rules, and prints findings in the same
format (and, with --json, the same document shape) as `verify`. Without --scenario the values the files
name (pools, servers, domains, tenant, products) are used, each printed with its file and cmdlet; given
values win. Files and records it did not use are listed with the reason. Metadata documents to compare with
come from --metadata FILE, --*-metadata-thumbprint or --live. --plan-out DIR writes the certificate
rotation scripts, runbook and calendar; --collectors-out DIR writes the collector scripts.
Exit 0 when nothing failed, 1 when something did, 2 for bad input (one line on stderr).

Everything printed that came from a collected file (computer names, titles, details, certificate
labels) is cleaned first (wizard.safe_text): an escape sequence in a collected value cannot drive
the terminal, and a line break in it cannot start a line of its own.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from wizard.cli import UsageError, add_scenario_arguments, scenario_from_args
from wizard.commands.network_options import add_network_arguments, settings_from_args
from wizard.fields import FIELD_BY_NAME, FIELDS
from wizard.inside.analysis import AnalysisResult, analyze
from wizard.inside.collected import CollectedData, CollectedFileError
from wizard.inside.collectors import write_collectors
from wizard.inside.infer import Inferred, MissingValuesError, infer_scenario
from wizard.inside.published import (
    MetadataDocumentError,
    PublishedDocument,
    PublishedKeys,
    fetch_published,
    from_thumbprints,
    parse_metadata_document,
)
from wizard.inside.rotation import write_plan
from wizard.inside.unused import Unused, find_unused, read_files
from wizard.probes.context import ProbeContext
from wizard.probes.result import ProbeResult, Status, summarise
from wizard.safe_text import clean_line, indented_block, shown
from wizard.scenario import Scenario, ScenarioFileError
from wizard.topology import Phase
from wizard.validation import InvalidValue, thumbprint
from wizard.words import counted

_COLOURS = {Status.PASS: "32", Status.WARN: "33", Status.FAIL: "31", Status.ERROR: "35", Status.BLOCKED: "2",
            Status.NOT_RUN: "2", Status.SKIP: "2"}
_TRUST_COLOURS = {"green": "32", "amber": "33", "red": "31"}


def add_parser(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "analyze", help="check the data the read-only collector scripts gathered inside Exchange, SfB and the tenant",
        description="Load the JSON files written by exchange-collect.ps1, sfb-collect.ps1 (one per Front End), "
                    "graph-collect.ps1 and exo-collect.ps1, and check both products' OAuth configuration, the "
                    "dedicated hybrid applications and the EWS settings side by side.")
    parser.add_argument("files", nargs="*", metavar="FILE", help="collector output (.json); several allowed")
    add_scenario_arguments(parser)
    parser.add_argument("--json", action="store_true", help="print findings, trust graph and plan as JSON")
    parser.add_argument("--as-of", metavar="DATE",
                        help="judge expiry as of this date (ISO 8601, e.g. 2026-09-01; default: now)")
    published = parser.add_argument_group("what the metadata documents publish")
    published.add_argument("--metadata", action="append", metavar="FILE", default=[],
                           help="a saved .../metadata/json/1 document (Exchange's or a pool's); repeatable")
    published.add_argument("--exchange-metadata-thumbprint", action="append", metavar="HEX", default=[],
                           help="a thumbprint Exchange's metadata document publishes; repeatable")
    published.add_argument("--sfb-metadata-thumbprint", action="append", metavar="HEX", default=[],
                           help="a thumbprint the pool's metadata document publishes; repeatable")
    live = parser.add_argument_group("live (--live downloads the metadata documents now)")
    live.add_argument("--live", action="store_true", help="download Exchange's and each pool's metadata document")
    add_network_arguments(live, lab_ports=False, accept_untrusted=False)
    out = parser.add_argument_group("files to write")
    out.add_argument("--plan-out", metavar="DIR",
                     help="write the certificate rotation scripts, certificate-rotation.md and an .ics calendar")
    out.add_argument("--collectors-out", metavar="DIR",
                     help="write the read-only collector scripts for this scenario (no FILE needed)")
    parser.set_defaults(run=run)


def _as_of(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"--as-of: {text!r} is not an ISO 8601 date such as 2026-09-01") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _published(args: argparse.Namespace) -> PublishedKeys:
    documents: list[PublishedDocument] = []
    for path in args.metadata:
        try:
            with open(path, "rb") as handle:
                data = handle.read(1024 * 1024 + 1)
        except OSError as exc:
            raise UsageError(f"--metadata: cannot read {shown(path)}: {shown(exc.strerror or exc)}") from None
        try:
            documents.append(parse_metadata_document(data, source=path))
        except MetadataDocumentError as exc:
            raise UsageError(f"--metadata: {shown(exc)}") from None
    for service, values in (("exchange", args.exchange_metadata_thumbprint), ("sfb", args.sfb_metadata_thumbprint)):
        if values:
            try:
                documents.append(from_thumbprints(service, [thumbprint(v) for v in values],
                                                  f"--{service}-metadata-thumbprint"))
            except InvalidValue as exc:
                raise UsageError(f"--{service}-metadata-thumbprint: {exc}") from None
    return PublishedKeys(tuple(documents))


def _write(what: str, out_dir: str, write: Callable[[str], list[Path]]) -> list[Path]:
    try:
        return write(out_dir)
    except OSError as exc:
        raise UsageError(f"{what}: cannot write to {shown(out_dir)}: {shown(exc.strerror or exc)}") from None


def _given_scenario(args: argparse.Namespace) -> tuple[Scenario, dict[str, str]]:
    """The scenario file and flags, and field -> where it was given (the file names every field it fills)."""
    scenario = Scenario(mode="verify")
    given: dict[str, str] = {}
    if getattr(args, "scenario", None):
        try:
            scenario = Scenario.load(args.scenario)
        except ScenarioFileError as exc:
            raise UsageError(str(exc)) from None
        name = Path(args.scenario).name
        given = {spec.name: f"the scenario file {name}" for spec in FIELDS
                 if getattr(scenario, spec.name) not in ("", [])}
    values = {spec.name: getattr(args, spec.name, None) for spec in FIELDS}
    values = {k: v for k, v in values.items() if v is not None}
    problems = scenario.update(values)
    if problems:
        name, message = next(iter(problems.items()))
        more = f" (and {counted(len(problems) - 1, 'more problem')})" if len(problems) > 1 else ""
        raise UsageError(f"{FIELD_BY_NAME[name].flag}: {message}{more}")
    given |= {name: "given on the command line" for name in values}
    return scenario, given


def scenario_for(given_scenario: tuple[Scenario, dict[str, str]], collected: CollectedData) -> Inferred:
    """The given values, and the collected files' own for the rest (UsageError naming every value still missing)."""
    scenario, given = given_scenario
    try:
        return infer_scenario(collected, scenario, given)
    except MissingValuesError as exc:
        raise UsageError(str(exc)) from None


def run(args: argparse.Namespace) -> int:
    if args.collectors_out and not args.files:
        scenario = scenario_from_args(args)
        written = _write("--collectors-out", args.collectors_out, lambda d: write_collectors(scenario, d))
        print(f"Collector scripts written to {args.collectors_out}: {', '.join(p.name for p in written)}",
              file=sys.stderr if args.json else sys.stdout)
        return 0
    if not args.files:
        raise UsageError("give at least one collected .json file (or --collectors-out DIR for the collectors)")
    given = _given_scenario(args)  # a bad scenario file or flag is named before the collected files are read
    now = _as_of(args.as_of)
    published = _published(args)
    try:
        loaded = read_files(args.files)
    except CollectedFileError as exc:
        raise UsageError(shown(exc)) from None
    collected = loaded.collected
    if collected.is_empty:
        raise UsageError("none of the files is a collector output this wizard reads: "
                         + "; ".join(u.line() for u in loaded.unknown))
    inferred = scenario_for(given, collected)
    scenario = inferred.scenario
    if args.collectors_out:
        written = _write("--collectors-out", args.collectors_out, lambda d: write_collectors(scenario, d))
        print(f"Collector scripts written to {args.collectors_out}: {', '.join(p.name for p in written)}",
              file=sys.stderr if args.json else sys.stdout)
    extra: list[ProbeResult] = []
    if args.live:
        live, extra = fetch_published(scenario, ProbeContext(settings_from_args(args)))
        published = published.plus(live)
    result = analyze(collected, scenario, now=now, published=published, extra=extra)
    unused = find_unused(loaded, collected, scenario)
    if args.plan_out:
        if result.plan.is_empty:
            print("No certificate to plan a rotation for (no auth or OAuthTokenIssuer certificate was collected).",
                  file=sys.stderr)
        else:
            written = _write("--plan-out", args.plan_out, lambda d: write_plan(result.plan, d))
            print(f"Rotation plan written to {args.plan_out}: {', '.join(p.name for p in written)}",
                  file=sys.stderr if args.json else sys.stdout)
    if args.json:
        print(json.dumps(document(scenario, result, inferred, unused), indent=2, ensure_ascii=False))
    else:
        print_report(scenario, result, sys.stdout, inferred=inferred, unused=unused)
    return 1 if result.problems else 0


def document(scenario: Scenario, result: AnalysisResult, inferred: Inferred | None = None,
             unused: tuple[Unused, ...] = ()) -> dict[str, Any]:
    """The report dialect (resources/report.schema.json) plus the sources, trust graph and rotation plan, and
    `unused` (each file or record not used, with the reason) and `notes` (what the files did not say)."""
    from wizard.report import scenario_extra
    from wizard.run_document import TargetRun, run_document

    body = result.to_json()
    for key in ("findings", "summary"):
        body.pop(key)
    body["unused"] = [u.to_json() for u in unused]
    body["notes"] = [clean_line(n) for n in (inferred.notes if inferred else ())]
    discovered = inferred.values if inferred else ()
    return run_document("analyze", [TargetRun(tuple(result.findings), discovered=discovered)],
                        started_at=result.now, duration_s=0.0, extra=scenario_extra(scenario) | body)


def _use_colour(stream: TextIO) -> bool:
    return stream.isatty() and "NO_COLOR" not in os.environ


def _print_values(inferred: Inferred, stream: TextIO) -> None:
    """Each scenario value and where it came from: a file and cmdlet, the scenario file or the command line."""
    print("\nScenario values", file=stream)
    for value in inferred.values:
        source = clean_line(value.source)
        print(f"  {FIELD_BY_NAME[value.field].label} {clean_line(value.value)}: "
              f"{source if source.startswith('given') else 'from ' + source}", file=stream)
    for note in inferred.notes:
        print(f"  Note: {indented_block(note, ' ' * 8)}", file=stream)


def print_report(scenario: Scenario, result: AnalysisResult, stream: TextIO, *, inferred: Inferred | None = None,
                 unused: tuple[Unused, ...] = ()) -> None:
    """The findings as text; every value from a collected file is cleaned (clean_line / indented_block)."""
    colour = _use_colour(stream)

    def paint(code: str, text: str) -> str:
        return f"\033[{code}m{text}\033[0m" if colour else text

    print(f"Analysing collected data for {scenario.topology.label}", file=stream)
    for collection in result.collected.collections:
        kind = type(collection).__name__.removesuffix("Collection").lower()
        print(f"  {kind:8} {clean_line(collection.computer) or '?':16} {collection.collected_at:%Y-%m-%d %H:%M} UTC  "
              f"{clean_line(collection.source)}", file=stream)
    if inferred is not None and inferred.values:
        _print_values(inferred, stream)
    for phase in Phase:
        rows = [r for r in result.findings if r.phase is phase]
        if not rows:
            continue
        print(f"\n{phase.title}", file=stream)
        for finding in rows:
            badge = paint(_COLOURS[finding.status], f"{finding.status.value.upper():5}")
            print(f"  {badge}  {clean_line(finding.title)}  [{clean_line(finding.id)}]", file=stream)
            if finding.status is not Status.PASS and finding.detail:
                print(f"         {indented_block(finding.detail, ' ' * 9)}", file=stream)
            if finding.remediation and finding.status is not Status.PASS:
                print(f"         Fix: {indented_block(finding.remediation, ' ' * 14)}", file=stream)
    if not result.graph.is_empty:
        print("\nCertificates the integration trusts", file=stream)
        for cert in result.graph.certificates:
            badge = paint(_TRUST_COLOURS[cert.status.colour], f"{cert.status.value.upper():8}")
            print(f"  {badge}  {clean_line(cert.role)}: {clean_line(cert.label)}", file=stream)
            holders = [e for e in result.graph.edges_of(cert.thumbprint)]
            for edge in holders:
                holder = clean_line(result.graph.holder(edge.holder).label)
                print(f"            {clean_line(edge.relation):22} {holder} ({edge.status.value})", file=stream)
    if unused:
        print("\nNot used", file=stream)
        for item in unused:
            print(f"  {indented_block(item.line(), ' ' * 4)}", file=stream)
    counts = summarise(list(result.findings))
    line = ", ".join(f"{n} {name}" for name, n in counts.items() if n)
    print(f"\n{line or 'no checks apply'}", file=stream)
