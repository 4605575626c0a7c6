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
    if wants_cli:
        from wizard.cli import main as cli_main

        return cli_main(args)
    from wizard.ui.app import main as gui_main

    return gui_main(args)


if __name__ == "__main__":
    sys.exit(main())
