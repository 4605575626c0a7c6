"""Parsers: certificates (files, thumbprints, x5t), auth metadata casings, challenges, autodiscover, builds, tenant."""

from __future__ import annotations

import base64
import datetime as dt
import json

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from wizard.probes.formats.auth_metadata import parse_auth_metadata
from wizard.probes.formats.autodiscover import judge, pox_request
from wizard.probes.formats.certificate import (
    facts_from_der,
    load_certificate_file,
    thumbprint_of,
    x5t_of,
    x5t_to_thumbprint,
)
from wizard.probes.formats.challenge import bearer, parse_challenges
from wizard.probes.formats.exchange_build import is_exchange_se, product_for_build
from wizard.probes.formats.tenant import openid_error, realm_from_getuserrealm, tenant_from_openid
from wizard.probes.net.errors import BadDocumentError, CertificateLoadError
from wizard.probes.net.http import HttpResponse

SFB = "00000004-0000-0ff1-ce00-000000000000"
EXCHANGE = "00000002-0000-0ff1-ce00-000000000000"


@pytest.fixture(scope="module")
def leaf(test_ca):
    return test_ca.issue(["pool01.contoso.com", "*.contoso.com"], subject="pool01.contoso.com")


# ---------------------------------------------------------------- certificates
def test_x5t_is_base64url_sha1_and_decodes_to_the_thumbprint(leaf):
    facts = facts_from_der(leaf.der)
    assert len(facts.x5t) == 27 and "=" not in facts.x5t
    assert x5t_to_thumbprint(facts.x5t) == facts.thumbprint == thumbprint_of(leaf.der)
    assert x5t_of(leaf.der) == facts.x5t
    assert x5t_to_thumbprint("not base64!") is None and x5t_to_thumbprint("AAAA") is None


def test_certificate_facts_read_names_key_and_issuer(leaf, test_ca):
    facts = facts_from_der(leaf.der)
    assert facts.common_name == "pool01.contoso.com"
    assert facts.key_type == "RSA" and facts.key_bits == 2048 and facts.signature_hash == "sha256"
    assert not facts.self_signed and "Loopback Test Root" in facts.issuer
    assert facts.names_host("pool01.contoso.com") and facts.names_host("fe01.contoso.com")
    assert not facts.names_host("a.b.contoso.com") and not facts.names_host("contoso.com")
    assert facts.subject_mentions("contoso.com") and not facts.subject_mentions("fabrikam.com")


def test_self_signed_certificate_is_recognised(test_ca):
    facts = facts_from_der(test_ca.issue(["x.contoso.com"], self_signed=True).der)
    assert facts.self_signed


def test_validity_and_days_left(test_ca):
    expired = facts_from_der(test_ca.issue(["x.contoso.com"], expired=True).der)
    now = dt.datetime.now(dt.UTC)
    assert not expired.valid_at(now) and expired.days_left(now) < 0


@pytest.mark.parametrize("form", ["der", "pem", "base64"])
def test_cer_files_load_in_der_pem_and_bare_base64(tmp_path, leaf, form):
    data = {"der": leaf.der, "pem": leaf.pem, "base64": base64.b64encode(leaf.der)}[form]
    path = tmp_path / "oauth.cer"
    path.write_bytes(data)
    assert load_certificate_file(path).thumbprint == thumbprint_of(leaf.der)


def _pfx(leaf, password: bytes | None) -> bytes:
    algorithm = serialization.BestAvailableEncryption(password) if password else serialization.NoEncryption()
    return pkcs12.serialize_key_and_certificates(b"oauth", leaf.key, leaf.cert, None, algorithm)


def test_pfx_loads_with_its_password(tmp_path, leaf):
    path = tmp_path / "oauth.pfx"
    path.write_bytes(_pfx(leaf, b"P@ssw0rd"))
    assert load_certificate_file(path, b"P@ssw0rd").thumbprint == thumbprint_of(leaf.der)


@pytest.mark.parametrize(("password", "message"), [(b"wrong", "password is wrong"), (None, "needs a password")])
def test_pfx_with_wrong_or_missing_password_says_so(tmp_path, leaf, password, message):
    path = tmp_path / "oauth.pfx"
    path.write_bytes(_pfx(leaf, b"P@ssw0rd"))
    with pytest.raises(CertificateLoadError, match=message):
        load_certificate_file(path, password)


