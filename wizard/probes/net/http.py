"""HTTPS that dials the address the chosen resolver returned, with SNI and name checks for the real host.

requests with a transport adapter: each hop's host is resolved through the run's DnsClient and the
urllib3 pool connects to that address while TLS uses the host name (server_hostname) and the run's
trust context. No global socket.getaddrinfo patching, no proxies or CA paths from the environment,
a size cap on every body, redirects followed by hand (re-resolved, counted, loops detected, a hop
to another host noted for the probe). Each request is one operation under one wall-clock deadline
(ProbeContext.deadline): connect, TLS handshake, request, headers and body together, so a silent or
dripping server ends as a timeout that names the stage; a broken answer is named by the stage too,
so an answer that is not HTTP never reads as "cannot connect".
"""

from __future__ import annotations

import copy
import http.client
import io
import socket
import time
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urljoin, urlsplit, urlunsplit

import requests
import requests.adapters
import urllib3
import urllib3.connection
import urllib3.connectionpool
import urllib3.exceptions

from wizard import where_to
from wizard.probes.context import ProbeContext
from wizard.probes.deadlines import CURRENT, Deadline, Stage
from wizard.probes.formats import json_safe
from wizard.probes.net import USER_AGENT, sockets
from wizard.probes.net.dns import DnsClient
from wizard.probes.net.errors import (
    BadDocumentError,
    ConnectError,
    DnsError,
    DnsTcpFallbackError,
    DnsTimeoutError,
    DnsUnreachableError,
    DnsWrongNameError,
    HttpProtocolError,
    NetError,
    NotHttpError,
    ProxyError,
    RedirectError,
    TlsError,
    TlsNameError,
    TlsTrustError,
    TooLargeError,
    WaitTimeoutError,
    way_out_remediation,
)
from wizard.probes.net.proxy import (
    InvalidProxyError,
    Proxy,
    is_microsoft_endpoint,
    proxy_for,
    system_bypass,
    system_proxies,
)
from wizard.probes.net.tls import classify, explain, inspect_context, trust_context
from wizard.probes.net.tunnel import Tunnel, open_tunnel, proxy_connect_error, proxy_way_out
from wizard.probes.result import Cause

E = TypeVar("E", bound=BaseException)

# Answers read only because the admin accepted untrusted TLS, noted for the probe that is running in
# this thread's context (set by the probe boundary), so its result can become a warning.
UNTRUSTED_SEEN: ContextVar[list[str] | None] = ContextVar("untrusted_seen", default=None)
CHUNK = 64 * 1024
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
SHOWN_ANSWER = 60  # characters of a non-HTTP answer quoted in the verdict
# How the first bytes of a non-HTTP answer give away what really listens there.
BANNERS = (("SSH-", "an SSH server"), ("220", "an FTP or SMTP server"), ("RFB ", "a VNC server"))


@dataclass(frozen=True)
class CrossHostRedirect:
    """A document that came from another host than the one asked, after following redirects."""

    url: str  # what was asked
    final_url: str  # where the answer came from
    trail: tuple[str, ...]  # "302 https://a -> https://b" lines

    @property
    def from_host(self) -> str:
        return (urlsplit(self.url).hostname or "").lower()

    @property
    def to_host(self) -> str:
        return (urlsplit(self.final_url).hostname or "").lower()


# Cross-host redirects followed for the probe running in this thread (set by the probe boundary), so
# that a pass built on a document from another host becomes a warning naming that host.
REDIRECTED_SEEN: ContextVar[list[CrossHostRedirect] | None] = ContextVar("redirected_seen", default=None)


