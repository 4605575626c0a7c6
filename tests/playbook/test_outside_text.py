"""Generated PowerShell holds no hidden character: typed values with one are refused, collected text loses them.

A right-to-left override (U+202E) in a certificate subject or a file name would make a comment or a
literal read differently from what runs; an escape sequence or a line break in a comment could hide
or start code. The scripts must still parse (tree-sitter-powershell) into exactly the same commands.
"""

from __future__ import annotations

import copy
import json

import pytest
from hostile_text import HOSTILE, hidden_in
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from inside import samples
from playbook_scenarios import scenario_for
from pwsh import parse

from wizard.fields import FIELDS
from wizard.inside.analysis import analyze
from wizard.inside.collected import combine, parse_collected
from wizard.inside.rotation import render_ics, render_runbook, render_scripts
from wizard.playbook.build import build_playbook
from wizard.playbook.export import bundle_files, comment
from wizard.playbook.psquote import literal
from wizard.scenario import ScenarioInvalid

LINE_ENDS = "\r\n"


@settings(max_examples=300, deadline=None)
@given(text=HOSTILE, label=st.sampled_from(["", "Why:", "Note:"]), hang=st.integers(0, 4))
def test_a_comment_is_only_comment_lines_with_nothing_hidden(text: str, label: str, hang: int) -> None:
    lines = comment(text, label, hang=hang)
    for line in lines:
        assert line.startswith("#"), line
        assert hidden_in(line) == [], line
    parsed = parse("\n".join([*lines, "Write-Output 'after'"]) + "\n")
    assert parsed.ok, parsed.errors
    assert parsed.commands == ("Write-Output",)


@pytest.mark.parametrize("char", ["\u202e", "\u2066", "\u200b", "\ufeff", "\x1b", "\x7f", "\x85", "\r", "\n", "\x00"])
def test_a_literal_refuses_a_hidden_character_and_shows_it(char: str) -> None:
    with pytest.raises(ValueError, match="control characters cannot be put into a PowerShell literal") as caught:
        literal(f"C:\\certs\\oauth{char}.cer")
    assert hidden_in(str(caught.value)) == []
    assert "\\" + ("u" if ord(char) > 0xFF else "") in str(caught.value)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from([spec.name for spec in FIELDS if spec.validator is not None]), value=HOSTILE)
def test_a_typed_value_is_refused_or_leaves_the_bundle_free_of_hidden_characters(name: str, value: str) -> None:
    scenario = scenario_for(("server", "2016", "hybrid", "2015"))
    if scenario.set(name, value) is not None:
        return
    try:
        build_playbook(scenario)
    except ScenarioInvalid:
        return
    for file_name, data in bundle_files(scenario).items():
        text = data.decode("utf-8").removeprefix("\ufeff")
        assert hidden_in(text, allowed=LINE_ENDS) == [], (name, value, file_name)


def test_a_certificate_path_with_a_right_to_left_override_never_reaches_a_script() -> None:
    scenario = scenario_for(("server", "2016", "hybrid", "2015"))
    message = scenario.set("oauth_certificate", "C:\\certs\\oauth\u202erec.exe")
    assert message is not None and "\\u202e" in message
    with pytest.raises(ScenarioInvalid):
        bundle_files(scenario)


# ----- rotation scripts made from collected data -----

HEALTHY = samples.healthy()


def _subject_paths(docs: samples.Docs) -> list[tuple[str, tuple[str | int, ...]]]:
    """Where collected certificate subjects and display names live (they reach comments and the runbook)."""
    paths: list[tuple[str, tuple[str | int, ...]]] = []
    for i, _ in enumerate(docs["exchange"]["certificates"]):
        paths += [("exchange", ("certificates", i, "Subject")), ("exchange", ("certificates", i, "FriendlyName"))]
    for name in ("sfb-fe01", "sfb-fe02"):
        for i, _ in enumerate(docs[name]["oauth_token_issuer"]):
            paths.append((name, ("oauth_token_issuer", i, "Subject")))
    for i, principal in enumerate(docs["graph"]["service_principals"]):
        paths.append(("graph", ("service_principals", i, "DisplayName")))
        for k, _ in enumerate(principal["KeyCredentials"]):
            paths.append(("graph", ("service_principals", i, "KeyCredentials", k, "DisplayName")))
    return paths


def _plan(docs: samples.Docs):
    # json.dumps keeps a lone surrogate as \\ud800, which json.loads turns back into one: as a tampered file would.
    data = combine(parse_collected(json.dumps(d).encode(), source=n) for n, d in docs.items())
    return analyze(data, samples.scenario("hybrid"), now=samples.FIXED_NOW).plan


HEALTHY_PLAN = _plan(HEALTHY)
HEALTHY_COMMANDS = {name: parse(body).commands for name, body in render_scripts(HEALTHY_PLAN).items()}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(targets=st.lists(st.sampled_from(_subject_paths(HEALTHY)), min_size=1, max_size=4), text=HOSTILE)
def test_collected_subjects_with_hidden_characters_leave_the_plan_clean(targets, text: str) -> None:
    docs = copy.deepcopy(HEALTHY)
    for name, path in targets:
        node = docs[name]
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = text
    plan = _plan(docs)
    scripts = render_scripts(plan)
    assert set(scripts) == set(HEALTHY_COMMANDS)
    for name, body in scripts.items():
        assert hidden_in(body, allowed=LINE_ENDS) == [], name
        parsed = parse(body)
        assert parsed.ok, (name, parsed.errors)
        assert parsed.commands == HEALTHY_COMMANDS[name], name
    assert hidden_in(render_runbook(plan), allowed="\n") == []
    assert hidden_in(render_ics(plan), allowed=LINE_ENDS) == []


def test_a_right_to_left_override_in_a_certificate_subject_is_removed_from_the_script_comment() -> None:
    docs = copy.deepcopy(HEALTHY)
    for cert in docs["exchange"]["certificates"]:
        cert["Subject"] = "CN=Auth\u202e\x1b[2Jrec.exe\r\nRemove-Item C:\\"
    scripts = render_scripts(_plan(docs))
    body = next(text for name, text in scripts.items() if name.startswith("exchange-auth"))
    replaces = next(line for line in body.splitlines() if line.startswith("# Replaces"))
    assert "CN=Auth" in replaces and "rec.exe" in replaces and "Remove-Item C:\\)" in replaces  # one comment line
    assert hidden_in(replaces) == []
    assert "Remove-Item" not in parse(body).commands
