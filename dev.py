"""Stdlib-only bootstrap: `python dev.py demo` or `python dev.py test` on a fresh machine.

It creates .venv, installs the project with its extras (and, on Debian as root, the system
packages Qt and the third-party test servers need), then runs the demo or the whole check suite.
Kept free of third-party imports so a newcomer needs nothing but Python 3.11+.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".installed-from"

# What Qt (even offscreen), the fonts and the real test servers need on a bare Debian image.
DEBIAN_PACKAGES = [
    "libgl1", "libegl1", "libxkbcommon0", "libfontconfig1", "libdbus-1-3", "libglib2.0-0",
    "libx11-6", "libxkbcommon-x11-0", "libxcb-icccm4", "libxcb-keysyms1", "libxcb-image0",
    "libxcb-render-util0", "libxcb-shape0", "libxcb-xinerama0", "libxcb-randr0", "libxcb-cursor0",
    "fonts-dejavu-core", "xvfb", "dnsmasq-base", "nginx-light", "binutils",
]


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def run(cmd: list[str | Path], env: dict[str, str] | None = None) -> int:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    return subprocess.call([str(c) for c in cmd], cwd=ROOT, env=env)


def install_debian_packages() -> None:
    """Install system libraries when we can (root on Debian); otherwise say what is missing."""
    if not sys.platform.startswith("linux") or not shutil.which("apt-get"):
        return
    missing = [p for p in DEBIAN_PACKAGES if b"install ok installed" not in subprocess.run(
        ["dpkg-query", "-W", "-f=${Status}", p], capture_output=True, check=False).stdout]
    if not missing:
        return
    if os.geteuid() != 0:
        print(f"note: not root, so not installing Debian packages: {' '.join(missing)}", flush=True)
        return
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    run(["apt-get", "update", "-qq"], env=env)
    if run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing], env=env) != 0:
        print("warning: some Debian packages could not be installed; tests needing them will skip")


def ensure_venv(extras: str) -> Path:
    """Create .venv and install the project; skip pip when pyproject.toml is unchanged."""
    if not venv_python().exists():
        run([sys.executable, "-m", "venv", str(VENV)])
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == digest:
        return venv_python()
    py = venv_python()
    if run([py, "-m", "pip", "install", "-q", "--upgrade", "pip"]) != 0:
        print("warning: could not upgrade pip; continuing with the bundled one")
    if run([py, "-m", "pip", "install", "-q", "-e", f".[{extras}]"]) != 0:
        sys.exit("error: pip install failed (see above)")
    STAMP.write_text(digest)
    return py


def cmd_test(args: list[str]) -> int:
    install_debian_packages()
    py = ensure_venv("test,package")
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    steps: list[list[str | Path]] = [
        [py, "-m", "ruff", "check", "wizard", "tests", "benchmarks", "packaging", "tools", "dev.py"],
        [VENV / ("Scripts/lint-imports.exe" if os.name == "nt" else "bin/lint-imports")],
        # Types: strict for the core, nearly strict for wizard.ui ([tool.mypy] in pyproject.toml).
        [py, "-m", "mypy"],
    ]
    for step in steps:
        if run(step, env=env) != 0:
            print("FAILED:", " ".join(str(s) for s in step))
            return 1
    # The packaged program must carry everything the app needs: build it, run its --self-test.
    # It runs before pytest so that pytest's summary stays the last line CI reads.
    if not args and run([py, "packaging/build.py", "--onefile", "--self-test"], env=env) != 0:
        print("FAILED: the packaged build or its self-test")
        return 1
    return run([py, "-m", "pytest", *args], env=env)


def cmd_demo(args: list[str]) -> int:
    install_debian_packages()
    py = ensure_venv("test")
    headless = sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if headless and "--gui" not in args:
        print("No display found: running the headless verification of the demo lab instead of the window.")
        return run([py, "-m", "wizard", "verify", "--demo", *args])
    return run([py, "-m", "wizard", "--demo", *[a for a in args if a != "--gui"]])


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"demo", "test"}:
        print(__doc__)
        print("usage: python dev.py demo [args]   |   python dev.py test [pytest args]")
        return 2
    return {"demo": cmd_demo, "test": cmd_test}[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