@dataclass(frozen=True)
class HttpResponse:
    """One final answer (after redirects), with the body read up to the size cap."""

    url: str
    status: int
    reason: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    address: str  # the IP address the answer came from
    redirects: tuple[str, ...] = ()  # the URLs visited before this one
    untrusted: str = ""  # why TLS was not trusted, when the admin explicitly accepted that
    elapsed_ms: float = 0.0
    trail: tuple[str, ...] = field(default=())  # "301 https://a -> https://b" lines

    @property
    def cross_host(self) -> CrossHostRedirect | None:
        """The redirect to another host this answer came through, if any."""
        if not self.redirects:
            return None
        moved = CrossHostRedirect(self.redirects[0], self.url, self.trail)
        return moved if moved.from_host != moved.to_host else None

    def header(self, name: str) -> str | None:
        values = self.header_all(name)
        return ", ".join(values) if values else None

    def header_all(self, name: str) -> list[str]:
        lowered = name.lower()
        return [v for k, v in self.headers if k.lower() == lowered]

    @property
    def content_type(self) -> str:
        return (self.header("Content-Type") or "").split(";")[0].strip().lower()

    def text(self, limit: int | None = None) -> str:
        body = self.body if limit is None else self.body[:limit]
        return body.decode("utf-8", errors="replace")

    def json(self, what: str = "JSON document") -> Any:
        """Parse the body as JSON or raise BadDocumentError saying what it was instead.

        `what` names the document expected ("auth metadata document") for answers that parse but
        that no real service sends: a 5,000-digit number, nesting 100,000 deep, NaN, a key twice.
        """
        head = self.body.lstrip()[:200].lower()
        if head.startswith((b"<!doctype", b"<html", b"<?xml", b"<")):
            kind = "HTML" if b"html" in head else "XML"
            raise BadDocumentError(f"{self.url} returned {kind} ({self.content_type or 'no content type'}), "
                                   "not a JSON document", target=self.url)
        try:
            return json_safe.loads(self.body)
        except json_safe.JsonDocumentError as exc:
            if exc.kind is json_safe.JsonProblem.NOT_TEXT:
                message = f"{self.url} returned bytes that are not UTF-8 text"
            elif exc.kind is json_safe.JsonProblem.MALFORMED:
                message = f"{self.url} returned malformed JSON ({exc.detail})"
            else:
                message = f"{self.url} returned a document that {exc.problem}; this is not a real {what}"
            raise BadDocumentError(message, target=self.url) from None


@dataclass(frozen=True)
class _Request:
    method: str
    headers: tuple[tuple[str, str], ...]
    body: bytes | None


