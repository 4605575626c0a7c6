"""Which hosts are Microsoft 365's online endpoints, and which proxy (if any) a request to one goes through.

Enterprise PCs often reach Microsoft 365 only through a proxy, while the organisation's own servers
are reached directly (a proxy on the way out could not reach them at all, and an environment proxy
set for other tools must not change what the check sees). So only requests for Microsoft's online
endpoints are ever proxied: the hosts of ProbeSettings.login_base_url and autodiscover_v2_base_url,
and every host of Microsoft 365 (wizard.microsoft_online). The proxy is the explicit one (`--proxy`, Tools > Proxy in
the window) or, unless `system_proxy` is off, this PC's own: urllib.request.getproxies() reads the
Internet Settings in the registry on Windows and HTTPS_PROXY / ALL_PROXY elsewhere, and its bypass
list (ProxyOverride on Windows, NO_PROXY elsewhere) is honoured. A proxy set only by an automatic
configuration script (PAC, WPAD) is not read: it has to be given explicitly.

Proxies are HTTP proxies that open tunnels with CONNECT (http://[user:password@]host:port), with
Basic credentials when the URL carries them. A password is never part of any text this module makes.
"""

from __future__ import annotations

import base64
import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote, urlsplit

from wizard.microsoft_online import is_microsoft_online

if TYPE_CHECKING:
    from wizard.probes.context import ProbeSettings

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain"})


class ProxySource(StrEnum):
    """Where a proxy came from; the advice for an unreachable endpoint depends on it."""

    EXPLICIT = "explicit"  # --proxy, or the window's Tools > Proxy
    SYSTEM = "system"  # this PC's proxy settings (Internet Settings; HTTPS_PROXY elsewhere)

    def words(self) -> str:
        if self is ProxySource.EXPLICIT:
            return "given with --proxy or under Tools > Proxy for Microsoft 365"
        return "from this PC's proxy settings"


class InvalidProxyError(ValueError):
    """A proxy URL the wizard cannot use; the message never contains the password."""


@dataclass(frozen=True)
class Proxy:
    """One HTTP proxy that opens tunnels with CONNECT; `password` is left out of repr and every label."""

    host: str
    port: int
    source: ProxySource = ProxySource.EXPLICIT
    username: str = ""
    password: str = field(default="", repr=False)

    @property
    def label(self) -> str:
        """The proxy as an admin reads it: http://[user@]host:port, never with the password."""
        user = f"{quote(self.username, safe='')}@" if self.username else ""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{user}{host}:{self.port}"

    @property
    def address(self) -> str | None:
        """The host as an IP address when it is one (then nothing needs resolving)."""
        try:
            return str(ipaddress.ip_address(self.host))
        except ValueError:
            return None

    def authorization(self) -> str | None:
        """The Proxy-Authorization header value (Basic), when the URL carried a user name."""
        if not self.username:
            return None
        token = base64.b64encode(f"{self.username}:{self.password}".encode()).decode("ascii")
        return f"Basic {token}"

    def __str__(self) -> str:
        return self.label


def redacted(text: str) -> str:
    """A proxy URL with any password replaced by ***, for messages about a value that did not parse."""
    scheme, sep, rest = text.partition("://")
    if not sep:
        scheme, rest = "", text
    userinfo, at, hostpart = rest.rpartition("@")
    if at and ":" in userinfo:
        userinfo = userinfo.split(":", 1)[0] + ":***"
    return (f"{scheme}://" if sep else "") + (f"{userinfo}@" if at else "") + hostpart


