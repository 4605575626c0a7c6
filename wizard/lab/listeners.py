"""Socket plumbing shared by the lab's DNS, HTTPS and SIP servers: bind, accept, serve, stop promptly.

One acceptor thread waits on all listening sockets of a server (plus a wake-up socket, so stop()
does not wait for a poll interval); each accepted connection gets its own daemon thread, which is
still tracked and joined on stop. A thread blocked in recv() is not woken by closing the socket's
descriptor elsewhere, but it is by shutdown(): stop() shuts every live connection down first.
"""

from __future__ import annotations

import contextlib
import errno
import selectors
import socket
import threading
import time
from collections.abc import Callable, Sequence
from typing import TypeVar

SocketT = TypeVar("SocketT", bound=socket.socket)  # a socket or its wrapper (ssl.SSLSocket)

BIND_ATTEMPTS = 50
JOIN_TIMEOUT = 5.0


def bind_same_port(endpoints: Sequence[tuple[str, socket.SocketKind]], *, backlog: int = 64) -> list[socket.socket]:
    """Bind every (address, kind) on one port: port 0 on the first, that port on the rest.

    Another process may hold the chosen port on one of the other addresses; then everything is
    closed and tried again with a new port.
    """
    last: OSError | None = None
    for _ in range(BIND_ATTEMPTS):
        bound: list[socket.socket] = []
        try:
            port = 0
            for address, kind in endpoints:
                sock = socket.socket(socket.AF_INET, kind)
                bound.append(sock)
                if kind == socket.SOCK_STREAM:
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                sock.bind((address, port))
                port = sock.getsockname()[1]
                if kind == socket.SOCK_STREAM:
                    sock.listen(backlog)
                sock.setblocking(False)
            return bound
        except OSError as exc:
            for sock in bound:
                sock.close()
            if exc.errno != errno.EADDRINUSE:
                raise
            last = exc
    raise OSError(errno.EADDRINUSE, f"no free common port for {len(endpoints)} endpoints "
                  f"after {BIND_ATTEMPTS} attempts: {last}")


class Connection:
    """An accepted socket whose current wrapper (plain, then TLS) another thread can shut down."""

    def __init__(self, sock: socket.socket, peer: tuple[str, int]) -> None:
        self._sock = sock
        self.peer = peer
        self._lock = threading.Lock()

    @property
    def sock(self) -> socket.socket:
        with self._lock:
            return self._sock

    def upgrade(self, wrap: Callable[[socket.socket], SocketT]) -> SocketT:
        """Replace the socket by a wrapper (wrap must not do I/O: no handshake inside the lock)."""
        with self._lock:
            self._sock = wrap(self._sock)
            return self._sock

    def interrupt(self) -> None:
        """Wake whoever is blocked reading or writing: shut the descriptor down at the TCP level."""
        with self._lock, contextlib.suppress(OSError):
            socket.socket.shutdown(self._sock, socket.SHUT_RDWR)

    def close(self) -> None:
        with self._lock, contextlib.suppress(OSError):
            self._sock.close()


