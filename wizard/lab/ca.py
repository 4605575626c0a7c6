"""A throwaway certificate authority and the certificates of the simulated Contoso deployment.

Everything is made at lab start with `cryptography`: nothing is read from disk and nothing outlives
the process. RSA key generation is the only slow step (about 70 ms per 2048-bit key on CI machines),
so keys come from a process-wide `KeyCache` and are generated in parallel the first time; every
certificate (cheap to sign) is new for each lab start, with validity relative to the real clock.
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import os
import threading
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from wizard.policy import MIN_RSA_KEY_BITS

DEFAULT_KEY_BITS = MIN_RSA_KEY_BITS  # a healthy lab key is the smallest the integration accepts (and fast to make)
EXCHANGE_AUTH_SUBJECT = "Microsoft Exchange Server Auth Certificate"
EXCHANGE_AUTH_LIFETIME = timedelta(days=5 * 365)  # Exchange setup makes it valid for five years
TLS_LIFETIME = timedelta(days=397)  # the longest a public TLS certificate may live today
CA_LIFETIME = timedelta(days=10 * 365)
BACKDATE = timedelta(days=1)  # tolerate small clock differences between "client" and "server"
NOT_YET_VALID_FOR = timedelta(days=30)  # how far in the future a "not yet valid" certificate starts


class KeyCache:
    """RSA private keys by role, generated once per process and shared read-only afterwards.

    A lock guards the dictionary; keys themselves are immutable. Sharing keys between lab starts is
    harmless (the lab is throwaway) and is what keeps a lab start well under a second.
    """

    def __init__(self) -> None:
        self._keys: dict[tuple[str, int], rsa.RSAPrivateKey] = {}
        self._lock = threading.Lock()
        self.generated = 0  # how many keys this cache has made (a second lab start should add none)

    def get(self, role: str, bits: int = DEFAULT_KEY_BITS) -> rsa.RSAPrivateKey:
        with self._lock:
            key = self._keys.get((role, bits))
        if key is None:
            self.prefetch([(role, bits)])
            with self._lock:
                key = self._keys[(role, bits)]
        return key

    def prefetch(self, wanted: Iterable[tuple[str, int]]) -> None:
        """Generate the missing keys in parallel (OpenSSL releases the GIL while it searches primes)."""
        with self._lock:
            missing = sorted({w for w in wanted if w not in self._keys})
        if not missing:
            return
        with ThreadPoolExecutor(max_workers=min(4, len(missing)), thread_name_prefix="lab-keygen") as pool:
            made = list(pool.map(lambda w: rsa.generate_private_key(public_exponent=65537, key_size=w[1]),
                                 missing))
        with self._lock:
            for slot, key in zip(missing, made, strict=True):
                if slot not in self._keys:
                    self._keys[slot] = key
                    self.generated += 1


KEYS = KeyCache()


@dataclass(frozen=True)
class Validity:
    not_before: datetime
    not_after: datetime

    @classmethod
    def current(cls, now: datetime, lifetime: timedelta) -> Validity:
        return cls(now - BACKDATE, now - BACKDATE + lifetime)

    @classmethod
    def expired(cls, now: datetime, lifetime: timedelta, *, ago: timedelta = timedelta(days=30)) -> Validity:
        """A certificate that was valid for `lifetime` and ran out `ago` before now."""
        return cls(now - ago - lifetime, now - ago)

    @classmethod
    def not_yet_valid(cls, now: datetime, lifetime: timedelta, *,
                      starts_in: timedelta = NOT_YET_VALID_FOR) -> Validity:
        """A certificate whose validity starts `starts_in` after now (a CA or server clock that is ahead)."""
        start = (now + starts_in).replace(second=0, microsecond=0)
        return cls(start, start + lifetime)


@dataclass(frozen=True)
class IssuedCertificate:
    """A certificate with its key and the encodings the lab serves or writes."""

    certificate: x509.Certificate
    key: rsa.RSAPrivateKey
    chain: tuple[x509.Certificate, ...] = ()  # issuers to send after the leaf (not the root)

    @property
    def der(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.DER)

    @property
    def pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    @property
    def base64_der(self) -> str:
        """The form metadata documents carry in keyValue.value (standard base64, no line breaks)."""
        return base64.b64encode(self.der).decode("ascii")

    @property
    def thumbprint(self) -> str:
        """The Windows thumbprint: SHA-1 of the DER, upper-case hex."""
        return hashlib.sha1(self.der).hexdigest().upper()  # Windows defines the thumbprint as SHA-1

    @property
    def x5t(self) -> str:
        """base64url(SHA-1(DER)) without padding, as Exchange writes it in keyinfo.x5t."""
        digest = hashlib.sha1(self.der).digest()
        return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")

    @property
    def key_bits(self) -> int:
        return self.key.key_size

    def chain_pem(self) -> bytes:
        """Leaf, its intermediates, then its private key: what ssl.load_cert_chain reads."""
        parts = [self.pem, *(c.public_bytes(serialization.Encoding.PEM) for c in self.chain)]
        key = self.key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                     serialization.NoEncryption())
        return b"".join(parts) + key

    def pfx(self, password: bytes, friendly_name: bytes = b"lab") -> bytes:
        """A password-protected PKCS#12 export (what Export-PfxCertificate produces on Windows)."""
        return pkcs12.serialize_key_and_certificates(
            friendly_name, self.key, self.certificate, list(self.chain) or None,
            serialization.BestAvailableEncryption(password))


