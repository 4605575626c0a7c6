"""Hostile text in any scenario field is either refused by validation or stays one string literal.

Whatever is typed (quotes, typographic quotes, $(), backticks, new lines, `'; Remove-Item C:\\ -Recurse; '`),
the generated scripts must parse cleanly and run exactly the commands of the steps (no extra
command names), and an accepted value must come back out of the scripts as string literal content.
"""

from __future__ import annotations

import pytest
from expected_commands import expected_script
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from playbook_scenarios import scenario_for
from pwsh import parse, step_command_names

from wizard.fields import FIELDS
from wizard.playbook.build import build_playbook
from wizard.playbook.export import SCRIPT_SHELLS, render_script
from wizard.playbook.psquote import literal
from wizard.safe_text import is_hidden
from wizard.scenario import ScenarioInvalid

INJECTIONS = [
    "contoso.com'; Remove-Item C:\\ -Recurse; '",
    "contoso.com\u2019; Remove-Item C:\\ -Recurse; \u2018",
    "contoso.com\u201b; Remove-Item C:\\ -Recurse; \u201a",
    'contoso.com"; Remove-Item C:\\ -Recurse; "',
    "$(Remove-Item C:\\ -Recurse)",
    "contoso.com`nRemove-Item C:\\ -Recurse",
    "contoso.com\nRemove-Item C:\\ -Recurse",
    "contoso.com\r\nRemove-Item C:\\ -Recurse",
    "contoso.com; Remove-Item C:\\ -Recurse",
    "contoso.com | Remove-Item C:\\ -Recurse",
    "contoso.com & Remove-Item C:\\ -Recurse",
    "@(Remove-Item C:\\ -Recurse)",
    "${env:x}; Remove-Item C:\\",
    "#>\nRemove-Item C:\\ -Recurse",
    "sip:jeff@jdskype.net'; Remove-Item C:\\ -Recurse; '",
    "https://autodiscover.contoso.com/autodiscover/autodiscover.svc'; Remove-Item C:\\ -Recurse; '",
    "C:\\certs\\O\u2019Brien'; Remove-Item C:\\ -Recurse; '.cer",
    "C:\\certs\\it\u2019s (1) & done.cer",
    "Site 1'; Remove-Item C:\\ -Recurse; '",
]

# Valid starts that make a suffix reach the field's validator body rather than fail at once.
PREFIXES = ["", "contoso.com", "sip:jeff@contoso.com", "https://autodiscover.contoso.com/", "C:\\certs\\o",
            "Redmond", "3a1c9b2e-5d4f-4e6a-8b7c-0d9e8f7a6b5c", "AB" * 20]
SUFFIXES = ["'", "\u2019", "\u2018x", '"', "`", "$(x)", "; Remove-Item C:\\", "\n", "\r", "\t", " ", "|x", "&x",
            "@x", "#x", "<#", "%", ".cer", "\u201bx\u201a", "\u00e9t\u00e9", "\u0000"]

HOSTILE = st.one_of(
    st.sampled_from(INJECTIONS),
    st.builds(lambda a, b, c: a + b + c, st.sampled_from(PREFIXES), st.sampled_from(SUFFIXES),
              st.sampled_from(["", *SUFFIXES, ".cer"])),
    st.text(max_size=40),
)

# Where each field is both relevant and written into the scripts (topology, extra values).
PLACEMENT: dict[str, tuple[tuple[str, str, str, str], dict[str, object]]] = {
    "verified_domain": (("server", "2016", "online", ""), {}),
    "dc_fqdn": (("server", "2016", "online", ""), {}),
    "tenant_domain": (("online", "", "server", "2015"), {"tenant_id": ""}),
    "tenant_id": (("online", "", "server", "2015"), {}),
    "pool_external_web_fqdns": (("online", "", "server", "2015"), {}),
    "test_mailbox": (("server", "2016", "online", ""), {}),
    "oauth_certificate": (("online", "", "server", "2015"), {}),
    "oauth_realm": (("server", "2016", "hybrid", "2015"), {"sip_domains": ["contoso.com", "fabrikam.com"]}),
}
DEFAULT_PLACEMENT = (("server", "2016", "hybrid", "2015"), {})

