"""HTTPS (and SIP-over-TLS) listeners for the simulated machines, all on one port per protocol.

Every web machine gets a ThreadingHTTPServer bound to its own loopback address; all of them share
one port chosen free at start, so the probes only need to know "443 is port N in this lab". The TLS
certificate is chosen from the SNI name (sni_callback), the response from the Host header, as IIS
and HTTP.sys do. The TLS handshake happens on the connection's own thread, never in the acceptor,
and injected latency is an interruptible wait on that thread only. A machine's wire faults (from
LabConfig.wire_faults) replace its proper behaviour for a connection or one path (see wire.py).
"""

from __future__ import annotations

import collections
import contextlib
import socket
import ssl
import threading
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from wizard.lab import wire
from wizard.lab.deployment import Machine
from wizard.lab.faults import CONNECTION_WIRE, Wire, WireFault
from wizard.lab.listeners import Acceptor, Connection, ConnectionThreads, accept_into, bind_same_port

HANDSHAKE_TIMEOUT = 5.0
IDLE_TIMEOUT = 5.0
MAX_REQUEST_BODY = 1024 * 1024
SERVER_HEADER = "Microsoft-IIS/10.0"


@dataclass(frozen=True)
class HttpRequest:
    method: str
    host: str  # from the Host header, lower case, without port
    path: str  # without the query string
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-case names
    body: bytes
    sni: str = ""

    def param(self, name: str) -> str:
        """A query parameter, case-insensitively by name (as ASP.NET reads them)."""
        for key, values in self.query.items():
            if key.lower() == name.lower() and values:
                return values[0]
        return ""


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: tuple[tuple[str, str], ...] = ()  # repeated names allowed (two WWW-Authenticate headers)
    body: bytes = b""
    close: bool = False  # drop the connection after this response


@dataclass(frozen=True)
class TlsBinding:
    """A certificate (leaf + chain + key in one PEM file) and the names it is meant for."""

    names: tuple[str, ...]
    pem_path: str
    legacy_only: bool = False  # offer only TLS 1.0/1.1, as a server with TLS 1.2 disabled in SCHANNEL does


@dataclass(frozen=True)
class Exchange:
    """One served request, for tests and the demo's log."""

    machine: str
    method: str
    host: str
    path: str
    status: int


Responder = Callable[[Machine, HttpRequest], HttpResponse]


def server_context(bindings: Sequence[TlsBinding]) -> ssl.SSLContext:
    """The machine's default TLS context; sni_callback switches to the binding that names the host."""
    contexts: list[tuple[tuple[str, ...], ssl.SSLContext]] = []
    for binding in bindings:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        if binding.legacy_only:
            _legacy_versions_only(context)
        else:
            context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_cert_chain(binding.pem_path)
        contexts.append((tuple(n.lower() for n in binding.names), context))
    default = contexts[0][1]

    def pick(ssl_socket: ssl.SSLObject | ssl.SSLSocket, server_name: str | None, _: ssl.SSLContext) -> None:
        if not server_name:
            return
        wanted = server_name.lower().rstrip(".")
        parent = "*." + wanted.split(".", 1)[-1]
        for names, context in contexts:
            if wanted in names or parent in names:
                if context is not default:
                    ssl_socket.context = context
                return

    default.sni_callback = pick
    return default


def _legacy_versions_only(context: ssl.SSLContext) -> None:
    """TLS 1.0 and 1.1 only, with the security level OpenSSL 3 needs to sign such handshakes at all.

    Python deprecates naming those versions; the lab names them on purpose, so that one warning is
    silenced here (lab start, one thread) rather than in every test that starts the fault.
    """
    context.set_ciphers("DEFAULT:@SECLEVEL=0")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        context.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
        context.maximum_version = ssl.TLSVersion.TLSv1_1