def _name(*parts: tuple[x509.ObjectIdentifier, str]) -> x509.Name:
    return x509.Name([x509.NameAttribute(oid, value) for oid, value in parts])


def _serial() -> int:
    # Positive, at most 20 octets, and never zero: RFC 5280 4.1.2.2.
    return int.from_bytes(os.urandom(16), "big") >> 1 | 1


def _san(names: Sequence[str]) -> x509.SubjectAlternativeName:
    entries: list[x509.GeneralName] = []
    for name in names:
        try:
            entries.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            entries.append(x509.DNSName(name))
    return x509.SubjectAlternativeName(entries)


class TestCertificateAuthority:
    """The lab's private root CA (the 'internal enterprise CA' of the simulated company)."""

    __test__ = False  # not a pytest test class, despite the name

    def __init__(self, key: rsa.RSAPrivateKey, *, now: datetime | None = None,
                 common_name: str = "Contoso Lab Root CA") -> None:
        self.now = now or datetime.now(UTC)
        self.key = key
        subject = _name((NameOID.COMMON_NAME, common_name), (NameOID.ORGANIZATION_NAME, "Contoso Lab (throwaway)"))
        validity = Validity.current(self.now, CA_LIFETIME)
        ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
        self.certificate = (
            x509.CertificateBuilder()
            .subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(_serial())
            .not_valid_before(validity.not_before).not_valid_after(validity.not_after)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(
                digital_signature=True, content_commitment=False, key_encipherment=False, data_encipherment=False,
                key_agreement=False, key_cert_sign=True, crl_sign=True, encipher_only=False, decipher_only=False),
                critical=True)
            .add_extension(ski, critical=False)
            .sign(key, hashes.SHA256())
        )

    @property
    def pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    def issue(self, subject: x509.Name, *, key: rsa.RSAPrivateKey, san: Sequence[str] = (),
              validity: Validity | None = None, server_auth: bool = True,
              client_auth: bool = False) -> IssuedCertificate:
        """A leaf signed by this CA (SHA-256), with SAN, key usage and key identifiers set properly."""
        validity = validity or Validity.current(self.now, TLS_LIFETIME)
        builder = _leaf_builder(subject, key, san, validity, server_auth=server_auth, client_auth=client_auth)
        builder = builder.issuer_name(self.certificate.subject).add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()), critical=False)
        return IssuedCertificate(builder.sign(self.key, hashes.SHA256()), key)

    def issue_tls(self, names: Sequence[str], *, key: rsa.RSAPrivateKey,
                  validity: Validity | None = None) -> IssuedCertificate:
        """A web server certificate: CN is the first name, every name is a SAN dNSName."""
        subject = _name((NameOID.COMMON_NAME, names[0]), (NameOID.ORGANIZATION_NAME, "Contoso Ltd"))
        return self.issue(subject, key=key, san=names, validity=validity)


