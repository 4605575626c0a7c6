"""Build the wizard for the platform this runs on: `python packaging/build.py [--onefile|--onedir] [--self-test]`.

Stdlib only, so it runs from any Python; PyInstaller comes from the interpreter running this script
if it has it, else from the project's .venv. It prints where the program went, how big it is and
how long the build took; with --self-test it then runs the built program's `--version` and
`--self-test` and fails when either does (a frozen build can lack a plugin or a resource that the
source tree has). One-folder is the default: it is what installers ship.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

PACKAGING = Path(__file__).resolve().parent
ROOT = PACKAGING.parent
SPEC = PACKAGING / "wizard.spec"
DIST = ROOT / "dist"
WORK = ROOT / "build" / "pyinstaller"
SELF_TEST_TIMEOUT_S = 300

if str(PACKAGING) not in sys.path:
    sys.path.insert(0, str(PACKAGING))
import version_resource  # noqa: E402 - the packaging folder is not a package


class BuildError(Exception):
    """The build or the smoke run of the built program failed; the message says which step."""


@dataclass(frozen=True)
class BuildResult:
    program: Path  # the executable to run
    size_bytes: int  # the one file, or the whole folder for one-folder builds
    seconds: float


def pyinstaller_python() -> Path:
    """An interpreter that has PyInstaller: this one, else the project's .venv."""
    if importlib.util.find_spec("PyInstaller") is not None:
        return Path(sys.executable)
    venv = ROOT / ".venv" / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    if venv.exists():
        return venv
    raise BuildError("PyInstaller not found: run `pip install -e .[package]` (or `python dev.py test`) first")


def program_path(onefile: bool, *, name: str | None = None, dist: Path = DIST) -> Path:
    """Where the spec puts the executable for this shape (names come from version_resource)."""
    suffix = ".exe" if os.name == "nt" else ""
    if onefile:
        stem = name or f"{version_resource.EXE_NAME}-{version_resource.read_metadata().version}-portable"
        return dist / f"{stem}{suffix}"
    stem = name or version_resource.EXE_NAME
    return dist / stem / f"{stem}{suffix}"


def tree_size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def build(
    onefile: bool,
    *,
    spec_args: tuple[str, ...] = (),
    name: str | None = None,
    dist: Path = DIST,
    work: Path = WORK,
    quiet: bool = False,
) -> BuildResult:
    """Run PyInstaller on the spec; `spec_args` go to the spec after `--` (the benchmark's --entry)."""
    shape = "onefile" if onefile else "onedir"
    name_args = ("--name", name) if name else ()
    command = [
        str(pyinstaller_python()), "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
        "--distpath", str(dist), "--workpath", str(work / (name or "wizard") / shape), str(SPEC),
        "--", f"--{shape}", *name_args, *spec_args,
    ]
    if not quiet:
        print("+", " ".join(command), flush=True)
    started = time.perf_counter()
    completed = subprocess.run(command, cwd=ROOT, check=False, capture_output=quiet, text=True)
    seconds = time.perf_counter() - started
    if completed.returncode != 0:
        output = f"\n{completed.stdout}{completed.stderr}" if quiet else ""
        raise BuildError(f"PyInstaller failed with exit code {completed.returncode}{output}")
    program = program_path(onefile, name=name, dist=dist)
    if not program.exists():
        raise BuildError(f"PyInstaller succeeded but {program} is missing")
    return BuildResult(program, tree_size(program if onefile else program.parent), seconds)


def smoke_run(program: Path) -> float:
    """Run the built program's --version and --self-test; returns the self-test's seconds."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    version = version_resource.read_metadata().version
    shown = subprocess.run([str(program), "--version"], capture_output=True, text=True, env=env,
                           timeout=120, check=False)
    if shown.returncode != 0 or version not in shown.stdout:
        raise BuildError(f"{program.name} --version printed {shown.stdout.strip()!r} "
                         f"(exit {shown.returncode}), expected version {version}\n{shown.stderr}")
    print(shown.stdout.strip(), flush=True)
    started = time.perf_counter()
    try:
        tested = subprocess.run([str(program), "--self-test"], capture_output=True, text=True, env=env,
                                timeout=SELF_TEST_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired as exc:
        raise BuildError(f"{program.name} --self-test did not finish within {SELF_TEST_TIMEOUT_S} s") from exc
    seconds = time.perf_counter() - started
    print(tested.stdout.strip(), flush=True)
    if tested.returncode != 0:
        raise BuildError(f"{program.name} --self-test failed (exit {tested.returncode}):\n{tested.stderr.strip()}")
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    shape = parser.add_mutually_exclusive_group()
    shape.add_argument("--onefile", action="store_true", help="one portable executable")
    shape.add_argument("--onedir", action="store_true", help="one folder (default; for installers)")
    parser.add_argument("--self-test", action="store_true", help="run the built program's --self-test")
    args = parser.parse_args(argv)
    try:
        result = build(args.onefile)
        kind = "file" if args.onefile else "folder"
        print(f"built {result.program} ({kind} {result.size_bytes / 2**20:.1f} MiB) in {result.seconds:.1f} s",
              flush=True)
        if args.self_test:
            seconds = smoke_run(result.program)
            print(f"self-test of the built program passed in {seconds:.1f} s", flush=True)
    except (BuildError, OSError, subprocess.SubprocessError) as exc:
        print(f"build failed: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