class _Handler(BaseHTTPRequestHandler):
    """Turns one HTTP/1.1 request into an HttpRequest and writes the lab's HttpResponse."""

    protocol_version = "HTTP/1.1"
    timeout = IDLE_TIMEOUT
    server: LabHttpServer

    def version_string(self) -> str:
        return SERVER_HEADER

    def log_message(self, format: str, *args: object) -> None:
        return  # the farm keeps its own structured log

    def do_GET(self) -> None:
        self._dispatch()

    do_POST = do_HEAD = do_PUT = do_DELETE = do_OPTIONS = do_PATCH = do_GET  # noqa: N815 (the base class's names)

    def _dispatch(self) -> None:
        if "transfer-encoding" in {k.lower() for k in self.headers}:
            self._write(HttpResponse(501, (("Content-Type", "text/html"),), b"Chunked requests are not supported.",
                                     close=True))
            return
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_REQUEST_BODY:
            self._write(HttpResponse(413 if length > 0 else 400, close=True))
            return
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        host = (self.headers.get("Host") or "").strip().lower()
        host = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
        request = HttpRequest(
            method=self.command, host=host.rstrip("."), path=parts.path or "/",
            query=parse_qs(parts.query, keep_blank_values=True),
            headers={k.lower(): v for k, v in self.headers.items()}, body=body)
        fault = self.server.farm.wire_fault(self.server.machine, request.path)
        if fault is not None and fault.behaviour is Wire.REDIRECT:
            response = HttpResponse(302, (("Location", fault.location), ("Content-Type", "text/html")),
                                    b"<head><title>Document Moved</title></head><body><h1>Object Moved</h1></body>")
        else:
            response = self.server.farm.respond(self.server.machine, request)
        if self.server.farm.wait_latency():
            self.close_connection = True
            return
        if fault is not None and fault.behaviour is not Wire.REDIRECT:
            self.close_connection = True
            wire.misbehave(self.connection, self.wfile, fault, status=response.status, headers=response.headers,
                           body=response.body, server=SERVER_HEADER, date=self.date_time_string(),
                           stopping=self.server.farm.stopping)
            self.server.farm.log(Exchange(self.server.machine.key, self.command, self.headers.get("Host", ""),
                                          self.path, response.status))
            return
        self._write(response)

    def _write(self, response: HttpResponse) -> None:
        self.send_response(response.status)
        names = {name.lower() for name, _ in response.headers}
        for name, value in response.headers:
            self.send_header(name, value)
        if "content-length" not in names:
            self.send_header("Content-Length", str(len(response.body)))
        if response.close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if self.command != "HEAD" and response.body:
            self.wfile.write(response.body)
        self.server.farm.log(Exchange(self.server.machine.key, self.command, self.headers.get("Host", ""),
                                      self.path, response.status))


class LabHttpServer(ThreadingHTTPServer):
    """A ThreadingHTTPServer on a pre-bound socket whose connection threads the farm owns."""

    daemon_threads = True

    def __init__(self, sock: socket.socket, machine: Machine, context: ssl.SSLContext, farm: HttpsFarm) -> None:
        super().__init__(sock.getsockname(), _Handler, bind_and_activate=False)
        self.socket.close()
        self.socket = sock
        self.machine = machine
        self.context = context
        self.farm = farm

    def serve_connection(self, connection: Connection) -> None:
        """Handshake (on this connection's thread), then let the handler read requests until close."""
        fault = self.farm.wire_fault(self.machine, None)
        if fault is not None:  # silent, or a drip of the handshake: no request is ever read
            wire.before_request(connection.sock, self.context, fault, self.farm.stopping)
            return
        connection.sock.settimeout(HANDSHAKE_TIMEOUT)
        tls = connection.upgrade(lambda s: self.context.wrap_socket(s, server_side=True,
                                                                    do_handshake_on_connect=False))
        try:
            tls.do_handshake()
        except (ssl.SSLError, OSError) as exc:
            self.farm.handshake_failures.append(f"{self.machine.key}: {exc}")
            return
        self.finish_request(tls, connection.peer)


