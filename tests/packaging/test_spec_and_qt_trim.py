"""The PyInstaller spec (both shapes, version, resources, icon) and the Qt trimming rules it applies."""

from __future__ import annotations

import functools
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from packaging_scripts import ROOT, load_script
from PyInstaller.utils import hooks as pyinstaller_hooks

qt_trim = load_script("packaging/qt_trim.py", "qt_trim")
version_resource = load_script("packaging/version_resource.py", "version_resource")

SPEC = ROOT / "packaging" / "wizard.spec"


class _Target:
    """Records what the spec hands to one of PyInstaller's build targets."""

    def __init__(self, kind: str, *args: Any, **kwargs: Any) -> None:
        self.kind, self.args, self.kwargs = kind, args, kwargs
        self.binaries: list[tuple[str, str, str]] = []
        self.datas: list[tuple[str, str, str]] = []
        self.pure: list[Any] = []
        self.scripts: list[Any] = []


_collect_submodules = pyinstaller_hooks.collect_submodules


@functools.cache
def _wizard_submodules(package: str) -> list[str]:
    return _collect_submodules(package)


def _run_spec(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *spec_args: str,
              onefile_env: bool = False) -> dict[str, list[_Target]]:
    """Execute the spec as PyInstaller would, with its build targets replaced by recorders."""
    made: dict[str, list[_Target]] = {}

    def target(kind: str):
        def build(*args: Any, **kwargs: Any) -> _Target:
            made.setdefault(kind, []).append(_Target(kind, *args, **kwargs))
            return made[kind][-1]
        return build

    namespace = {name: target(name) for name in ("Analysis", "PYZ", "EXE", "COLLECT")}
    namespace.update(SPECPATH=str(SPEC.parent), workpath=str(tmp_path / "work"), __file__=str(SPEC))
    monkeypatch.setattr(sys, "argv", [str(SPEC), *spec_args])
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.setattr(pyinstaller_hooks, "collect_submodules", _wizard_submodules)  # one real scan per session
    if onefile_env:
        monkeypatch.setenv("WIZARD_ONEFILE", "1")
    else:
        monkeypatch.delenv("WIZARD_ONEFILE", raising=False)
    exec(compile(SPEC.read_text(encoding="utf-8"), str(SPEC), "exec"), namespace)
    return made


