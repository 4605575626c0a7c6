"""`python -m wizard decode TEXT`: the window's error decoder on the command line.

The text comes from the arguments, --file FILE (UTF-8 or UTF-16 with its BOM, as PowerShell's Out-File
writes), or standard input (`-` or a pipe). Each known error is printed with its cause, fix and public
source. Exit 0 when a known error matched, 1 when none did, 2 for bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from wizard import __version__
from wizard.cli import UsageError
from wizard.probes.decoder import MAX_TEXT, NOTHING_MATCHED, decode
from wizard.safe_text import clean_line, indented_block

EXAMPLES = """examples:
  python -m wizard decode "Test-CsExStorageConnectivity ... code=50043"
  Get-Content error.txt | python -m wizard decode
  python -m wizard decode --file error.txt --json"""


def add_parser(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "decode", help="name the known cause and fix of a pasted error message",
        description="Match pasted PowerShell, Teams or client error text against the known errors of this "
                    "integration.", epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("text", nargs="*", metavar="TEXT", help="the error text ('-' reads standard input)")
    parser.add_argument("--file", metavar="FILE", help="read the error text from this file")
    parser.add_argument("--json", action="store_true", help="print the matches as one JSON document")
    parser.set_defaults(run=run)


def _decoded(raw: bytes) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16", errors="replace")
    return raw.decode("utf-8-sig", errors="replace")


def _text(args: argparse.Namespace) -> str:
    if args.file:
        try:
            with Path(args.file).open("rb") as handle:
                return _decoded(handle.read(MAX_TEXT * 4))
        except OSError as exc:
            raise UsageError(f"--file: cannot read {args.file}: {exc.strerror or exc}") from None
    if args.text and args.text != ["-"]:
        return " ".join(args.text)
    if args.text == ["-"] or not sys.stdin.isatty():
        return _decoded(sys.stdin.buffer.read(MAX_TEXT * 4))
    raise UsageError("give the error text, --file FILE, or pipe it in (see decode --help)")


def run(args: argparse.Namespace) -> int:
    text = _text(args)
    if not text.strip():
        raise UsageError("the error text is empty")
    found = decode(text)
    if args.json:
        print(json.dumps({"schema": "sfb-exchange-wizard/decode", "schema_version": 1, "tool_version": __version__,
                          "matches": [{"id": e.id, "title": e.title, "cause": e.cause, "fix": e.fix,
                                       "source": e.source, "excerpt": clean_line(e.excerpt)} for e in found]},
                         indent=2, ensure_ascii=False))
    elif not found:
        print(NOTHING_MATCHED)
    else:
        for number, entry in enumerate(found):
            if number:
                print()
            print(clean_line(entry.title))
            print(f"  Matched: {clean_line(entry.excerpt)}")
            print(f"  Cause: {indented_block(entry.cause, '         ')}")
            print(f"  Fix: {indented_block(entry.fix, '       ')}")
            print(f"  Source: {clean_line(entry.source)}")
    return 0 if found else 1
