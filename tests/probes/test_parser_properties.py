"""Server input never makes a defect: every parser, fed anything, returns its typed result or its typed error.

Hypothesis feeds arbitrary bytes, arbitrary JSON-shaped values (recursive strategies) and values
shaped like each document with the wrong types in every place, plus the cases that used to crash
(a 5,000-digit number, 100,000-deep nesting, NaN, lone surrogates, a key given twice). Then the probe
boundary: a probe whose server answers with such a body ends FAIL (a bad answer), never a defect.
The example counts are fixed per test so the suite's cost is known (see EXAMPLES).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import socket
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.probes.conftest import context_for
from tests.probes.loopback import DnsBehaviour, Reply
from wizard.probes import challenges, exchange, metadata, tenant
from wizard.probes.context import ProbeContext, ProbeSettings
from wizard.probes.formats import json_safe
from wizard.probes.formats.auth_metadata import AuthMetadata, parse_auth_metadata
from wizard.probes.formats.autodiscover import POX_RESPONSE_NS, Verdict, judge
from wizard.probes.formats.certificate import CertificateFacts, facts_from_der, load_certificate_file
from wizard.probes.formats.challenge import Challenge, parse_challenges
from wizard.probes.formats.exchange_build import is_exchange_se, product_for_build
from wizard.probes.formats.lyncdiscover import DiscoveryLinks, discovery_links
from wizard.probes.formats.tenant import (
    OpenIdFacts,
    RealmFacts,
    openid_error,
    realm_from_getuserrealm,
    tenant_from_openid,
)
from wizard.probes.net.dns import DnsClient
from wizard.probes.net.errors import BadDocumentError, CertificateLoadError, DnsError
from wizard.probes.net.http import HttpResponse
from wizard.probes.result import Cause, Status
from wizard.scenario import Scenario

# Damaged certificates may carry a zero or negative serial; cryptography still reads them but warns
# (wizard.probes.formats.certificate silences that warning for the admin; pytest resets filters per test).
pytestmark = pytest.mark.filterwarnings(
    "ignore:Parsed a serial number which wasn't positive:cryptography.utils.CryptographyDeprecationWarning")

SFB = "00000004-0000-0ff1-ce00-000000000000"
POOL = "pool01.contoso.com"
POOL_IP = "127.0.0.4"
URL = f"https://{POOL}/metadata/json/1"
LYNC = "https://lyncdiscover.contoso.com/"

# hypothesis examples per property (the report quotes these)
EXAMPLES = {"json-bytes": 400, "json-text": 400, "json-roundtrip": 200, "metadata-values": 300,
            "metadata-shaped": 400, "metadata-bytes": 200, "autodiscover": 300, "challenge-text": 300,
            "challenge-grammar": 400, "sfb-challenge": 150, "exchange-build": 300, "openid": 200,
            "getuserrealm": 200, "lyncdiscover": 400, "certificate-bytes": 200, "certificate-mutated": 600,
            "certificate-files": 150, "dns-answers": 150, "dns-garbage": 25, "probe-metadata": 40,
            "probe-lyncdiscover": 30}
FAST = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow])
NETWORK = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def examples(name: str, **extra: Any) -> Any:
    return settings(max_examples=EXAMPLES[name], **{**FAST, **extra})


# ------------------------------------------------------------------------------------------ strategies
leaves = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
          | st.text(max_size=24))
json_values = st.recursive(leaves, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=10), inner, max_size=4), max_leaves=24)
# JSON-ish text: brackets, quotes, escapes and number parts in any order, to exercise the depth scan
json_ish = st.text(alphabet='[]{}",:\\ 0123456789.eE+-tnrfalsu\n', max_size=200)


def ders() -> bytes:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, POOL)])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(7).not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=9))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(POOL)]), critical=False)
            .sign(key, hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.DER)


DER = ders()
DER_B64 = base64.b64encode(DER).decode()
mutated_der = st.lists(st.tuples(st.integers(0, len(DER) - 1), st.integers(0, 255)), min_size=1, max_size=4).map(
    lambda changes: _mutate(DER, changes)) | st.integers(0, len(DER)).map(lambda n: DER[:n])


def _mutate(data: bytes, changes: list[tuple[int, int]]) -> bytes:
    mutable = bytearray(data)
    for index, value in changes:
        mutable[index] = value
    return bytes(mutable)


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """The right kind of value, or any JSON value in its place (the wrong type)."""
    return strategy | json_values


key_values = st.fixed_dictionaries({}, optional={
    "type": maybe(st.sampled_from(["x509Certificate", "X509Certificate", "RSA", ""])),
    "value": maybe(st.sampled_from([DER_B64, "", "!!!", DER_B64[:40]]) | mutated_der.map(
        lambda d: base64.b64encode(d).decode()))})
key_entries = st.fixed_dictionaries({}, optional={
    "usage": maybe(st.sampled_from(["signing", "Signing"])),
    "keyInfo": maybe(st.fixed_dictionaries({}, optional={"x5t": maybe(st.text(max_size=30))})),
    "keyValue": maybe(key_values), "keyvalue": maybe(key_values)})
metadata_documents = st.fixed_dictionaries({}, optional={
    "issuer": maybe(st.sampled_from([f"{SFB}@contoso.com", f"{SFB}@", "@", ""])),
    "serviceName": maybe(st.just(SFB)), "realm": maybe(st.sampled_from(["contoso.com", "*", ""])),
    "name": maybe(st.text(max_size=10)),
    "keys": maybe(st.lists(maybe(key_entries), max_size=3)),
    "endpoints": maybe(st.lists(maybe(st.fixed_dictionaries({}, optional={"location": maybe(st.text())})),
                                max_size=3))})
hrefs = st.sampled_from(["/Autodiscover/AutodiscoverService.svc/root/oauth/user", "https://[::1", "http://[bad",
                         "https://x:99999/", "https://x:0/", "mailto:a@b", "//", "", " ", "https://", "\x00",
                         "https://pool01.contoso.com/x", "javascript:alert(1)", "https://%zz/"]) | st.text(max_size=30)
links = st.fixed_dictionaries({}, optional={"href": maybe(hrefs)})
discovery_documents = st.fixed_dictionaries({}, optional={"_links": maybe(st.fixed_dictionaries({}, optional={
    name: maybe(links) for name in ("user", "redirect", "self")}))})
GUID = "0a0b0c0d-1111-2222-3333-444455556666"
openid_documents = st.fixed_dictionaries({}, optional={
    "issuer": maybe(st.sampled_from([f"https://sts.windows.net/{GUID}/", "https://sts.windows.net/x/", ""])),
    "token_endpoint": maybe(st.just(f"https://login.microsoftonline.com/{GUID}/oauth2/token")),
    "tenant_region_scope": maybe(st.just("EU")), "error_description": maybe(st.text(max_size=40))})
realm_documents = st.fixed_dictionaries({}, optional={
    "NameSpaceType": maybe(st.sampled_from(["Managed", "Federated", "Unknown"])),
    "FederationBrandName": maybe(st.text(max_size=10)), "AuthURL": maybe(st.text(max_size=20))})
# WWW-Authenticate from pieces that make parameters, quotes, escapes and token68 credentials
challenge_pieces = st.sampled_from(["Bearer", "Negotiate", "NTLM", "Basic", "MsRtcOAuth", "client_id", "realm",
                                    "trusted_issuers", "=", ",", " ", "\t", '"', "\\", "abc==", "href",
                                    '"00000002-0000-0ff1-ce00-000000000000@contoso.com"', '""', "=="])
challenge_headers = st.lists(challenge_pieces, max_size=24).map("".join)
header_text = st.text(alphabet=st.characters(codec="latin-1"), max_size=80)
xml_pieces = st.sampled_from([b'<?xml version="1.0" encoding="utf-8"?>', b'<?xml version="1.0" encoding="foo"?>',
                              b'<?xml version="1.0" encoding="utf-16"?>', b'<?xml version="1.0" encoding="cp037"?>',
                              b"<Autodiscover xmlns=\"" + POX_RESPONSE_NS.encode() + b"\">", b"</Autodiscover>",
                              b"<ErrorCode>600</ErrorCode>", b"<Error>", b"</Error>", b"<!DOCTYPE x>",
                              b"<!ENTITY a 'b'>", b"&a;", b"<a>", b"</a>", b"\x00", b"\xff\xfe", b"]]>",
                              b'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">'])
xml_bodies = st.lists(xml_pieces, max_size=12).map(b"".join) | st.binary(max_size=200)


def response(body: bytes, status: int = 200, headers: tuple[tuple[str, str], ...] = (),
             url: str = URL) -> HttpResponse:
    return HttpResponse(url=url, status=status, reason="OK", headers=headers, body=body, address=POOL_IP)


def depth(value: Any) -> int:
    if isinstance(value, list):
        return 1 + max((depth(v) for v in value), default=0)
    if isinstance(value, dict):
        return 1 + max((depth(v) for v in value.values()), default=0)
    return 0


def make_scenario() -> Scenario:
    scenario = Scenario()
    assert not scenario.update({"exchange_version": "2016", "sfb": "server", "sip_domains": ["contoso.com"],
                                "smtp_domain": "contoso.com", "exchange_fqdns": ["ex01.contoso.com"],
                                "pool_fqdns": [POOL]})
    return scenario


# ------------------------------------------------------------------------------------------ the JSON loader
TARGETED = {
    b'{"version": ' + b"9" * 5000 + b"}": "holds a number 5,000 digits long",
    b"[" * 100_000 + b"]" * 100_000: "nested too deeply",
    b'{"keys": ' + b"[" * 100_000: "nested too deeply",
    b'{"a": ' + b"{\"b\": " * 70 + b"1" + b"}" * 71: "nested too deeply",
    b"[NaN]": "holds NaN",
    b'{"realm": Infinity}': "holds Infinity",
    b"[-Infinity]": "holds -Infinity",
    b"[1e999]": "too large to represent",
    b'{"issuer": "a", "issuer": "b"}': "gives the key 'issuer' twice",
    b"\xff\xfe{}": "not UTF-8 text",
    b"": "malformed JSON",
    b'{"a": [1, 2': "malformed JSON",
}


@pytest.mark.parametrize(("body", "words"), list(TARGETED.items()), ids=lambda v: str(v)[:30])
def test_the_documents_that_used_to_crash_are_named(body: bytes, words: str) -> None:
    with pytest.raises(json_safe.JsonDocumentError) as caught:
        json_safe.loads(body)
    assert words.replace("malformed JSON", "is malformed JSON") in str(caught.value)
    assert "\n" not in str(caught.value)


def test_lone_surrogates_become_replacement_characters_so_they_can_be_written_as_utf8() -> None:
    value = json_safe.loads(b'{"realm": "contoso\\ud800.com", "\\udfff": ["\\ud83d\\ude00"]}')
    assert value == {"realm": "contoso\ufffd.com", "\ufffd": ["\U0001f600"]}
    json.dumps(value, ensure_ascii=False).encode("utf-8")


def test_a_document_at_the_depth_limit_is_read_and_one_level_more_is_not() -> None:
    assert depth(json_safe.loads("[" * 64 + "]" * 64)) == 64
    with pytest.raises(json_safe.JsonDocumentError, match="more than 64 levels"):
        json_safe.loads("[" * 65 + "]" * 65)
    assert json_safe.loads('["' + "[" * 1000 + '"]') == ["[" * 1000]  # brackets inside text do not count


def test_documents_larger_than_the_limit_are_refused_before_parsing() -> None:
    with pytest.raises(json_safe.JsonDocumentError, match="bytes long"):
        json_safe.loads(b" " * 2000 + b"{}", max_bytes=1000)


@examples("json-bytes")
@given(st.binary(max_size=300))
def test_loader_takes_any_bytes(data: bytes) -> None:
    try:
        json_safe.loads(data)
    except json_safe.JsonDocumentError as exc:
        assert exc.problem and "\n" not in exc.problem


@examples("json-text")
@given(json_ish, st.integers(1, 4))
def test_loader_on_json_like_text_never_exceeds_its_depth(text: str, limit: int) -> None:
    try:
        value = json_safe.loads(text, max_depth=limit)
    except json_safe.JsonDocumentError:
        return
    assert depth(value) <= limit


@examples("json-roundtrip")
@given(json_values)
def test_loader_reads_what_json_writes(value: Any) -> None:
    if depth(value) <= json_safe.MAX_DEPTH:
        assert json_safe.loads(json.dumps(value)) == value
        assert json_safe.loads(json.dumps(value).encode("utf-8")) == value


# ------------------------------------------------------------------------------------------ auth metadata
def _metadata_result(document: Any) -> AuthMetadata | None:
    try:
        parsed = parse_auth_metadata(document, URL)
    except BadDocumentError as exc:
        assert URL in str(exc) and exc.cause is Cause.BAD_ANSWER
        return None
    assert isinstance(parsed, AuthMetadata) and len(parsed.keys) <= 32
    for key in parsed.keys:
        assert key.certificate is not None or key.problem  # a key without a certificate says why
    assert parsed.realm is None or isinstance(parsed.realm, str)
    return parsed


@examples("metadata-values")
@given(json_values)
def test_metadata_parser_takes_any_json_value(document: Any) -> None:
    _metadata_result(document)


@examples("metadata-shaped")
@given(metadata_documents)
def test_metadata_parser_names_wrong_types_in_every_field(document: dict[str, Any]) -> None:
    parsed = _metadata_result(document)
    typed = {"issuer": str, "serviceName": str, "realm": str, "name": str, "keys": list, "endpoints": list}
    wrong = [k for k, kind in typed.items() if document.get(k) is not None and not isinstance(document[k], kind)]
    if wrong:
        assert parsed is None  # never read as if the field were missing


def test_metadata_with_keys_as_text_and_realm_as_a_number_names_both() -> None:
    with pytest.raises(BadDocumentError) as caught:
        parse_auth_metadata({"issuer": f"{SFB}@contoso.com", "serviceName": SFB, "keys": DER_B64, "realm": 42}, URL)
    assert "'keys' is text, not a list" in str(caught.value) and "'realm' is a number, not text" in str(caught.value)


@pytest.mark.parametrize(("entry", "words"), [
    ({"keyValue": "x"}, "keyValue is text, not an object"),
    ({"keyValue": {"type": "x509Certificate", "value": 7}}, "certificate value is a number, not base64 text"),
    ({"keyValue": {"type": "x509Certificate", "value": None}}, "certificate value is null"),
    ({"keyValue": {"type": "x509Certificate", "value": {"a": 1}}}, "is an object, not base64 text"),
    ([1, 2], "a key entry is a list, not an object"),
])
def test_a_key_of_the_wrong_shape_says_what_it_is(entry: Any, words: str) -> None:
    parsed = parse_auth_metadata({"serviceName": SFB, "keys": [entry]}, URL)
    assert words in parsed.keys[0].problem


@examples("metadata-bytes")
@given(st.binary(max_size=200) | json_values.map(lambda v: json.dumps(v).encode()) | st.sampled_from(list(TARGETED)))
def test_metadata_from_any_body_is_a_document_or_a_bad_document(body: bytes) -> None:
    try:
        document = response(body).json("auth metadata document")
    except BadDocumentError as exc:
        assert URL in str(exc)
        return
    _metadata_result(document)


# ------------------------------------------------------------------------------------------ autodiscover POX/SOAP
@pytest.mark.parametrize("body", [b'<?xml version="1.0" encoding="foo"?><a/>',
                                  b'<?xml version="1.0" encoding="utf-16"?><a/>', b"<a>" * 100_000])
def test_xml_in_an_encoding_expat_cannot_read_is_not_autodiscover(body: bytes) -> None:
    verdict = judge(response(body, headers=(("Content-Type", "text/xml"),)))
    assert verdict == Verdict(False, verdict.how) and "not an Autodiscover document" in verdict.how


@examples("autodiscover")
@given(xml_bodies, st.sampled_from([200, 401, 404, 500, 302]) | st.integers(100, 599),
       st.lists(st.tuples(st.sampled_from(["WWW-Authenticate", "Content-Type", "X-FEServer"]), header_text),
                max_size=3))
def test_autodiscover_judge_takes_any_answer(body: bytes, status: int, headers: list[tuple[str, str]]) -> None:
    verdict = judge(response(body, status, tuple(headers)))
    assert isinstance(verdict, Verdict) and isinstance(verdict.present, bool) and verdict.how


# ------------------------------------------------------------------------------------------ WWW-Authenticate
def _check_challenges(found: list[Challenge]) -> None:
    for challenge in found:
        assert challenge.scheme and " " not in challenge.scheme
        assert all(isinstance(k, str) and isinstance(v, str) for k, v in challenge.params.items())
        challenge.list_param("trusted_issuers")


@examples("challenge-text")
@given(st.lists(header_text, max_size=3))
def test_challenge_parser_takes_any_header_text(headers: list[str]) -> None:
    _check_challenges(parse_challenges(headers))


@examples("challenge-grammar")
@given(st.lists(challenge_headers, max_size=3))
def test_challenge_parser_takes_any_mix_of_schemes_parameters_and_quotes(headers: list[str]) -> None:
    _check_challenges(parse_challenges(headers))


def test_a_bare_value_that_starts_with_a_quote_is_kept_whole() -> None:
    found = parse_challenges(['Bearer client_id="abc, realm=x'])
    assert found[0].param("client_id") == '"abc'
    assert parse_challenges(['Bearer realm="a\\"b"'])[0].param("realm") == 'a"b'


@examples("sfb-challenge")
@given(st.sampled_from([401, 200, 403]), st.lists(
    st.tuples(st.sampled_from(["WWW-Authenticate", "x-ms-diagnostics", "X-MS-Server-Fqdn"]),
              challenge_headers | header_text), max_size=4))
def test_sfb_challenge_judge_takes_any_headers(status: int, headers: list[tuple[str, str]]) -> None:
    finding = challenges.judge_sfb_challenge(response(b"", status, tuple(headers)), SCENARIO)
    assert finding.status in (Status.PASS, Status.WARN, Status.FAIL) and finding.detail


SCENARIO = make_scenario()


# ------------------------------------------------------------------------------------------ Exchange builds
@examples("exchange-build")
@given(header_text | st.text(alphabet="0123456789.", max_size=40) | st.text(alphabet="١٥.0123456789", max_size=12))
def test_build_numbers_take_any_header_text(build: str) -> None:
    product = product_for_build(build)
    assert product in (None, "2010", "2013", "2016", "2019", "se")
    assert isinstance(is_exchange_se(build), bool)


def test_a_5000_digit_build_number_is_not_a_build() -> None:
    assert product_for_build("1" * 5000 + ".1") is None and not is_exchange_se("15.2." + "9" * 5000)
    assert product_for_build("١٥.١") is None  # Arabic-Indic digits are not a build Exchange writes


# ------------------------------------------------------------------------------------------ tenant documents
@examples("openid")
@given(openid_documents | json_values)
def test_openid_parsers_take_any_document(document: Any) -> None:
    facts = tenant_from_openid(document)
    assert facts is None or (isinstance(facts, OpenIdFacts) and len(facts.tenant_id) == 36)
    assert isinstance(openid_error(document), str) and "\n" not in openid_error(document)


@examples("getuserrealm")
@given(realm_documents | json_values)
def test_getuserrealm_parser_takes_any_document(document: Any) -> None:
    facts = realm_from_getuserrealm(document)
    assert facts is None or (isinstance(facts, RealmFacts) and isinstance(facts.namespace_type, str))


# ------------------------------------------------------------------------------------------ lyncdiscover
@examples("lyncdiscover")
@given(discovery_documents | json_values)
def test_discovery_links_are_usable_urls_or_a_bad_document(document: Any) -> None:
    try:
        links = discovery_links(document, LYNC)
    except BadDocumentError as exc:
        assert LYNC in str(exc) and "\n" not in str(exc)
        return
    assert isinstance(links, DiscoveryLinks)
    for link in (links.user, links.redirect):
        if link:
            parts = urlsplit(link)
            assert parts.scheme in ("http", "https") and parts.hostname
            assert parts.port is None or 0 <= parts.port < 65536


@pytest.mark.parametrize(("document", "words"), [
    ({"_links": {"user": {"href": 5}}}, "'_links.user.href' is a number, not a URL"),
    ({"_links": {"user": {"href": "http://[bad"}}}, "is not a valid URL"),
    ({"_links": {"redirect": {"href": "https://x:99999/"}}}, "is not a valid URL"),
    ({"_links": {"user": "https://x/"}}, "'_links.user' is text, not an object with an href"),
    ({"_links": {"user": {"href": "https://pool01.contoso.com/a\x00b"}}}, "is not a valid URL"),
    ({"_links": []}, "'_links' is a list, not an object"),
    ([], "returned a list, not a discovery object"),
    ({"_links": {"user": {"href": "mailto:a@contoso.com"}}}, "not an http(s) URL"),
])
def test_bad_discovery_links_are_named(document: Any, words: str) -> None:
    with pytest.raises(BadDocumentError) as caught:
        discovery_links(document, LYNC)
    assert words in str(caught.value) and LYNC in str(caught.value)


# ------------------------------------------------------------------------------------------ certificates
def _facts_or_load_error(data: bytes) -> CertificateFacts | None:
    try:
        facts = facts_from_der(data)
    except CertificateLoadError as exc:
        assert "not an X.509 certificate" in str(exc) and "ParseError {" not in str(exc)
        return None
    assert len(facts.thumbprint) == 40 and len(facts.x5t) == 27
    return facts


@examples("certificate-bytes")
@given(st.binary(max_size=400))
def test_certificate_reader_takes_any_bytes(data: bytes) -> None:
    _facts_or_load_error(data)


@examples("certificate-mutated")
@given(mutated_der)
def test_certificate_reader_takes_damaged_certificates(data: bytes) -> None:
    """Unknown algorithms, bad versions and damaged extensions surface late in cryptography; all are typed."""
    facts = _facts_or_load_error(data)
    if facts is not None:
        facts.evidence()
        facts.names_host(POOL)


@examples("certificate-files")
@given(mutated_der | st.binary(max_size=200), st.sampled_from([".cer", ".pem", ".crt", ".pfx", ".bin"]),
       st.booleans(), st.sampled_from([None, b"x"]))
def test_certificate_files_take_any_content(data: bytes, suffix: str, armour: bool, password: bytes | None) -> None:
    if armour:
        data = b"-----BEGIN CERTIFICATE-----\n" + base64.encodebytes(data) + b"-----END CERTIFICATE-----\n"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"cert{suffix}"
        path.write_bytes(data)
        try:
            assert isinstance(load_certificate_file(path, password), CertificateFacts)
        except CertificateLoadError as exc:
            assert "ParseError {" not in str(exc)


# ------------------------------------------------------------------------------------------ DNS answers
QUESTION = "host.contoso.com."
NAMES = [QUESTION, "a.contoso.com.", "b.contoso.com.", ".", "other.example.", "*.contoso.com.", "x\\.y.contoso.com.",
         "\\255\\000.contoso.com."]
dns_records = st.lists(st.tuples(st.sampled_from(NAMES), st.sampled_from(["CNAME", "A", "AAAA", "SRV", "TXT", "DNAME"]),
                                 st.sampled_from(NAMES), st.integers(0, 65535)), max_size=6)


class ScriptedDns:
    """A UDP DNS server whose next answers a test sets: records for any name, any rcode, or raw bytes."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.05)
        self.port = self.sock.getsockname()[1]
        self.records: list[tuple[str, str, str, int]] = []
        self.rcode = dns.rcode.NOERROR
        self.truncated = False
        self.garbage: bytes | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="scripted-dns")
        self._thread.start()

    def _reply(self, wire: bytes) -> bytes:
        query = dns.message.from_wire(wire)
        if self.garbage is not None:
            return wire[:2] + self.garbage
        answer = dns.message.make_response(query)
        answer.set_rcode(self.rcode)
        if self.truncated:
            answer.flags |= dns.flags.TC
        for owner, rdtype, target, number in self.records:
            rdata = {"CNAME": target, "DNAME": target, "A": f"127.0.{number % 256}.1",
                     "AAAA": f"::{number:x}", "SRV": f"0 {number % 5} {number} {target}",
                     "TXT": f'"{target}"'}[rdtype]
            answer.answer.append(dns.rrset.from_text(owner, 60, "IN", rdtype, rdata))
        return answer.to_wire()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                wire, peer = self.sock.recvfrom(4096)
            except (TimeoutError, OSError):
                continue
            try:
                self.sock.sendto(self._reply(wire), peer)
            except Exception:
                continue

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self.sock.close()