# Fields whose accepted value appears verbatim (inside a literal) in the scripts of their placement.
ECHOED = {"sip_domains", "smtp_domain", "verified_domain", "exchange_fqdns", "autodiscover_fqdn", "pool_fqdns",
          "dc_fqdn", "test_sip_uri", "tenant_domain", "tenant_id", "oauth_certificate_thumbprint", "sfb_site",
          "pool_external_web_fqdns", "exchange_lb_fqdn", "test_mailbox"}

EVERY_FIELD = [spec.name for spec in FIELDS]


def _scripts(scenario):
    steps = build_playbook(scenario)
    for shell in SCRIPT_SHELLS:
        if any(s.shell is shell for s in steps):
            for undo in (False, True):
                yield shell, undo, steps, render_script(scenario, shell, steps, undo=undo)


def check_field(name: str, value: str) -> None:
    topology, extra = PLACEMENT.get(name, DEFAULT_PLACEMENT)
    scenario = scenario_for(topology, **extra)
    message = scenario.set(name, value)
    if message is not None:
        return  # refused by validation: nothing reaches a script
    try:
        steps = build_playbook(scenario)
    except ScenarioInvalid:
        return  # accepted on its own, refused with the other values (e.g. realm not a SIP domain)
    assert steps
    strings: list[str] = []
    for shell, undo, steps, script in _scripts(scenario):
        parsed = parse(script)
        assert parsed.ok, (name, value, shell, undo, parsed.errors)
        assert step_command_names(script) == expected_script(steps, scenario, shell, undo=undo), (name, value, shell)
        strings += parsed.strings
    stored = getattr(scenario, name)
    pieces = stored if isinstance(stored, list) else [stored]
    if name in ECHOED:
        for piece in pieces:
            assert any(piece in s for s in strings), f"{name}={piece!r} does not come back as literal content"
    if name == "oauth_certificate" and stored.lower().endswith((".cer", ".crt", ".pem")):
        assert stored in strings


@pytest.mark.parametrize("name", EVERY_FIELD)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=HOSTILE)
@example(value="contoso.com'; Remove-Item C:\\ -Recurse; '")
def test_hostile_text_in_any_field_is_refused_or_stays_one_string(name, value):
    check_field(name, value)


@pytest.mark.parametrize("value", INJECTIONS)
def test_known_injections_never_add_a_command_in_any_field(value):
    for name in EVERY_FIELD:
        check_field(name, value)


@pytest.mark.parametrize("value", ["Redmond Site", "C:\\certs\\O\u2019Brien (1) & co.cer"])
def test_accepted_odd_values_come_back_as_one_literal(value):
    name = "sfb_site" if value.startswith("Redmond") else "oauth_certificate"
    topology, extra = PLACEMENT.get(name, DEFAULT_PLACEMENT)
    scenario = scenario_for(topology, **extra, **{name: value})
    found = [s for _, _, _, script in _scripts(scenario) for s in parse(script).strings if value in s]
    assert value in found


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80))
def test_literal_is_one_string_whose_content_is_the_text(text):
    if any(is_hidden(c) and c != "\t" for c in text):  # controls, DEL, C1, bidi, zero-width: refused
        with pytest.raises(ValueError, match="control characters"):
            literal(text)
        return
    parsed = parse(f"Write-Output {literal(text)}\n")
    assert parsed.ok, parsed.errors
    assert parsed.commands == ("Write-Output",)
    assert parsed.strings == (text,) or (text == "" and parsed.strings == ())


def test_literal_doubles_every_single_quote_powershell_knows():
    assert literal("a'b\u2018c\u2019d\u201ae\u201bf") == "'a''b\u2018\u2018c\u2019\u2019d\u201a\u201ae\u201b\u201bf'"
