"""`python -m wizard`: a subcommand runs the CLI; anything else opens the wizard window.

`--version`, `--self-test` (Qt offscreen, every resource, the wizard, verify --demo) and
`--exit-after-show` (start-up timing) serve the packaged program and its build checks.

The dispatch lives here, outside wizard.cli, so the command-line core never imports Qt and the
window's start-up never imports the CLI (argparse, every subcommand's flags): the subcommand names
are listed in the wizard package itself, beside the version.
"""

from __future__ import annotations

import sys

from wizard import COMMANDS, __version__


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["--version"]:
        print(f"SfB-Exchange Wizard {__version__}")
        return 0
    if args[:1] == ["--self-test"]:  # used by packaging/build.py on the frozen program
        from wizard.ui.selftest import main as self_test_main

        return self_test_main(args[1:])
    if args[:1] == ["--exit-after-show"]:  # used by benchmarks/package.py to time start-up
        from wizard.ui.selftest import show_and_exit

        return show_and_exit()
    wants_cli = bool(args) and (args[0] in COMMANDS or args[0] in {"-h", "--help"})
    if args and not wants_cli and _looks_like_a_command(args[0]):
        return _unknown_command(args[0])
    if wants_cli:
        from wizard.cli import main as cli_main

        return cli_main(args)
    from wizard.ui.app import main as gui_main

    return gui_main(args)


def _looks_like_a_command(word: str) -> bool:
    """A first word that is no flag and no scenario file is a mistyped subcommand: it must never open the
    window (on a server without a display Qt would abort)."""
    from pathlib import Path

    return not word.startswith("-") and not word.lower().endswith(".json") and not Path(word).is_file()


def _unknown_command(word: str) -> int:
    import difflib

    from wizard.safe_text import shown

    near = difflib.get_close_matches(word.lower(), COMMANDS, n=1, cutoff=0.6)
    hint = f"; did you mean '{near[0]}'?" if near else f"; the commands are {', '.join(COMMANDS)}"
    print(f"error: unknown command '{shown(word, limit=60)}'{hint} (python -m wizard --help lists them; a "
          "scenario file to open ends in .json)", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
