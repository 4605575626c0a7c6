"""The one writer of every .ps1 the project hands out: setup and undo bundles, collectors, rotation plans.

Windows PowerShell 5.1 reads a script best as UTF-8 with a BOM (without it a non-ASCII character in
a quoted value is read as ANSI) and CRLF line ends. Comments are written through `comment()`, so no
value can end a comment line early. Files are replaced atomically: a reader sees the old file or the
new one, never half of one.
"""

from __future__ import annotations

import os
import textwrap
from collections.abc import Mapping
from pathlib import Path

from wizard import __version__
from wizard.safe_text import clean_block
from wizard.scenario import atomic_write_bytes

BOM = "\ufeff"
COMMENT_WIDTH = 110
RULE = "# " + "-" * 100


def comment(text: str, label: str = "", *, hang: int = 0) -> list[str]:
    """Text as PowerShell line comments: every line break in it starts a new '#' line, so no value escapes.

    Hidden characters (controls, bidi overrides, zero-width) are removed first, so a comment reads as
    what it says. `label` goes before the first line and aligns the rest; `hang` indents continuation lines.
    """
    prefix = f"{label} ".ljust(8) if label else ""
    lines: list[str] = []
    for paragraph in clean_block(text).splitlines() or [""]:
        wrapped = textwrap.wrap(paragraph, COMMENT_WIDTH - len(prefix), subsequent_indent=" " * hang) or [""]
        for piece in wrapped:
            lines.append(f"# {prefix}{piece}".rstrip())
            prefix = " " * len(prefix)
    return lines


def title_line(kind: str) -> str:
    """The first line of every script: which tool and version wrote it, and what kind of script it is."""
    return f"# SfB-Exchange integration wizard {__version__}: {kind}"


def encode_script(text: str) -> bytes:
    """The bytes of a .ps1 file: UTF-8 with BOM, CRLF line ends."""
    body = text.removeprefix(BOM).replace("\r\n", "\n").replace("\n", "\r\n")
    return (BOM + body).encode("utf-8")


def write_script(path: str | os.PathLike[str], text: str) -> Path:
    """Write one script (BOM, CRLF) atomically."""
    target = Path(path)
    atomic_write_bytes(target, encode_script(text))
    return target


def write_scripts(folder: str | os.PathLike[str], scripts: Mapping[str, str]) -> list[Path]:
    """Write name -> text scripts into folder, each atomically; returns the paths in the given order."""
    return [write_script(Path(folder) / name, text) for name, text in scripts.items()]