class HttpClient:
    """Fetches for one run; results are cached per run so probes sharing a document fetch it once."""

    def __init__(self, ctx: ProbeContext, dns: DnsClient | None = None) -> None:
        self._ctx = ctx
        self._dns = dns or DnsClient(ctx)

    def port_for(self, url: str) -> int:
        parts = urlsplit(url)
        if parts.scheme == "https":
            return parts.port if parts.port not in (None, 443) else self._ctx.settings.port_https()
        return parts.port or 80

    def fetch(self, url: str, *, method: str = "GET", headers: dict[str, str] | None = None,
              body: bytes | None = None, address: str | None = None,
              follow_redirects: bool = True) -> HttpResponse:
        """One request (plus redirects). `address` pins the first hop to one IP (each Front End)."""
        request = _Request(method, tuple(sorted((headers or {}).items())), body)
        key = ("http", url, request, address, follow_redirects)
        response = self._ctx.memo(key, lambda: self._fetch(url, request, address, follow_redirects=follow_redirects))
        seen = UNTRUSTED_SEEN.get()
        if response.untrusted and seen is not None:
            seen.append(f"{response.url}: {response.untrusted}")
        moved, redirected = response.cross_host, REDIRECTED_SEEN.get()
        if moved is not None and redirected is not None:
            redirected.append(moved)
        return response

    def _fetch(self, url: str, request: _Request, address: str | None, *, follow_redirects: bool) -> HttpResponse:
        started = time.monotonic()
        visited: list[str] = []
        trail: list[str] = []
        current = url
        pinned = address
        for _ in range(self._ctx.settings.max_redirects + 1):
            response = self._one(current, request, pinned)
            if follow_redirects and response.status in REDIRECT_STATUSES and response.header("Location"):
                target = _redirect_target(current, response.header("Location") or "")
                trail.append(f"{response.status} {current} -> {target}")
                visited.append(current)
                if urlsplit(target).scheme not in ("https", "http"):
                    raise RedirectError(f"{current} redirects to {target}, which is not a web address",
                                        target=current)
                if urlsplit(current).scheme == "https" and urlsplit(target).scheme == "http":
                    raise RedirectError(f"{current} redirects to plain HTTP ({target}): the answer would come "
                                        "unencrypted and from a server nobody can authenticate, so the check does "
                                        "not follow it", target=current)
                if target in visited:
                    raise RedirectError(f"{url} never serves a document: redirect loop "
                                        + " -> ".join([*visited, target]), target=url)
                if response.status == 303:
                    request = _Request("GET", request.headers, None)
                current, pinned = target, None  # each hop is resolved again
                continue
            return HttpResponse(
                url=current, status=response.status, reason=response.reason, headers=response.headers,
                body=response.body, address=response.address, redirects=tuple(visited),
                untrusted=response.untrusted, elapsed_ms=(time.monotonic() - started) * 1000, trail=tuple(trail))
        raise RedirectError(f"more than {self._ctx.settings.max_redirects} redirects starting at {url}: "
                            + "; ".join(trail), target=url)

    def _one(self, url: str, request: _Request, address: str | None) -> HttpResponse:
        try:
            return self._send(url, request, address, verified=True)
        except TlsError as exc:
            if not self._ctx.settings.accept_untrusted or not _is_trust_problem(exc):
                raise
            response = self._send(url, request, address, verified=False)
            return _replace_untrusted(response, str(exc))

    def _send(self, url: str, request: _Request, address: str | None, *, verified: bool) -> HttpResponse:
        self._ctx.check()
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise BadDocumentError(f"not an http(s) URL: {url}", target=url)
        if not is_microsoft_endpoint(parts.hostname, self._ctx.settings):
            return self._send_to(url, request, address, verified=verified, proxy=None)  # never proxied
        proxy = self._proxy_for(url)
        try:
            return self._send_to(url, request, address, verified=verified, proxy=proxy)
        except NetError as exc:
            raise _way_out(exc, parts.hostname.lower(), proxy) from None

    def _proxy_for(self, url: str) -> Proxy | None:
        """The proxy for a Microsoft 365 endpoint; this PC's settings are read once per run."""
        settings = self._ctx.settings
        host = (urlsplit(url).hostname or "").lower()
        try:
            if settings.proxy or not settings.system_proxy:
                return proxy_for(url, settings, proxies={})
            proxies = self._ctx.memo(("proxy", "system"), system_proxies)
            bypass = self._ctx.memo(("proxy", "bypass", host), lambda: system_bypass(host)) if proxies else False
            return proxy_for(url, settings, proxies=proxies, bypass=bypass)
        except InvalidProxyError as exc:
            raise ProxyError(f"this PC's proxy setting cannot be used for {host}: {exc}", target=url,
                             remediation=f"Give the proxy this PC reaches Microsoft 365 through with "
                                         f"{where_to.PROXY}, or connect directly with "
                                         f"{where_to.NO_SYSTEM_PROXY}.") from None

    def _dial_proxy(self, proxy: Proxy, host: str, url: str) -> str:
        """The proxy's address: its own when it is one, else its name through the run's resolver."""
        if proxy.address is not None:
            return proxy.address
        try:
            return self._dns.addresses(proxy.host).addresses[0]
        except DnsError as exc:
            raise ProxyError(f"the name of the proxy {proxy.label} ({proxy.source.words()}) does not resolve: {exc}",
                             target=url, remediation=proxy_way_out(host, proxy), timed_out=isinstance(
                                 exc, DnsTimeoutError)) from None

    def _send_to(self, url: str, request: _Request, address: str | None, *, verified: bool,
                 proxy: Proxy | None) -> HttpResponse:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = self.port_for(url)
        tunnel = None
        if proxy is not None:  # the proxy resolves the endpoint's name; only the proxy's own is resolved here
            tunnel = Tunnel(proxy, address or host, port)
            dial = self._dial_proxy(proxy, host, url)
        else:
            dial = address or self._dns.addresses(host).addresses[0]
        adapter = _DialingAdapter(self._ctx, dial, verified=verified, tunnel=tunnel)
        session = requests.Session()
        session.trust_env = False  # no proxies or CA bundles from the environment
        session.proxies.clear()
        session.mount("https://", adapter)
        session.mount("http://", adapter)
        netloc = host if (parts.port in (None, 443, 80)) else f"{host}:{parts.port}"
        dial_url = urlunsplit((parts.scheme, f"{host}:{port}" if ":" not in host else f"[{host}]:{port}",
                               parts.path or "/", parts.query, ""))
        request_headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "identity", "Host": netloc,
                           **dict(request.headers)}
        prepared = requests.Request(request.method, dial_url, headers=request_headers, data=request.body).prepare()
        direct = f"{host} ({dial})" if host != dial else dial
        who = tunnel.through if tunnel is not None else direct
        first = Stage.HANDSHAKE if parts.scheme == "https" else Stage.REQUEST
        # One deadline for connect, handshake, request, headers and body: the watchdog shuts the
        # socket down when it passes, and ctx.check() in every handler below turns that into its words.
        with self._ctx.deadline(who, target=url, url=url, port=port, after_connect=first) as deadline, session:
            try:
                limit = deadline.socket_timeout()
                answer = session.send(prepared, stream=True, timeout=(limit, limit),
                                      allow_redirects=False, verify=verified)
            except requests.exceptions.SSLError as exc:
                self._ctx.check()
                if deadline.stage is not Stage.HANDSHAKE:  # a broken TLS record in the answer, not the handshake
                    raise _wire_problem(exc, deadline) from None
                if tunnel is not None:  # no second look: that would dial the proxy as if it were the server
                    raise classify(exc, host, port) from None
                raise explain(self._ctx, exc, host, dial, port) from None  # names version, size, dates
            except requests.exceptions.Timeout:
                self._ctx.check()
                raise deadline.error() from None  # a read timed out: the time left ran out
            except requests.exceptions.RequestException as exc:
                self._ctx.check()
                raise _wire_problem(exc, deadline) from None
            except ValueError as exc:  # requests reads a redirect's Location even when it does not follow it
                self._ctx.check()
                raise RedirectError(f"{url} answered with a redirect whose Location is not a valid URL ({exc})",
                                    target=url) from None
            deadline.stage = Stage.BODY
            with answer:
                data = self._read(answer, deadline)
                return HttpResponse(
                    url=url, status=answer.status_code, reason=answer.reason or "",
                    headers=tuple(answer.raw.headers.iteritems()), body=data,
                    address=f"through the proxy {proxy.label}" if proxy is not None else dial)

    def _read(self, answer: requests.Response, deadline: Deadline) -> bytes:
        """The body up to the size cap; the deadline (not a per-read timeout) bounds a drip."""
        url = deadline.url
        cap = self._ctx.settings.max_bytes
        chunks: list[bytes] = []
        size = 0
        try:
            while True:
                self._ctx.check()  # cancelled, or the deadline passed while the body kept coming
                chunk = answer.raw.read(CHUNK, decode_content=False)
                if not chunk:
                    break
                size += len(chunk)
                if size > cap:
                    raise TooLargeError(f"{url} sent more than {cap} bytes; stopped reading", target=url)
                chunks.append(chunk)
        except (urllib3.exceptions.HTTPError, OSError, http.client.HTTPException) as exc:
            self._ctx.check()
            if isinstance(exc, (urllib3.exceptions.ReadTimeoutError, TimeoutError)):
                raise deadline.error() from None
            raise _wire_problem(exc, deadline, body=size) from None
        self._ctx.check()  # an end of the body that was the watchdog's doing is a timeout, not the end
        return b"".join(chunks)


