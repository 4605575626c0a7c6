"""A refused value gets a one-line reason that shows its hidden characters written out (\\r\\n, \\x00, \\x1b[2J)."""

from __future__ import annotations

import pytest
from hostile_text import HOSTILE, hidden_in
from hypothesis import given, settings
from hypothesis import strategies as st

from wizard import validation
from wizard.fields import FIELDS
from wizard.scenario import Scenario
from wizard.validation import InvalidValue

VALIDATORS = [spec for spec in FIELDS if spec.validator is not None]
OTHERS = {
    "host_port": lambda v: validation.host_port(v, default_port=53),
    "ps_identity": validation.ps_identity,
    "thumbprint": validation.thumbprint,
}


def _reason(check, value: str) -> str | None:
    try:
        accepted = check(value)
    except InvalidValue as exc:
        return str(exc)
    for piece in accepted if isinstance(accepted, tuple) else (accepted,):
        assert hidden_in(str(piece)) == [], (value, accepted)
    return None


@pytest.mark.parametrize("spec", VALIDATORS, ids=lambda s: s.name)
@settings(max_examples=80, deadline=None)
@given(value=HOSTILE)
def test_every_field_refuses_hidden_characters_with_a_one_line_reason(spec, value: str) -> None:
    reason = _reason(spec.validator, value)
    if reason is None:
        return
    assert hidden_in(reason) == [], reason
    assert len(reason.splitlines()) == 1


@pytest.mark.parametrize("name", sorted(OTHERS))
@settings(max_examples=150, deadline=None)
@given(value=HOSTILE)
def test_other_validators_give_one_line_reasons(name: str, value: str) -> None:
    reason = _reason(OTHERS[name], value)
    if reason is not None:
        assert hidden_in(reason) == [] and len(reason.splitlines()) == 1, reason


@pytest.mark.parametrize(("check", "value", "shown"), [
    (validation.sip_uri, "sip:jeff\r\nsmith@contoso.com", "'sip:jeff\\r\\nsmith@contoso.com'"),
    (validation.fqdn, "exch\x00.contoso.com", "'exch\\x00.contoso.com'"),
    (validation.fqdn, "exch\x1b[2J.contoso.com", "'exch\\x1b[2J.contoso.com'"),
    (validation.fqdn, "exch\x1bc.contoso.com", "'exch\\x1bc.contoso.com'"),
    (validation.windows_path, "C:\\certs\\oauth\u202erec.exe", "'C:\\certs\\oauth\\u202erec.exe'"),
    (validation.windows_path, "C:\\certs\\o\u200bauth.cer", "'C:\\certs\\o\\u200bauth.cer'"),
    (validation.https_url, "https://autodiscover.contoso.com/a\x7fb", "'https://autodiscover.contoso.com/a\\x7fb'"),
    (validation.ps_identity, "Site\x1b]0;pwned\x07", "'Site\\x1b]0;pwned\\x07'"),
])
def test_the_reason_shows_what_was_typed_with_hidden_characters_written_out(check, value: str, shown: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        check(value)
    reason = str(caught.value)
    assert shown in reason
    assert hidden_in(reason) == [] and "\n" not in reason


@pytest.mark.parametrize(("value", "kind"), [
    ("C:\\certs\\\u202egpj.cer", "text-direction character (\\u202e)"),
    ("C:\\certs\\\u2066a.cer", "text-direction character (\\u2066)"),
    ("C:\\certs\\a\u200d.cer", "invisible character (\\u200d)"),
    ("C:\\certs\\a\x85.cer", "line break (\\x85)"),
    ("C:\\certs\\a\x9b.cer", "control character (\\x9b)"),
])
def test_certificate_path_with_a_bidi_or_invisible_character_is_refused(value: str, kind: str) -> None:
    scenario = Scenario()
    message = scenario.set("oauth_certificate", value)
    assert message is not None and kind in message


def test_a_long_value_is_quoted_cut_short() -> None:
    with pytest.raises(InvalidValue) as caught:
        validation.sip_uri("sip:" + "\u202e" * 500 + "@contoso.com")
    assert len(str(caught.value)) < 200


def test_thumbprint_still_drops_the_mark_the_windows_dialog_copies() -> None:
    assert validation.thumbprint("\u200e" + "AB" * 20) == "AB" * 20
    with pytest.raises(InvalidValue, match=r"\\u202e"):
        validation.thumbprint("\u202e" + "AB" * 20)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["\u202e", "\u200b", "\x1b", "\x00", "\x7f", "\u2066", "\ufeff"]), st.integers(0, 10))
def test_no_field_accepts_a_hidden_character_inside_its_value(char: str, at: int) -> None:
    for spec, good in (("sip_domains", "contoso.com"), ("oauth_certificate", "C:\\certs\\oauth.cer"),
                       ("sfb_site", "Redmond Site"), ("test_sip_uri", "sip:jeff@contoso.com"),
                       ("tenant_id", "3a1c9b2e-5d4f-4e6a-8b7c-0d9e8f7a6b5c")):
        position = min(at, len(good) - 1) + 1
        assert Scenario().set(spec, good[:position] + char + good[position:]) is not None, (spec, char)
