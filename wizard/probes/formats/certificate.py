"""X.509 facts the integration cares about, from DER bytes, certificate files or the Windows store.

Thumbprints are what Windows shows (upper-case hex SHA-1); x5t is the same SHA-1 as base64url
without padding, as auth metadata documents publish it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import subprocess
import sys
import warnings
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding, pkcs12
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.x509.oid import NameOID

from wizard.probes.net.errors import CertificateLoadError
from wizard.probes.result import Evidence

MAX_CERTIFICATE_FILE = 1024 * 1024
SHOWN_NAMES = 20  # Subject Alternative Names listed in evidence; the rest are counted, not printed
# What cryptography raises for bytes from a server or file that are no certificate it can read: some
# only when a field is first used (an unknown key or signature algorithm, a damaged extension).
# TypeError: cryptography refuses a name attribute whose ASN.1 type does not fit its OID only when the
# subject is read ("oid must be X500_UNIQUE_IDENTIFIER for BitString type"), found by the property tests.
_UNREADABLE = (ValueError, TypeError, UnsupportedAlgorithm, x509.InvalidVersion)
# A server's certificate with a zero or negative serial is still read; the warning would only reach
# the admin's terminal as noise.
warnings.filterwarnings("ignore", message="Parsed a serial number which wasn't positive",
                        category=CryptographyDeprecationWarning)


@dataclass(frozen=True)
class CertificateFacts:
    der: bytes
    subject: str
    subject_values: tuple[str, ...]
    common_name: str
    issuer: str
    san_dns: tuple[str, ...]
    not_before: datetime
    not_after: datetime
    key_type: str
    key_bits: int
    signature_hash: str  # "sha256", "sha1", ... ("" when the algorithm has no separate hash)
    thumbprint: str
    x5t: str
    self_signed: bool
    serial: str

    def days_left(self, now: datetime) -> float:
        return (self.not_after - now).total_seconds() / 86400

    def valid_at(self, now: datetime) -> bool:
        return self.not_before <= now <= self.not_after

    def not_yet_valid_at(self, now: datetime) -> bool:
        """Its validity starts after `now`: every client refuses it, however far off its expiry is."""
        return now < self.not_before

    def not_yet_valid_words(self) -> str:
        return (f"not valid until {self.not_before:%Y-%m-%d %H:%M} UTC; the server's clock or the certificate's "
                "issue date is wrong")

    def validity_problem(self, now: datetime) -> str:
        """Why the certificate is unusable at `now` (the run's clock), in words; "" while it is valid."""
        if self.not_yet_valid_at(now):
            return self.not_yet_valid_words()
        if now > self.not_after:
            return f"expired on {self.not_after:%Y-%m-%d %H:%M} UTC ({-self.days_left(now):.0f} days ago)"
        return ""

    def names_text(self, limit: int = SHOWN_NAMES) -> str:
        """The SAN DNS names for evidence, at most `limit` of them (a certificate may carry thousands)."""
        shown = ", ".join(self.san_dns[:limit])
        rest = len(self.san_dns) - limit
        return f"{shown} and {rest:,} more" if rest > 0 else shown

    def names_host(self, host: str) -> bool:
        """Whether a TLS client accepts this certificate for `host` (SAN DNS names; wildcard one label)."""
        host = host.lower().rstrip(".")
        names = self.san_dns or ((self.common_name.lower(),) if self.common_name else ())
        return any(_dns_match(pattern, host) for pattern in names)

    def subject_mentions(self, domain: str) -> bool:
        """The Subject holds the domain itself or a name inside it (CN=pool.contoso.com names contoso.com)."""
        domain = domain.lower().rstrip(".")
        for raw in self.subject_values:
            value = raw.lower().lstrip("*.")
            if value == domain or value.endswith("." + domain):
                return True
        return False

    def evidence(self, prefix: str = "") -> tuple[Evidence, ...]:
        p = f"{prefix} " if prefix else ""
        items = [
            Evidence(f"{p}subject", self.subject),
            Evidence(f"{p}issuer", self.issuer),
            Evidence(f"{p}valid", f"{self.not_before:%Y-%m-%d %H:%M} to {self.not_after:%Y-%m-%d %H:%M} UTC"),
            Evidence(f"{p}key", f"{self.key_type} {self.key_bits}-bit"),
            Evidence(f"{p}thumbprint", self.thumbprint),
        ]
        if self.san_dns:
            items.insert(2, Evidence(f"{p}subject alternative names", self.names_text()))
        if self.signature_hash:
            items.append(Evidence(f"{p}signature hash", self.signature_hash))
        return tuple(items)


def _dns_match(pattern: str, host: str) -> bool:
    pattern = pattern.lower().rstrip(".")
    if pattern.startswith("*."):
        head, _, rest = host.partition(".")
        return bool(head) and rest == pattern[2:]
    return pattern == host


def thumbprint_of(der: bytes) -> str:
    return hashlib.sha1(der).hexdigest().upper()  # Windows defines the thumbprint as SHA-1


def x5t_of(der: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha1(der).digest()).rstrip(b"=").decode("ascii")


def x5t_to_thumbprint(x5t: str) -> str | None:
    """Decode a (base64url, unpadded) x5t into the hex thumbprint; None when it is not one."""
    text = x5t.strip()
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return None
    return raw.hex().upper() if len(raw) == 20 else None


def facts_from_der(der: bytes) -> CertificateFacts:
    """Facts of one DER certificate; CertificateLoadError (never another exception) when unreadable."""
    try:
        return _facts(x509.load_der_x509_certificate(der), der)
    except _UNREADABLE as exc:
        raise CertificateLoadError(f"not an X.509 certificate: {_unreadable(exc)}") from None


def _unreadable(exc: Exception) -> str:
    """Why cryptography could not read it, in words (its ASN.1 parse errors are Rust debug output)."""
    if isinstance(exc, UnsupportedAlgorithm):
        return f"it uses an algorithm this wizard cannot read ({str(exc)[:120]})"
    if isinstance(exc, x509.InvalidVersion):
        return "its X.509 version number is invalid"
    text = str(exc)
    if "asn1" in text.lower() or "ParseError" in text:
        return "its DER encoding is damaged or truncated"
    return text[:200]


def _facts(cert: x509.Certificate, der: bytes) -> CertificateFacts:
    key = cert.public_key()
    if isinstance(key, rsa.RSAPublicKey):
        key_type, bits = "RSA", key.key_size
    elif isinstance(key, ec.EllipticCurvePublicKey):
        key_type, bits = f"EC {key.curve.name}", key.key_size
    elif isinstance(key, dsa.DSAPublicKey):
        key_type, bits = "DSA", key.key_size
    elif isinstance(key, ed25519.Ed25519PublicKey):
        key_type, bits = "Ed25519", 256
    elif isinstance(key, ed448.Ed448PublicKey):
        key_type, bits = "Ed448", 456
    else:
        key_type, bits = type(key).__name__, 0
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        san_dns = tuple(san.get_values_for_type(x509.DNSName))
    except (x509.ExtensionNotFound, ValueError):
        san_dns = ()
    common = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    algorithm = cert.signature_hash_algorithm
    return CertificateFacts(
        der=der,
        subject=cert.subject.rfc4514_string(),
        subject_values=tuple(str(a.value) for a in cert.subject),
        common_name=str(common[0].value) if common else "",
        issuer=cert.issuer.rfc4514_string(),
        san_dns=san_dns,
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        key_type=key_type,
        key_bits=bits,
        signature_hash=algorithm.name if algorithm else "",
        thumbprint=thumbprint_of(der),
        x5t=x5t_of(der),
        self_signed=_self_signed(cert),
        serial=format(cert.serial_number, "X"),
    )


def _self_signed(cert: x509.Certificate) -> bool:
    """Issued by itself: same name and its own key verifies the signature."""
    if cert.issuer != cert.subject:
        return False
    key = cert.public_key()
    try:
        if isinstance(key, rsa.RSAPublicKey) and cert.signature_hash_algorithm is not None:
            key.verify(cert.signature, cert.tbs_certificate_bytes, padding.PKCS1v15(), cert.signature_hash_algorithm)
        elif isinstance(key, ec.EllipticCurvePublicKey) and cert.signature_hash_algorithm is not None:
            key.verify(cert.signature, cert.tbs_certificate_bytes, ec.ECDSA(cert.signature_hash_algorithm))
        else:
            return True  # same name; other key types: trust the name comparison
    except Exception:  # any verification failure means: not signed by itself
        return False
    return True


def load_certificate_file(path: str | Path, password: bytes | None = None) -> CertificateFacts:
    """Read .cer/.crt (DER or PEM), .pem or .pfx/.p12; the PFX password is used, never stored."""
    target = Path(path)
    try:
        with target.open("rb") as handle:
            data = handle.read(MAX_CERTIFICATE_FILE + 1)
    except FileNotFoundError:
        raise CertificateLoadError(f"the certificate file {target} does not exist", target=str(target)) from None
    except OSError as exc:
        raise CertificateLoadError(f"cannot read {target}: {exc.strerror or exc}", target=str(target)) from None
    if len(data) > MAX_CERTIFICATE_FILE:
        raise CertificateLoadError(f"{target} is larger than 1 MiB; not a certificate file", target=str(target))
    suffix = target.suffix.lower()
    if suffix in (".pfx", ".p12"):
        return _from_pfx(data, password, target)
    if b"-----BEGIN CERTIFICATE-----" in data:
        try:
            cert = x509.load_pem_x509_certificates(data)[0]
            return _facts(cert, cert.public_bytes(Encoding.DER))
        except _UNREADABLE as exc:
            raise CertificateLoadError(f"{target} holds a damaged PEM certificate: {_unreadable(exc)}",
                                       target=str(target)) from None
    try:
        return facts_from_der(data)
    except CertificateLoadError:
        pass
    try:  # a .cer exported as Base-64 without PEM armour
        return facts_from_der(base64.b64decode(b"".join(data.split()), validate=True))
    except (binascii.Error, ValueError, CertificateLoadError):
        pass
    if data[:1] == b"\x30" and password is not None:  # maybe a PFX with another extension
        return _from_pfx(data, password, target)
    raise CertificateLoadError(f"{target} is not a certificate (.cer/.crt/.pem in DER or PEM, or a .pfx)",
                               target=str(target))


def _from_pfx(data: bytes, password: bytes | None, target: Path) -> CertificateFacts:
    try:
        _key, cert, _extra = pkcs12.load_key_and_certificates(data, password)
    except _UNREADABLE as exc:
        text = str(exc).lower()
        if "password" in text or "mac" in text or "decrypt" in text:
            hint = "the password is wrong" if password else "it needs a password"
            raise CertificateLoadError(f"cannot open {target}: {hint}", target=str(target)) from None
        raise CertificateLoadError(f"{target} is not a valid PFX file: {exc}", target=str(target)) from None
    if cert is None:
        raise CertificateLoadError(f"{target} contains no certificate", target=str(target))
    try:
        return _facts(cert, cert.public_bytes(Encoding.DER))
    except _UNREADABLE as exc:
        raise CertificateLoadError(f"{target} holds a certificate that cannot be read: {_unreadable(exc)}",
                                   target=str(target)) from None


def load_from_windows_store(thumbprint: str, *, timeout: float = 20.0) -> CertificateFacts:
    """Read Cert:\\LocalMachine\\My\\<thumbprint> through PowerShell (Windows only)."""
    if sys.platform != "win32":
        raise NotImplementedError("the LocalMachine\\My certificate store exists only on Windows")
    clean = re.sub(r"[^0-9A-Fa-f]", "", thumbprint).upper()  # type: ignore[unreachable]  # mypy checks as Linux
    if len(clean) != 40:
        raise CertificateLoadError(f"{thumbprint!r} is not a 40-digit certificate thumbprint")
    script = (f"$c = Get-Item -LiteralPath 'Cert:\\LocalMachine\\My\\{clean}' -ErrorAction Stop; "
              "[Convert]::ToBase64String($c.RawData)")
    try:
        done = subprocess.run(
            ["powershell.exe", "-NoProfile", "-NonInteractive", "-Command", script],
            capture_output=True, text=True, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise CertificateLoadError(f"cannot run PowerShell to read the certificate store: {exc}") from None
    if done.returncode != 0:
        raise CertificateLoadError(
            f"no certificate with thumbprint {clean} in LocalMachine\\My ({done.stderr.strip()[:200]})", target=clean)
    try:
        return facts_from_der(base64.b64decode(done.stdout.strip(), validate=True))
    except (binascii.Error, ValueError):
        raise CertificateLoadError("PowerShell returned something that is not a certificate") from None