# DNS errors whose own advice is already about this PC's resolver (kept for Microsoft 365 endpoints too).
_OWN_DNS_ADVICE = (DnsUnreachableError, DnsWrongNameError, DnsTcpFallbackError)


def _way_out(exc: NetError, host: str, proxy: Proxy | None) -> NetError:
    """A Microsoft 365 endpoint this PC could not reach: not a finding about the deployment, and the advice
    is about this PC's way out (proxy, firewall, its DNS for internet names), never a DNS record to create.

    A copy is changed: the error may be a remembered DNS answer other checks share.
    """
    if isinstance(exc, ProxyError):
        return exc  # its own words already name the proxy and what it said
    if not isinstance(exc, (DnsError, ConnectError, WaitTimeoutError)) and type(exc) is not TlsError:
        return exc  # the endpoint answered: what it said is the check's business
    changed = copy.copy(exc)
    changed.finding = False
    changed.cause = Cause.TIMEOUT if exc.cause is Cause.TIMEOUT else Cause.UNREACHABLE
    if not isinstance(exc, _OWN_DNS_ADVICE):
        changed.remediation = (proxy_way_out(host, proxy) if proxy is not None else way_out_remediation(host))
    return changed


def _redirect_target(current: str, location: str) -> str:
    """Where a Location header leads, or RedirectError when it is no URL a client could follow."""
    try:
        target = urljoin(current, location)
        parts = urlsplit(target)
        _ = parts.port  # raises ValueError for a port outside 0-65535 or one that is not a number
    except ValueError:
        raise RedirectError(f"{current} redirects to {location!r}, which is not a valid URL", target=current) from None
    if parts.scheme in ("https", "http") and not parts.hostname:
        raise RedirectError(f"{current} redirects to {location!r}, which names no host", target=current)
    return target


