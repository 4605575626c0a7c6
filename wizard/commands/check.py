"""`python -m wizard check ADDRESS_OR_DOMAIN...`: the helpdesk's quick check from a user's address alone.

Discovers the deployment without credentials (wizard.discovery), shows what it found and where from, verifies
it and gives one verdict. Results stream as they end: on a terminal a live "N of M checks" line, plain lines
when piped. Several addresses (or --from-file) run concurrently, one verdict line each, then a summary.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from wizard.cli import LAB_TOPOLOGIES, UsageError, add_scenario_arguments
from wizard.commands.network_options import add_network_arguments, settings_from_args
from wizard.commands.progress import Progress
from wizard.commands.verify import output_path, print_table, save_report
from wizard.discovery.check import CheckOutcome, run_check
from wizard.discovery.query import Query, parse_query
from wizard.fields import FIELDS, Kind
from wizard.probes.context import ProbeSettings
from wizard.probes.result import Status
from wizard.probes.summary import VERDICT_WORDS, ExitCode, exit_code, root_causes
from wizard.report_files import check_document
from wizard.safe_text import clean_line
from wizard.validation import InvalidValue
from wizard.words import counted

MAX_CONCURRENT = 8  # addresses checked at once (each already runs its own checks concurrently)
MAX_ADDRESSES = 1000
MAX_FILE = 1024 * 1024  # a list of addresses, not a mailbox export
EXAMPLES = """examples:
  python -m wizard check adele@contoso.com
  python -m wizard check contoso.com --nameserver 10.0.0.53
  python -m wizard check adele@contoso.com --pool-fqdn pool01.contoso.com --output report.html
  python -m wizard check --from-file users.txt --json
  python -m wizard check adele@contoso.com --demo --fault no-partner-app

