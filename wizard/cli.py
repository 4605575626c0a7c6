"""Command line: the same core as the GUI, one vocabulary for scenario files and flags.

Exit codes: 0 success, 1 a check failed, 2 bad input (with a one-line reason on stderr).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from wizard import COMMANDS, __version__
from wizard.fields import FIELDS, Kind
from wizard.safe_text import shown
from wizard.scenario import Scenario, ScenarioFileError
from wizard.words import counted


class UsageError(Exception):
    """Bad input from the user: reported in one line, exit code 2."""


def add_scenario_arguments(parser: argparse.ArgumentParser) -> None:
    """--scenario FILE plus one flag per scenario value (list values repeat the flag)."""
    group = parser.add_argument_group("scenario", "a scenario file, and/or values that override it")
    group.add_argument("--scenario", metavar="FILE", help="scenario JSON saved by the wizard")
    for spec in FIELDS:
        kwargs: dict[str, Any] = {"dest": spec.name, "help": spec.help}
        if spec.kind is Kind.CHOICE:
            kwargs["choices"] = spec.choices
            kwargs["type"] = spec.canonical  # old names (SfB 'online') are read as today's
        elif spec.kind is Kind.LIST:
            kwargs["action"] = "append"
            kwargs["metavar"] = spec.name.upper().removesuffix("S")
        else:
            kwargs["metavar"] = "FILE" if spec.kind is Kind.PATH else spec.name.upper()
        group.add_argument(spec.flag, **kwargs)


def scenario_from_args(args: argparse.Namespace, *, base: Scenario | None = None) -> Scenario:
    """Load --scenario (if any), apply the value flags, and reject anything invalid."""
    scenario = base or Scenario()
    if getattr(args, "scenario", None):
        try:
            scenario = Scenario.load(args.scenario)
        except ScenarioFileError as exc:
            raise UsageError(str(exc)) from None
    values = {spec.name: getattr(args, spec.name, None) for spec in FIELDS}
    problems = scenario.update({k: v for k, v in values.items() if v is not None})
    problems.update(scenario.errors())
    if problems:
        name, message = next(iter(problems.items()))
        flag = next(s.flag for s in FIELDS if s.name == name)
        more = f" (and {counted(len(problems) - 1, 'more problem')})" if len(problems) > 1 else ""
        raise UsageError(f"{flag}: {message}{more}")
    return scenario


LAB_TOPOLOGIES = ("onprem", "hybrid", "teams", "online")  # the demo lab's; online: the old name of teams


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a mistake is one line and a hint (not 26 lines of usage), and no flag is abbreviated."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["allow_abbrev"] = False
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        print(f"error: {shown(message)} (try '{self.prog} --help')", file=sys.stderr)
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="python -m wizard",
        description="Wire Skype for Business / Lync to Exchange: export the commands, verify the result, or check "
        "a user's address quickly (check adele@contoso.com). "
        "Without a subcommand the wizard window opens (--demo opens it on the built-in demo lab).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OneLineParser)
    for name in COMMANDS:
        module = importlib.import_module(f"wizard.commands.{name}")
        module.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    if not args.command:
        parser.print_help()
        return 0
    try:
        return int(args.run(args))
    except UsageError as exc:
        print(f"error: {shown(exc)}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `verify | head`: the reader left; stop quietly, as other tools do
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (Python flushes it at exit)
        return 1
