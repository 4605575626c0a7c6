"""Real X.509 certificates for metadata documents (EC keys: milliseconds to make)."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def make_der(common_name: str, now: datetime, days_left: int = 365) -> bytes:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=days_left)).sign(key, hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.DER)


def thumbprint(der: bytes) -> str:
    return hashlib.sha1(der).hexdigest().upper()


def exchange_metadata(*ders: bytes) -> bytes:
    """Exchange's casing: keyinfo{x5t} + keyvalue, lower case."""
    keys = [{"usage": "signing",
             "keyinfo": {"x5t": base64.urlsafe_b64encode(hashlib.sha1(d).digest()).rstrip(b"=").decode()},
             "keyvalue": {"type": "x509Certificate", "value": base64.b64encode(d).decode()}} for d in ders]
    return json.dumps({"id": "_x", "version": "1.0", "name": "Exchange", "realm": "",
                       "serviceName": "00000002-0000-0ff1-ce00-000000000000",
                       "issuer": "00000002-0000-0ff1-ce00-000000000000@*", "keys": keys}).encode()


def sfb_metadata(*ders: bytes, realm: str = "contoso.com") -> bytes:
    """SfB's casing (field guide): keyValue, camel case, no keyinfo."""
    keys = [{"keyValue": {"type": "x509Certificate", "value": base64.b64encode(d).decode()}, "usage": "signing"}
            for d in ders]
    return json.dumps({"issuer": f"00000004-0000-0ff1-ce00-000000000000@{realm}", "keys": keys, "realm": realm,
                       "serviceName": "00000004-0000-0ff1-ce00-000000000000"}).encode()