def parse_proxy_url(text: str, *, source: ProxySource = ProxySource.EXPLICIT, default_port: int | None = None) -> Proxy:
    """http://[user:password@]host:port (or host:port) as a Proxy; InvalidProxyError says what is wrong.

    `default_port` is for proxies read from this PC's settings, which may leave the port out (urllib
    and requests then use 80); one the admin gives must name its port.
    """
    value = text.strip()
    shown = redacted(value)
    if not value:
        raise InvalidProxyError("the proxy is empty; give it as http://HOST:PORT")
    if "://" not in value:
        value = f"http://{value}"
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        raise InvalidProxyError(f"{shown} is not a proxy URL (http://HOST:PORT, the port a number from 1 to "
                                "65535)") from None
    scheme = parts.scheme.lower()
    if scheme == "https":
        raise InvalidProxyError(f"{shown} is an https:// proxy (TLS to the proxy itself), which the wizard does not "
                           "speak: give the proxy's http:// address (the tunnel to Microsoft 365 is still TLS)")
    if scheme != "http":
        raise InvalidProxyError(f"{shown} is a {scheme}:// proxy; the wizard uses HTTP proxies (http://HOST:PORT) only")
    host = (parts.hostname or "").rstrip(".")
    if not host or any(c.isspace() for c in host):
        raise InvalidProxyError(f"{shown} names no proxy host; give it as http://HOST:PORT")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise InvalidProxyError(f"{shown} has a path; a proxy is only http://HOST:PORT")
    if port is None:
        if default_port is None:
            raise InvalidProxyError(f"{shown} has no port; give it as http://HOST:PORT (for example {_example(host)})")
        port = default_port
    if not 0 < port < 65536:
        raise InvalidProxyError(f"{shown}: the port must be from 1 to 65535")
    username = unquote(parts.username or "")
    password = unquote(parts.password or "")
    if password and not username:
        raise InvalidProxyError(f"{shown} has a password but no user name")
    return Proxy(host=host.lower(), port=port, source=source, username=username, password=password)


def _example(host: str) -> str:
    return f"http://{host}:8080"


def host_of(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower().rstrip(".")
    except ValueError:
        return ""


def is_microsoft_endpoint(host: str, settings: ProbeSettings) -> bool:
    """True for the hosts of Microsoft 365's online endpoints: the settings' login and Autodiscover v2
    hosts (stand-ins in labs and tests) and every host of Microsoft 365 (wizard.microsoft_online)."""
    host = host.lower().rstrip(".")
    if not host:
        return False
    if host in (host_of(settings.login_base_url), host_of(settings.autodiscover_v2_base_url)):
        return True
    return is_microsoft_online(host)


def is_loopback(host: str) -> bool:
    """A proxy cannot reach this PC's own loopback addresses: those are always dialled directly."""
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def system_proxies() -> dict[str, str]:
    """This PC's proxy per scheme: the registry's Internet Settings on Windows, the environment elsewhere."""
    import urllib.request

    return {k.lower(): v for k, v in urllib.request.getproxies().items()}


def system_bypass(host: str) -> bool:
    """True when this PC's bypass list (ProxyOverride, NO_PROXY) sends `host` around the proxy."""
    import urllib.request

    return bool(urllib.request.proxy_bypass(host))


def proxy_for(url: str, settings: ProbeSettings, *, proxies: Mapping[str, str] | None = None,
              bypass: bool | None = None) -> Proxy | None:
    """The proxy a request for `url` goes through, or None to dial directly.

    Only Microsoft's online endpoints are ever proxied (never the organisation's servers, never a
    loopback address); the explicit proxy wins over this PC's, which is used unless settings.system_proxy
    is False and then only for hosts its bypass list does not name. `proxies` and `bypass` are this
    PC's settings when the caller already read them (once per run); InvalidProxyError when this PC's
    proxy setting is not one the wizard can use.
    """
    host = host_of(url)
    if not is_microsoft_endpoint(host, settings) or is_loopback(host):
        return None
    if settings.proxy:
        return parse_proxy_url(settings.proxy)
    if not settings.system_proxy:
        return None
    found = proxies if proxies is not None else system_proxies()
    scheme = (urlsplit(url).scheme or "https").lower()
    text = found.get(scheme) or found.get("all")
    if not text:
        return None
    if bypass if bypass is not None else system_bypass(host):
        return None
    return parse_proxy_url(text, source=ProxySource.SYSTEM, default_port=80)


__all__ = ["InvalidProxyError", "Proxy", "ProxySource", "is_loopback", "is_microsoft_endpoint",
           "parse_proxy_url", "proxy_for", "redacted", "system_bypass", "system_proxies"]
