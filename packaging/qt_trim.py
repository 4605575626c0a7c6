"""Keep only the parts of Qt the wizard uses, so both builds stay small.

PyInstaller's Qt hooks collect every plugin of each imported module, all Qt translations and the Qt
libraries those plugins link to (Quick, PDF, Wayland, OpenGL, Network...). The wizard is a widgets
application that draws SVG icons, so after Analysis we keep: the Qt modules in KEPT_QT_MODULES, the
platform/style/input plugins a window needs, the SVG and ICO image plugins, and then only the Qt
libraries something kept still links to. Library dependencies are read from the binaries themselves,
so the same rules hold on Windows (Qt6*.dll next to the .pyd files) and Linux (Qt/lib/libQt6*.so).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from importlib.util import find_spec
from pathlib import Path, PurePosixPath

# Python-level Qt modules the wizard imports (tests/packaging checks wizard/ against this list).
KEPT_QT_MODULES = frozenset({"QtCore", "QtGui", "QtWidgets", "QtSvg"})

# Plugins by folder; None keeps the whole folder. Everything else under plugins/ is dropped
# (network information, TLS backends, Wayland, EGL device integrations, generic input, PDF images...).
KEPT_PLUGINS: dict[str, frozenset[str] | None] = {
    "platforms": frozenset({"qwindows", "qoffscreen", "qminimal", "qxcb", "qcocoa"}),
    "styles": None,  # Windows 11 look (qmodernwindowsstyle)
    "platforminputcontexts": None,  # IMEs and compose keys
    "xcbglintegrations": None,  # the xcb platform plugin expects one
    "iconengines": frozenset({"qsvgicon"}),
    "imageformats": frozenset({"qsvg", "qico"}),
}

EXCLUDED_NON_QT_MODULES = ["tkinter", "_tkinter", "turtledemo", "idlelib", "pydoc_data", "lib2to3"]

Entry = tuple[str, str, str]  # PyInstaller TOC entry: (destination name, source path, typecode)


def _installed_qt_modules() -> list[str]:
    spec = find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return []
    folder = Path(next(iter(spec.submodule_search_locations)))
    names = {p.name.split(".")[0] for p in folder.iterdir() if re.match(r"Qt\w+\.(abi3\.so|pyd|.*\.so)$", p.name)}
    return sorted(names)


def excluded_modules() -> list[str]:
    """Every installed PySide6 module the wizard does not use, plus stdlib GUI leftovers."""
    unused = [name for name in _installed_qt_modules() if name not in KEPT_QT_MODULES]
    return [f"PySide6.{name}" for name in unused] + EXCLUDED_NON_QT_MODULES


def _parts(dest: str) -> tuple[str, ...]:
    return PurePosixPath(dest.replace("\\", "/")).parts


def _is_qt(dest: str) -> bool:
    parts = _parts(dest)
    return bool(parts) and parts[0] in {"PySide6", "shiboken6"}


def _plugin_kind(dest: str) -> tuple[str, str] | None:
    """(folder, plugin stem) for a Qt plugin, e.g. ('platforms', 'qxcb') for .../plugins/platforms/libqxcb.so."""
    parts = _parts(dest)
    if not _is_qt(dest) or "plugins" not in parts[:-1]:
        return None
    index = len(parts) - 1 - parts[::-1].index("plugins")
    if index + 2 >= len(parts):
        return None
    stem = parts[-1].split(".")[0]
    stem = stem.removeprefix("lib") if stem.startswith("libq") else stem
    return parts[index + 1], stem


def keeps_plugin(dest: str) -> bool:
    kind = _plugin_kind(dest)
    if kind is None:
        return True
    folder, stem = kind
    if folder not in KEPT_PLUGINS:
        return False
    wanted = KEPT_PLUGINS[folder]
    return wanted is None or stem in wanted


def is_translation(dest: str) -> bool:
    parts = _parts(dest)
    return _is_qt(dest) and "translations" in parts[:-1]


def _default_imports_of(path: str) -> set[str]:
    from PyInstaller.depend.bindepend import get_imports

    return {PurePosixPath(name.replace("\\", "/")).name.lower() for name, _ in get_imports(path)}


def trim(
    binaries: Iterable[Entry],
    datas: Iterable[Entry],
    *,
    imports_of: Callable[[str], set[str]] = _default_imports_of,
) -> tuple[list[Entry], list[Entry]]:
    """Drop unused plugins and translations, then the libraries only they needed.

    A shared library is dropped when nothing kept links to it and either it belongs to Qt (Qt's own
    libraries are only ever needed through links) or something we dropped was why it was collected
    (GTK, Wayland, Kerberos... pulled in by plugins the wizard never loads). Libraries that were
    collected for their own sake (a hook's dlopen target) are left alone.
    """
    all_binaries = list(binaries)
    binaries = [entry for entry in all_binaries if keeps_plugin(entry[0])]
    datas = [entry for entry in datas if not is_translation(entry[0]) and keeps_plugin(entry[0])]

    def key(entry: Entry) -> str:
        return _parts(entry[0])[-1].lower()

    def is_library(entry: Entry) -> bool:
        return entry[2] != "EXTENSION" and _plugin_kind(entry[0]) is None

    links = {entry[1]: imports_of(entry[1]) for entry in all_binaries}
    referenced = set().union(*links.values()) if links else set()
    candidates = {key(e): e for e in binaries if is_library(e) and (_is_qt(e[0]) or key(e) in referenced)}
    roots = [e for e in binaries if key(e) not in candidates]
    reachable: set[str] = set()
    pending = [e[1] for e in roots]
    while pending:
        for name in links.get(pending.pop(), set()):
            if name in candidates and name not in reachable:
                reachable.add(name)
                pending.append(candidates[name][1])
    kept = [e for e in binaries if key(e) not in candidates or key(e) in reachable]
    return kept, datas