@pytest.fixture
def scripted_dns() -> Iterator[ScriptedDns]:
    server = ScriptedDns()
    yield server
    server.stop()


def _lookups(server: ScriptedDns) -> None:
    client = DnsClient(ProbeContext(ProbeSettings(nameserver=("127.0.0.1", server.port), dns_timeout=0.3)))
    for lookup in (lambda: client.addresses(QUESTION), lambda: client.srv(QUESTION),
                   lambda: client.records(QUESTION, "CNAME")):
        try:
            lookup()
        except DnsError as exc:
            assert str(exc) and exc.cause in (Cause.FINDING, Cause.BAD_ANSWER, Cause.TIMEOUT, Cause.UNREACHABLE)
    try:
        for record in client.srv(QUESTION):
            client.srv_target(QUESTION, record)  # names that came from the server are looked up in turn
    except DnsError:
        pass


def test_dns_answers_of_any_shape_are_answers_or_dns_errors(scripted_dns: ScriptedDns) -> None:
    @settings(max_examples=EXAMPLES["dns-answers"], **NETWORK)
    @given(dns_records, st.sampled_from([dns.rcode.NOERROR, dns.rcode.NXDOMAIN, dns.rcode.SERVFAIL,
                                         dns.rcode.REFUSED, dns.rcode.FORMERR]))
    def check(records: list[tuple[str, str, str, int]], rcode: dns.rcode.Rcode) -> None:
        scripted_dns.records, scripted_dns.rcode, scripted_dns.garbage = records, rcode, None
        _lookups(scripted_dns)

    check()