def _is_trust_problem(exc: TlsError) -> bool:
    return isinstance(exc, (TlsTrustError, TlsNameError))


def _replace_untrusted(response: HttpResponse, why: str) -> HttpResponse:
    return HttpResponse(url=response.url, status=response.status, reason=response.reason, headers=response.headers,
                        body=response.body, address=response.address, untrusted=why)


def _root(exc: BaseException) -> str:
    current: BaseException = exc
    seen = set()
    while id(current) not in seen:
        seen.add(id(current))
        nxt = current.__cause__ or current.__context__ or getattr(current, "reason", None)
        if not isinstance(nxt, BaseException):
            args = [a for a in getattr(current, "args", ()) if isinstance(a, BaseException)]
            nxt = args[0] if args else None
        if nxt is None:
            break
        current = nxt
    return str(current)


def _chain(exc: BaseException) -> list[BaseException]:
    """Every exception an error wraps (cause, context, urllib3's `reason`, exceptions among the args)."""
    found: list[BaseException] = []
    stack = [exc]
    while stack:
        current = stack.pop()
        if any(current is seen for seen in found):
            continue
        found.append(current)
        links = [current.__cause__, current.__context__, getattr(current, "reason", None),
                 *getattr(current, "args", ())]
        stack += [link for link in reversed(links) if isinstance(link, BaseException)]
    return found


def _first(exc: BaseException, kind: type[E]) -> E | None:
    return next((e for e in _chain(exc) if isinstance(e, kind)), None)


def _shown(text: str) -> str:
    """Server bytes quoted in a verdict: escaped (no control or bidi characters), cut short."""
    clipped = text.strip()[:SHOWN_ANSWER]
    return ascii(clipped) + ("..." if len(text.strip()) > SHOWN_ANSWER else "")


HEADERS_FIX = ("Find what adds the header lines: the site's HTTP Response Headers and URL Rewrite outbound rules in "
               "IIS, and the load balancer or reverse proxy rule for this name.")
