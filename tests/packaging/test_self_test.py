"""`--version`, `--self-test` and `--exit-after-show`: the checks the build runs on the frozen program."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from packaging_scripts import ROOT

import wizard
from wizard.__main__ import main as wizard_main
from wizard.ui import selftest

ICONS = ROOT / "resources" / "icons"


def test_version_flag_prints_the_version_and_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    assert wizard_main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"SfB-Exchange Wizard {wizard.__version__}"


def test_version_flag_works_from_the_command_line() -> None:
    completed = subprocess.run([sys.executable, "-m", "wizard", "--version"], capture_output=True, text=True,
                               cwd=ROOT, timeout=60, check=False)
    assert completed.returncode == 0
    assert wizard.__version__ in completed.stdout


@pytest.mark.gui
def test_every_committed_resource_loads(qapp) -> None:
    assert selftest.check_resources().endswith("resources loaded")


@pytest.mark.gui
@pytest.mark.qt_log_ignore(r"QBuffer::seek: Invalid pos")  # Qt's reader complains about the truncated .ico made here
def test_resource_check_names_each_broken_file(qapp, tmp_path: Path) -> None:
    (tmp_path / "icons").mkdir()
    (tmp_path / "features.json").write_text('{"ok": true}', encoding="utf-8")
    (tmp_path / "errors.json").write_text('{"truncated": ', encoding="utf-8")
    (tmp_path / "icons" / "app.svg").write_text("<svg", encoding="utf-8")
    (tmp_path / "icons" / "app.ico").write_bytes((ICONS / "app.ico").read_bytes()[:40])
    (tmp_path / "icons" / "app.png").write_bytes((ICONS / "app.png").read_bytes())
    with pytest.raises(ValueError) as raised:
        selftest.check_resources(tmp_path)
    message = str(raised.value)
    assert "errors.json" in message
    assert "icons/app.svg" in message
    assert "icons/app.ico" in message
    assert "features.json" not in message
    assert "app.png" not in message


@pytest.mark.gui
def test_self_test_fails_with_one_line_naming_the_broken_check(
    qapp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "features.json").write_text("not json", encoding="utf-8")
    monkeypatch.setattr(selftest, "resources_dir", lambda: tmp_path)
    monkeypatch.setattr(selftest, "check_wizard", lambda app: "wizard built (7 pages)")
    monkeypatch.setattr(selftest, "check_verify_demo", lambda: "verify --demo passed in 0.1 s")
    out, err = io.StringIO(), io.StringIO()
    assert selftest.run_self_test(out, err) == 1
    lines = out.getvalue().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("self-test FAILED")
    assert "resources: ValueError: features.json" in lines[0]
    assert "wizard" not in lines[0].split(":", 1)[1]
    assert "Traceback" in err.getvalue()


@pytest.mark.gui
@pytest.mark.timeout(240)
def test_self_test_in_process_passes_with_one_summary_line(qapp) -> None:
    out, err = io.StringIO(), io.StringIO()
    code = selftest.run_self_test(out, err)
    assert code == 0, out.getvalue() + err.getvalue()
    line = out.getvalue().strip()
    assert "\n" not in line
    assert line.startswith(f"self-test passed ({wizard.__version__}, source")
    assert "resources loaded" in line and "wizard built" in line and "verify --demo passed" in line


@pytest.mark.gui
def test_exit_after_show_prints_marker_once_window_is_shown_and_exits() -> None:
    # A child process: running and quitting the event loop of the test session's QApplication would
    # leave it closing down for every later test.
    completed = subprocess.run([sys.executable, "-m", "wizard", "--exit-after-show"], capture_output=True,
                               text=True, cwd=ROOT, timeout=120, check=False,
                               env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout == f"{selftest.FIRST_WINDOW_MARKER}\n"


def test_self_test_refuses_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    assert wizard_main(["--self-test", "--fast"]) == 2
    assert "takes no arguments" in capsys.readouterr().err


def test_offscreen_is_set_for_the_test_session() -> None:
    assert os.environ["QT_QPA_PLATFORM"] == "offscreen"
