"""Collected files are input from outside: odd text never crashes the analysis or escapes into PowerShell."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pwsh import parse

from inside import samples
from wizard.inside.analysis import analyze
from wizard.inside.collected import CollectedFileError, combine, parse_collected
from wizard.inside.rotation import render_scripts

NOW = samples.FIXED_NOW


def _string_paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(doc, dict):
        return [p for k, v in doc.items() for p in _string_paths(v, (*prefix, k))]
    if isinstance(doc, list):
        return [p for i, v in enumerate(doc) for p in _string_paths(v, (*prefix, i))]
    return [prefix] if isinstance(doc, str) else []


HEALTHY = samples.healthy()
PATHS = [(name, path) for name, doc in HEALTHY.items() for path in _string_paths(doc)]
ATTACK = "x\r\nRemove-Item -Path C:\\ -Recurse\n# "


def _set(doc: Any, path: tuple[Any, ...], value: str) -> None:
    for key in path[:-1]:
        doc = doc[key]
    doc[path[-1]] = value


def _analyse(docs: samples.Docs):
    data = combine(parse_collected(json.dumps(d).encode(), source=n) for n, d in docs.items())
    return analyze(data, samples.scenario("hybrid"), now=NOW)


HEALTHY_COMMANDS = {name: set(parse(body).commands) for name, body in render_scripts(_analyse(HEALTHY).plan).items()}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(PATHS), st.text(max_size=80))
def test_any_text_in_any_field_is_refused_cleanly_or_analysed_into_parsing_scripts(target, text) -> None:
    name, path = target
    docs = copy.deepcopy(HEALTHY)
    _set(docs[name], path, text)
    try:
        result = _analyse(docs)
    except CollectedFileError as exc:
        assert "\n" not in str(exc)
        return
    for script, body in render_scripts(result.plan).items():
        parsed = parse(body)
        assert parsed.errors == (), script
        assert set(parsed.commands) <= HEALTHY_COMMANDS[script], script
    for finding in result.findings:
        assert isinstance(finding.detail, str) and isinstance(finding.remediation, str)


@pytest.mark.parametrize("target", [t for t in PATHS if t[0] in ("exchange", "sfb-fe01", "sfb-fe02")],
                         ids=lambda t: f"{t[0]}:{'.'.join(map(str, t[1]))}")
def test_a_line_break_with_a_command_in_any_field_never_becomes_a_command(target) -> None:
    name, path = target
    docs = copy.deepcopy(HEALTHY)
    _set(docs[name], path, ATTACK)
    try:
        result = _analyse(docs)
    except CollectedFileError:
        return
    for script, body in render_scripts(result.plan).items():
        assert "Remove-Item" not in parse(body).commands, script


def test_thumbprint_that_is_not_hex_is_refused() -> None:
    doc = copy.deepcopy(HEALTHY["exchange"])
    doc["auth_config"]["CurrentCertificateThumbprint"] = "'; Remove-Item C:\\ -Recurse; '"
    with pytest.raises(CollectedFileError, match=r"auth_config\.CurrentCertificateThumbprint: .* not a certificate"):
        parse_collected(json.dumps(doc).encode(), source="x")


@pytest.mark.parametrize("name", ["ex02'; Remove-Item C:\\ -Recurse; '", "ex02\r\nRemove-Item C:\\"])
def test_hostile_server_name_in_a_collected_file_never_reaches_a_command(name: str) -> None:
    docs = samples.faulty("cas-uri-server-name")
    docs["exchange"]["client_access"][1]["Fqdn"] = name
    docs["exchange"]["client_access"][1]["Name"] = name
    finding = next(f for f in _analyse(docs).findings if f.id == "inside.autodiscover-internal-uri")
    assert "-Identity <server>" in finding.remediation
    assert "Remove-Item" not in finding.remediation


def test_hostile_partner_application_identity_is_never_quoted_into_a_command() -> None:
    docs = samples.faulty("sfb-partner-disabled")
    for sfb in ("sfb-fe01", "sfb-fe02"):
        docs[sfb]["partner_applications"][0]["Identity"] = "x'; Remove-Item C:\\; '"
    finding = next(f for f in _analyse(docs).findings if f.id == "inside.sfb-partner-exchange")
    assert "Set-CsPartnerApplication -Identity $_.Identity -Enabled $true" in finding.remediation
    assert "Remove-Item" not in finding.remediation