CUT_OFF_FIX = ("The server, or a device in front of it, broke the answer off: look in that server's Event Viewer and "
               "IIS logs for a crashing or recycling worker process (w3wp.exe), and at the idle, size and inspection "
               "limits of load balancers, proxies and IPS devices in between.")


def _advised(remediation: str, error: NetError) -> NetError:
    error.remediation = remediation
    return error


def _wire_problem(exc: BaseException, deadline: Deadline, *, body: int = 0) -> NetError:
    """A broken answer in the words of the stage it broke in: the server was reached, so never "cannot
    connect" once the TCP connection stood."""
    url, who = deadline.url, deadline.who
    if deadline.stage is Stage.CONNECT:
        return ConnectError(f"cannot connect to {url}: {_root(exc)}", target=url)
    how = "reset" if _first(exc, ConnectionResetError) is not None else "closed"
    if deadline.stage is Stage.HANDSHAKE:
        return TlsError(f"{who} accepted the connection on port {deadline.port} but {how} it during the TLS "
                        "handshake", target=deadline.target)
    if deadline.stage is Stage.REQUEST:
        return HttpProtocolError(f"{who} accepted the connection but {how} it before taking the request for {url}",
                                 target=url)
    too_long = _first(exc, http.client.LineTooLong)
    if too_long is not None:
        what = str(too_long.args[0]) if too_long.args else "line"
        return NotHttpError(f"{who} answered the request for {url} with a {what} longer than 64 kB, which no web "
                            "server sends: the answer is not HTTP", target=url)
    status_line = _first(exc, http.client.BadStatusLine)
    line = str(status_line.args[0]) if status_line is not None and status_line.args else ""
    if isinstance(status_line, http.client.RemoteDisconnected) or (
            status_line is not None and not line.strip("'\" \r\n")):  # an empty line arrives as "''"
        return HttpProtocolError(f"{who} accepted the request for {url} and closed the connection without "
                                 "answering it", target=url)
    if status_line is not None:
        looks = next((what for start, what in BANNERS if line.startswith(start)), "")
        return NotHttpError(f"{who} answered the request for {url}, but not in HTTP: its answer begins "
                            f"{_shown(line)}" + (f" ({looks} answers on this port?)" if looks else ""), target=url)
    header_problem = next((e for e in _chain(exc) if type(e) is http.client.HTTPException), None)
    if header_problem is not None and "headers" in str(header_problem):
        return _advised(HEADERS_FIX, HttpProtocolError(f"{who} answered the request for {url} with more than "
                                 f"{getattr(http.client, '_MAXHEADERS', 100)} header lines; a web server in front of "
                                 "Exchange or Skype for Business sends a few dozen at most, so clients refuse the "
                                 "answer (a misconfigured proxy or load balancer rule adding headers?)", target=url))
    # Through TLS a reset reads like an end without close_notify, so both are "cut off" unless the
    # reset is known (plain HTTP, or Windows' "forcibly closed").
    reset = how == "reset"
    part = "headers" if deadline.stage is Stage.HEADERS else "body"
    verb = "reset the connection" if reset else "cut the connection off"
    got = f"{deadline.received} bytes received"
    incomplete = _first(exc, http.client.IncompleteRead)  # urllib3's subclass counts the whole body so far
    if part == "body" and incomplete is not None:
        partial, expected = getattr(incomplete, "partial", 0), getattr(incomplete, "expected", 0) or 0
        done = partial if isinstance(partial, int) else body + len(partial)
        got = f"{done} of {done + expected} bytes of the body received" if expected else got
    if reset or incomplete is not None or part == "headers":
        return _advised(CUT_OFF_FIX, HttpProtocolError(
            f"{who} {verb} in the middle of the {part} of its answer for {url} ({got})", target=url))
    return HttpProtocolError(f"{who} broke off its answer for {url}: {_root(exc)}", target=url)