def test_dns_garbage_with_the_right_id_is_a_dns_error(scripted_dns: ScriptedDns) -> None:
    @settings(max_examples=EXAMPLES["dns-garbage"], **NETWORK)
    @given(st.binary(max_size=60))
    def check(garbage: bytes) -> None:
        scripted_dns.records, scripted_dns.garbage = [], garbage
        _lookups(scripted_dns)

    check()


# ------------------------------------------------------------------------------------------ the probe boundary
class Bodies:
    """One pool (DNS + HTTPS on loopback) whose metadata and discovery answers each example sets."""

    def __init__(self) -> None:
        self.metadata = b"{}"
        self.discovery = b"{}"


@pytest.fixture
def bodies(dns_server, https_server, test_ca, ca_file) -> tuple[Bodies, Any]:
    current = Bodies()
    names = {(f"{POOL}.", "A"): [POOL_IP], ("lyncdiscover.contoso.com.", "A"): [POOL_IP]}
    dns = dns_server(DnsBehaviour(records=names))
    json_reply = [("Content-Type", "application/json")]
    routes = {(POOL, "/metadata/json/1"): lambda _h: Reply(200, json_reply, current.metadata),
              ("lyncdiscover.contoso.com", "/"): lambda _h: Reply(200, json_reply, current.discovery),
              (POOL, "/owa/"): lambda _h: Reply(200, [("X-OWA-Version", current.metadata.decode("latin-1")[:8000])])}
    site = https_server(POOL_IP, {POOL: test_ca.issue([POOL, "lyncdiscover.contoso.com"], slot=3)}, routes)
    return current, lambda: context_for(dns, site, ca_file, http_timeout=3)