def test_spec_builds_one_folder_by_default_with_version_resource_and_icon(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = _run_spec(tmp_path, monkeypatch)
    exe = made["EXE"][0]
    assert exe.kwargs["name"] == "SfB-Exchange-Wizard"
    assert exe.kwargs["exclude_binaries"] is True
    assert made["COLLECT"][0].kwargs["name"] == "SfB-Exchange-Wizard"
    assert exe.kwargs["icon"] == str(ROOT / "resources" / "icons" / "app.ico")
    version_text = Path(exe.kwargs["version"]).read_text(encoding="utf-8")
    assert Path(exe.kwargs["version"]).parent == tmp_path / "work"
    assert f"'{version_resource.read_metadata().version}'" in version_text
    assert "SfB-Exchange-Wizard.exe" in version_text


def test_spec_onefile_argument_builds_one_versioned_portable_exe(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = _run_spec(tmp_path, monkeypatch, "--onefile")
    version = version_resource.read_metadata().version
    assert "COLLECT" not in made
    exe = made["EXE"][0]
    assert exe.kwargs["name"] == f"SfB-Exchange-Wizard-{version}-portable"
    assert "exclude_binaries" not in exe.kwargs


def test_spec_bundles_resources_subcommands_and_excludes_unused_qt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    analysis = _run_spec(tmp_path, monkeypatch)["Analysis"][0]
    assert analysis.args[0] == [str(ROOT / "packaging" / "entry_point.py")]
    assert (str(ROOT / "resources"), "resources") in analysis.kwargs["datas"]
    assert "wizard.cli" in analysis.kwargs["hiddenimports"]
    excludes = analysis.kwargs["excludes"]
    for unused in ("PySide6.QtNetwork", "PySide6.QtQml", "PySide6.QtQuick", "PySide6.QtOpenGL"):
        assert unused in excludes
    for used in ("PySide6.QtCore", "PySide6.QtGui", "PySide6.QtWidgets", "PySide6.QtSvg"):
        assert used not in excludes


def test_spec_entry_option_builds_a_baseline_with_the_same_excludes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hello = tmp_path / "hello.py"
    hello.write_text("print('hi')\n", encoding="utf-8")
    wizard_excludes = _run_spec(tmp_path, monkeypatch)["Analysis"][0].kwargs["excludes"]
    made = _run_spec(tmp_path, monkeypatch, "--onefile", "--entry", str(hello), "--name", "hello")
    assert made["Analysis"][0].args[0] == [str(hello)]
    assert made["Analysis"][0].kwargs["datas"] == []
    assert made["Analysis"][0].kwargs["excludes"] == wizard_excludes
    assert made["EXE"][0].kwargs["name"] == "hello"


def test_wizard_imports_only_the_qt_modules_the_build_keeps() -> None:
    used = set()
    for path in (ROOT / "wizard").rglob("*.py"):
        used |= set(re.findall(r"PySide6\.(Qt\w+)", path.read_text(encoding="utf-8")))
        used |= {m for line in re.findall(r"from PySide6 import ([^\n(]+)", path.read_text(encoding="utf-8"))
                 for m in re.findall(r"Qt\w+", line)}
    assert used, "no Qt import found: the scan is broken"
    missing = used - qt_trim.KEPT_QT_MODULES
    assert not missing, f"add to KEPT_QT_MODULES in packaging/qt_trim.py (and check the size): {missing}"


# A small fake install: which file links to which library, as the real ldd/pefile would say.
LINKS = {
    "/s/QtWidgets.abi3.so": {"libqt6widgets.so.6", "libpyside6.abi3.so.6.12"},
    "/s/libQt6Widgets.so.6": {"libqt6gui.so.6"},
    "/s/libQt6Gui.so.6": {"libqt6core.so.6", "libfreetype.so.6"},
    "/s/libqxcb.so": {"libqt6xcbqpa.so.6"},
    "/s/libQt6XcbQpa.so.6": {"libqt6gui.so.6"},
    "/s/libqgtk3.so": {"libgtk-3.so.0", "libqt6gui.so.6"},
    "/s/libqopensslbackend.so": {"libqt6network.so.6"},
    "/s/libQt6Network.so.6": {"libqt6core.so.6"},
}
BINARIES = [
    ("PySide6/QtWidgets.abi3.so", "/s/QtWidgets.abi3.so", "EXTENSION"),
    ("PySide6/libpyside6.abi3.so.6.12", "/s/libpyside6.abi3.so.6.12", "BINARY"),
    ("PySide6/Qt/lib/libQt6Widgets.so.6", "/s/libQt6Widgets.so.6", "BINARY"),
    ("PySide6/Qt/lib/libQt6Gui.so.6", "/s/libQt6Gui.so.6", "BINARY"),
    ("PySide6/Qt/lib/libQt6Core.so.6", "/s/libQt6Core.so.6", "BINARY"),
    ("PySide6/Qt/lib/libQt6XcbQpa.so.6", "/s/libQt6XcbQpa.so.6", "BINARY"),
    ("PySide6/Qt/lib/libQt6Network.so.6", "/s/libQt6Network.so.6", "BINARY"),
    ("PySide6/Qt/lib/libQt6Quick.so.6", "/s/libQt6Quick.so.6", "BINARY"),
    ("PySide6/Qt/plugins/platforms/libqxcb.so", "/s/libqxcb.so", "BINARY"),
    ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", "/s/libqgtk3.so", "BINARY"),
    ("PySide6/Qt/plugins/tls/libqopensslbackend.so", "/s/libqopensslbackend.so", "BINARY"),
    ("PySide6/Qt/plugins/imageformats/libqsvg.so", "/s/libqsvg.so", "BINARY"),
    ("PySide6/Qt/plugins/imageformats/libqpdf.so", "/s/libqpdf.so", "BINARY"),
    ("libfreetype.so.6", "/s/libfreetype.so.6", "BINARY"),
    ("libgtk-3.so.0", "/s/libgtk-3.so.0", "BINARY"),
    ("libffi.so.8", "/s/libffi.so.8", "BINARY"),  # collected by a hook for dlopen: linked by nothing
]
DATAS = [
    ("PySide6/Qt/translations/qtbase_de.qm", "/s/qtbase_de.qm", "DATA"),
    ("resources/features.json", "/r/features.json", "DATA"),
]


def _trimmed() -> tuple[set[str], set[str]]:
    binaries, datas = qt_trim.trim(BINARIES, DATAS, imports_of=lambda path: LINKS.get(path, set()))
    return {dest for dest, _, _ in binaries}, {dest for dest, _, _ in datas}


def test_trim_keeps_what_a_widgets_window_needs() -> None:
    kept, _ = _trimmed()
    assert {
        "PySide6/QtWidgets.abi3.so", "PySide6/libpyside6.abi3.so.6.12", "PySide6/Qt/lib/libQt6Widgets.so.6",
        "PySide6/Qt/lib/libQt6Gui.so.6", "PySide6/Qt/lib/libQt6Core.so.6", "PySide6/Qt/lib/libQt6XcbQpa.so.6",
        "PySide6/Qt/plugins/platforms/libqxcb.so", "PySide6/Qt/plugins/imageformats/libqsvg.so",
        "libfreetype.so.6", "libffi.so.8",
    } <= kept


def test_trim_drops_unused_plugins_and_the_libraries_only_they_needed() -> None:
    kept, _ = _trimmed()
    for dropped in (
        "PySide6/Qt/plugins/platformthemes/libqgtk3.so", "PySide6/Qt/plugins/tls/libqopensslbackend.so",
        "PySide6/Qt/plugins/imageformats/libqpdf.so", "PySide6/Qt/lib/libQt6Network.so.6",
        "PySide6/Qt/lib/libQt6Quick.so.6", "libgtk-3.so.0",
    ):
        assert dropped not in kept


def test_trim_drops_translations_but_keeps_app_resources() -> None:
    _, datas = _trimmed()
    assert datas == {"resources/features.json"}


def test_trim_understands_windows_layout() -> None:
    binaries = [
        ("PySide6\\QtGui.pyd", "C:/s/QtGui.pyd", "EXTENSION"),
        ("PySide6\\Qt6Gui.dll", "C:/s/Qt6Gui.dll", "BINARY"),
        ("PySide6\\opengl32sw.dll", "C:/s/opengl32sw.dll", "BINARY"),
        ("PySide6\\plugins\\platforms\\qwindows.dll", "C:/s/qwindows.dll", "BINARY"),
        ("PySide6\\plugins\\styles\\qmodernwindowsstyle.dll", "C:/s/qmodernwindowsstyle.dll", "BINARY"),
        ("PySide6\\plugins\\platforms\\qdirect2d.dll", "C:/s/qdirect2d.dll", "BINARY"),
    ]
    links = {"C:/s/QtGui.pyd": {"qt6gui.dll"}}
    kept, _ = qt_trim.trim(binaries, [], imports_of=lambda path: links.get(path, set()))
    assert {dest for dest, _, _ in kept} == {
        "PySide6\\QtGui.pyd", "PySide6\\Qt6Gui.dll", "PySide6\\plugins\\platforms\\qwindows.dll",
        "PySide6\\plugins\\styles\\qmodernwindowsstyle.dll",
    }


def test_build_script_looks_for_the_program_where_the_spec_puts_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build = load_script("packaging/build.py", "wizard_build")
    suffix = ".exe" if sys.platform == "win32" else ""
    onedir = _run_spec(tmp_path, monkeypatch, "--onedir")
    assert build.program_path(False, dist=tmp_path) == (
        tmp_path / onedir["COLLECT"][0].kwargs["name"] / f"{onedir['EXE'][0].kwargs['name']}{suffix}"
    )
    onefile = _run_spec(tmp_path, monkeypatch, "--onefile")
    assert build.program_path(True, dist=tmp_path) == tmp_path / f"{onefile['EXE'][0].kwargs['name']}{suffix}"
    named = _run_spec(tmp_path, monkeypatch, "--onefile", "--name", "hello-qwizard")
    assert build.program_path(True, name="hello-qwizard", dist=tmp_path).name.startswith(
        named["EXE"][0].kwargs["name"])


def test_environment_variable_selects_one_file_for_tools_that_cannot_pass_arguments(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = _run_spec(tmp_path, monkeypatch, onefile_env=True)
    assert "COLLECT" not in made
    assert made["EXE"][0].kwargs["name"].endswith("-portable")
