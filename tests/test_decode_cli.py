"""`python -m wizard decode`: arguments, --file (UTF-16 with BOM), standard input, JSON and exit codes."""

from __future__ import annotations

import io
import json

import pytest

from wizard.cli import main

STORAGE_50043 = ("Test-CsExStorageConnectivity : ... Error: Exchange Web Services call failed with code=50043, "
                 "ErrorCode=...")


def test_a_known_error_is_named_with_cause_fix_and_source(capsys):
    assert main(["decode", STORAGE_50043]) == 0
    out = capsys.readouterr().out
    assert "code=50043" in out and "Cause:" in out and "Fix:" in out and "Source:" in out


def test_nothing_known_exits_1(capsys):
    assert main(["decode", "The weather is fine today"]) == 1
    assert "No known error matched" in capsys.readouterr().out


def test_a_utf16_file_as_powershell_writes_it(tmp_path, capsys):
    path = tmp_path / "error.txt"
    path.write_bytes(b"\xff\xfe" + STORAGE_50043.encode("utf-16-le"))
    assert main(["decode", "--file", str(path), "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["schema"] == "sfb-exchange-wizard/decode" and document["matches"]
    assert {"id", "title", "cause", "fix", "source", "excerpt"} == set(document["matches"][0])


def test_standard_input(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(STORAGE_50043.encode())))
    assert main(["decode", "-"]) == 0
    assert "code=50043" in capsys.readouterr().out


def test_a_terminal_escape_in_the_text_is_not_echoed(capsys):
    main(["decode", "code=50043 \x1b]0;pwned\x07 \x1b[2J"])
    assert "\x1b" not in capsys.readouterr().out


@pytest.mark.parametrize("argv", [["decode", "--file", "/nonexistent/x.txt"], ["decode", "   "]])
def test_bad_input_exits_2_in_one_line(capsys, argv):
    assert main(argv) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1