exit codes: 0 successful (or with warnings) and every check ran; 1 a check found a problem;
3 some or all checks could not be made; 2 bad input."""


def add_parser(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "check", help="quick check from a user's address: discover the deployment, verify it, one verdict",
        description="Discover Exchange, Skype for Business Server or Teams and the Microsoft 365 tenant from a "
                    "user's address (or a domain) without credentials, then run the verification.",
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("addresses", nargs="*", metavar="ADDRESS_OR_DOMAIN",
                        help="a user's address (adele@contoso.com, sip:adele@contoso.com) or a domain")
    parser.add_argument("--from-file", metavar="FILE", help="more addresses, one per line (# starts a comment)")
    parser.add_argument("--json", action="store_true", help="print one JSON document (resources/report.schema.json)")
    parser.add_argument("--output", metavar="FILE", help="also write the report: .json, .html or .md by extension")
    add_scenario_arguments(parser)
    add_network_arguments(parser.add_argument_group("network"))
    demo = parser.add_argument_group("demo lab")
    demo.add_argument("--demo", action="store_true", help="check the built-in Contoso lab (adele@contoso.com)")
    demo.add_argument("--fault", action="append", metavar="NAME", help="break the lab this way (implies --demo)")
    demo.add_argument("--demo-topology", choices=LAB_TOPOLOGIES, default="onprem", help="which lab deployment")
    parser.set_defaults(run=run)


def _queries(args: argparse.Namespace) -> list[Query]:
    texts = list(args.addresses)
    if args.from_file:
        try:
            lines = Path(args.from_file).read_bytes()[:MAX_FILE].decode("utf-8-sig").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"--from-file: cannot read {args.from_file}: {exc}") from None
        texts += [line.split("#", 1)[0].strip() for line in lines]
    texts = list(dict.fromkeys(t for t in texts if t.strip()))
    if not texts:
        texts = ["adele@contoso.com"] if (args.demo or args.fault) else []
    if not texts:
        raise UsageError("give a user's address or a domain, e.g. check adele@contoso.com (see --help)")
    if len(texts) > MAX_ADDRESSES:
        raise UsageError(f"at most {MAX_ADDRESSES} addresses per run, not {len(texts)}")
    queries = []
    for text in texts:
        try:
            queries.append(parse_query(text))
        except InvalidValue as exc:
            raise UsageError(f"{clean_line(text)}: {exc}") from None
    return queries


def _given(args: argparse.Namespace) -> dict[str, object]:
    """The values the admin typed (they replace discovered ones)."""
    given: dict[str, object] = {}
    for spec in FIELDS:
        value = getattr(args, spec.name, None)
        if value is not None:
            given[spec.name] = list(value) if spec.kind is Kind.LIST else value
    if getattr(args, "scenario", None):
        raise UsageError("check discovers the scenario; give single values with their flags, or use verify "
                         "--scenario FILE")
    return given


@contextmanager
def _settings(args: argparse.Namespace) -> Iterator[ProbeSettings]:
    if args.demo or args.fault:
        from wizard.lab import Lab

        try:
            lab = Lab.start(args.fault or (), topology=args.demo_topology)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        with lab:
            yield settings_from_args(args, lab.settings)
        return
    yield settings_from_args(args)


def _verdict_line(outcome: CheckOutcome) -> str:
    run = outcome.run
    causes = root_causes(run.results)
    first = f": {clean_line(causes[0].result.title)}" if causes else ""
    found = {r.id: r.status for r in run.results}
    checked = all(found.get(i) is Status.PASS for i in ("discovery.exchange", "discovery.sfb"))
    what = outcome.scenario.topology_or_default.label if checked else "deployment not found"
    return f"{clean_line(run.query)}: {VERDICT_WORDS[run.verdict]}{first} ({clean_line(what)}; {run.duration_s:.1f} s)"


def print_discovered(outcome: CheckOutcome, stream: TextIO) -> None:
    print(f"Discovered for {clean_line(outcome.run.query)}", file=stream)
    for found in outcome.run.discovered:
        print(f"  {found.field:24} {clean_line(found.value)}", file=stream)
        print(f"  {'':24} from {clean_line(found.source)}", file=stream)
    for note in outcome.run.notes:
        print(f"  Note: {clean_line(note)}", file=stream)
    print(file=stream)


def run(args: argparse.Namespace) -> int:
    queries = _queries(args)
    given = _given(args)
    output = output_path(args.output)
    started_at, clock = datetime.now().astimezone(), time.monotonic()
    single = len(queries) == 1
    live = sys.stderr.isatty() and not args.json
    progress = Progress(sys.stderr if live else sys.stdout, live=live, per_result=single and not args.json)
    lines_lock = threading.Lock()

    def one(query: Query) -> CheckOutcome:
        outcome = run_check(query, settings, given, on_result=progress.result if not args.json else None,
                            on_planned=progress.planned_is)
        if not single and not args.json:
            with lines_lock:
                progress.clear()
                print(_verdict_line(outcome), flush=True)
        return outcome

    with _settings(args) as settings:
        if single:
            outcomes = [one(queries[0])]
        else:
            with ThreadPoolExecutor(max_workers=min(MAX_CONCURRENT, len(queries)), thread_name_prefix="check") as pool:
                outcomes = list(pool.map(one, queries))
    progress.clear()
    duration = time.monotonic() - clock
    pairs = [(o.scenario, o.run) for o in outcomes]
    if args.json:
        print(json.dumps(check_document(pairs, started_at=started_at, duration_s=duration), indent=2,
                         ensure_ascii=False))
    elif single:
        print_discovered(outcomes[0], sys.stdout)
        print_table(outcomes[0].scenario, list(outcomes[0].run.results), sys.stdout)
        print(f"\nVerdict: {_verdict_line(outcomes[0])}")
    else:
        tally: dict[str, int] = {}
        for outcome in outcomes:
            tally[VERDICT_WORDS[outcome.run.verdict]] = tally.get(VERDICT_WORDS[outcome.run.verdict], 0) + 1
        print(f"\n{counted(len(outcomes), 'address', 'addresses')} in {duration:.1f} s: "
              + ", ".join(f"{n} {word.lower()}" for word, n in tally.items()))
    if output:
        save_report(output, "check", pairs, started_at, duration)
    codes = [exit_code(list(o.run.results)) for o in outcomes]
    return ExitCode.FINDING if ExitCode.FINDING in codes else max(codes)
