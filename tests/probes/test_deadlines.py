"""One wall-clock deadline per network operation, against small misbehaving servers on real loopback sockets.

Each server here misbehaves in a way per-read timeouts cannot catch (silence after accept, a byte
every 0.2 s) or in a way that must not read as "cannot connect" (an SSH banner, 500 headers, a
reset). Every case asserts the error's class, cause and words, and that it ended within its
deadline plus a margin.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from tests.probes.conftest import context_for
from tests.probes.loopback import DnsBehaviour, SilentListener, StubDns
from wizard.probes.context import CancelledError, ProbeContext, ProbeSettings
from wizard.probes.deadlines import IDLE_EXIT, Stage, Watchdog
from wizard.probes.net import sockets, tls
from wizard.probes.net.errors import (
    ConnectError,
    HttpProtocolError,
    NetError,
    NotHttpError,
    WaitTimeoutError,
)
from wizard.probes.net.http import HttpClient
from wizard.probes.result import Cause

TIMEOUT = 1.0
MARGIN = 1.5
DRIP = 0.2  # far below TIMEOUT: a per-read timeout of TIMEOUT would never trip
HOST = "www.contoso.com"
Script = Callable[[socket.socket, threading.Event], None]


class ScriptedServer:
    """A TCP server on 127.0.0.1 that runs `script` for every connection, each on its own thread."""

    def __init__(self, script: Script) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.05)
        self.port = self.listener.getsockname()[1]
        self.stopping = threading.Event()
        self.sent = 0  # bytes the scripts sent, to show that the drip really dripped
        self._script = script
        self._threads: list[threading.Thread] = []
        self._accept = threading.Thread(target=self._serve, name="scripted-accept")
        self._accept.start()

    def _serve(self) -> None:
        while not self.stopping.is_set():
            try:
                conn, _ = self.listener.accept()
            except (TimeoutError, OSError):
                continue
            thread = threading.Thread(target=self._run, args=(conn,), name="scripted-conn")
            self._threads.append(thread)
            thread.start()

    def _run(self, conn: socket.socket) -> None:
        with conn, contextlib.suppress(OSError):
            self._script(conn, self.stopping)

    def drip(self, conn: socket.socket, data: bytes) -> None:
        for index in range(len(data)):
            conn.sendall(data[index:index + 1])
            self.sent += 1
            if self.stopping.wait(DRIP):
                return

    def stop(self) -> None:
        self.stopping.set()
        self._accept.join(5)
        for thread in self._threads:
            thread.join(5)
        self.listener.close()


def read_request(conn: socket.socket) -> None:
    conn.settimeout(5)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            raise OSError("client went away")
        data += chunk


HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n"


@pytest.fixture
def dns(dns_server: Callable[[DnsBehaviour], StubDns]) -> StubDns:
    return dns_server(DnsBehaviour(records={(f"{HOST}.", "A"): ["127.0.0.1"]}))


@pytest.fixture
def serve() -> Iterator[Callable[[Script], ScriptedServer]]:
    started: list[ScriptedServer] = []

    def start(script: Script) -> ScriptedServer:
        server = ScriptedServer(script)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def fetch_error(dns: StubDns, url: str, **settings: object) -> tuple[NetError, float]:
    """The error a fetch ends with, and how long it took."""
    client = HttpClient(context_for(dns, http_timeout=TIMEOUT, **settings))
    started = time.monotonic()
    with pytest.raises(NetError) as caught:
        client.fetch(url)
    return caught.value, time.monotonic() - started


# ------------------------------------------------------------------------------ silent and dripping
def test_fetch_from_a_server_that_accepts_and_never_speaks_ends_at_the_deadline(dns: StubDns) -> None:
    silent = SilentListener("127.0.0.1")
    try:
        error, took = fetch_error(dns, f"https://{HOST}:{silent.port}/metadata/json/1")
    finally:
        silent.stop()
    assert isinstance(error, WaitTimeoutError) and error.cause is Cause.TIMEOUT
    assert f"{HOST} (127.0.0.1) accepted the connection on port {silent.port} but did not complete a TLS " \
           f"handshake within {TIMEOUT:g} s" in str(error)
    assert TIMEOUT - 0.1 < took < TIMEOUT + MARGIN


def test_tls_handshake_probe_with_a_silent_server_ends_at_the_deadline(silent_listener: SilentListener) -> None:
    ctx = ProbeContext(ProbeSettings(http_timeout=TIMEOUT))
    started = time.monotonic()
    with pytest.raises(WaitTimeoutError, match="did not complete a TLS handshake within 1 s"):
        tls.handshake(ctx, HOST, "127.0.0.1", silent_listener.port)
    assert time.monotonic() - started < TIMEOUT + MARGIN


def test_a_dripped_tls_handshake_ends_at_the_deadline(serve: Callable[[Script], ScriptedServer]) -> None:
    def drip_server_hello(conn: socket.socket, stopping: threading.Event) -> None:
        conn.recv(65536)  # the ClientHello
        # A handshake record header announcing 16 kB, then its body a byte at a time: every read
        # gets data within DRIP seconds, the record never completes.
        server.drip(conn, b"\x16\x03\x03\x40\x00" + b"\x02" * 16384)

    server = serve(drip_server_hello)
    ctx = ProbeContext(ProbeSettings(http_timeout=TIMEOUT))
    started = time.monotonic()
    with pytest.raises(WaitTimeoutError, match="did not complete a TLS handshake within 1 s") as caught:
        tls.handshake(ctx, HOST, "127.0.0.1", server.port)
    assert time.monotonic() - started < TIMEOUT + MARGIN
    assert caught.value.cause is Cause.TIMEOUT
    assert server.sent >= 3  # it did drip: a per-read timeout would have waited for ever


def test_headers_dripped_byte_by_byte_end_at_the_deadline(dns: StubDns,
                                                          serve: Callable[[Script], ScriptedServer]) -> None:
    def drip_headers(conn: socket.socket, stopping: threading.Event) -> None:
        read_request(conn)
        server.drip(conn, HEAD + b"{}".ljust(200))

    server = serve(drip_headers)
    url = f"http://{HOST}:{server.port}/metadata/json/1"
    error, took = fetch_error(dns, url)
    assert isinstance(error, WaitTimeoutError)
    assert f"{HOST} (127.0.0.1) sent the headers of its answer for {url} too slowly: not complete after 1 s" \
        in str(error)
    assert "bytes received" in str(error)
    assert took < TIMEOUT + MARGIN


def test_a_body_dripped_byte_by_byte_ends_at_the_deadline(dns: StubDns,
                                                         serve: Callable[[Script], ScriptedServer]) -> None:
    def drip_body(conn: socket.socket, stopping: threading.Event) -> None:
        read_request(conn)
        conn.sendall(HEAD)
        server.drip(conn, b"{}".ljust(200))

    server = serve(drip_body)
    url = f"http://{HOST}:{server.port}/metadata/json/1"
    error, took = fetch_error(dns, url)
    assert isinstance(error, WaitTimeoutError) and error.cause is Cause.TIMEOUT
    assert f"was still sending the body of its answer for {url} after 1 s" in str(error)
    assert took < TIMEOUT + MARGIN


def test_a_server_that_takes_the_request_and_never_answers_ends_at_the_deadline(
        dns: StubDns, serve: Callable[[Script], ScriptedServer]) -> None:
    def take_and_hold(conn: socket.socket, stopping: threading.Event) -> None:
        read_request(conn)
        stopping.wait(30)

    server = serve(take_and_hold)
    url = f"http://{HOST}:{server.port}/metadata/json/1"
    error, took = fetch_error(dns, url)
    assert isinstance(error, WaitTimeoutError)
    assert f"accepted the request for {url} but did not answer within 1 s" in str(error)
    assert took < TIMEOUT + MARGIN


def test_the_deadline_covers_the_whole_answer_not_each_read(dns: StubDns,
                                                           serve: Callable[[Script], ScriptedServer]) -> None:
    """Headers in half the time and the body in the other half still add up to one deadline."""
    def slow_but_steady(conn: socket.socket, stopping: threading.Event) -> None:
        read_request(conn)
        stopping.wait(TIMEOUT * 0.6)
        conn.sendall(HEAD)
        stopping.wait(TIMEOUT * 0.6)
        conn.sendall(b"{}".ljust(200))

    server = serve(slow_but_steady)
    error, took = fetch_error(dns, f"http://{HOST}:{server.port}/doc")
    assert isinstance(error, WaitTimeoutError) and "was still sending the body" in str(error)
    assert took < TIMEOUT + MARGIN


# ------------------------------------------------------------------------------ answers that are not HTTP
def test_an_ssh_banner_is_not_http_and_not_cannot_connect(dns: StubDns,
                                                          serve: Callable[[Script], ScriptedServer]) -> None:
    def ssh(conn: socket.socket, stopping: threading.Event) -> None:
        read_request(conn)
        conn.sendall(b"SSH-2.0-OpenSSH_9.6\r\n\x00\x01\x02\x1b[2J")

    server = serve(ssh)
    error, took = fetch_error(dns, f"http://{HOST}:{server.port}/doc")
    assert isinstance(error, NotHttpError) and not isinstance(error, ConnectError)
    assert error.cause is Cause.BAD_ANSWER and error.finding
    assert "but not in HTTP: its answer begins 'SSH-2.0-OpenSSH_9.6' (an SSH server answers on this port?)" \
        in str(error)
    assert "cannot connect" not in str(error) and "firewall" not in error.remediation.lower()
    assert took < TIMEOUT + MARGIN


def test_binary_garbage_is_quoted_escaped(dns: StubDns, serve: Callable[[Script], ScriptedServer]) -> None:
    def garbage(conn: socket.socket, stopping: threading.Event) -> None:
        read_request(conn)
        conn.sendall(b"\x1b]0;owned\x07\xe2\x80\xae\x00\xff\r\n")

    server = serve(garbage)
    error, _ = fetch_error(dns, f"http://{HOST}:{server.port}/doc")
    assert isinstance(error, NotHttpError)
    assert "\x1b" not in str(error) and "\x07" not in str(error) and "\\x1b]0;owned" in str(error)


def test_five_hundred_headers_are_a_bad_answer_not_a_crash(dns: StubDns,
                                                          serve: Callable[[Script], ScriptedServer]) -> None:
    def many(conn: socket.socket, stopping: threading.Event) -> None:
        read_request(conn)
        lines = b"".join(b"X-Filler-%03d: %d\r\n" % (i, i) for i in range(500))
        conn.sendall(b"HTTP/1.1 200 OK\r\n" + lines + b"Content-Length: 2\r\n\r\n{}")

    server = serve(many)
    error, _ = fetch_error(dns, f"http://{HOST}:{server.port}/doc")
    assert type(error) is HttpProtocolError and error.cause is Cause.BAD_ANSWER
    assert "with more than 100 header lines" in str(error)


def test_a_reset_in_the_middle_of_the_body_says_so(dns: StubDns, serve: Callable[[Script], ScriptedServer]) -> None:
    def reset(conn: socket.socket, stopping: threading.Event) -> None:
        read_request(conn)
        conn.sendall(HEAD + b"x" * 100)
        stopping.wait(0.2)
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    server = serve(reset)
    url = f"http://{HOST}:{server.port}/doc"
    error, took = fetch_error(dns, url)
    assert type(error) is HttpProtocolError and error.cause is Cause.BAD_ANSWER
    assert f"reset the connection in the middle of the body of its answer for {url}" in str(error)
    assert took < TIMEOUT + MARGIN


# ------------------------------------------------------------------------------ cancel and the watchdog
def test_cancel_interrupts_a_stuck_handshake_at_once(silent_listener: SilentListener) -> None:
    ctx = ProbeContext(ProbeSettings(http_timeout=30))
    threading.Timer(0.3, ctx.cancel).start()
    started = time.monotonic()
    with pytest.raises(CancelledError):
        tls.handshake(ctx, HOST, "127.0.0.1", silent_listener.port)
    assert time.monotonic() - started < 0.3 + 1.0  # the deadline is 30 s: only the cancel ended it


def test_cancel_interrupts_a_drip_at_once(dns: StubDns, serve: Callable[[Script], ScriptedServer]) -> None:
    def drip_body(conn: socket.socket, stopping: threading.Event) -> None:
        read_request(conn)
        conn.sendall(HEAD)
        server.drip(conn, b"x" * 200)

    server = serve(drip_body)
    ctx = context_for(dns, http_timeout=30)
    threading.Timer(0.5, ctx.cancel).start()
    started = time.monotonic()
    with pytest.raises(CancelledError):
        HttpClient(ctx).fetch(f"http://{HOST}:{server.port}/doc")
    assert time.monotonic() - started < 0.5 + 1.0


def test_a_tcp_connect_inside_a_deadline_gets_only_the_time_left(silent_listener: SilentListener) -> None:
    ctx = ProbeContext(ProbeSettings(http_timeout=TIMEOUT))
    with ctx.deadline("stuck", after_connect=Stage.HANDSHAKE) as deadline:
        sock = sockets.connect(ctx, "127.0.0.1", silent_listener.port, 30)
        with sock:
            assert deadline.stage is Stage.HANDSHAKE
            assert 0 < (sock.gettimeout() or 0) <= TIMEOUT  # the rest of the deadline, not 30 s


def watchdogs() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t.name == "deadline-watchdog" and t.is_alive()}


def wait_until_gone(threads: set[threading.Thread], within: float) -> None:
    deadline = time.monotonic() + within
    while any(t.is_alive() for t in threads) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not any(t.is_alive() for t in threads)


@pytest.mark.parametrize("ending", ["close", "idle"])
def test_the_watchdog_thread_ends_with_the_run(silent_listener: SilentListener, ending: str) -> None:
    before = watchdogs()
    ctx = ProbeContext(ProbeSettings(http_timeout=0.3))
    with pytest.raises(WaitTimeoutError):
        tls.handshake(ctx, HOST, "127.0.0.1", silent_listener.port)
    ours = watchdogs() - before
    assert len(ours) == 1  # one thread per run, started by the first deadline
    if ending == "close":
        ctx.close()
        wait_until_gone(ours, 1.0)
    else:  # nobody closed the context: the thread notices it has nothing to watch
        wait_until_gone(ours, IDLE_EXIT + 1.0)


def test_the_watchdog_fires_deadlines_in_order_and_skips_finished_ones() -> None:
    from wizard.probes.deadlines import Deadline

    fired: list[str] = []

    class Recorder:
        def __init__(self, name: str) -> None:
            self.name = name

        def close(self) -> None:
            fired.append(self.name)

    watchdog = Watchdog("test-watchdog")
    try:
        deadlines = {name: Deadline(object(), seconds, who=name) for name, seconds in
                     (("late", 0.4), ("early", 0.1), ("done", 0.2))}
        for name, deadline in deadlines.items():
            deadline.guard(Recorder(name))
            watchdog.watch(deadline)
        deadlines["done"].finish()
        time.sleep(0.8)
        assert fired == ["early", "late"]
        assert deadlines["late"].fired and not deadlines["done"].fired
    finally:
        watchdog.stop()
