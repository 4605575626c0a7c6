"""Tenant discovery without credentials: OpenID configuration (tenant id) and getuserrealm (realm type)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_GUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_ISSUER = re.compile(rf"^https://[^/]+/({_GUID})(?:/|$)")


@dataclass(frozen=True)
class OpenIdFacts:
    tenant_id: str
    issuer: str
    token_endpoint: str
    region: str


def tenant_from_openid(document: Any) -> OpenIdFacts | None:
    """The tenant GUID from issuer (https://sts.windows.net/<tid>/) or token_endpoint; None if absent."""
    if not isinstance(document, dict):
        return None
    issuer = document.get("issuer") if isinstance(document.get("issuer"), str) else ""
    token = document.get("token_endpoint") if isinstance(document.get("token_endpoint"), str) else ""
    for candidate in (issuer, token):
        match = _ISSUER.match(candidate or "")
        if match:
            region = document.get("tenant_region_scope")
            return OpenIdFacts(match.group(1).lower(), issuer or "", token or "",
                               region if isinstance(region, str) else "")
    return None


def openid_error(document: Any) -> str:
    """'AADSTS90002: Tenant … not found.' style text from an error answer ('' when none)."""
    description = document.get("error_description") if isinstance(document, dict) else None
    if isinstance(description, str):
        return description.split("\r\n")[0].split("\n")[0]
    return ""


@dataclass(frozen=True)
class RealmFacts:
    namespace_type: str  # Managed | Federated | Unknown
    brand: str
    auth_url: str


def realm_from_getuserrealm(document: Any) -> RealmFacts | None:
    if not isinstance(document, dict) or not isinstance(document.get("NameSpaceType"), str):
        return None
    brand = document.get("FederationBrandName")
    auth = document.get("AuthURL")
    return RealmFacts(document["NameSpaceType"], brand if isinstance(brand, str) else "",
                      auth if isinstance(auth, str) else "")
