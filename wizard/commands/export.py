"""`python -m wizard export`: write the scripts and the runbook for a scenario into a folder.

The scenario comes from --scenario FILE and/or value flags (or --example, the field guide's values);
an invalid scenario is refused in one line (exit 2) before anything is written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from wizard.cli import UsageError, add_scenario_arguments, scenario_from_args
from wizard.playbook.export import export_bundle
from wizard.scenario import example_scenario
from wizard.words import counted


def add_parser(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "export", help="write the setup/undo scripts and the runbook for a scenario",
        description="Write one setup and one undo script per shell, runbook.md and runbook.html into DIR. "
                    "Nothing is written unless the whole bundle can be.")
    add_scenario_arguments(parser)
    parser.add_argument("--example", action="store_true",
                        help="start from the field guide's example (jdskype.net); flags still override it")
    parser.add_argument("--out", required=True, metavar="DIR", help="folder to write the bundle into")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.example and args.scenario:
        raise UsageError("use --example or --scenario, not both")
    scenario = scenario_from_args(args, base=example_scenario() if args.example else None)
    for warning in scenario.corrections():
        print(f"warning: {warning}", file=sys.stderr)
    try:
        written = export_bundle(scenario, Path(args.out))
    except OSError as exc:
        raise UsageError(f"cannot write to {args.out}: {exc.strerror or exc}") from None
    print(f"Wrote {counted(len(written), 'file')} for {scenario.topology.label}:")
    for path in written:
        print(f"  {path}")
    return 0
