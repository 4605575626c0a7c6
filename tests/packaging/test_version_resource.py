"""The version lives in pyproject.toml only; the Windows version resource is generated from it."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest
from packaging_scripts import ROOT, load_script

import wizard

version_resource = load_script("packaging/version_resource.py", "version_resource")
PYPROJECT_VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


class _Recorded:
    """Stands in for PyInstaller's versioninfo classes: keeps the constructor arguments."""

    def __init__(self, kind: str, *args: object, **kwargs: object) -> None:
        self.kind, self.args, self.kwargs = kind, args, kwargs


def _evaluate(text: str) -> _Recorded:
    names = ["VSVersionInfo", "FixedFileInfo", "StringFileInfo", "StringTable", "StringStruct",
             "VarFileInfo", "VarStruct"]
    namespace = {name: (lambda *a, _n=name, **k: _Recorded(_n, *a, **k)) for name in names}
    return eval(compile(text, "version_info.txt", "eval"), {"__builtins__": {}}, namespace)


def _strings(info: _Recorded) -> dict[str, str]:
    table = info.kwargs["kids"][0].args[0][0]
    return {s.args[0]: s.args[1] for s in table.args[1]}


def test_metadata_reads_the_pyproject_version() -> None:
    assert version_resource.read_metadata().version == PYPROJECT_VERSION


def test_package_version_matches_pyproject() -> None:
    assert wizard.__version__ == PYPROJECT_VERSION


@pytest.mark.parametrize(
    ("version", "expected"),
    [("0.1.0", (0, 1, 0, 0)), ("2.0", (2, 0, 0, 0)), ("1.2.3rc1", (1, 2, 3, 0)), ("1.2.3.4.5", (1, 2, 3, 4))],
)
def test_windows_version_tuple_has_four_numbers(version: str, expected: tuple[int, ...]) -> None:
    assert version_resource.windows_version_tuple(version) == expected


def test_windows_version_rejects_what_windows_cannot_hold() -> None:
    with pytest.raises(ValueError, match="65535"):
        version_resource.windows_version_tuple("70000.1")
    with pytest.raises(ValueError, match="number"):
        version_resource.windows_version_tuple("dev")


def test_generated_version_info_names_product_company_and_version(tmp_path: Path) -> None:
    metadata = version_resource.read_metadata()
    out = version_resource.write_version_info(
        tmp_path / "build" / "version_info.txt", metadata, original_filename="SfB-Exchange-Wizard.exe"
    )
    info = _evaluate(out.read_text(encoding="utf-8"))
    assert info.kind == "VSVersionInfo"
    version_tuple = version_resource.windows_version_tuple(PYPROJECT_VERSION)
    assert info.kwargs["ffi"].kwargs["filevers"] == version_tuple
    assert info.kwargs["ffi"].kwargs["prodvers"] == version_tuple
    strings = _strings(info)
    assert strings["ProductName"] == "SfB-Exchange Wizard"
    assert strings["FileVersion"] == strings["ProductVersion"] == PYPROJECT_VERSION
    assert strings["CompanyName"] == metadata.company
    assert strings["Comments"] == metadata.description
    assert strings["OriginalFilename"] == "SfB-Exchange-Wizard.exe"


def test_quotes_in_metadata_cannot_break_the_resource(tmp_path: Path) -> None:
    metadata = version_resource.ProjectMetadata(version="1.0", description="it's \"quoted\"\n", company="O'Brien")
    info = _evaluate(version_resource.render_version_info(metadata, original_filename="x.exe"))
    assert _strings(info)["CompanyName"] == "O'Brien"
    assert _strings(info)["Comments"] == "it's \"quoted\"\n"


def test_template_uses_only_pyinstaller_versioninfo_names() -> None:
    """The names we call must exist in PyInstaller's versioninfo module (it eval()s our file)."""
    import PyInstaller

    source = (Path(PyInstaller.__file__).parent / "utils" / "win32" / "versioninfo.py").read_text(encoding="utf-8")
    defined = {node.name for node in ast.walk(ast.parse(source)) if isinstance(node, ast.ClassDef)}
    text = version_resource.render_version_info(version_resource.read_metadata(), original_filename="x.exe")
    called = {node.func.id for node in ast.walk(ast.parse(text, mode="eval"))
              if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}
    assert called
    assert called <= defined
