"""The throwaway CA and the deployment's certificates: proper X.509, as the products make them."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from cryptography.x509.verification import PolicyBuilder, Store

from wizard.lab.ca import (
    KEYS,
    KeyCache,
    TestCertificateAuthority,
    Validity,
    exchange_auth_certificate,
    oauth_token_issuer_certificate,
    self_signed_tls,
)

NOW = datetime.now(UTC)


@pytest.fixture(scope="module")
def ca() -> TestCertificateAuthority:
    return TestCertificateAuthority(KEYS.get("ca"), now=NOW)


def verify_server(ca: TestCertificateAuthority, leaf: x509.Certificate, name: str, *, at: datetime = NOW) -> None:
    verifier = PolicyBuilder().store(Store([ca.certificate])).time(at).build_server_verifier(x509.DNSName(name))
    verifier.verify(leaf, [])


def test_ca_is_a_self_signed_sha256_root_allowed_to_sign_certificates(ca: TestCertificateAuthority) -> None:
    cert = ca.certificate
    assert cert.issuer == cert.subject
    assert cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert cert.extensions.get_extension_for_class(x509.KeyUsage).value.key_cert_sign
    assert isinstance(cert.signature_hash_algorithm, hashes.SHA256)
    assert cert.public_key().key_size == 2048
    cert.verify_directly_issued_by(cert)


def test_tls_leaf_names_every_host_in_the_san_and_verifies_for_each(ca: TestCertificateAuthority) -> None:
    names = ("pool01.contoso.com", "fe01.contoso.com", "sip.contoso.com")
    issued = ca.issue_tls(names, key=KEYS.get("tls"))
    cert = issued.certificate
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.DNSName) == list(names)
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "pool01.contoso.com"
    assert ExtendedKeyUsageOID.SERVER_AUTH in cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert not cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert isinstance(cert.signature_hash_algorithm, hashes.SHA256)
    assert cert.not_valid_before_utc < NOW < cert.not_valid_after_utc
    assert (cert.not_valid_after_utc - cert.not_valid_before_utc).days <= 398
    for name in names:
        verify_server(ca, cert, name)
    with pytest.raises(x509.verification.VerificationError):
        verify_server(ca, cert, "ex01.contoso.com")


def test_expired_validity_ends_before_now(ca: TestCertificateAuthority) -> None:
    issued = ca.issue_tls(("pool01.contoso.com",), key=KEYS.get("tls"),
                          validity=Validity.expired(NOW, timedelta(days=397)))
    assert issued.certificate.not_valid_after_utc < NOW
    with pytest.raises(x509.verification.VerificationError):
        verify_server(ca, issued.certificate, "pool01.contoso.com")


def test_self_signed_tls_certificate_is_not_vouched_for_by_the_ca(ca: TestCertificateAuthority) -> None:
    issued = self_signed_tls(("pool01.contoso.com",), key=KEYS.get("tls"), now=NOW)
    assert issued.certificate.issuer == issued.certificate.subject
    with pytest.raises(x509.verification.VerificationError):
        verify_server(ca, issued.certificate, "pool01.contoso.com")


def test_oauth_certificate_has_the_sip_domain_in_its_subject_and_san(ca: TestCertificateAuthority) -> None:
    issued = oauth_token_issuer_certificate(ca, pool_fqdn="pool01.contoso.com", sip_domains=["contoso.com"],
                                            key=KEYS.get("oauth"))
    cert = issued.certificate
    common_names = [a.value for a in cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)]
    assert common_names == ["pool01.contoso.com", "contoso.com"]
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.DNSName) == ["contoso.com", "pool01.contoso.com"]
    assert issued.key_bits == 2048
    cert.verify_directly_issued_by(ca.certificate)
    assert cert.not_valid_before_utc < NOW < cert.not_valid_after_utc


def test_oauth_certificate_without_the_sip_domain_has_no_trace_of_it_in_the_subject(
        ca: TestCertificateAuthority) -> None:
    issued = oauth_token_issuer_certificate(ca, pool_fqdn="pool01.contoso.com", sip_domains=["contoso.com"],
                                            key=KEYS.get("oauth"), subject_has_sip_domain=False)
    assert issued.certificate.subject.rfc4514_string() == "O=Contoso Ltd,CN=pool01"


def test_exchange_auth_certificate_is_self_signed_for_five_years() -> None:
    issued = exchange_auth_certificate(key=KEYS.get("exchange-auth"), now=NOW)
    cert = issued.certificate
    assert cert.subject.rfc4514_string() == "CN=Microsoft Exchange Server Auth Certificate"
    cert.verify_directly_issued_by(cert)
    assert cert.not_valid_before_utc < NOW
    assert cert.not_valid_after_utc - cert.not_valid_before_utc == timedelta(days=5 * 365)
    expired = exchange_auth_certificate(key=KEYS.get("exchange-auth"), now=NOW, expired=True)
    assert expired.certificate.not_valid_after_utc < NOW


def test_x5t_is_the_base64url_of_the_thumbprint(ca: TestCertificateAuthority) -> None:
    issued = ca.issue_tls(("ex01.contoso.com",), key=KEYS.get("tls"))
    assert len(issued.x5t) == 27
    padded = issued.x5t + "=" * (-len(issued.x5t) % 4)
    assert base64.urlsafe_b64decode(padded).hex().upper() == issued.thumbprint
    assert base64.b64decode(issued.base64_der) == issued.der


def test_pfx_export_opens_with_its_password_only(ca: TestCertificateAuthority) -> None:
    issued = ca.issue_tls(("pool01.contoso.com",), key=KEYS.get("tls"))
    blob = issued.pfx(b"secret")
    key, cert, _ = pkcs12.load_key_and_certificates(blob, b"secret")
    assert cert == issued.certificate
    assert key is not None
    with pytest.raises(ValueError):
        pkcs12.load_key_and_certificates(blob, b"wrong")


def test_key_cache_generates_each_role_once() -> None:
    cache = KeyCache()
    cache.prefetch([("a", 1024), ("b", 1024)])
    first = cache.get("a", 1024)
    assert cache.generated == 2
    cache.prefetch([("a", 1024), ("b", 1024)])
    assert cache.get("a", 1024) is first
    assert cache.generated == 2
    assert cache.get("a", 2048) is not first
    assert cache.generated == 3
