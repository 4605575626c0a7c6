"""The lab's HTTP proxy: the way out of an enterprise PC that reaches Microsoft 365 only through a proxy.

It answers CONNECT the way corporate proxies do, or misbehaves the ways they do: it opens the tunnel
(optionally only with Basic credentials, answering 407 with the sign-in schemes it offers), refuses by
its rules (403), cannot reach the endpoint itself (502), accepts the connection and never answers,
or is not an HTTP proxy at all. It resolves the names it is asked for from the lab's own machines,
as a real proxy resolves internet names, and records every CONNECT it was asked for, so tests can
prove that only Microsoft's endpoints go through it and the organisation's servers never do.
"""

from __future__ import annotations

import base64
import contextlib
import selectors
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from wizard.lab.listeners import Acceptor, Connection, ConnectionThreads, accept_into, bind_same_port

PROXY_ADDRESS = "127.77.0.250"
MAX_HEAD = 16 * 1024
RELAY_CHUNK = 64 * 1024


class ProxyBehaviour(StrEnum):
    OPEN = "open"  # opens the tunnel
    REFUSE = "refuse"  # 403: its rules do not allow the destination
    SIGN_IN = "sign-in"  # 407 unless the right Basic credentials are sent
    BAD_GATEWAY = "bad-gateway"  # 502: it cannot reach the endpoint itself
    SILENT = "silent"  # accepts the connection, never answers
    NOT_HTTP = "not-http"  # something else listens on the proxy's port


@dataclass(frozen=True)
class ConnectSeen:
    """One CONNECT the proxy was asked for: the authority, and whether credentials came with it."""

    authority: str
    credentials: str  # the user name of Basic credentials ("" when none were sent)


class LabProxy:
    """An HTTP proxy on the lab's loopback address; `resolve` maps a name to the lab machine's address."""

    def __init__(self, resolve: Callable[[str], str | None], *, behaviour: ProxyBehaviour = ProxyBehaviour.OPEN,
                 user: str = "helpdesk", password: str = "Pa55:word", schemes: tuple[str, ...] = (
                     "Negotiate", "NTLM", 'Basic realm="Contoso proxy"')) -> None:
        self._resolve = resolve
        self.behaviour = behaviour
        self._expected = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        self._schemes = schemes
        self._threads = ConnectionThreads("lab-proxy")
        self._acceptor = Acceptor("lab-proxy")
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._seen: list[ConnectSeen] = []
        self.address = PROXY_ADDRESS
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://{self.address}:{self.port}"

    @property
    def seen(self) -> list[ConnectSeen]:
        with self._lock:
            return list(self._seen)

    @property
    def errors(self) -> list[str]:
        return self._threads.errors + self._acceptor.errors

    def start(self) -> LabProxy:
        (sock,) = bind_same_port([(self.address, socket.SOCK_STREAM)])
        self.port = sock.getsockname()[1]
        self._acceptor.add(sock, accept_into(self._threads, self._serve))
        self._acceptor.start()
        return self

    def stop(self) -> list[str]:
        self._stopping.set()
        stuck = [] if self._acceptor.stop() else [self._acceptor.name]
        return stuck + self._threads.close_all()

    def __enter__(self) -> LabProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ----- one connection -----
    def _serve(self, connection: Connection) -> None:
        sock = connection.sock
        head = _read_head(sock)
        if head is None:
            return
        if self.behaviour is ProxyBehaviour.NOT_HTTP:  # after the request: the answer, not a reset, is tested
            sock.sendall(b"SSH-2.0-OpenSSH_9.6\r\n")
            return
        request_line, headers = head
        method, _, rest = request_line.partition(" ")
        authority = rest.split(" ", 1)[0]
        credentials = headers.get("proxy-authorization", "")
        with self._lock:
            self._seen.append(ConnectSeen(authority, _user_of(credentials)))
        if self.behaviour is ProxyBehaviour.SILENT:
            self._stopping.wait()
            return
        if method.upper() != "CONNECT":
            _answer(sock, "405 Method Not Allowed")
            return
        if self.behaviour is ProxyBehaviour.REFUSE:
            _answer(sock, "403 Forbidden", "X-Squid-Error: ERR_ACCESS_DENIED 0")
            return
        if self.behaviour is ProxyBehaviour.SIGN_IN and credentials != self._expected:
            _answer(sock, "407 Proxy Authentication Required",
                    *(f"Proxy-Authenticate: {scheme}" for scheme in self._schemes))
            return
        if self.behaviour is ProxyBehaviour.BAD_GATEWAY:
            _answer(sock, "502 Bad Gateway")
            return
        host, _, port = authority.rpartition(":")
        address = self._resolve(host.strip("[]").lower())
        if address is None or not port.isdigit():
            _answer(sock, "502 Bad Gateway")
            return
        try:
            upstream = socket.create_connection((address, int(port)), timeout=5)
        except OSError:
            _answer(sock, "504 Gateway Timeout")
            return
        with upstream:
            _answer(sock, "200 Connection established")
            _relay(sock, upstream, self._stopping)


def _read_head(sock: socket.socket) -> tuple[str, dict[str, str]] | None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk or len(data) > MAX_HEAD:
            return None
        data += chunk
    text = data.split(b"\r\n\r\n", 1)[0].decode("iso-8859-1")
    request_line, *lines = text.split("\r\n")
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return request_line, headers


def _answer(sock: socket.socket, status: str, *headers: str) -> None:
    lines = [f"HTTP/1.1 {status}", *headers, "Content-Length: 0"]
    sock.sendall(b"".join(line.encode("iso-8859-1") + b"\r\n" for line in lines) + b"\r\n")


def _user_of(credentials: str) -> str:
    scheme, _, token = credentials.partition(" ")
    if scheme.lower() != "basic":
        return ""
    with contextlib.suppress(ValueError):
        return base64.b64decode(token, validate=True).decode("utf-8", "replace").split(":", 1)[0]
    return ""


def _relay(client: socket.socket, upstream: socket.socket, stopping: threading.Event) -> None:
    """Copy bytes both ways until either side closes (or the lab stops)."""
    with selectors.DefaultSelector() as selector:
        selector.register(client, selectors.EVENT_READ, upstream)
        selector.register(upstream, selectors.EVENT_READ, client)
        while not stopping.is_set():
            for key, _ in selector.select(timeout=0.5):
                source: socket.socket = key.fileobj  # type: ignore[assignment]
                data = source.recv(RELAY_CHUNK)
                if not data:
                    return
                key.data.sendall(data)