NOT_REAL = "this is not a real auth metadata document"
BOUNDARY = {b'{"version": ' + b"9" * 5000 + b"}": ("holds a number 5,000 digits long", NOT_REAL),
            b"[" * 100_000 + b"]" * 100_000: ("nested too deeply", NOT_REAL),
            b'{"serviceName": "' + SFB.encode() + b'", "keys": NaN}': ("holds NaN", NOT_REAL),
            b'{"issuer": "a", "issuer": "b", "keys": []}': ("gives the key 'issuer' twice", NOT_REAL),
            b'{"issuer": "' + SFB.encode() + b'@contoso.com", "keys": "' + DER_B64.encode() + b'", "realm": 42}':
                ("not a usable auth metadata document", "'realm' is a number, not text", "'keys' is text")}


@pytest.mark.parametrize(("body", "words"), list(BOUNDARY.items()), ids=lambda v: str(v)[:24])
def test_the_metadata_check_fed_a_bad_document_is_a_bad_answer(bodies, body: bytes,
                                                                 words: tuple[str, ...]) -> None:
    current, context = bodies
    current.metadata = body
    result = metadata.SfbMetadataProbe(POOL).run(SCENARIO, context())
    assert result.status is Status.FAIL and result.cause is Cause.BAD_ANSWER, result.detail
    assert URL in result.detail and all(w in result.detail for w in words), result.detail


