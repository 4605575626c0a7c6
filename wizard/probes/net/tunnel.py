"""The CONNECT exchange with an HTTP proxy: the tunnel a request for a Microsoft 365 endpoint goes through.

It runs on the socket the request's own connection opened to the proxy, inside that request's one
wall-clock deadline: a proxy that never answers the CONNECT is woken by the watchdog like a silent
server and reads as a proxy that did not answer. The proxy's answer is read with MSG_PEEK up to the
end of its header block (at most MAX_HEAD bytes), so not one byte of the TLS handshake that follows
through the tunnel is consumed. Anything but a 2xx answer becomes a ProxyError in plain words: 407
(which sign-in the proxy asks for), a refusal by its rules, a proxy that could not reach the endpoint
itself. The proxy resolves the endpoint's name: it is not resolved on this PC.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass

from wizard.probes.context import ProbeContext
from wizard.probes.net import USER_AGENT
from wizard.probes.net.errors import (
    M365_ENDPOINTS_DOC,
    NetError,
    ProxyError,
    WaitTimeoutError,
    proxy_auth_remediation,
    way_out_remediation,
)
from wizard.probes.net.proxy import Proxy, ProxySource

MAX_HEAD = 16 * 1024
CRLF = b"\r\n"  # HTTP's line end on the wire
SHOWN = 60  # characters of a proxy's reason phrase or odd answer quoted in a verdict


@dataclass(frozen=True)
class Tunnel:
    """A tunnel to open: through `proxy`, to `host`:`port` (the URL's host, or an address the probe pinned)."""

    proxy: Proxy
    host: str
    port: int

    @property
    def authority(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"

    @property
    def through(self) -> str:
        """How a verdict names the way: 'login.microsoftonline.com through the proxy http://proxy:8080'."""
        return f"{self.host} through the proxy {self.proxy.label}"

    def way_out(self) -> str:
        return proxy_way_out(self.host, self.proxy)


def proxy_way_out(host: str, proxy: Proxy) -> str:
    return way_out_remediation(host, proxy=proxy.label, source=proxy.source.words(),
                               explicit=proxy.source is ProxySource.EXPLICIT)


def open_tunnel(ctx: ProbeContext, sock: socket.socket, tunnel: Tunnel) -> None:
    """Ask the proxy on `sock` to CONNECT to the tunnel's host and port; ProxyError unless it answers 2xx."""
    proxy = tunnel.proxy
    lines = [f"CONNECT {tunnel.authority} HTTP/1.1", f"Host: {tunnel.authority}", f"User-Agent: {USER_AGENT}"]
    credentials = proxy.authorization()
    if credentials:
        lines.append(f"Proxy-Authorization: {credentials}")
    try:
        request = b"".join(line.encode("ascii", "strict") + CRLF for line in lines) + CRLF
    except UnicodeEncodeError:
        raise ProxyError(f"{tunnel.host!r} is not an ASCII host name, which a CONNECT request cannot carry",
                         target=proxy.label, remediation=tunnel.way_out()) from None
    try:
        sock.sendall(request)
        head = _read_head(ctx, sock, tunnel)
    except WaitTimeoutError as exc:
        raise ProxyError(f"the proxy {proxy.label} accepted the connection but did not answer the CONNECT request "
                         f"for {tunnel.authority} within {ctx.settings.http_timeout:g} s", target=exc.target,
                         remediation=tunnel.way_out(), timed_out=True) from None
    except OSError as exc:
        ctx.check()
        raise ProxyError(f"the proxy {proxy.label} broke the connection off before answering the CONNECT request "
                         f"for {tunnel.authority} ({exc.strerror or type(exc).__name__})", target=proxy.label,
                         remediation=tunnel.way_out()) from None
    _judge(head, tunnel, sent_credentials=bool(credentials))


def _read_head(ctx: ProbeContext, sock: socket.socket, tunnel: Tunnel) -> bytes:
    """The proxy's status line and headers, exactly up to the blank line that ends them."""
    seen = b""
    while True:
        ctx.check()
        operation = ctx.current_deadline()
        if operation is not None:
            sock.settimeout(operation.socket_timeout())
        try:
            peeked = sock.recv(MAX_HEAD, socket.MSG_PEEK)
        except TimeoutError:
            ctx.check()  # the deadline passed: its timeout, turned into the proxy's words by the caller
            if operation is None:
                raise
            continue  # the socket's timeout ran out a moment before the deadline
        except OSError:
            ctx.check()  # the watchdog shut the socket down: the deadline's timeout
            raise
        ctx.check()  # an empty read after the watchdog's shutdown is the deadline, not the proxy closing
        if not peeked:
            raise ProxyError(f"the proxy {tunnel.proxy.label} closed the connection without answering the CONNECT "
                             f"request for {tunnel.authority}" + (f" (it sent {_quoted(seen)})" if seen else "")
                             + ": is an HTTP proxy listening at that address and port?", target=tunnel.proxy.label,
                             remediation=tunnel.way_out())
        end = (seen + peeked).find(b"\r\n\r\n", max(0, len(seen) - 3))
        seen += sock.recv(end + 4 - len(seen) if end >= 0 else len(peeked))
        if end >= 0:
            return seen
        if len(seen) >= MAX_HEAD:
            raise ProxyError(f"the proxy {tunnel.proxy.label} answered the CONNECT request for {tunnel.authority} "
                             f"with more than {MAX_HEAD} bytes of headers", target=tunnel.proxy.label,
                             remediation=tunnel.way_out())


def _judge(head: bytes, tunnel: Tunnel, *, sent_credentials: bool) -> None:
    text = head.decode("iso-8859-1")
    status_line, *header_lines = text.split("\r\n")
    proxy, where = tunnel.proxy, tunnel.authority
    words = status_line.split(" ", 2)
    if len(words) < 2 or not words[0].startswith("HTTP/") or not words[1].isdigit():
        raise ProxyError(f"the proxy {proxy.label} answered the CONNECT request for {where}, but not in HTTP: its "
                         f"answer begins {_quoted(head)} (is an HTTP proxy listening at that address and port?)",
                         target=proxy.label, remediation=tunnel.way_out())
    status = int(words[1])
    reason = _quoted(words[2].encode("iso-8859-1"), quotes=False) if len(words) > 2 and words[2].strip() else ""
    answered = f"{status} {reason}".strip()
    if 200 <= status < 300:
        return
    if status == 407:
        schemes = ", ".join(dict.fromkeys(
            value.strip().split(" ", 1)[0] for name, _, value in (h.partition(":") for h in header_lines)
            if name.strip().lower() == "proxy-authenticate" and value.strip()))
        raise ProxyError(f"the proxy {proxy.label} answered the CONNECT request for {where} with {answered}",
                         target=proxy.label, status=status,
                         remediation=proxy_auth_remediation(proxy.label, _quoted(schemes.encode(), quotes=False),
                                                            sent_credentials=sent_credentials))
    if status in (502, 503, 504):
        raise ProxyError(f"the proxy {proxy.label} could not reach {where} itself: it answered the CONNECT request "
                         f"with {answered}", target=proxy.label, status=status,
                         remediation=(f"The proxy {proxy.label} ({proxy.source.words()}) took the request but could "
                                      f"not reach {tunnel.host}: check the proxy's own DNS for internet names and its "
                                      "way out to the internet (its upstream proxy or firewall). "
                                      + tunnel.way_out()))
    raise ProxyError(f"the proxy {proxy.label} refused to open a connection to {where}: it answered the CONNECT "
                     f"request with {answered}", target=proxy.label, status=status,
                     remediation=(f"The proxy {proxy.label} ({proxy.source.words()}) does not let this PC open "
                                  f"HTTPS connections to {tunnel.host}: ask its administrators to allow CONNECT to "
                                  f"the Microsoft 365 endpoints on port 443 ({M365_ENDPOINTS_DOC} lists them). "
                                  + tunnel.way_out()))


def _quoted(data: bytes, *, quotes: bool = True) -> str:
    """Bytes from the proxy as they may appear in a verdict: printable ASCII only, cut short."""
    text = "".join(ch if 32 <= ord(ch) < 127 else "?" for ch in data.decode("iso-8859-1").strip())
    clipped = text[:SHOWN] + ("..." if len(text) > SHOWN else "")
    return repr(clipped) if quotes else clipped


def proxy_connect_error(exc: NetError, tunnel: Tunnel) -> ProxyError:
    """The proxy itself could not be reached (refused, no route, no TCP answer in time)."""
    timed_out = isinstance(exc, WaitTimeoutError)
    how = "did not answer" if timed_out else f"could not be reached ({str(exc).rsplit(': ', 1)[-1]})"
    return ProxyError(f"the proxy {tunnel.proxy.label} ({tunnel.proxy.source.words()}), through which this PC "
                      f"reaches {tunnel.host}, {how}", target=tunnel.proxy.label, remediation=tunnel.way_out(),
                      timed_out=timed_out)
