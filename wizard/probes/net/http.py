"""HTTPS that dials the address the chosen resolver returned, with SNI and name checks for the real host.

requests with a transport adapter: each hop's host is resolved through the run's DnsClient and the
urllib3 pool connects to that address while TLS uses the host name (server_hostname) and the run's
trust context. No global socket.getaddrinfo patching, no proxies or CA paths from the environment,
a size cap on every body, redirects followed by hand (re-resolved, counted, loops detected).
"""

from __future__ import annotations

import time
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import requests
import requests.adapters
import urllib3
import urllib3.connection
import urllib3.connectionpool
import urllib3.exceptions

from wizard.probes.context import ProbeContext
from wizard.probes.formats import json_safe
from wizard.probes.net import sockets
from wizard.probes.net.dns import DnsClient
from wizard.probes.net.errors import (
    BadDocumentError,
    ConnectError,
    HttpProtocolError,
    NetError,
    RedirectError,
    TlsError,
    TlsNameError,
    TlsTrustError,
    TooLargeError,
    WaitTimeoutError,
)
from wizard.probes.net.tls import explain, inspect_context, trust_context

USER_AGENT = "sfb-exchange-wizard (verification probe)"

# Answers read only because the admin accepted untrusted TLS, noted for the probe that is running in
# this thread's context (set by the probe boundary), so its result can become a warning.
UNTRUSTED_SEEN: ContextVar[list[str] | None] = ContextVar("untrusted_seen", default=None)
CHUNK = 64 * 1024
REDIRECT_STATUSES = {301, 302, 303, 307, 308}


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
                target = urljoin(current, response.header("Location") or "")
                trail.append(f"{response.status} {current} -> {target}")
                visited.append(current)
                if urlsplit(target).scheme not in ("https", "http"):
                    raise RedirectError(f"{current} redirects to {target}, which is not a web address",
                                        target=current)
                if urlsplit(current).scheme == "https" and urlsplit(target).scheme == "http":
                    raise RedirectError(f"{current} redirects to plain HTTP ({target}); refusing to downgrade",
                                        target=current)
                if target in visited:
                    raise RedirectError("redirect loop: " + " -> ".join([*visited, target]), target=url)
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
        host = parts.hostname
        port = self.port_for(url)
        dial = address or self._dns.addresses(host).addresses[0]
        timeout = self._ctx.settings.http_timeout
        adapter = _DialingAdapter(self._ctx, dial, verified=verified)
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
        deadline = time.monotonic() + timeout
        with session:
            try:
                answer = session.send(prepared, stream=True, timeout=(timeout, timeout),
                                      allow_redirects=False, verify=verified)
            except requests.exceptions.SSLError as exc:
                self._ctx.check()
                raise explain(self._ctx, exc, host, dial, port) from None  # names version, size, dates
            except requests.exceptions.Timeout:
                self._ctx.check()
                raise WaitTimeoutError(f"{url} did not answer within {timeout:g} s", target=url) from None
            except requests.exceptions.RequestException as exc:
                self._ctx.check()
                raise _connection_problem(exc, url) from None
            with answer:
                data = self._read(answer, url, deadline)
                return HttpResponse(
                    url=url, status=answer.status_code, reason=answer.reason or "",
                    headers=tuple(answer.raw.headers.iteritems()), body=data, address=dial)

    def _read(self, answer: requests.Response, url: str, deadline: float) -> bytes:
        cap = self._ctx.settings.max_bytes
        chunks: list[bytes] = []
        size = 0
        try:
            while True:
                self._ctx.check()
                if time.monotonic() > deadline:
                    raise WaitTimeoutError(f"{url} kept sending for longer than "
                                           f"{self._ctx.settings.http_timeout:g} s", target=url)
                chunk = answer.raw.read(CHUNK, decode_content=False)
                if not chunk:
                    break
                size += len(chunk)
                if size > cap:
                    raise TooLargeError(f"{url} sent more than {cap} bytes; stopped reading", target=url)
                chunks.append(chunk)
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            self._ctx.check()
            if isinstance(exc, (urllib3.exceptions.ReadTimeoutError, TimeoutError)):
                raise WaitTimeoutError(f"{url} stopped sending before the answer was complete", target=url) from None
            raise HttpProtocolError(f"{url} broke off the answer: {_root(exc)}", target=url) from None
        return b"".join(chunks)


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


def _connection_problem(exc: requests.exceptions.RequestException, url: str) -> NetError:
    text = _root(exc)
    if isinstance(exc, requests.exceptions.ConnectionError):
        lowered = text.lower()
        if any(w in lowered for w in ("remotedisconnected", "connection aborted", "connection reset",
                                      "closed connection", "badstatusline", "protocol")):
            return HttpProtocolError(f"{url} closed the connection without a valid HTTP answer ({text})", target=url)
        return ConnectError(f"cannot connect to {url}: {text}", target=url)
    return HttpProtocolError(f"{url}: {text}", target=url)


class _DialedConnectionMixin:
    """Connect to the pool's (already resolved) address with the cancellable connect, and register it."""

    probe_ctx: ProbeContext
    _interrupter: sockets.Interrupter | None
    _token: int | None

    def _new_conn(self) -> Any:
        conn: Any = self
        sock = sockets.connect(self.probe_ctx, conn.host, conn.port, float(conn.timeout or 10.0),
                               host=getattr(conn, "server_hostname", None) or conn.host)
        interrupter = sockets.Interrupter(sock)
        try:
            self._token = self.probe_ctx.track(interrupter)
        except BaseException:
            sock.close()
            raise
        self._interrupter = interrupter
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
    def __init__(self, *args: Any, probe_ctx: ProbeContext, **kwargs: Any) -> None:
        self.probe_ctx = probe_ctx
        self._interrupter = self._token = None
        super().__init__(*args, **kwargs)


class _DialedHTTPSConnection(_DialedConnectionMixin, urllib3.connection.HTTPSConnection):
    def __init__(self, *args: Any, probe_ctx: ProbeContext, **kwargs: Any) -> None:
        self.probe_ctx = probe_ctx
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
    """Routes every request of its session to one resolved address, keeping SNI/name checks on the host."""

    def __init__(self, ctx: ProbeContext, address: str, *, verified: bool) -> None:
        self._probe_ctx = ctx
        self._address = address
        self._verified = verified
        self._pools: list[urllib3.connectionpool.HTTPConnectionPool] = []
        super().__init__(max_retries=0, pool_connections=1, pool_maxsize=1)

    def get_connection_with_tls_context(self, request: requests.PreparedRequest, verify: Any,
                                        proxies: Any = None, cert: Any = None) -> Any:
        parts = urlsplit(request.url or "")
        timeout = self._probe_ctx.settings.http_timeout
        common: dict[str, Any] = {"maxsize": 1, "block": False, "retries": False,
                                  "timeout": urllib3.Timeout(connect=timeout, read=timeout),
                                  "probe_ctx": self._probe_ctx}
        if parts.scheme == "https":
            context = trust_context(self._probe_ctx) if self._verified else inspect_context()
            kind = _DialedHTTPSPool if self._verified else _InspectingHTTPSPool
            pool: urllib3.connectionpool.HTTPConnectionPool = kind(
                self._address, parts.port, ssl_context=context, server_hostname=parts.hostname,
                cert_reqs="CERT_REQUIRED" if self._verified else "CERT_NONE", **common)
        else:
            pool = _DialedHTTPPool(self._address, parts.port, **common)
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
