"""OAuth authorization metadata documents (…/metadata/json/1) of Exchange, SfB and the Microsoft STS.

The products disagree on key casing (Exchange: keyinfo/keyvalue; SfB and SharePoint: keyValue;
usage 'signing' or 'Signing'), so every key name is looked up case-insensitively. x5t is optional;
where present it must be the base64url SHA-1 of the certificate (the thumbprint).
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any

from wizard.probes.formats.certificate import CertificateFacts, facts_from_der, x5t_to_thumbprint
from wizard.probes.formats.json_safe import kind_of
from wizard.probes.net.errors import BadDocumentError, CertificateLoadError


@dataclass(frozen=True)
class MetadataKey:
    usage: str
    key_type: str
    x5t: str  # "" when not published
    certificate: CertificateFacts | None
    problem: str  # why the key could not be read, or why x5t disagrees ("" when fine)

    @property
    def x5t_matches(self) -> bool | None:
        if not self.x5t or self.certificate is None:
            return None
        return x5t_to_thumbprint(self.x5t) == self.certificate.thumbprint


@dataclass(frozen=True)
class AuthMetadata:
    url: str
    issuer: str
    realm: str | None  # None when the document has no realm field
    service_name: str
    name: str
    keys: tuple[MetadataKey, ...]
    endpoints: tuple[str, ...]

    @property
    def issuer_id(self) -> str:
        return self.issuer.partition("@")[0].rstrip("/")

    @property
    def issuer_realm(self) -> str:
        return self.issuer.partition("@")[2]

    @property
    def certificates(self) -> tuple[CertificateFacts, ...]:
        return tuple(k.certificate for k in self.keys if k.certificate is not None)


def _get(obj: dict[Any, Any], name: str) -> Any:  # any keys: parsed from an untrusted document
    lowered = name.lower()
    for key, value in obj.items():
        if isinstance(key, str) and key.lower() == lowered:
            return value
    return None


def _text(obj: dict[str, Any], name: str) -> str:
    value = _get(obj, name)
    return value if isinstance(value, str) else ""


# Top-level fields and the JSON type each must have when present (null counts as absent).
_FIELD_TYPES: tuple[tuple[str, type, str], ...] = (
    ("issuer", str, "text"), ("serviceName", str, "text"), ("realm", str, "text"), ("name", str, "text"),
    ("keys", list, "a list"), ("endpoints", list, "a list"))


def parse_auth_metadata(document: Any, url: str) -> AuthMetadata:
    """Read a parsed JSON document; BadDocumentError (naming the field) when it is not an auth metadata document."""
    if not isinstance(document, dict):
        raise BadDocumentError(f"{url} is JSON but {kind_of(document)}, not an object, so not an auth metadata "
                               "document", target=url)
    wrong = [f"'{name}' is {kind_of(value)}, not {wanted}" for name, kind, wanted in _FIELD_TYPES
             if (value := _get(document, name)) is not None and not isinstance(value, kind)]
    if wrong:
        raise BadDocumentError(f"{url} is not a usable auth metadata document: " + "; ".join(wrong), target=url)
    raw_keys = _get(document, "keys")
    service_name = _text(document, "serviceName")
    issuer = _text(document, "issuer")
    if not isinstance(raw_keys, list) or not (service_name or issuer):
        raise BadDocumentError(f"{url} is JSON but has no issuer/serviceName and keys: not an auth metadata document",
                               target=url)
    keys = tuple(_key(item) for item in raw_keys[:32])
    endpoints = _get(document, "endpoints")
    locations = tuple(_text(e, "location") for e in endpoints if isinstance(e, dict)) if isinstance(
        endpoints, list) else ()
    realm = _get(document, "realm")
    return AuthMetadata(url=url, issuer=issuer, realm=realm if isinstance(realm, str) else None,
                        service_name=service_name, name=_text(document, "name"), keys=keys,
                        endpoints=tuple(loc for loc in locations if loc))


def _key(item: Any) -> MetadataKey:
    if not isinstance(item, dict):
        return MetadataKey("", "", "", None, f"a key entry is {kind_of(item)}, not an object")
    usage = _text(item, "usage")
    info = _get(item, "keyInfo")
    x5t = _text(info, "x5t") if isinstance(info, dict) else ""
    value = _get(item, "keyValue")
    if value is None:
        return MetadataKey(usage, "", x5t, None, "the key has no keyValue object")
    if not isinstance(value, dict):
        return MetadataKey(usage, "", x5t, None, f"the key's keyValue is {kind_of(value)}, not an object")
    key_type = _text(value, "type")
    raw = _get(value, "value")
    if key_type.lower() != "x509certificate":
        shown = key_type[:40] or "(none)"
        return MetadataKey(usage, key_type, x5t, None, f"key type {shown} is not x509Certificate")
    if not isinstance(raw, str):
        return MetadataKey(usage, key_type, x5t, None, f"the certificate value is {kind_of(raw)}, not base64 text")
    try:
        der = base64.b64decode("".join(raw.split()), validate=True)
        facts = facts_from_der(der)
    except (binascii.Error, ValueError):
        return MetadataKey(usage, key_type, x5t, None, "the certificate value is not valid base64")
    except CertificateLoadError as exc:
        return MetadataKey(usage, key_type, x5t, None, f"the certificate value does not decode: {exc}")
    problem = ""
    if x5t and x5t_to_thumbprint(x5t) != facts.thumbprint:
        problem = (f"x5t {x5t[:64]} does not match the certificate it labels (thumbprint {facts.thumbprint}, "
                   f"x5t {facts.x5t})")
    return MetadataKey(usage, key_type, x5t, facts, problem)