@pytest.fixture
def exchange_site(dns_server, https_server, test_ca, ca_file) -> tuple[Bodies, Any]:
    """autodiscover.contoso.com serving Exchange's metadata document (the body in Bodies.metadata)."""
    current = Bodies()
    host = "autodiscover.contoso.com"
    dns = dns_server(DnsBehaviour(records={(f"{host}.", "A"): [POOL_IP]}))
    json_reply = [("Content-Type", "application/json")]
    route = {(host, "/autodiscover/metadata/json/1"): lambda _h: Reply(200, json_reply, current.metadata)}
    site = https_server(POOL_IP, {host: test_ca.issue([host], slot=3)}, route)
    return current, lambda: context_for(dns, site, ca_file, http_timeout=3)


@pytest.mark.parametrize(("body", "words"), list(BOUNDARY.items())[:3], ids=lambda v: str(v)[:24])
def test_the_exchange_metadata_check_fed_a_bad_document_is_a_bad_answer(exchange_site, body: bytes,
                                                                        words: tuple[str, ...]) -> None:
    current, context = exchange_site
    current.metadata = body
    result = metadata.ExchangeMetadataProbe(SCENARIO).run(SCENARIO, context())
    assert result.status is Status.FAIL and result.cause is Cause.BAD_ANSWER, result.detail
    assert all(w in result.detail for w in words), result.detail


