"""Project metadata from pyproject.toml, and the Windows version resource generated from it.

pyproject.toml is the one place the version lives; the spec, the build script and the version
resource (what Explorer's Properties > Details and SmartScreen show) all read it through here.
Stdlib only, so the build script runs before anything is installed.
"""

from __future__ import annotations

import re
import string
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
TEMPLATE = Path(__file__).resolve().parent / "version_info.txt.in"

PRODUCT_NAME = "SfB-Exchange Wizard"
EXE_NAME = "SfB-Exchange-Wizard"  # file name stem of both builds (no spaces: easier to script)


@dataclass(frozen=True)
class ProjectMetadata:
    version: str
    description: str
    company: str


def read_metadata(pyproject: Path = PYPROJECT) -> ProjectMetadata:
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    authors = project.get("authors") or [{}]
    return ProjectMetadata(
        version=project["version"],
        description=project.get("description", PRODUCT_NAME),
        company=authors[0].get("name", PRODUCT_NAME),
    )


def windows_version_tuple(version: str) -> tuple[int, int, int, int]:
    """The four 16-bit numbers Windows wants: '1.2.3rc1' -> (1, 2, 3, 0), '2.0' -> (2, 0, 0, 0)."""
    match = re.match(r"^\d+(?:\.\d+)*", version)
    if not match:
        raise ValueError(f"version {version!r} does not start with a number")
    numbers = [int(part) for part in match.group(0).split(".")][:4]
    if any(n > 0xFFFF for n in numbers):
        raise ValueError(f"version {version!r} has a part above 65535")
    return tuple(numbers + [0] * (4 - len(numbers)))  # type: ignore[return-value]


def render_version_info(metadata: ProjectMetadata, *, original_filename: str) -> str:
    """The template filled in; every text value is a Python literal, so quotes cannot break it."""
    template = string.Template(TEMPLATE.read_text(encoding="utf-8"))
    return template.substitute(
        version_tuple=repr(windows_version_tuple(metadata.version)),
        version=repr(metadata.version),
        company=repr(metadata.company),
        file_description=repr(PRODUCT_NAME),  # what Task Manager and SmartScreen show as the program's name
        comments=repr(metadata.description),
        internal_name=repr(EXE_NAME),
        copyright=repr(f"Copyright (c) {metadata.company}"),
        original_filename=repr(original_filename),
        product_name=repr(PRODUCT_NAME),
    )


def write_version_info(out: Path, metadata: ProjectMetadata, *, original_filename: str) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_version_info(metadata, original_filename=original_filename), encoding="utf-8")
    return out
