"""`python -m wizard`: a subcommand runs the CLI; anything else opens the wizard window.

The dispatch lives here, outside wizard.cli, so the command-line core never imports Qt.
"""

from __future__ import annotations

import sys

from wizard.cli import COMMANDS


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    wants_cli = bool(args) and (args[0] in COMMANDS or args[0] in {"-h", "--help", "--version"})
    if wants_cli:
        from wizard.cli import main as cli_main

        return cli_main(args)
    from wizard.ui.app import main as gui_main

    return gui_main(args)


if __name__ == "__main__":
    sys.exit(main())