def test_the_metadata_check_fed_anything_is_never_a_defect(bodies) -> None:
    current, context = bodies

    @settings(max_examples=EXAMPLES["probe-metadata"], **NETWORK)
    @given(metadata_documents.map(lambda d: json.dumps(d).encode()) | st.binary(max_size=100)
           | st.sampled_from(list(TARGETED)))
    def check(body: bytes) -> None:
        current.metadata = body
        result = metadata.SfbMetadataProbe(POOL).run(SCENARIO, context())
        assert result.cause is not Cause.DEFECT, result.detail
        assert result.status in (Status.FAIL, Status.WARN, Status.PASS), result.detail
        if result.status is Status.FAIL and result.cause is not Cause.FINDING:
            assert result.cause is Cause.BAD_ANSWER and URL in result.detail

    check()


def test_the_lyncdiscover_check_fed_anything_is_never_a_defect(bodies) -> None:
    current, context = bodies

    @settings(max_examples=EXAMPLES["probe-lyncdiscover"], **NETWORK)
    @given(discovery_documents.map(lambda d: json.dumps(d).encode()) | st.sampled_from(list(TARGETED)))
    def check(body: bytes) -> None:
        current.discovery = body
        result = challenges.LyncdiscoverProbe(SCENARIO).run(SCENARIO, context())
        assert result.cause is not Cause.DEFECT, result.detail
        assert result.status is not Status.PASS  # the user link never leads to a Bearer challenge here

    check()


