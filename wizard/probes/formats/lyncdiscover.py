"""Lyncdiscover answers (…/Autodiscover/AutodiscoverService.svc/root): where a client goes next.

SfB's discovery service answers {"_links": {"self": {"href": …}, "user": {"href": …}, …}}; SfB Online's
webdir answers {"_links": {"redirect": {"href": …}}} for a domain it hosts elsewhere. Links may be
relative, so each is resolved against the URL asked and must then be an http(s) URL with a host (a
client cannot follow anything else); a link of the wrong type or an unusable URL is a bad answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from wizard.probes.formats.json_safe import kind_of
from wizard.probes.net.errors import BadDocumentError

_SHOWN = 80  # characters of a bad link quoted in a message


@dataclass(frozen=True)
class DiscoveryLinks:
    """The absolute user and redirect links ("" for the ones the answer does not carry)."""

    user: str
    redirect: str


def discovery_links(document: Any, url: str) -> DiscoveryLinks:
    """The links of one discovery answer; BadDocumentError naming the field when they are unusable."""
    if not isinstance(document, dict):
        raise BadDocumentError(f"{url} returned {kind_of(document)}, not a discovery object with _links",
                               target=url)
    links = document.get("_links")
    if links is None:
        return DiscoveryLinks("", "")
    if not isinstance(links, dict):
        raise BadDocumentError(f"{url} returned a discovery answer whose '_links' is {kind_of(links)}, not an "
                               "object", target=url)
    return DiscoveryLinks(_href(links, "user", url), _href(links, "redirect", url))


def _href(links: dict[str, Any], name: str, url: str) -> str:
    link = links.get(name)
    if link is None:
        return ""
    where = f"{url} returned a discovery answer whose '_links.{name}"
    if not isinstance(link, dict):
        raise BadDocumentError(f"{where}' is {kind_of(link)}, not an object with an href", target=url)
    href = link.get("href")
    if href is None:
        return ""
    if not isinstance(href, str):
        raise BadDocumentError(f"{where}.href' is {kind_of(href)}, not a URL", target=url)
    shown = href if len(href) <= _SHOWN else href[:_SHOWN] + "…"
    text = href.strip()
    try:
        if any(c.isspace() or not c.isprintable() for c in text):
            raise ValueError("a URL holds no spaces or control characters")
        target = urljoin(url, text)
        parts = urlsplit(target)
        host, _port = parts.hostname, parts.port  # .port raises ValueError for a port out of range
    except ValueError:
        raise BadDocumentError(f"{where}.href' {shown!r} is not a valid URL", target=url) from None
    if parts.scheme not in ("http", "https") or not host:
        raise BadDocumentError(f"{where}.href' {shown!r} is not an http(s) URL with a host name", target=url)
    return target


__all__ = ["DiscoveryLinks", "discovery_links"]