class _MeteredRaw(io.RawIOBase):
    """The raw reads of an answer, counted on the operation's deadline (a drip reads differently from silence).

    It wraps the socket's own raw file (makefile with buffering=0), so the socket's count of open
    files, which keeps it open after urllib3 drops the connection, stays right.
    """

    def __init__(self, raw: Any, deadline: Deadline) -> None:
        super().__init__()
        self._raw = raw
        self._deadline = deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int | None:
        count: int | None = self._raw.readinto(buffer)
        if count:
            self._deadline.received += count
        return count

    def close(self) -> None:
        if not self.closed:
            self._raw.close()
        super().close()


class _Metering:
    """What http.client is handed instead of the socket: the one thing it asks, makefile(), counts bytes."""

    def __init__(self, sock: socket.socket, deadline: Deadline) -> None:
        self._sock = sock
        self._deadline = deadline

    def makefile(self, mode: str = "rb", *args: Any, **kwargs: Any) -> io.BufferedReader:
        return io.BufferedReader(_MeteredRaw(self._sock.makefile("rb", buffering=0), self._deadline))


class _MeteredResponse(http.client.HTTPResponse):
    """http.client's response reading through a counting file, when an operation's deadline is running."""

    def __init__(self, sock: Any, debuglevel: int = 0, method: str | None = None, url: str | None = None) -> None:
        deadline = CURRENT.get()
        super().__init__(_Metering(sock, deadline) if deadline is not None else sock,  # type: ignore[arg-type]
                         debuglevel, method, url)


class _DialedConnectionMixin:
    """Connect to the pool's (already resolved) address with the cancellable connect, and register it.

    It also moves the operation's deadline through its stages (handshake done, request sent) and
    reads the answer through a counting file, so a timeout says where the server stopped.
    """

    probe_ctx: ProbeContext
    _interrupter: sockets.Interrupter | None
    _token: int | None
    response_class: type[http.client.HTTPResponse] = _MeteredResponse

    def connect(self) -> None:
        super().connect()  # type: ignore[misc]
        deadline = self.probe_ctx.current_deadline()
        if deadline is not None and deadline.stage is Stage.HANDSHAKE:
            deadline.stage = Stage.REQUEST

    def getresponse(self) -> Any:
        deadline = self.probe_ctx.current_deadline()
        if deadline is not None:
            deadline.stage = Stage.HEADERS  # the request is sent; now the server's turn
        return super().getresponse()  # type: ignore[misc]

    def _new_conn(self) -> Any:
        conn: Any = self
        tunnel: Tunnel | None = getattr(self, "probe_tunnel", None)
        name = tunnel.proxy.host if tunnel is not None else getattr(conn, "server_hostname", None) or conn.host
        try:
            sock = sockets.connect(self.probe_ctx, conn.host, conn.port, float(conn.timeout or 10.0), host=name)
        except (ConnectError, WaitTimeoutError) as exc:
            if tunnel is None:
                raise
            raise proxy_connect_error(exc, tunnel) from None
        interrupter = sockets.Interrupter(sock)
        try:
            token = self.probe_ctx.track(interrupter)  # cancel and the deadline's watchdog shut it down
        except BaseException:
            sock.close()
            raise
        deadline = self.probe_ctx.current_deadline()
        if tunnel is not None:
            try:  # the CONNECT exchange, guarded by the same deadline as the rest of the request
                open_tunnel(self.probe_ctx, sock, tunnel)
            except BaseException:
                self.probe_ctx.untrack(token)
                interrupter.release()
                sock.close()
                raise
        if deadline is None:
            self._token, self._interrupter = token, interrupter
            return sock

        def release() -> None:
            self.probe_ctx.untrack(token)
            interrupter.release()

        # urllib3 drops the connection as soon as the headers say "Connection: close", while the body
        # is still being read from the socket: it stays guarded until the whole operation ends.
        deadline.at_finish(release)
        return sock

    def close(self) -> None:
        token, interrupter = getattr(self, "_token", None), getattr(self, "_interrupter", None)
        self._token = self._interrupter = None
        if token is not None:
            self.probe_ctx.untrack(token)
        if interrupter is not None:
            interrupter.release()
        super().close()  # type: ignore[misc]


