"""Validators: what each accepts and normalises, what it refuses, and that nothing odd gets through."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wizard import validation
from wizard.validation import InvalidValue


@pytest.mark.parametrize(("value", "expected"), [
    ("EXCH.Contoso.com", "exch.contoso.com"),
    ("exch.contoso.com.", "exch.contoso.com"),
    ("  pool01.contoso.com  ", "pool01.contoso.com"),
    ("bücher.example", "xn--bcher-kva.example"),
    ("a-b.c-d.example", "a-b.c-d.example"),
])
def test_fqdn_normalises(value, expected):
    assert validation.fqdn(value) == expected


@pytest.mark.parametrize(("value", "reason"), [
    ("", "Enter"),
    ("exch", "fully qualified"),
    ("exch..contoso.com", "not a valid"),
    ("-exch.contoso.com", "not a valid label"),
    ("exch-.contoso.com", "not a valid label"),
    ("a" * 64 + ".contoso.com", "not a valid"),
    (".".join(["abcdefghij"] * 24) + ".com", "at most 253"),
    ("10.0.0.1", "IP address"),
    ("exch.contoso.com'; Remove-Item C:\\", "only contain"),
    ("exch contoso.com", "only contain"),
    ("https://exch.contoso.com", "only contain"),
    ("exch.contoso.com:443", "only contain"),
    ("user@contoso.com", "only contain"),
    ("$(whoami).contoso.com", "only contain"),
])
def test_fqdn_refuses(value, reason):
    with pytest.raises(InvalidValue, match=re.escape(reason)):
        validation.fqdn(value)


def test_domain_uses_domain_wording():
    with pytest.raises(InvalidValue, match="domain name"):
        validation.domain("")


@pytest.mark.parametrize(("value", "expected"), [
    ("sip:jeff@jdskype.net", "sip:jeff@jdskype.net"),
    ("jeff@JDSKYPE.net", "sip:jeff@jdskype.net"),
    ("SIP:ken.myer@contoso.com", "sip:ken.myer@contoso.com"),
])
def test_sip_uri_normalises(value, expected):
    assert validation.sip_uri(value) == expected


@pytest.mark.parametrize("value", ["", "jeff", "sip:@contoso.com", "sip:jeff@", "sip:.jeff@contoso.com",
                                   "sip:je..ff@contoso.com", "sip:jeff'@contoso.com", "sip:jeff@contoso.com'; x",
                                   "sip:jeff smith@contoso.com"])
def test_sip_uri_refuses(value):
    with pytest.raises(InvalidValue):
        validation.sip_uri(value)


@pytest.mark.parametrize(("value", "expected"), [
    ("https://Autodiscover.Contoso.com/autodiscover/autodiscover.svc",
     "https://autodiscover.contoso.com/autodiscover/autodiscover.svc"),
    ("https://autodiscover.contoso.com:443/autodiscover/autodiscover.svc",
     "https://autodiscover.contoso.com/autodiscover/autodiscover.svc"),
    ("https://autodiscover.contoso.com:8443/a", "https://autodiscover.contoso.com:8443/a"),
    ("https://autodiscover.contoso.com", "https://autodiscover.contoso.com/"),
])
def test_https_url_normalises(value, expected):
    assert validation.https_url(value) == expected


@pytest.mark.parametrize(("value", "reason"), [
    ("http://autodiscover.contoso.com/", "https://"),
    ("https://user:pw@autodiscover.contoso.com/", "user name"),
    ("https://autodiscover.contoso.com/a?b=c", "'?' or '#'"),
    ("https://autodiscover.contoso.com/a#b", "'?' or '#'"),
    ("https://autodiscover.contoso.com/a'b", "do not belong"),
    ("https://autodiscover.contoso.com/a b", "do not belong"),
    ("https://bad_host/", "'bad_host' is not a valid label"),
])
def test_https_url_refuses(value, reason):
    with pytest.raises(InvalidValue, match=re.escape(reason)):
        validation.https_url(value)


def test_guid_normalises_braces_and_case():
    assert validation.guid("{3A1C9B2E-5D4F-4E6A-8B7C-0D9E8F7A6B5C}") == "3a1c9b2e-5d4f-4e6a-8b7c-0d9e8f7a6b5c"
    with pytest.raises(InvalidValue):
        validation.guid("3a1c9b2e5d4f4e6a8b7c0d9e8f7a6b5c")


def test_thumbprint_drops_spaces_colons_and_the_invisible_mark_windows_copies():
    assert validation.thumbprint("\u200eab cd:EF" + "0" * 34) == "ABCDEF" + "0" * 34
    with pytest.raises(InvalidValue, match="40 hexadecimal"):
        validation.thumbprint("AB" * 19)


@pytest.mark.parametrize(("value", "expected"), [
    ("10.0.0.53", ("10.0.0.53", 53)), ("127.0.0.1:5353", ("127.0.0.1", 5353)), ("[::1]:53", ("::1", 53)),
])
def test_host_port(value, expected):
    assert validation.host_port(value, default_port=53) == expected


@pytest.mark.parametrize("value", ["", "a b:1", "host:0", "host:70000"])
def test_host_port_refuses(value):
    with pytest.raises(InvalidValue):
        validation.host_port(value, default_port=53)


def test_ps_identity_allows_plain_names_only():
    assert validation.ps_identity(" Redmond Site_1.a-b ") == "Redmond Site_1.a-b"
    for bad in ("", " ", "-x", "a'b", "a;b", "a$b", "x" * 65, "a`b"):
        with pytest.raises(InvalidValue):
            validation.ps_identity(bad)


def test_windows_path_refuses_quotes_and_powershell_specials():
    assert validation.windows_path(" C:\\Certs\\oauth (1).cer ") == "C:\\Certs\\oauth (1).cer"
    for bad in ("", "C:\\a'b.cer", 'C:\\a"b', "C:\\a`b", "C:\\$x", "C:\\a;b", "a|b", "a<b", "a>b", "a\nb"):
        with pytest.raises(InvalidValue):
            validation.windows_path(bad)


# ----- properties: whatever is typed, an accepted value has a safe shape -----

ANY_TEXT = st.text(max_size=60)


@settings(max_examples=400)
@given(ANY_TEXT)
def test_accepted_fqdn_is_only_ldh_labels(text):
    try:
        value = validation.fqdn(text)
    except InvalidValue:
        return
    assert re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+", value) and len(value) <= 253


@settings(max_examples=400)
@given(ANY_TEXT)
def test_accepted_sip_uri_has_no_quote_space_or_control(text):
    try:
        value = validation.sip_uri(text)
    except InvalidValue:
        return
    assert value.startswith("sip:")
    assert not re.search(r"[\s'\"\u2018-\u201b]", value)
    assert all(ord(c) >= 32 for c in value)


@settings(max_examples=400)
@given(ANY_TEXT)
def test_accepted_url_has_no_quote_space_or_control(text):
    try:
        value = validation.https_url(text)
    except InvalidValue:
        return
    assert value.startswith("https://")
    assert not re.search(r"[\s'\"`$;|&\u2018-\u201b]", value)


@settings(max_examples=400)
@given(ANY_TEXT)
def test_accepted_windows_path_has_no_control_character_or_ascii_quote(text):
    try:
        value = validation.windows_path(text)
    except InvalidValue:
        return
    assert all(ord(c) >= 32 for c in value)
    assert not set(value) & set("'\"`$;|<>")


@pytest.mark.parametrize("text", ["contoso.com\u2019", "contoso\u201c.com", "con\u00b7toso.com"])
def test_fqdn_refuses_non_ascii_punctuation_instead_of_punycoding_it(text: str) -> None:
    with pytest.raises(InvalidValue, match="only contain letters"):
        validation.fqdn(text)


def test_fqdn_keeps_internationalised_letters_as_idna() -> None:
    assert validation.fqdn("b\u00fccher.de") == "xn--bcher-kva.de"
