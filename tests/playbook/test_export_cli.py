"""`python -m wizard export`: exit 0 with the files listed, exit 2 with one line and nothing written."""

from __future__ import annotations

import json

import pytest

from wizard import cli
from wizard.scenario import example_scenario


@pytest.fixture
def run(monkeypatch, capsys):
    """Run the real CLI entry point with only the export subcommand registered."""
    monkeypatch.setattr(cli, "COMMANDS", ("export",))

    def invoke(*argv: str) -> tuple[int, str, str]:
        try:
            code = cli.main(["export", *argv])
        except SystemExit as exc:  # argparse's own usage errors
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return code, out, err

    return invoke


def test_example_exports_and_lists_what_was_written(run, tmp_path):
    code, out, err = run("--example", "--out", str(tmp_path / "bundle"))
    assert code == 0, err
    written = sorted(p.name for p in (tmp_path / "bundle").iterdir())
    assert written == ["dns-setup.ps1", "dns-undo.ps1", "exchange-collect.ps1", "exchange-setup.ps1",
                       "exchange-undo.ps1", "runbook.html", "runbook.md", "sfb-collect.ps1", "sfb-setup.ps1",
                       "sfb-undo.ps1"]
    for name in written:
        assert name in out
    assert "Exchange Server 2013 + Skype for Business Server 2015" in out


def test_verify_mode_exports_only_read_only_scripts_and_no_undo(run, tmp_path):
    code, _, err = run("--example", "--mode", "verify", "--out", str(tmp_path / "bundle"))
    assert code == 0, err
    written = sorted(p.name for p in (tmp_path / "bundle").iterdir())
    assert not [n for n in written if n.endswith(("-setup.ps1", "-undo.ps1"))]
    assert "exchange-verify.ps1" in written
    runbook = (tmp_path / "bundle" / "runbook.md").read_text(encoding="utf-8")
    assert "Verify mode: every script here only reads and tests" in runbook


def test_value_flags_alone_describe_a_scenario(run, tmp_path):
    code, _, err = run("--exchange", "online", "--sfb", "server", "--sfb-version", "2019",
                       "--sip-domain", "contoso.com", "--smtp-domain", "contoso.com",
                       "--pool-fqdn", "pool01.contoso.com", "--tenant-domain", "contoso.onmicrosoft.com",
                       "--out", str(tmp_path / "b"))
    assert code == 0, err
    sfb = (tmp_path / "b" / "sfb-setup.ps1").read_text(encoding="utf-8-sig")
    assert "'https://autodiscover-s.outlook.com/autodiscover/autodiscover.svc'" in sfb
    assert (tmp_path / "b" / "graph-setup.ps1").exists()


def test_scenario_file_with_flag_override(run, tmp_path):
    path = tmp_path / "s.json"
    example_scenario().save(path)
    code, _, err = run("--scenario", str(path), "--exchange-version", "2019", "--out", str(tmp_path / "b"))
    assert code == 0, err
    exchange = (tmp_path / "b" / "exchange-setup.ps1").read_text(encoding="utf-8-sig")
    assert "Set-ClientAccessService -Identity $name -AutoDiscoverServiceInternalUri" in exchange


def test_xml_autodiscover_url_is_exported_as_svc_with_a_warning(run, tmp_path):
    url = "https://autodiscover.jdskype.net/autodiscover/autodiscover.xml"
    code, _, err = run("--example", "--exchange-autodiscover-url", url, "--out", str(tmp_path / "b"))
    assert code == 0
    assert err.startswith("warning:") and "autodiscover.svc" in err
    sfb = (tmp_path / "b" / "sfb-setup.ps1").read_text(encoding="utf-8-sig")
    assert "-ExchangeAutodiscoverUrl 'https://autodiscover.jdskype.net/autodiscover/autodiscover.svc'" in sfb


@pytest.mark.parametrize("argv", [
    ("--exchange", "online"),  # required values missing
    ("--example", "--sip-domain", "contoso.com'; Remove-Item C:\\ -Recurse; '"),
    ("--example", "--test-sip-uri", "sip:jeff@other.example"),  # not one of the SIP domains
    ("--example", "--pool-fqdn", "fe.jdskype.net", "--pool-fqdn", "FE.jdskype.net"),
])
def test_bad_values_exit_2_with_one_line_and_write_nothing(run, tmp_path, argv):
    code, out, err = run(*argv, "--out", str(tmp_path / "b"))
    assert code == 2
    assert err.startswith("error: --") and err.count("\n") == 1
    assert out == ""
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("content", [
    "{not json",
    json.dumps({"schema": "sfb-exchange-wizard/scenario", "schema_version": 1, "scenario": {"exch": "x"}}),
    json.dumps({"schema": "sfb-exchange-wizard/scenario", "schema_version": 99, "scenario": {}}),
    json.dumps({"hello": "world"}),
])
def test_unreadable_scenario_file_exits_2_and_writes_nothing(run, tmp_path, content):
    path = tmp_path / "s.json"
    path.write_text(content, encoding="utf-8")
    code, _, err = run("--scenario", str(path), "--out", str(tmp_path / "b"))
    assert code == 2
    assert err.startswith("error: ") and err.count("\n") == 1
    assert not (tmp_path / "b").exists()
    assert path.read_text(encoding="utf-8") == content


def test_missing_scenario_file_exits_2(run, tmp_path):
    code, _, err = run("--scenario", str(tmp_path / "none.json"), "--out", str(tmp_path / "b"))
    assert code == 2 and "cannot read" in err
    assert not (tmp_path / "b").exists()


def test_example_and_scenario_together_exit_2(run, tmp_path):
    path = tmp_path / "s.json"
    example_scenario().save(path)
    code, _, err = run("--example", "--scenario", str(path), "--out", str(tmp_path / "b"))
    assert code == 2 and "not both" in err


def test_out_is_required(run):
    code, _, err = run("--example")
    assert code == 2 and "--out" in err


def test_out_that_is_a_file_exits_2(run, tmp_path):
    target = tmp_path / "file"
    target.write_text("keep")
    code, _, err = run("--example", "--out", str(target))
    assert code == 2 and "cannot write" in err
    assert target.read_text() == "keep"
