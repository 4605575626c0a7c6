"""export_bundle / render_script: file set, encoding, headers, idempotent order, atomic writes."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playbook_scenarios import TOPOLOGIES, scenario_for, topology_id
from pwsh import parse, step_command_names

from wizard.inside.collectors import collector_scripts
from wizard.playbook import export
from wizard.playbook.build import build_playbook
from wizard.playbook.export import SCRIPT_SHELLS, encode_script, export_bundle, render_script
from wizard.playbook.step import Shell
from wizard.scenario import Scenario, ScenarioInvalid, example_scenario


def listing(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("topology", TOPOLOGIES, ids=topology_id)
def test_bundle_has_setup_and_undo_per_shell_and_both_runbooks(tmp_path, topology):
    scenario = scenario_for(topology)
    shells = {s.shell for s in build_playbook(scenario)} - {Shell.BROWSER}
    written = export_bundle(scenario, tmp_path / "out")
    expected = {f"{s.value}-setup.ps1" for s in shells} | {f"{s.value}-undo.ps1" for s in shells} | {
        "runbook.md", "runbook.html"} | {c.file_name for c in collector_scripts(scenario)}
    assert {p.name for p in written} == expected
    assert set(listing(tmp_path / "out")) == expected
    assert not [p for p in tmp_path.iterdir() if p.name != "out"], "no temporary folder left behind"


def test_scripts_are_utf8_with_bom_and_crlf(tmp_path):
    export_bundle(example_scenario(), tmp_path)
    for path in tmp_path.glob("*.ps1"):
        data = path.read_bytes()
        assert data.startswith(b"\xef\xbb\xbf"), path.name
        assert b"\n" not in data.replace(b"\r\n", b""), f"{path.name}: a bare LF"
        data.decode("utf-8")


def test_script_header_says_what_where_and_for_which_scenario():
    scenario = example_scenario()
    text = render_script(scenario, Shell.SFB, build_playbook(scenario))
    header = text.split("[CmdletBinding()]", 1)[0]
    assert "setup script" in header
    assert "# Order:  Run the scripts in this order" in header
    assert "2. exchange-setup.ps1" in header and "3. sfb-setup.ps1" in header and "<- this script" in header
    assert "sfb-record-<COMPUTERNAME>.jsonl" in header
    assert "# Where:  Skype for Business Server Management Shell (on a Front End server)" in header
    assert "# For:    Exchange Server 2013 + Skype for Business Server 2015" in header
    assert "SIP domain(s): jdskype.net; SMTP domain: jdskype.net" in header
    assert all(line.startswith("#") or not line for line in header.splitlines())
    assert "\n$ErrorActionPreference = 'Stop'\n" in text


def test_undo_script_runs_removals_newest_first_and_lists_what_it_cannot_reverse():
    scenario = scenario_for(("server", "2016", "server", "2015"))
    steps = build_playbook(scenario)
    undo = render_script(scenario, Shell.SFB, steps, undo=True)
    titles = re.findall(r"^Write-Host '\[\d+/\d+\] Undo: (.*)'$", undo, flags=re.MULTILINE)
    with_undo = [s.title for s in steps if s.shell is Shell.SFB and s.undo]
    assert titles == list(reversed(with_undo))
    not_reverted = [s for s in steps if s.shell is Shell.SFB and not s.undo and not s.read_only]
    assert ("# Not reverted by this script" in undo) == bool(not_reverted)
    assert all(step.title in undo for step in not_reverted)
    assert "no record of a setup run on this computer" in undo


def test_every_creation_is_preceded_by_a_get_in_the_same_step():
    """Running a setup script twice is safe: nothing is created without first looking for it."""
    for topology in TOPOLOGIES:
        for step in build_playbook(scenario_for(topology)):
            names = list(parse(step.command).commands)
            for index, name in enumerate(names):
                if re.match(r"(New|Add|Install|Import-Cs|Export-Cs)-", name) and name != "New-Item":
                    assert any(n.startswith(("Get-", "Test-")) for n in names[:index]), (step.id, name)


def test_comment_keeps_every_line_of_text_commented():
    lines = export.comment("first\nRemove-Item C:\\\r\nthird\u2028fourth", "Note:")
    assert all(line.startswith("#") for line in lines)
    assert len(lines) == 4


def test_encode_script_normalises_line_ends():
    assert encode_script("a\r\nb\nc\n") == b"\xef\xbb\xbfa\r\nb\r\nc\r\n"


def test_exporting_twice_gives_the_same_files(tmp_path):
    export_bundle(example_scenario(), tmp_path / "a")
    export_bundle(example_scenario(), tmp_path / "a")
    export_bundle(example_scenario(), tmp_path / "b")
    assert listing(tmp_path / "a") == listing(tmp_path / "b")


def test_export_into_an_existing_folder_keeps_other_files_and_drops_stale_bundle_files(tmp_path):
    out = tmp_path / "out"
    export_bundle(scenario_for(("server", "2016", "hybrid", "2015")), out)
    assert (out / "graph-setup.ps1").exists()
    (out / "notes.txt").write_text("mine")
    export_bundle(example_scenario(), out)  # on premises only: no Graph script any more
    names = set(listing(out))
    assert "graph-setup.ps1" not in names and "graph-undo.ps1" not in names
    assert (out / "notes.txt").read_text() == "mine"
    assert "jdskype.net" in (out / "runbook.md").read_text(encoding="utf-8")


def test_invalid_scenario_writes_nothing(tmp_path):
    out = tmp_path / "out"
    with pytest.raises(ScenarioInvalid):
        export_bundle(Scenario(), out)
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_leaves_the_folder_as_it_was(tmp_path, monkeypatch):
    out = tmp_path / "out"
    export_bundle(scenario_for(("server", "2016", "server", "2015")), out)
    before = listing(out)
    real_replace = os.replace
    calls = {"n": 0}

    def replace_then_fail(src, dst):
        calls["n"] += 1
        if calls["n"] == 12:  # part-way through moving the new files in
            raise OSError(28, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(export.os, "replace", replace_then_fail)
    with pytest.raises(OSError, match="No space"):
        export_bundle(example_scenario(), out)
    monkeypatch.undo()
    assert listing(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_a_failed_render_leaves_no_folder(tmp_path, monkeypatch):
    def broken(*_args, **_kwargs):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(export, "_write_all", broken)
    with pytest.raises(OSError):
        export_bundle(example_scenario(), tmp_path / "out")
    assert list(tmp_path.iterdir()) == []


def test_out_dir_that_is_a_file_is_refused(tmp_path):
    target = tmp_path / "out"
    target.write_text("x")
    with pytest.raises(NotADirectoryError):
        export_bundle(example_scenario(), target)
    assert target.read_text() == "x"


def test_runbooks_list_every_step_in_order_for_the_topology_only(tmp_path):
    scenario = scenario_for(("online", "", "server", "2019"))
    steps = build_playbook(scenario)
    export_bundle(scenario, tmp_path)
    markdown = (tmp_path / "runbook.md").read_text(encoding="utf-8")
    headings = re.findall(r"^### \d+\. (.*)$", markdown, flags=re.MULTILINE)
    assert headings == [s.title for s in steps]
    page = (tmp_path / "runbook.html").read_text(encoding="utf-8")
    positions = [page.index(f'id="{s.id}"') for s in steps]
    assert positions == sorted(positions)
    assert "Configure-EnterprisePartnerApplication" not in page  # an on-premises Exchange step


def test_runbook_html_is_self_contained_and_escaped(tmp_path):
    scenario = scenario_for(("server", "2016", "server", "2015"), oauth_certificate="C:\\certs\\R&D.cer")
    export_bundle(scenario, tmp_path)
    page = (tmp_path / "runbook.html").read_text(encoding="utf-8")
    assert "<style>" in page
    assert not re.search(r"<(script|link|img|iframe)\b", page)
    assert not re.search(r"""(src|href)\s*=\s*["']?https?:""", page)
    assert "R&D" not in page and "R&amp;D.cer" in page


@pytest.mark.parametrize("shell", SCRIPT_SHELLS)
def test_a_shell_without_steps_gets_a_script_that_does_nothing(shell):
    scenario = scenario_for(("online", "", "online", ""))
    text = render_script(scenario, shell, [s for s in build_playbook(scenario) if s.shell is not shell])
    assert "Nothing to do here" in text
    assert step_command_names(text) == []
