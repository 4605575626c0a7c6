"""`python -m wizard analyze`: healthy samples list no problem, faulty ones exactly theirs, bad input exits 2."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from pwsh import parse

from inside import certs, samples
from wizard.cli import main
from wizard.resources import load_json

AS_OF = ["--as-of", samples.FIXED_NOW.isoformat()]
PROBLEM = {"warn", "fail", "error"}


@pytest.fixture
def scenario_file(tmp_path: Path) -> Path:
    path = tmp_path / "scenario.json"
    samples.scenario("hybrid").save(path)
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def analyze_json(capsys, scenario_file: Path, paths: list[Path], *extra: str) -> tuple[int, dict]:
    code, out, err = run(capsys, "analyze", *paths, "--scenario", scenario_file, "--json", *AS_OF, *extra)
    assert code in (0, 1), err
    return code, json.loads(out)


def test_healthy_sample_lists_no_problem_and_exits_0(capsys, tmp_path, scenario_file) -> None:
    code, out, _ = run(capsys, "analyze", *samples.write(samples.healthy(), tmp_path / "c"), "--scenario",
                       scenario_file, *AS_OF)
    assert code == 0
    assert not any(f" {s.upper()} " in out for s in PROBLEM)
    assert "Certificates the integration trusts" in out
    assert out.rstrip().endswith("pass, 2 skip")


def test_healthy_sample_json_has_verifys_shape_and_no_problem(capsys, tmp_path, scenario_file) -> None:
    code, body = analyze_json(capsys, scenario_file, samples.write(samples.healthy(), tmp_path / "c"))
    assert code == 0
    assert {"scenario", "results", "summary", "trust_graph", "rotation", "sources"} <= set(body)
    assert [r for r in body["results"] if r["status"] in PROBLEM] == []
    assert set(body["results"][0]) == {"id", "phase", "status", "title", "detail", "remediation", "evidence",
                                       "elapsed_ms", "cause", "blocked_by", "subjects", "target", "tags"}
    jsonschema.Draft202012Validator(load_json("report.schema.json")).validate(body)
    assert body["command"] == "analyze"


@pytest.mark.parametrize("fault", samples.FAULTS, ids=lambda f: f.name)
def test_faulty_sample_lists_exactly_its_findings(capsys, tmp_path, scenario_file, fault) -> None:
    paths = samples.write(samples.faulty(fault.name), tmp_path / "c")
    code, body = analyze_json(capsys, scenario_file, paths)
    found = sorted((r["id"], r["status"]) for r in body["results"] if r["status"] in PROBLEM)
    assert found == sorted(fault.expected)
    assert code == (1 if any(status == "fail" for _, status in fault.expected) else 0)


def test_faulty_sample_in_text_shows_the_fix(capsys, tmp_path, scenario_file) -> None:
    code, out, _ = run(capsys, "analyze", *samples.write(samples.faulty("autodiscover-xml"), tmp_path / "c"),
                       "--scenario", scenario_file, *AS_OF)
    assert code == 1
    assert "FAIL   SfB ExchangeAutodiscoverUrl  [inside.autodiscover-url]" in out
    assert "Fix: Playbook step \u201coauth.exchange-autodiscover-url\u201d (sfb-setup.ps1, step " in out


def test_utf16_files_from_windows_powershell_are_read(capsys, tmp_path, scenario_file) -> None:
    paths = samples.write(samples.healthy(), tmp_path / "c", encoding="utf-16")
    code, _ = analyze_json(capsys, scenario_file, paths)
    assert code == 0


def _one_line_error(capsys, *argv) -> str:
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert err.startswith("error: ") and err.count("\n") == 1
    return err


@pytest.mark.parametrize(("content", "reason"), [
    (b'{"collector": "exchange", "schema_version": 1, "collected_at": "2026-03-01T10:00:00Z"', "truncated"),
    (b"", "empty"),
    (b'{"schema": "sfb-exchange-wizard/scenario"}', "not a collector output"),
    (b'{"collector": "exchange", "schema_version": 9}', "newer collector"),
    (b"\x00\x01\x02garbage", "UTF-16 text without a byte order mark"),
])
def test_malformed_file_exits_2_with_a_one_line_reason(capsys, tmp_path, scenario_file, content, reason) -> None:
    good = samples.write(samples.healthy(), tmp_path / "c")
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    err = _one_line_error(capsys, "analyze", *good, bad, "--scenario", scenario_file)
    assert reason in err and "bad.json" in err


def test_wrong_shape_names_the_file_and_the_key(capsys, tmp_path, scenario_file) -> None:
    doc = samples.healthy()["sfb-fe01"]
    doc["oauth_token_issuer"][0]["NotAfter"] = 20261231
    err = _one_line_error(capsys, "analyze", *samples.write({"fe01": doc}, tmp_path), "--scenario", scenario_file)
    assert "fe01.json: oauth_token_issuer[0].NotAfter" in err


def test_missing_file_and_missing_files_exit_2(capsys, tmp_path, scenario_file) -> None:
    assert "cannot read" in _one_line_error(capsys, "analyze", tmp_path / "nope.json", "--scenario", scenario_file)
    assert "at least one collected .json file" in _one_line_error(capsys, "analyze", "--scenario", scenario_file)


def test_bad_options_exit_2(capsys, tmp_path, scenario_file) -> None:
    paths = samples.write(samples.healthy(), tmp_path / "c")
    assert "--as-of" in _one_line_error(capsys, "analyze", *paths, "--scenario", scenario_file, "--as-of", "soon")
    assert "--sfb-metadata-thumbprint" in _one_line_error(
        capsys, "analyze", *paths, "--scenario", scenario_file, "--sfb-metadata-thumbprint", "xyz")
    not_metadata = tmp_path / "1"
    not_metadata.write_text("<html>Not Found</html>")
    assert "--metadata" in _one_line_error(capsys, "analyze", *paths, "--scenario", scenario_file,
                                           "--metadata", not_metadata)
    assert "--pool-fqdn" in _one_line_error(capsys, "analyze", *paths, "--scenario", scenario_file,
                                            "--pool-fqdn", "not a host")


def test_as_of_a_later_date_turns_expiry_into_warnings(capsys, tmp_path, scenario_file) -> None:
    paths = samples.write(samples.healthy(), tmp_path / "c")
    _, out, _ = run(capsys, "analyze", *paths, "--scenario", scenario_file, "--json", "--as-of", "2027-09-15")
    statuses = {r["id"]: r["status"] for r in json.loads(out)["results"]}
    assert statuses["inside.sfb-token-issuer-expiry"] == "warn"
    assert statuses["inside.collection-health"] == "warn"  # collected long before that date


def test_saved_metadata_document_is_compared(capsys, tmp_path, scenario_file) -> None:
    paths = samples.write(samples.healthy(), tmp_path / "c")
    saved = tmp_path / "1"
    saved.write_bytes(certs.sfb_metadata(certs.make_der("contoso.com", samples.FIXED_NOW)))
    code, body = analyze_json(capsys, scenario_file, paths, "--metadata", str(saved))
    statuses = {r["id"]: r["status"] for r in body["results"]}
    assert code == 1 and statuses["inside.sfb-token-issuer-published"] == "fail"
    code, body = analyze_json(capsys, scenario_file, paths, "--sfb-metadata-thumbprint", samples.SFB_OAUTH.lower())
    assert code == 0


def test_plan_out_writes_parsing_scripts_and_a_calendar(capsys, tmp_path, scenario_file) -> None:
    out_dir = tmp_path / "plan"
    code, out, _ = run(capsys, "analyze", *samples.write(samples.healthy(), tmp_path / "c"), "--scenario",
                       scenario_file, *AS_OF, "--plan-out", out_dir)
    assert code == 0 and "Rotation plan written to" in out
    scripts = sorted(out_dir.glob("*.ps1"))
    assert len(scripts) == 6
    for script in scripts:
        assert parse(script.read_text(encoding="utf-8-sig")).errors == ()
    calendar = (out_dir / "certificate-rotation.ics").read_bytes()
    assert calendar.startswith(b"BEGIN:VCALENDAR\r\n") and calendar.count(b"BEGIN:VALARM") == 4


def test_collectors_out_writes_the_scripts_without_any_file(capsys, tmp_path, scenario_file) -> None:
    code, out, _ = run(capsys, "analyze", "--scenario", scenario_file, "--collectors-out", tmp_path / "collect")
    assert code == 0 and "Collector scripts written to" in out
    assert sorted(p.name for p in (tmp_path / "collect").iterdir()) == [
        "exchange-collect.ps1", "graph-collect.ps1", "sfb-collect.ps1"]


def test_analyze_is_registered_with_the_cli(capsys) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["analyze", "--help"])
    assert exited.value.code == 0
    assert "--plan-out" in capsys.readouterr().out


@pytest.mark.thirdparty
def test_live_downloads_the_labs_metadata_for_the_comparison(capsys, tmp_path) -> None:
    from wizard.lab import Lab

    with Lab.start(topology="hybrid") as lab:
        scenario = tmp_path / "lab.json"
        lab.scenario.save(scenario)
        assert lab.settings.nameserver is not None and lab.settings.https_port is not None
        host, port = lab.settings.nameserver
        code, body = analyze_json(
            capsys, scenario, samples.write(samples.healthy(), tmp_path / "c"), "--live", "--nameserver",
            f"{host}:{port}", "--ca-bundle", lab.ca_pem_path, "--https-port", str(lab.settings.https_port))
    statuses = {r["id"]: r["status"] for r in body["results"]}
    assert statuses["inside.exchange-auth-cert-published"] == "fail"  # the samples' thumbprints are not the lab's
    assert statuses["inside.sfb-token-issuer-published"] == "fail"
    assert "inside.live-metadata" not in statuses
    assert code == 1
