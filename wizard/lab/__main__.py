"""`python -m wizard.lab serve [--fault NAME ...] [--latency-ms N] [--topology NAME]`.

Runs the demo lab in its own process (as the servers of a real deployment would be), prints the
settings and scenario that point at it as one JSON line on stdout, and serves until stdin closes.
"""

from __future__ import annotations

import argparse
import sys

from wizard.lab.faults import FAULTS


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m wizard.lab", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the lab until stdin closes; print its settings as JSON")
    serve.add_argument("--fault", action="append", default=[], choices=sorted(FAULTS), metavar="NAME",
                       help="inject a named fault (repeatable): " + ", ".join(sorted(FAULTS)))
    serve.add_argument("--latency-ms", type=int, default=0, help="delay every answer by N milliseconds")
    serve.add_argument("--topology", default="onprem", help="lab deployment (default: onprem)")
    args = parser.parse_args(argv)
    from wizard.lab.serve import serve as run_serve

    try:
        return run_serve(tuple(args.fault), latency_ms=args.latency_ms, topology=args.topology)
    except ValueError as exc:  # an unknown topology: one line, exit 2 like other usage errors
        print(f"python -m wizard.lab: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