class ConnectionThreads:
    """One daemon thread per accepted connection; close_all() interrupts and joins them all."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self._lock = threading.Lock()
        self._live: dict[Connection, threading.Thread] = {}
        self._closing = False
        self._count = 0
        self.errors: list[str] = []  # unexpected exceptions in handlers (a lab bug; tests assert none)

    def start(self, sock: socket.socket, peer: tuple[str, int], serve: Callable[[Connection], None]) -> None:
        connection = Connection(sock, peer)
        with self._lock:
            if self._closing:
                connection.close()
                return
            self._count += 1
            thread = threading.Thread(target=self._run, args=(connection, serve), daemon=True,
                                      name=f"{self.prefix}-conn-{self._count}")
            self._live[connection] = thread
        thread.start()

    def _run(self, connection: Connection, serve: Callable[[Connection], None]) -> None:
        try:
            serve(connection)
        except OSError:
            pass  # the client went away or stop() shut the socket down: normal for a server
        except Exception as exc:  # a bug in the lab's own handler: keep it visible to the tests
            self.errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            connection.close()
            with self._lock:
                self._live.pop(connection, None)

    @property
    def active(self) -> int:
        with self._lock:
            return len(self._live)

    def close_all(self, timeout: float = JOIN_TIMEOUT) -> list[str]:
        """Refuse new connections, wake and join the live ones; returns names of threads still alive."""
        with self._lock:
            self._closing = True
            live = list(self._live.items())
        for connection, _ in live:
            connection.interrupt()
        deadline = time.monotonic() + timeout
        for _, thread in live:
            thread.join(max(0.0, deadline - time.monotonic()))
        return [thread.name for _, thread in live if thread.is_alive()]


class Acceptor:
    """A thread that waits on several sockets and calls each one's callback when it is readable.

    Callbacks run in the acceptor thread and must not block: accept and hand over, or answer one
    datagram.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        # The selector and the wake-up pair are made by start(): an acceptor that never starts (a server
        # built but not started, or one whose start failed) holds no descriptor that could leak.
        self._selector: selectors.BaseSelector | None = None
        self._wake: tuple[socket.socket, socket.socket] | None = None
        self._pending: list[tuple[socket.socket, Callable[[socket.socket], None]]] = []
        self._sockets: list[socket.socket] = []
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self.errors: list[str] = []

    def add(self, sock: socket.socket, on_ready: Callable[[socket.socket], None]) -> None:
        sock.setblocking(False)
        self._sockets.append(sock)
        if self._selector is None:
            self._pending.append((sock, on_ready))
        else:
            self._selector.register(sock, selectors.EVENT_READ, on_ready)

    def start(self) -> None:
        selector = selectors.DefaultSelector()
        wake_read, wake_write = socket.socketpair()
        wake_read.setblocking(False)
        selector.register(wake_read, selectors.EVENT_READ, None)
        for sock, on_ready in self._pending:
            selector.register(sock, selectors.EVENT_READ, on_ready)
        self._pending.clear()
        self._selector, self._wake = selector, (wake_read, wake_write)
        self._thread = threading.Thread(target=self._loop, args=(selector,), name=self.name, daemon=True)
        self._thread.start()

    def _loop(self, selector: selectors.BaseSelector) -> None:
        while not self._stopping.is_set():
            for key, _ in selector.select():
                if key.data is None:  # the wake-up socket
                    return
                try:
                    key.data(key.fileobj)
                except (BlockingIOError, InterruptedError, ConnectionError):
                    pass  # the peer vanished between readiness and accept/recv
                except Exception as exc:
                    self.errors.append(f"{type(exc).__name__}: {exc}")

    def stop(self, timeout: float = JOIN_TIMEOUT) -> bool:
        """Stop accepting, close the listening sockets; True when the thread has ended."""
        self._stopping.set()
        if self._wake is not None:
            with contextlib.suppress(OSError):
                self._wake[1].send(b"x")
        stopped = True
        if self._thread is not None:
            self._thread.join(timeout)
            stopped = not self._thread.is_alive()
        for sock in self._sockets:
            if self._selector is not None:
                with contextlib.suppress(Exception):
                    self._selector.unregister(sock)
            sock.close()
        self._pending.clear()
        if self._selector is not None:
            self._selector.close()
        for wake in self._wake or ():
            wake.close()
        return stopped


def accept_into(threads: ConnectionThreads, serve: Callable[[Connection], None]) -> Callable[[socket.socket], None]:
    """An Acceptor callback: accept one connection and serve it on its own thread."""

    def on_ready(listener: socket.socket) -> None:
        sock, peer = listener.accept()
        sock.setblocking(True)
        threads.start(sock, peer, serve)

    return on_ready
