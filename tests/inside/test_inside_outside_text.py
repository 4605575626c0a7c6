"""Collected text is data: findings built from it hold no hidden character, and `analyze` prints it on
the lines it belongs to, without escape sequences that could drive the admin's terminal."""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path

import pytest
from hostile_text import HOSTILE, hidden_in
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inside import samples
from wizard.cli import main
from wizard.commands.analyze import print_report
from wizard.inside.analysis import analyze
from wizard.inside.collected import CollectedFileError, combine, parse_collected
from wizard.topology import Phase

NOW = samples.FIXED_NOW
HEALTHY = samples.healthy()
SCENARIO = samples.scenario("hybrid")


def _string_paths(doc: object, prefix: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    if isinstance(doc, dict):
        return [p for k, v in doc.items() for p in _string_paths(v, (*prefix, k))]
    if isinstance(doc, list):
        return [p for i, v in enumerate(doc) for p in _string_paths(v, (*prefix, i))]
    return [prefix] if isinstance(doc, str) else []


PATHS = [(name, path) for name, doc in HEALTHY.items() for path in _string_paths(doc)]


def _analyse(docs: samples.Docs):
    # json.dumps writes a lone surrogate as \\ud800; json.loads gives it back, as from a tampered file.
    return analyze(combine(parse_collected(json.dumps(d).encode(), source=n) for n, d in docs.items()), SCENARIO,
                   now=NOW)


def _with(docs: samples.Docs, targets: list[tuple[str, tuple[object, ...]]], text: str) -> samples.Docs:
    edited = copy.deepcopy(docs)
    for name, path in targets:
        node = edited[name]
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = text
    return edited


def _analyse_or_none(docs: samples.Docs):
    try:
        return _analyse(docs)
    except CollectedFileError:
        return None


MARGIN = {f"Analysing collected data for {SCENARIO.topology.label}", "Certificates the integration trusts",
          *(phase.title for phase in Phase)}


def _printed(result) -> list[str]:
    stream = io.StringIO()
    print_report(SCENARIO, result, stream)
    return stream.getvalue().split("\n")


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(targets=st.lists(st.sampled_from(PATHS), min_size=1, max_size=3), text=HOSTILE)
def test_findings_and_the_printed_report_hold_no_hidden_character(targets, text: str) -> None:
    result = _analyse_or_none(_with(HEALTHY, targets, text))
    if result is None:
        return
    for finding in result.findings:
        for line in (finding.title, finding.target, *finding.tags, *(e.label for e in finding.evidence)):
            assert hidden_in(line) == [], (finding.id, line)
        for block in (finding.detail, finding.remediation, *(e.value for e in finding.evidence)):
            assert hidden_in(block, allowed="\n\t") == [], (finding.id, block)
    lines = _printed(result)
    for line in lines:
        assert hidden_in(line, allowed="\t") == [], line
    at_margin = [line for line in lines[:-2] if line and not line[0].isspace()]
    assert set(at_margin) <= MARGIN, set(at_margin) - MARGIN  # no collected value starts a line of its own


def test_a_realm_with_escape_sequences_and_an_override_prints_as_plain_text() -> None:
    docs = copy.deepcopy(HEALTHY)
    for name in ("sfb-fe01", "sfb-fe02"):
        docs[name]["oauth_configuration"]["Realm"] = "fabrikam.com\u202e\x1b]0;pwned\x07\x1b[2J\r\nPASS  forged"
    result = _analyse(docs)
    finding = next(f for f in result.findings if f.id == "inside.oauth-realm")
    assert "Realm is fabrikam.com" in finding.detail
    assert "\u202e" not in finding.detail and "\x1b" not in finding.detail
    printed = _printed(result)
    assert not any(line.startswith("PASS") for line in printed)
    assert not any("\x1b" in line or "\u202e" in line for line in printed)


def test_a_bad_file_name_is_reported_on_one_line_with_its_hidden_characters_written_out(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    scenario_file = tmp_path / "scenario.json"
    SCENARIO.save(scenario_file)
    bad = tmp_path / "exchange\u202enosj.json"
    bad.write_text("{ not json", encoding="utf-8")
    code = main(["analyze", str(bad), "--scenario", str(scenario_file)])
    _, err = capsys.readouterr()
    assert code == 2
    assert err.count("\n") == 1 and "\u202e" not in err
    assert "exchange\\u202enosj.json" in err