class _DialedHTTPConnection(_DialedConnectionMixin, urllib3.connection.HTTPConnection):
    def __init__(self, *args: Any, probe_ctx: ProbeContext, probe_tunnel: Tunnel | None = None,
                 **kwargs: Any) -> None:
        self.probe_ctx = probe_ctx
        self.probe_tunnel = probe_tunnel
        self._interrupter = self._token = None
        super().__init__(*args, **kwargs)


class _DialedHTTPSConnection(_DialedConnectionMixin, urllib3.connection.HTTPSConnection):
    def __init__(self, *args: Any, probe_ctx: ProbeContext, probe_tunnel: Tunnel | None = None,
                 **kwargs: Any) -> None:
        self.probe_ctx = probe_ctx
        self.probe_tunnel = probe_tunnel
        self._interrupter = self._token = None
        super().__init__(*args, **kwargs)


class _DialedHTTPPool(urllib3.connectionpool.HTTPConnectionPool):
    ConnectionCls = _DialedHTTPConnection


class _DialedHTTPSPool(urllib3.connectionpool.HTTPSConnectionPool):
    ConnectionCls = _DialedHTTPSConnection


class _InspectingHTTPSPool(_DialedHTTPSPool):
    """Unverified pool used only when the admin accepted untrusted servers; the probe reports it as a
    warning itself, so urllib3's process-wide InsecureRequestWarning is not raised."""

    def _validate_conn(self, conn: Any) -> None:
        urllib3.connectionpool.HTTPConnectionPool._validate_conn(self, conn)
        if conn.is_closed:
            conn.connect()


class _DialingAdapter(requests.adapters.HTTPAdapter):
    """Routes every request of its session to one resolved address, keeping SNI/name checks on the host.

    With a tunnel the address is the proxy's, and each connection opens the tunnel before TLS.
    """

    def __init__(self, ctx: ProbeContext, address: str, *, verified: bool, tunnel: Tunnel | None = None) -> None:
        self._probe_ctx = ctx
        self._address = address
        self._verified = verified
        self._tunnel = tunnel
        self._pools: list[urllib3.connectionpool.HTTPConnectionPool] = []
        super().__init__(max_retries=0, pool_connections=1, pool_maxsize=1)

    def get_connection_with_tls_context(self, request: requests.PreparedRequest, verify: Any,
                                        proxies: Any = None, cert: Any = None) -> Any:
        parts = urlsplit(request.url or "")
        timeout = self._probe_ctx.settings.http_timeout
        common: dict[str, Any] = {"maxsize": 1, "block": False, "retries": False,
                                  "timeout": urllib3.Timeout(connect=timeout, read=timeout),
                                  "probe_ctx": self._probe_ctx, "probe_tunnel": self._tunnel}
        port = self._tunnel.proxy.port if self._tunnel is not None else parts.port
        if parts.scheme == "https":
            context = trust_context(self._probe_ctx) if self._verified else inspect_context()
            kind = _DialedHTTPSPool if self._verified else _InspectingHTTPSPool
            pool: urllib3.connectionpool.HTTPConnectionPool = kind(
                self._address, port, ssl_context=context, server_hostname=parts.hostname,
                cert_reqs="CERT_REQUIRED" if self._verified else "CERT_NONE", **common)
        else:
            pool = _DialedHTTPPool(self._address, port, **common)
        self._pools.append(pool)
        return pool

    def cert_verify(self, conn: Any, url: str, verify: Any, cert: Any) -> None:
        """Trust is set on the pool's SSL context; requests must not add its own CA bundle to it."""

    def request_url(self, request: requests.PreparedRequest, proxies: Any) -> str:
        parts = urlsplit(request.url or "")
        return urlunsplit(("", "", parts.path or "/", parts.query, ""))

    def close(self) -> None:
        for pool in self._pools:
            pool.close()
        self._pools.clear()
        super().close()