def test_missing_and_garbage_files_are_clear_errors(tmp_path):
    with pytest.raises(CertificateLoadError, match="does not exist"):
        load_certificate_file(tmp_path / "nope.cer")
    junk = tmp_path / "junk.cer"
    junk.write_bytes(b"hello, not a certificate")
    with pytest.raises(CertificateLoadError, match="is not a certificate"):
        load_certificate_file(junk)


# ---------------------------------------------------------------- auth metadata
def _key(cert_der: bytes, *, camel: bool, x5t: str | None = None) -> dict:
    value = {"type": "x509Certificate", "value": base64.b64encode(cert_der).decode()}
    key: dict = {"usage": "signing", ("keyValue" if camel else "keyvalue"): value}
    if x5t is not None:
        key["keyInfo" if camel else "keyinfo"] = {"x5t": x5t}
    return key


def test_sfb_shape_with_camel_case_keys_parses(leaf):
    document = {"issuer": f"{SFB}@contoso.com", "keys": [_key(leaf.der, camel=True)], "realm": "contoso.com",
                "serviceName": SFB}
    parsed = parse_auth_metadata(document, "https://pool01.contoso.com/metadata/json/1")
    assert parsed.issuer_id == SFB and parsed.issuer_realm == "contoso.com" and parsed.realm == "contoso.com"
    assert parsed.certificates[0].thumbprint == thumbprint_of(leaf.der)


def test_exchange_shape_with_lower_case_keys_and_matching_x5t_parses(leaf):
    document = {"name": "Exchange", "realm": "*", "serviceName": EXCHANGE, "issuer": f"{EXCHANGE}@*",
                "keys": [_key(leaf.der, camel=False, x5t=x5t_of(leaf.der))],
                "endpoints": [{"location": "https://ex01.contoso.com:444/autodiscover/metadata/json/1"}]}
    parsed = parse_auth_metadata(document, "u")
    assert parsed.keys[0].x5t_matches is True and parsed.keys[0].problem == ""
    assert parsed.endpoints == ("https://ex01.contoso.com:444/autodiscover/metadata/json/1",)


def test_x5t_that_does_not_match_the_certificate_is_a_key_problem(leaf, test_ca):
    other = test_ca.issue(["other.contoso.com"], slot=2)
    document = {"serviceName": EXCHANGE, "keys": [_key(leaf.der, camel=False, x5t=x5t_of(other.der))]}
    key = parse_auth_metadata(document, "u").keys[0]
    assert key.x5t_matches is False and "does not match" in key.problem


@pytest.mark.parametrize("document", [[], {"issuer": "x"}, {"keys": []}, "text"])
def test_documents_that_are_not_auth_metadata_are_rejected(document):
    with pytest.raises(BadDocumentError):
        parse_auth_metadata(document, "u")


def test_undecodable_key_values_are_reported_not_raised():
    document = {"serviceName": SFB, "keys": [{"keyValue": {"type": "x509Certificate", "value": "!!!"}},
                                             {"keyValue": {"type": "x509Certificate", "value": "AAAA"}},
                                             {"keyValue": {"type": "rsa", "value": "AAAA"}}, "junk"]}
    keys = parse_auth_metadata(document, "u").keys
    assert [bool(k.problem) for k in keys] == [True, True, True, True]
    assert all(k.certificate is None for k in keys)


# ---------------------------------------------------------------- challenges
def test_sfb_user_link_challenges_parse_into_bearer_parameters():
    headers = [f'Bearer trusted_issuers="{EXCHANGE}@contoso.com", client_id="{SFB}"',
               'MsRtcOAuth href="https://lyncweb.contoso.com/WebTicket/oauthtoken",grant_type="urn:a,urn:b,password"']
    challenges = parse_challenges(headers)
    assert [c.scheme for c in challenges] == ["Bearer", "MsRtcOAuth"]
    token = bearer(challenges)
    assert token is not None and token.list_param("trusted_issuers") == [f"{EXCHANGE}@contoso.com"]
    assert token.param("CLIENT_ID") == SFB
    assert challenges[1].param("grant_type") == "urn:a,urn:b,password"