@pytest.mark.parametrize("body", [b'{"_links": {"user": {"href": "http://[bad"}}}', b"[" * 100_000,
                                  b'{"_links": {"redirect": {"href": 42}}}'])
def test_the_lyncdiscover_check_names_a_bad_link_or_document(bodies, body: bytes) -> None:
    current, context = bodies
    current.discovery = body
    result = challenges.LyncdiscoverProbe(SCENARIO).run(SCENARIO, context())
    assert result.status is Status.FAIL and result.cause is Cause.BAD_ANSWER, result.detail
    assert LYNC in result.detail


def test_a_5000_digit_owa_version_is_no_defect(bodies) -> None:
    current, context = bodies
    current.metadata = b"1" * 5000 + b".1"
    result = exchange.ExchangeBuildProbe(POOL).run(SCENARIO, context())
    assert result.status is Status.SKIP and result.cause is not Cause.DEFECT, result.detail


def test_tenant_checks_fed_bad_documents_are_bad_answers(dns_server, https_server, test_ca, ca_file) -> None:
    login = "login.contoso-test.com"
    dns = dns_server(DnsBehaviour(records={(f"{login}.", "A"): [POOL_IP]}))
    deep = Reply(200, [("Content-Type", "application/json")], b'{"NameSpaceType": ' + b"[" * 100_000)
    huge = Reply(200, [("Content-Type", "application/json")], b'{"issuer": ' + b"7" * 5000 + b"}")
    routes = {(login, "/getuserrealm.srf"): deep, (login, "/contoso.com/.well-known/openid-configuration"): huge}
    site = https_server(POOL_IP, {login: test_ca.issue([login], slot=3)}, routes)
    scenario = Scenario()
    assert not scenario.update({"exchange": "online", "sfb": "server", "sip_domains": ["contoso.com"],
                                "pool_fqdns": [POOL], "tenant_domain": "contoso.com"})
    for probe, words in ((tenant.RealmTypeProbe(scenario, f"https://{login}"), "nested too deeply"),
                         (tenant.TenantProbe(scenario, f"https://{login}"), "holds a number 5,000 digits long")):
        result = probe.run(scenario, context_for(dns, site, ca_file, http_timeout=3))
        assert result.status is Status.FAIL and result.cause is Cause.BAD_ANSWER, result.detail
        assert words in result.detail
