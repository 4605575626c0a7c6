"""`python -m wizard verify`: table and JSON output, exit codes 0/1/2, demo lab and real-scenario flags."""

from __future__ import annotations

import io
import json

import pytest

from wizard.cli import main
from wizard.commands.verify import print_table
from wizard.lab import Lab
from wizard.probes.result import ProbeResult, Status
from wizard.scenario import example_scenario
from wizard.topology import Phase

RESULT_KEYS = {"id", "phase", "status", "title", "detail", "remediation", "evidence", "elapsed_ms", "cause",
               "blocked_by", "subjects", "target", "tags"}


def test_demo_json_is_the_report_dialect_with_the_scenario(capsys):
    assert main(["verify", "--demo", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert {"schema", "schema_version", "tool_version", "command", "started_at", "duration_s", "verdict",
            "scenario", "topology", "advisories", "root_causes", "results", "summary", "discovered"} <= set(document)
    assert document["command"] == "verify" and document["verdict"] == "successful" and document["steps"] == []
    assert document["root_causes"] == [] and document["discovered"] == [] and document["queries"] == []
    assert document["scenario"]["pool_fqdns"] == ["pool01.contoso.com"]
    assert all(set(result) == RESULT_KEYS for result in document["results"])
    assert document["summary"] == {"pass": len(document["results"]), "warn": 0, "fail": 0, "error": 0,
                                   "blocked": 0, "not-run": 0, "skip": 0}


def test_a_fault_fails_with_exit_1_and_the_table_names_probe_and_fix(capsys):
    assert main(["verify", "--fault", "no-partner-app", "--phase", "verification"]) == 1
    out = capsys.readouterr().out
    assert "Verification" in out and "Certificates" not in out
    assert "FAIL" in out and "[verification.sfb-trusts-exchange:pool01.contoso.com]" in out
    assert "Fix: On a Front End: New-CsPartnerApplication" in out
    assert "\033[" not in out  # not a terminal: no colour


def test_warnings_alone_exit_0(capsys):
    assert main(["verify", "--fault", "missing-srv", "--phase", "autodiscover"]) == 0
    assert "WARN" in capsys.readouterr().out


@pytest.mark.parametrize("argv", [
    ["verify", "--fault", "no-such-fault"],
    ["verify", "--demo", "--nameserver", "127.0.0.1:0"],
    ["verify", "--demo", "--ca-bundle", "/nonexistent/ca.pem"],
    ["verify", "--demo", "--https-port", "70000"],
    ["verify", "--demo", "--timeout", "0"],
    ["verify", "--sip-domain", "not a domain!", "--smtp-domain", "contoso.com"],
    ["verify", "--fault", "unknown-tenant"],  # needs a tenant topology
])
def test_bad_input_exits_2_with_one_line(capsys, argv):
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error:") and "\n" not in err


def test_demo_and_scenario_file_together_are_refused(capsys, tmp_path):
    path = tmp_path / "s.json"
    example_scenario().save(path)
    assert main(["verify", "--demo", "--scenario", str(path)]) == 2


def test_a_real_scenario_file_with_network_flags_verifies_against_the_lab(capsys, tmp_path):
    with Lab.start() as lab:
        path = tmp_path / "contoso.json"
        lab.scenario.save(path)
        host, port = lab.settings.nameserver
        argv = ["verify", "--scenario", str(path), "--nameserver", f"{host}:{port}",
                "--ca-bundle", lab.settings.ca_bundle, "--https-port", str(lab.settings.https_port),
                "--sip-port", str(lab.settings.sip_port), "--timeout", "5", "--json"]
        assert main(argv) == 0
    summary = json.loads(capsys.readouterr().out)["summary"]
    assert summary["fail"] == summary["error"] == 0 and summary["pass"] > 20


def test_without_the_lab_ca_the_same_scenario_fails_on_trust(capsys, tmp_path):
    with Lab.start() as lab:
        path = tmp_path / "contoso.json"
        lab.scenario.save(path)
        host, port = lab.settings.nameserver
        argv = ["verify", "--scenario", str(path), "--nameserver", f"{host}:{port}", "--https-port",
                str(lab.settings.https_port), "--phase", "partner-applications", "--json"]
        assert main(argv) == 1
        untrusted = main([*argv, "--accept-untrusted"])
    first, second = capsys.readouterr().out.split("\n}\n", 1)
    results = json.loads(first + "}")["results"]
    failed = [r for r in results if r["status"] == "fail"]
    assert failed and all("Could not establish trust" in r["detail"] for r in failed)
    assert all(r["status"] == "blocked" and set(r["blocked_by"]) <= {f["id"] for f in failed}
               for r in results if r not in failed)
    accepted = json.loads(second)["results"]
    assert untrusted == 0 and {r["status"] for r in accepted} == {"warn"}
    assert all("explicitly accepted" in r["detail"] for r in accepted)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_table_is_coloured_on_a_terminal_unless_no_color(monkeypatch):
    results = [ProbeResult("x", Phase.PREREQUISITES, Status.FAIL, "t", "d", "r")]
    monkeypatch.delenv("NO_COLOR", raising=False)
    stream = _Terminal()
    print_table(example_scenario(), results, stream)
    assert "\033[31mFAIL   " in stream.getvalue()
    monkeypatch.setenv("NO_COLOR", "1")
    stream = _Terminal()
    print_table(example_scenario(), results, stream)
    assert "\033[" not in stream.getvalue()


def test_server_text_cannot_reach_the_terminal_as_control_characters():
    evil = "realm\x1b]0;owned\x07\x1b[2J\r\nFAKE PASS \u202egnp.exe"
    results = [ProbeResult("x:evil", Phase.OAUTH, Status.FAIL, f"title {evil}", f"detail {evil}", f"fix {evil}")]
    stream = io.StringIO()
    print_table(example_scenario(), results, stream)
    out = stream.getvalue()
    assert "\x1b" not in out and "\x07" not in out and "\r" not in out and "\u202e" not in out
    assert not [line for line in out.splitlines() if line.startswith("FAKE PASS")]


@pytest.mark.parametrize("topology", ["teams", "online"])  # online: the lab's old name for Exchange Server + Teams
def test_demo_teams_topology_runs_the_microsoft_365_chain_and_names_a_preauth_fault(capsys, topology):
    assert main(["verify", "--demo-topology", topology, "--fault", "ews-preauth-page", "--json"]) != 0
    document = json.loads(capsys.readouterr().out)
    assert [c["id"] for c in document["root_causes"]] == ["verification.teams-ews-bearer"]
    assert document["scenario"]["sfb"] == "teams"


def test_verify_streams_problems_as_they_finish_before_the_report(capsys):
    from wizard.cli import main as cli_main

    assert cli_main(["verify", "--demo", "--fault", "metadata-404"]) == 1
    out = capsys.readouterr().out
    streamed = out.index("  fail    Pool pool01.contoso.com publishes its auth metadata document")
    assert streamed < out.index("Verifying ") and "\r" not in out and "\033[" not in out