def test_several_schemes_in_one_header_and_token68_are_separated():
    assert [c.scheme for c in parse_challenges(['Negotiate, NTLM, Basic realm="x"'])] == ["Negotiate", "NTLM", "Basic"]
    assert [c.scheme for c in parse_challenges(["Negotiate abc==, Basic realm=y"])] == ["Negotiate", "Basic"]
    assert parse_challenges([""]) == [] and bearer([]) is None


# ---------------------------------------------------------------- autodiscover answers
def _response(status: int, body: bytes = b"", *headers: tuple[str, str]) -> HttpResponse:
    return HttpResponse("https://autodiscover.contoso.com/autodiscover/autodiscover.xml", status, "", headers, body,
                        "127.0.0.1")


POX_ERROR = (b'<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="http://schemas.microsoft.com/exchange/'
             b'autodiscover/responseschema/2006"><Response><Error><ErrorCode>600</ErrorCode><Message>Invalid Request'
             b'</Message></Error></Response></Autodiscover>')


@pytest.mark.parametrize(("response", "present", "words"), [
    (_response(401, b"", ("WWW-Authenticate", "Negotiate"), ("WWW-Authenticate", "NTLM")), True, "Negotiate, NTLM"),
    (_response(200, POX_ERROR.replace(b"<Response>", b'<Response xmlns="http://schemas.microsoft.com/exchange/'
                                                      b'autodiscover/responseschema/2006">')), True, "error 600"),
    (_response(200, POX_ERROR), True, "Autodiscover XML"),
    (_response(404, b"Not found"), False, "404"),
    (_response(200, b"<html><body>Welcome to nginx!</body></html>", ("Content-Type", "text/html")), False, "text/html"),
    (_response(401, b""), False, "without saying how"),
    (_response(500, b"oops"), False, "HTTP 500"),
    (_response(200, b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><Autodiscover/>'), False,
     "not an Autodiscover"),
])
def test_autodiscover_answers_are_judged_as_exchange_or_not(response, present, words):
    verdict = judge(response)
    assert verdict.present is present and words in verdict.how


def test_pox_request_uses_the_real_http_namespaces_and_escapes_the_address():
    body = pox_request("a&b@contoso.com").decode()
    assert 'xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"' in body
    assert "a&amp;b@contoso.com" in body and "https://schemas" not in body


# ---------------------------------------------------------------- builds and tenant
@pytest.mark.parametrize(("build", "product"), [("15.0.1497.2", "2013"), ("15.1.2507.6", "2016"),
                                                ("15.2.1544.4", "2019"), ("14.3.123.4", "2010"),
                                                ("16.0.1.2", None), ("banana", None), ("15.2", "2019")])
def test_exchange_builds_map_to_products(build, product):
    assert product_for_build(build) == product


def test_exchange_se_builds_are_recognised():
    assert is_exchange_se("15.2.2562.17") and not is_exchange_se("15.2.1544.4")


def test_tenant_id_comes_from_issuer_or_token_endpoint():
    tid = "f2a33211-0000-4000-8000-000000000001"
    assert tenant_from_openid({"issuer": f"https://sts.windows.net/{tid}/"}).tenant_id == tid
    facts = tenant_from_openid({"token_endpoint": f"https://login.microsoftonline.com/{tid}/oauth2/token",
                                "tenant_region_scope": "EU"})
    assert facts.tenant_id == tid and facts.region == "EU"
    assert tenant_from_openid({"issuer": "https://sts.windows.net/{tenantid}/"}) is None
    assert tenant_from_openid(["not", "a", "dict"]) is None


def test_invalid_tenant_error_text_is_the_first_line():
    document = json.loads('{"error":"invalid_tenant","error_description":"AADSTS90002: Tenant \'x\' not found.'
                          '\\r\\nTrace ID: 1"}')
    assert openid_error(document) == "AADSTS90002: Tenant 'x' not found."
    assert openid_error({}) == ""


def test_getuserrealm_namespace_types():
    assert realm_from_getuserrealm({"NameSpaceType": "Managed", "FederationBrandName": "C"}).brand == "C"
    assert realm_from_getuserrealm({"NameSpaceType": "Unknown"}).namespace_type == "Unknown"
    assert realm_from_getuserrealm({"State": 4}) is None