class HttpsFarm:
    """Every web machine's HTTPS server on a common port, plus SIP/TLS listeners on another."""

    def __init__(self, web: Sequence[tuple[Machine, Sequence[TlsBinding]]],
                 sip: Sequence[tuple[Machine, Sequence[TlsBinding]]], responder: Responder,
                 *, latency_ms: int = 0, wire_faults: Sequence[WireFault] = ()) -> None:
        self._web = list(web)
        self.wire_faults = tuple(wire_faults)
        self._sip = list(sip)
        self._responder = responder
        self.latency = latency_ms / 1000
        self._stopping = threading.Event()
        self._threads = ConnectionThreads("lab-https")
        self._acceptor = Acceptor("lab-https")
        self.servers: list[LabHttpServer] = []
        self.https_port = 0
        self.sip_port = 0
        self._log: collections.deque[Exchange] = collections.deque(maxlen=2000)
        self._log_lock = threading.Lock()
        self.handshake_failures: collections.deque[str] = collections.deque(maxlen=200)  # e.g. untrusted cert
        self.responder_errors: list[str] = []
        self.delayed_now = 0  # responses currently held back by the injected latency

    def start(self) -> HttpsFarm:
        web_sockets = bind_same_port([(m.address, socket.SOCK_STREAM) for m, _ in self._web])
        sip_sockets: list[socket.socket] = []
        try:
            if self._sip:
                sip_sockets = bind_same_port([(m.address, socket.SOCK_STREAM) for m, _ in self._sip])
            self.https_port = web_sockets[0].getsockname()[1]
            for sock, (machine, bindings) in zip(web_sockets, self._web, strict=True):
                server = LabHttpServer(sock, machine, server_context(bindings), self)
                self.servers.append(server)
                self._acceptor.add(sock, accept_into(self._threads, server.serve_connection))
            for sock, (_, bindings) in zip(sip_sockets, self._sip, strict=True):
                self.sip_port = sock.getsockname()[1]
                self._acceptor.add(sock, accept_into(self._threads, _sip_session(server_context(bindings))))
        except BaseException:
            self._acceptor.stop()  # closes what was registered, and its own wake-up sockets
            for sock in (*web_sockets, *sip_sockets):
                sock.close()
            raise
        self._acceptor.start()
        return self

    def stop(self) -> list[str]:
        """Stop accepting, interrupt latency waits and live connections, join every thread."""
        self._stopping.set()
        stuck = [] if self._acceptor.stop() else [self._acceptor.name]
        stuck += self._threads.close_all()
        for server in self.servers:
            with contextlib.suppress(OSError):
                server.server_close()
        return stuck

    # ----- used by the handler threads -----
    @property
    def stopping(self) -> threading.Event:
        return self._stopping

    def wire_fault(self, machine: Machine, path: str | None) -> WireFault | None:
        """The machine's wire fault for a new connection (path None) or for a request for `path`."""
        for fault in self.wire_faults:
            if (path is None) == (fault.behaviour in CONNECTION_WIRE) and fault.matches(machine.key, path or ""):
                return fault
        return None

    def respond(self, machine: Machine, request: HttpRequest) -> HttpResponse:
        try:
            return self._responder(machine, request)
        except Exception as exc:  # a lab bug: answer like IIS would and keep it visible to tests
            self.responder_errors.append(f"{machine.key} {request.method} {request.path}: {type(exc).__name__}: {exc}")
            return HttpResponse(500, (("Content-Type", "text/html"),), b"<h1>500 - Internal server error.</h1>")

    def wait_latency(self) -> bool:
        """Sleep the injected latency on the calling thread; True when the lab stopped meanwhile."""
        if self.latency <= 0:
            return self._stopping.is_set()
        with self._log_lock:
            self.delayed_now += 1
        try:
            return self._stopping.wait(self.latency)
        finally:
            with self._log_lock:
                self.delayed_now -= 1

    def log(self, exchange: Exchange) -> None:
        with self._log_lock:
            self._log.append(exchange)

    @property
    def exchanges(self) -> list[Exchange]:
        with self._log_lock:
            return list(self._log)

    @property
    def active_connections(self) -> int:
        return self._threads.active

    @property
    def errors(self) -> list[str]:
        return self._acceptor.errors + self._threads.errors + self.responder_errors


def _sip_session(context: ssl.SSLContext) -> Callable[[Connection], None]:
    """A SIP/TLS endpoint that completes the handshake (so certificates can be checked), then hangs up."""

    def serve(connection: Connection) -> None:
        connection.sock.settimeout(HANDSHAKE_TIMEOUT)
        tls = connection.upgrade(lambda s: context.wrap_socket(s, server_side=True, do_handshake_on_connect=False))
        with contextlib.suppress(ssl.SSLError, OSError):
            tls.do_handshake()

    return serve

