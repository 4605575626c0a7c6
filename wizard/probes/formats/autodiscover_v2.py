"""Autodiscover v2 (autodiscover.json): the request Microsoft 365 makes and the JSON it gets back.

Teams' back end asks Exchange Online `autodiscover.json?Email=<address>&Protocol=EWS` for a user's
EWS URL; Exchange Online answers itself for its own mailboxes and redirects to the on-premises
autodiscover.json for the others (Microsoft support, "Resolve interaction issues between Teams and
Exchange Server"). A working answer is `{"Protocol":"EWS","Url":"https://…/EWS/Exchange.asmx"}`; an
error is `{"ErrorCode":"InvalidProtocol","ErrorMessage":"…"}` (the shape CSS-Exchange's
Get-ProtocolEndpointViaAutoDv2.ps1 reads; the error's wording is reconstructed, not documented).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

AUTODISCOVER_V2_PATH = "/autodiscover/autodiscover.json"
REDIRECT_COUNT = 5  # what the wizard offers; Microsoft's support article asks without it, the field guide with 5


def autodiscover_v2_url(base: str, address: str, protocol: str = "EWS", redirect_count: int = REDIRECT_COUNT) -> str:
    """The query Teams' back end sends, against `base` (Exchange Online's, or an on-premises host)."""
    query = urlencode({"Email": address, "Protocol": protocol, "RedirectCount": redirect_count})
    return f"{base.rstrip('/')}{AUTODISCOVER_V2_PATH}?{query}"


@dataclass(frozen=True)
class V2Answer:
    """What an autodiscover.json document says: a protocol URL, or an error code and message."""

    protocol: str = ""
    url: str = ""
    error_code: str = ""
    error_message: str = ""

    @property
    def is_error(self) -> bool:
        return bool(self.error_code or self.error_message) or not self.url


class NotAutodiscoverV2Error(ValueError):
    """The JSON parsed, but it is neither a protocol answer nor an error document."""


def parse_v2(document: Any) -> V2Answer:
    """Read an autodiscover.json answer; NotAutodiscoverV2Error for anything else (a proxy's JSON, a list)."""
    if not isinstance(document, dict):
        raise NotAutodiscoverV2Error("the answer is not a JSON object")
    fields = {str(k).lower(): v for k, v in document.items()}
    code, message = fields.get("errorcode"), fields.get("errormessage")
    if code is not None or message is not None:
        return V2Answer(error_code=str(code or ""), error_message=str(message or ""))
    protocol, url = fields.get("protocol"), fields.get("url")
    if not isinstance(protocol, str) or not isinstance(url, str):
        raise NotAutodiscoverV2Error("the answer has neither Protocol and Url nor ErrorCode")
    return V2Answer(protocol=protocol, url=url)


def is_ews_url(url: str) -> bool:
    """An https:// URL ending in /EWS/Exchange.asmx, as Exchange publishes it."""
    parts = urlsplit(url)
    return parts.scheme == "https" and bool(parts.hostname) and parts.path.lower().endswith("/ews/exchange.asmx")
