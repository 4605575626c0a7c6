"""One writer per file: every .ps1 the project writes (bundle, collectors, rotation plan, the window's Save)
comes out of wizard.playbook.script_file: UTF-8 with a BOM, CRLF line ends only, and title_line's text first."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pwsh import parse

from inside import samples
from wizard.inside.collected import combine, parse_collected
from wizard.inside.collectors import write_collectors
from wizard.inside.rotation import build_rotation_plan, render_scripts, write_plan
from wizard.inside.rules import RuleContext
from wizard.playbook.export import export_bundle
from wizard.playbook.script_file import title_line
from wizard.scenario import example_scenario

BOM = b"\xef\xbb\xbf"
TITLE = title_line("").encode("utf-8")  # "# SfB-Exchange integration wizard <version>: " before the kind


def assert_written_by_the_one_writer(path: Path) -> None:
    data = path.read_bytes()
    assert data.startswith(BOM + TITLE), f"{path.name}: {data[:80]!r}"
    assert b"\r\n" in data, path.name
    assert b"\n" not in data.replace(b"\r\n", b""), f"{path.name}: a bare LF"
    assert b"\r" not in data.replace(b"\r\n", b""), f"{path.name}: a bare CR"
    assert data.endswith(b"\r\n"), path.name
    text = data.decode("utf-8")
    assert text.count("\ufeff") == 1, f"{path.name}: a second BOM"
    assert parse(text).errors == (), path.name


def _plan(topology: str):
    docs = samples.healthy(topology=topology)
    data = combine(parse_collected(json.dumps(doc).encode(), source=name) for name, doc in docs.items())
    return build_rotation_plan(RuleContext(data, samples.scenario(topology), samples.FIXED_NOW))


@pytest.mark.parametrize("topology", ["hybrid", "onprem"])
def test_collectors_are_written_by_the_one_writer(tmp_path, topology) -> None:
    paths = write_collectors(samples.scenario(topology), tmp_path)
    assert paths
    for path in paths:
        assert_written_by_the_one_writer(path)


@pytest.mark.parametrize("topology", ["hybrid", "onprem"])
def test_rotation_scripts_are_written_by_the_one_writer(tmp_path, topology) -> None:
    written = write_plan(_plan(topology), tmp_path)
    scripts = [p for p in written if p.suffix == ".ps1"]
    assert scripts
    for path in scripts:
        assert_written_by_the_one_writer(path)


@pytest.mark.parametrize("mode", ["setup", "verify"])
@pytest.mark.parametrize("topology", ["hybrid", "onprem"])
def test_bundle_scripts_are_written_by_the_one_writer(tmp_path, topology, mode) -> None:
    scenario = samples.scenario(topology)
    scenario.update({"mode": mode})
    written = export_bundle(scenario, tmp_path / "out")
    scripts = [p for p in written if p.suffix == ".ps1"]
    assert any("collect" in p.name for p in scripts)
    for path in scripts:
        assert_written_by_the_one_writer(path)


def test_example_bundle_is_written_by_the_one_writer(tmp_path) -> None:
    for path in export_bundle(example_scenario(), tmp_path):
        if path.suffix == ".ps1":
            assert_written_by_the_one_writer(path)


def test_rotation_text_is_lf_until_the_writer_makes_it_crlf() -> None:
    """render_script returns text like the playbook's render_script; only the writer decides the line ends."""
    for name, text in render_scripts(_plan("hybrid")).items():
        assert "\r" not in text, name
        assert text.startswith(title_line("rotation of the "))


WIZARD = Path(__file__).resolve().parents[2] / "wizard"
# Building a .ps1's bytes by hand: a BOM prefix, utf-8-sig text, CRLF made by replacing line ends.
HAND_WRITTEN_BYTES = re.compile(r'BOM \+|"\\ufeff" \+|encoding="utf-8-sig"\)|\.replace\("\\n", "\\r\\n"\)|'
                                r'"\\r\\n"\.join')


def test_no_module_but_the_writer_builds_script_bytes() -> None:
    offenders = []
    for path in sorted(WIZARD.rglob("*.py")):
        relative = path.relative_to(WIZARD).as_posix()
        # the writer itself; the calendar and the lab's HTTP answers are not scripts
        if relative in ("playbook/script_file.py", "inside/ics.py") or relative.startswith("lab/"):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if HAND_WRITTEN_BYTES.search(line):
                offenders.append(f"{relative}:{number}: {line.strip()}")
    assert offenders == []