def _leaf_builder(subject: x509.Name, key: rsa.RSAPrivateKey, san: Sequence[str], validity: Validity,
                  *, server_auth: bool, client_auth: bool) -> x509.CertificateBuilder:
    usages = [u for u, wanted in ((ExtendedKeyUsageOID.SERVER_AUTH, server_auth),
                                  (ExtendedKeyUsageOID.CLIENT_AUTH, client_auth)) if wanted]
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject).public_key(key.public_key()).serial_number(_serial())
        .not_valid_before(validity.not_before).not_valid_after(validity.not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=False, key_encipherment=True, data_encipherment=False,
            key_agreement=False, key_cert_sign=False, crl_sign=False, encipher_only=False, decipher_only=False),
            critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if usages:
        builder = builder.add_extension(x509.ExtendedKeyUsage(usages), critical=False)
    if san:
        builder = builder.add_extension(_san(san), critical=False)
    return builder


def self_signed(subject: x509.Name, *, key: rsa.RSAPrivateKey, san: Sequence[str] = (),
                validity: Validity, server_auth: bool = True) -> IssuedCertificate:
    """A certificate that is its own issuer (no CA will vouch for it)."""
    builder = _leaf_builder(subject, key, san, validity, server_auth=server_auth, client_auth=False)
    builder = builder.issuer_name(subject)
    return IssuedCertificate(builder.sign(key, hashes.SHA256()), key)


def self_signed_tls(names: Sequence[str], *, key: rsa.RSAPrivateKey, now: datetime) -> IssuedCertificate:
    """What a server presents when someone bound IIS's self-signed certificate: right names, no trust."""
    subject = _name((NameOID.COMMON_NAME, names[0]))
    return self_signed(subject, key=key, san=names, validity=Validity.current(now, TLS_LIFETIME))


def oauth_token_issuer_certificate(
    ca: TestCertificateAuthority, *, pool_fqdn: str, sip_domains: Sequence[str], key: rsa.RSAPrivateKey,
    subject_has_sip_domain: bool = True, validity: Validity | None = None,
) -> IssuedCertificate:
    """The SfB OAuthTokenIssuer certificate, issued by the internal CA.

    SfB requires the default SIP domain "in the Subject field". The lab's subject carries it as an
    exact attribute value, a second CN after the pool's: ``CN=pool01.contoso.com, CN=contoso.com,
    O=Contoso Ltd`` (RFC 4514 prints it reversed). A check for an attribute equal to the SIP domain,
    for a CN equal to it, or for the domain as a substring all pass. With `subject_has_sip_domain`
    False the subject is ``CN=pool01, O=Contoso Ltd`` (a NetBIOS-style name, a common request
    mistake): no attribute contains the SIP domain at all, so every style of check fails. Additional
    SIP domains go in the SAN, as SfB documents.
    """
    short = pool_fqdn.split(".", maxsplit=1)[0]
    if subject_has_sip_domain:
        subject = _name((NameOID.COMMON_NAME, pool_fqdn), (NameOID.COMMON_NAME, sip_domains[0]),
                        (NameOID.ORGANIZATION_NAME, "Contoso Ltd"))
    else:
        subject = _name((NameOID.COMMON_NAME, short), (NameOID.ORGANIZATION_NAME, "Contoso Ltd"))
    validity = validity or Validity.current(ca.now, timedelta(days=2 * 365))
    san = [*sip_domains, pool_fqdn]
    return ca.issue(subject, key=key, san=san, validity=validity, server_auth=True, client_auth=True)


def exchange_auth_certificate(*, key: rsa.RSAPrivateKey, now: datetime, expired: bool = False,
                              not_yet_valid: bool = False) -> IssuedCertificate:
    """Exchange setup's self-signed "Microsoft Exchange Server Auth Certificate", valid for five years."""
    subject = _name((NameOID.COMMON_NAME, EXCHANGE_AUTH_SUBJECT))
    return self_signed(subject, key=key, validity=dates(now, EXCHANGE_AUTH_LIFETIME, expired=expired,
                                                        not_yet_valid=not_yet_valid))


def dates(now: datetime, lifetime: timedelta, *, expired: bool = False, not_yet_valid: bool = False) -> Validity:
    """Current, expired or not yet valid, as a fault asks; both at once is a contradiction, not a certificate."""
    if expired and not_yet_valid:
        raise ValueError("a certificate cannot be both expired and not yet valid; those faults cannot be combined")
    if expired:
        return Validity.expired(now, lifetime)
    if not_yet_valid:
        return Validity.not_yet_valid(now, lifetime)
    return Validity.current(now, lifetime)
