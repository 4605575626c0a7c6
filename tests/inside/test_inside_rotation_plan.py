"""The rotation plan: ordered steps per certificate, scripts that parse, a valid .ics with 60/30-day reminders."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from pwsh import parse

from inside import samples
from wizard.inside.collected import combine, parse_collected
from wizard.inside.ics import MAX_OCTETS, Alarm, Event, escape_text, fold, render_calendar
from wizard.inside.rotation import (
    CALENDAR_FILE,
    RUNBOOK_FILE,
    RotationPlan,
    build_rotation_plan,
    render_ics,
    render_scripts,
    write_plan,
)
from wizard.inside.rules import RuleContext
from wizard.playbook.step import Shell

NOW = samples.FIXED_NOW


def plan_of(docs: samples.Docs, topology: str = "hybrid") -> RotationPlan:
    data = combine(parse_collected(json.dumps(doc).encode(), source=name) for name, doc in docs.items())
    return build_rotation_plan(RuleContext(data, samples.scenario(topology), NOW))


def _titles(plan: RotationPlan, key: str) -> list[str]:
    return [s.title for s in next(r for r in plan.rotations if r.key == key).steps]


def test_exchange_auth_rotation_steps_come_in_the_documented_order() -> None:
    assert _titles(plan_of(samples.healthy()), "exchange-auth") == [
        "Create the new auth certificate and export its public part",
        "Add the new certificate to the tenant's service principals",
        "Make it the next auth certificate",
        "Publish it",
        "Clear the previous certificate",
        "Restart the service host and IIS on every Exchange server",
        "Upload the new certificate to the dedicated Exchange hybrid application",
        "Make Skype for Business re-read Exchange's metadata",
        "Verify: Test-CsExStorageConnectivity",
    ]


def test_on_premises_exchange_rotation_has_no_tenant_steps() -> None:
    titles = _titles(plan_of(samples.healthy(topology="onprem"), "onprem"), "exchange-auth")
    assert "Upload the new certificate to the dedicated Exchange hybrid application" not in titles
    assert not any("service principal" in t for t in titles)
    assert titles[0] == "Create the new auth certificate"


def test_sfb_rotation_rolls_with_an_effective_date_then_refreshes_exchange() -> None:
    assert _titles(plan_of(samples.healthy()), "sfb-oauth") == [
        "Get the new certificate onto one Front End",
        "Check the new certificate and export its public part",
        "Add the new certificate to the Skype for Business service principal (00000004-0000-0ff1-ce00-000000000000)",
        "Roll the OAuthTokenIssuer certificate",
        "Wait for the effective date",
        "Make Exchange re-read Skype for Business's metadata",
        "Verify: Test-CsExStorageConnectivity",
    ]


def test_plan_carries_each_certificates_expiry() -> None:
    plan = plan_of(samples.healthy())
    expiries = {r.key: r.not_after for r in plan.rotations}
    assert expiries == {"exchange-auth": NOW + timedelta(days=1400), "sfb-oauth": NOW + timedelta(days=600)}


@pytest.mark.parametrize("topology", ["hybrid", "onprem"])
def test_every_rotation_script_parses_without_errors(topology: str) -> None:
    scripts = render_scripts(plan_of(samples.healthy(topology=topology), topology))
    assert scripts
    for name, text in scripts.items():
        parsed = parse(text)
        assert parsed.errors == (), f"{name}: {parsed.errors}"
        assert parsed.nameless_commands == (), name


def test_scripts_are_one_per_certificate_and_shell() -> None:
    assert set(render_scripts(plan_of(samples.healthy()))) == {
        "exchange-auth-rotation-exchange.ps1", "exchange-auth-rotation-graph.ps1", "exchange-auth-rotation-sfb.ps1",
        "sfb-oauth-rotation-sfb.ps1", "sfb-oauth-rotation-graph.ps1", "sfb-oauth-rotation-exchange.ps1"}


def test_exchange_script_runs_the_set_authconfig_sequence_and_restarts_each_server() -> None:
    text = render_scripts(plan_of(samples.healthy()))["exchange-auth-rotation-exchange.ps1"]
    commands = [c for c in parse(text).commands if c in ("New-ExchangeCertificate", "Set-AuthConfig", "Read-Host",
                                                         "Restart-Service", "iisreset")]
    assert commands == ["New-ExchangeCertificate", "Read-Host", "Set-AuthConfig", "Set-AuthConfig", "Set-AuthConfig",
                        "Restart-Service", "iisreset"]
    order = [text.index(s) for s in ("-NewCertificateThumbprint $newThumbprint -NewCertificateEffectiveDate",
                                     "Set-AuthConfig -PublishCertificate", "Set-AuthConfig -ClearPreviousCertificate")]
    assert order == sorted(order)
    assert "foreach ($server in @('ex01.contoso.com', 'ex02.contoso.com'))" in text


def test_script_pauses_where_another_shells_step_comes_first() -> None:
    text = render_scripts(plan_of(samples.healthy()))["exchange-auth-rotation-exchange.ps1"]
    pause = text.index("Read-Host")
    assert text.index("New-ExchangeCertificate") < pause < text.index("Set-AuthConfig")
    assert "exchange-auth-rotation-graph.ps1" in text[pause - 300:pause + 200]


def test_graph_rotation_merges_keys_instead_of_replacing_them() -> None:
    text = render_scripts(plan_of(samples.healthy()))["exchange-auth-rotation-graph.ps1"]
    assert "Update-MgServicePrincipal" in parse(text).commands
    assert "$kept = @($current | Where-Object { $_.EndDateTime -gt (Get-Date) })" in text
    assert "'7557eb47-c689-4224-abcf-aef9bd7573df'" in text and "'db7de2b5-2149-435e-8043-e080dd50afae'" in text


def test_sfb_script_takes_a_validated_thumbprint_and_rolls_it() -> None:
    text = render_scripts(plan_of(samples.healthy()))["sfb-oauth-rotation-sfb.ps1"]
    assert "[ValidatePattern('^[0-9A-Fa-f]{40}$')][string]$NewThumbprint" in text
    assert ("Set-CsCertificate -Identity global -Type OAuthTokenIssuer -Thumbprint $NewThumbprint "
            "-EffectiveDate $EffectiveDate -Roll") in text
    exchange = render_scripts(plan_of(samples.healthy()))["sfb-oauth-rotation-exchange.ps1"]
    assert "Set-PartnerApplication -RefreshAuthMetadata" in exchange


def test_scripts_say_they_change_configuration_and_quote_scenario_values() -> None:
    scripts = render_scripts(plan_of(samples.healthy()))
    for text in scripts.values():
        assert "THIS SCRIPT CHANGES CONFIGURATION" in text
    assert "-MetadataUrl 'https://autodiscover.contoso.com/autodiscover/metadata/json/1'" in (
        scripts["exchange-auth-rotation-sfb.ps1"])
    assert "-SipUri 'sip:kenmyer@contoso.com'" in scripts["exchange-auth-rotation-sfb.ps1"]


def test_write_plan_writes_bom_crlf_scripts_the_runbook_and_the_calendar(tmp_path) -> None:
    written = write_plan(plan_of(samples.healthy()), tmp_path)
    names = {p.name for p in written}
    assert {RUNBOOK_FILE, CALENDAR_FILE, "exchange-auth-rotation-exchange.ps1"} <= names
    script = (tmp_path / "exchange-auth-rotation-exchange.ps1").read_bytes()
    assert script.startswith(b"\xef\xbb\xbf#") and b"\r\n" in script and b"\n" not in script.replace(b"\r\n", b"")
    runbook = (tmp_path / RUNBOOK_FILE).read_text()
    assert "## Exchange auth certificate" in runbook and "Set-AuthConfig -PublishCertificate" in runbook


# ---------------------------------------------------------------------------------------------
# The calendar, validated structurally
# ---------------------------------------------------------------------------------------------
def unfold(text: str) -> list[str]:
    assert text.endswith("\r\n")
    physical = text[:-2].split("\r\n")
    logical: list[str] = []
    for line in physical:
        if line.startswith(" "):
            logical[-1] += line[1:]
        else:
            logical.append(line)
    return logical


def components(lines: list[str]) -> list[tuple[str, dict[str, list[str]]]]:
    """Every component in document order with its properties (name -> values), checking BEGIN/END nesting."""
    stack: list[tuple[str, dict[str, list[str]]]] = []
    found: list[tuple[str, dict[str, list[str]]]] = []
    for line in lines:
        name, _, value = line.partition(":")
        if name == "BEGIN":
            stack.append((value, {}))
            found.append(stack[-1])
        elif name == "END":
            assert stack and stack[-1][0] == value, f"END:{value} does not close {stack[-1][0] if stack else None}"
            stack.pop()
        else:
            assert stack, f"property outside a component: {line}"
            stack[-1][1].setdefault(name, []).append(value)
    assert not stack
    return found


def test_calendar_is_structurally_valid_rfc5545() -> None:
    text = render_ics(plan_of(samples.healthy()))
    assert "\n" not in text.replace("\r\n", "")
    for physical in text.split("\r\n")[:-1]:
        assert len(physical.encode("utf-8")) <= MAX_OCTETS, physical
    parts = components(unfold(text))
    assert parts[0][0] == "VCALENDAR"
    calendar = parts[0][1]
    assert calendar["VERSION"] == ["2.0"] and calendar["PRODID"]
    events = [props for name, props in parts if name == "VEVENT"]
    alarms = [props for name, props in parts if name == "VALARM"]
    assert len(events) == 2 and len(alarms) == 4
    for event in events:
        for required in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"):
            assert len(event[required]) == 1, required
        assert re.fullmatch(r"\d{8}T\d{6}Z", event["DTSTAMP"][0])
        assert re.fullmatch(r"\d{8}T\d{6}Z", event["DTSTART"][0])
    for alarm in alarms:
        assert alarm["ACTION"] == ["DISPLAY"] and alarm["DESCRIPTION"]
    triggers = sorted(a["TRIGGER;RELATED=START"][0] for a in alarms)
    assert triggers == ["-P30D", "-P30D", "-P60D", "-P60D"]


def test_calendar_events_fall_on_each_expiry_with_stable_uids() -> None:
    events = [p for n, p in components(unfold(render_ics(plan_of(samples.healthy())))) if n == "VEVENT"]
    starts = {e["UID"][0]: e["DTSTART"][0] for e in events}
    assert starts == {
        f"exchange-auth-{samples.EXCHANGE_AUTH.lower()}@sfb-exchange-wizard":
            (NOW + timedelta(days=1400)).strftime("%Y%m%dT%H%M%SZ"),
        f"sfb-oauth-{samples.SFB_OAUTH.lower()}@sfb-exchange-wizard":
            (NOW + timedelta(days=600)).strftime("%Y%m%dT%H%M%SZ"),
    }
    assert {e["DTSTAMP"][0] for e in events} == {NOW.strftime("%Y%m%dT%H%M%SZ")}


def test_folding_never_splits_a_multibyte_character_and_unfolds_to_the_original() -> None:
    line = "DESCRIPTION:" + "Zertifikat läuft ab – Schlüssel erneuern; " * 6
    folded = fold(line)
    for physical in folded.split("\r\n"):
        physical.encode("utf-8")  # each piece is whole characters
        assert len(physical.encode("utf-8")) <= MAX_OCTETS
    assert "".join(p[1:] if i else p for i, p in enumerate(folded.split("\r\n"))) == line


def test_text_values_escape_commas_semicolons_backslashes_and_newlines() -> None:
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    text = render_calendar([Event("u@x", NOW, "a, b", "x;y", (Alarm(timedelta(minutes=90), "soon"),))], stamp=NOW)
    assert "SUMMARY:a\\, b\r\n" in text and "TRIGGER;RELATED=START:-PT90M" in text


def test_plan_without_collected_certificates_is_empty() -> None:
    docs = {k: v for k, v in samples.healthy().items() if k == "graph"}
    plan = plan_of(docs)
    assert plan.is_empty
    assert "BEGIN:VEVENT" not in render_ics(plan)


def test_manual_steps_are_described_not_scripted() -> None:
    docs = samples.healthy(topology="exchange-hybrid")
    docs["exchange"]["setting_overrides"] = []
    docs["exchange"]["auth_servers"][0]["ApplicationIdentifier"] = ""  # not set up: the plan says how, by hand
    plan = plan_of(docs, "exchange-hybrid")
    manual = [s for r in plan.rotations for s in r.steps if s.manual]
    assert manual and all(s.shell is Shell.BROWSER and not s.command for s in manual)
    for text in render_scripts(plan).values():
        assert "Hybrid Configuration Wizard" not in parse(text).commands


def test_sfb_rotation_in_an_exchange_hybrid_adds_the_new_key_to_exchange_online_too() -> None:
    """Microsoft's hybrid server-to-server procedure puts the OAuthTokenIssuer key on 00000002 as well."""
    plan = plan_of(samples.healthy(topology="exchange-hybrid"), "exchange-hybrid")
    rotation = next(r for r in plan.rotations if r.key == "sfb-oauth")
    upload = next(s for s in rotation.steps if s.title.startswith("Add the new certificate"))
    assert upload.title == ("Add the new certificate to Skype for Business (00000004-0000-0ff1-ce00-000000000000) and "
                            "Exchange Online (00000002-0000-0ff1-ce00-000000000000) service principals")
    assert "00000002-0000-0ff1-ce00-000000000000" in upload.command
