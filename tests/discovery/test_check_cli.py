"""`python -m wizard check`: output, JSON against the schema, report files, several addresses, exit codes, and
the command line's conventions (one-line errors, a typo never opens the window)."""

from __future__ import annotations

import json
import subprocess
import sys

import jsonschema
import pytest

from wizard.__main__ import main as entry
from wizard.cli import main
from wizard.resources import load_json


def test_demo_check_discovers_prints_sources_and_succeeds(capsys):
    assert main(["check", "adele@contoso.com", "--demo"]) == 0
    out = capsys.readouterr().out
    assert "Discovered for adele@contoso.com" in out
    assert "from _sipinternaltls._tcp.contoso.com SRV 0 0 5061 pool01.contoso.com" in out
    assert out.rstrip().splitlines()[-1].startswith("Verdict: adele@contoso.com: Successful (")


def test_a_fault_names_the_root_cause_in_the_verdict_and_exits_1(capsys):
    assert main(["check", "--fault", "no-partner-app"]) == 1
    last = capsys.readouterr().out.rstrip().splitlines()[-1]
    assert last.startswith("Verdict: adele@contoso.com: Failed: Pool pool01.contoso.com trusts Exchange")


def test_results_stream_as_plain_lines_when_piped(capsys):
    main(["check", "--fault", "no-partner-app"])
    out = capsys.readouterr().out
    streamed = out.index("  fail    Pool pool01.contoso.com trusts Exchange")
    assert streamed < out.index("Discovered for") and "\r" not in out and "\033[" not in out


def test_nothing_to_check_exits_3(capsys):
    assert main(["check", "--fault", "dns-silent", "--budget", "20"]) == 3
    assert "Not checked" in capsys.readouterr().out


def test_json_is_one_document_in_the_schema(capsys):
    assert main(["check", "adele@contoso.com", "contoso.com", "--demo", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    jsonschema.Draft202012Validator(load_json("report.schema.json")).validate(document)
    assert document["command"] == "check" and document["verdict"] == "successful"
    assert [q["query"] for q in document["queries"]] == ["adele@contoso.com", "contoso.com"]
    fields = {(d["query"], d["field"]) for d in document["discovered"]}
    assert ("adele@contoso.com", "test_mailbox") in fields and ("contoso.com", "test_mailbox") not in fields
    assert [s["query"] for s in document["scenarios"]] == ["adele@contoso.com", "contoso.com"]


def test_several_addresses_from_a_file_give_one_verdict_line_each_and_a_summary(tmp_path, capsys):
    users = tmp_path / "users.txt"
    users.write_text("# helpdesk list\nadele@contoso.com\n\nnobody@fabrikam.com  # not ours\n", encoding="utf-8")
    assert main(["check", "--from-file", str(users), "--demo"]) == 1
    lines = capsys.readouterr().out.strip().splitlines()
    assert sorted(line.split(":")[0] for line in lines[:2]) == ["adele@contoso.com", "nobody@fabrikam.com"]
    assert lines[-1].startswith("2 addresses in ") and "1 successful" in lines[-1] and "1 failed" in lines[-1]


@pytest.mark.parametrize("suffix", [".json", ".html", ".md"])
def test_output_writes_the_report_by_extension(tmp_path, capsys, suffix):
    target = tmp_path / f"report{suffix}"
    assert main(["check", "--demo", "--output", str(target)]) == 0
    text = target.read_text(encoding="utf-8")
    if suffix == ".json":
        jsonschema.Draft202012Validator(load_json("report.schema.json")).validate(json.loads(text))
    else:
        assert "Discovered" in text and "pool01.contoso.com" in text
    assert f"Report written to {target}" in capsys.readouterr().err


@pytest.mark.parametrize(("argv", "words"), [
    (["check"], "give a user's address or a domain"),
    (["check", "adele@"], "adele@:"),
    (["check", "a@contoso.com", "--output", "r.txt"], "--output: report.txt"[:9]),
    (["check", "a@contoso.com", "--nameserv", "x"], "unrecognized arguments: --nameserv"),
    (["verify", "--jso"], "unrecognized arguments: --jso"),
])
def test_bad_input_is_one_line_and_exit_2(capsys, argv, words):
    with pytest.raises(SystemExit) if argv[-1] in ("x", "--jso") else _Nothing():
        code = main(argv)
        assert code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and words in err and "usage:" not in err


class _Nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> bool:
        return False


@pytest.mark.parametrize(("word", "suggestion"), [("verfy", "verify"), ("chek", "check"), ("analyse", "analyze"),
                                                 ("exprot", "export")])
def test_a_mistyped_command_suggests_the_nearest_and_never_opens_the_window(capsys, word, suggestion):
    assert entry([word, "--demo"]) == 2
    err = capsys.readouterr().err
    assert f"did you mean '{suggestion}'" in err


def test_a_typo_in_a_fresh_process_imports_no_qt_and_exits_2():
    code = ("import sys; from wizard.__main__ import main; rc = main(['verfy', '--demo']); "
            "sys.exit(100 + rc if 'PySide6' in sys.modules else rc)")
    done = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1


@pytest.mark.parametrize("command", ["check", "verify", "decode"])
def test_help_has_examples(capsys, command):
    with pytest.raises(SystemExit):
        main([command, "--help"])
    out = capsys.readouterr().out
    assert f"python -m wizard {command} " in out and "examples:" in out
    assert command == "decode" or "exit codes: 0 successful" in out


def test_a_proxy_the_wizard_cannot_use_is_bad_input_in_one_line(capsys):
    assert main(["check", "--demo", "--proxy", "https://proxy.contoso.com:8443"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[0].startswith("error: --proxy: https://proxy.contoso.com:8443 is an https:// proxy") and len(err) <= 2
    assert main(["check", "--demo", "--proxy", "http://p:8080", "--no-system-proxy"]) == 2


def test_microsoft_365_through_an_unreachable_proxy_could_not_be_checked(capsys):
    code = main(["check", "--demo", "--demo-topology", "hybrid", "--proxy", "http://127.77.0.251:9"])
    out = capsys.readouterr().out
    assert code == 3
    assert "the proxy http://127.77.0.251:9" in out and "could not be reached" in out
    assert "could not be looked up: this PC did not reach Microsoft 365" in out
