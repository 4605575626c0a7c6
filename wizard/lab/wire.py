"""Servers that misbehave on the wire, for the lab's HTTPS farm: silence, drips, resets, non-HTTP answers.

Real misbehaviour on real sockets, so the probes meet what they would meet in the field: a
listener that accepts and never speaks, a TLS handshake or an answer trickling in one byte at a
time (each read gets its byte in time; only a deadline for the whole operation ends it), a
connection reset half-way through the body, an SSH banner where HTTP belongs, 500 header lines.
Every wait is on the farm's stop event, so stopping the lab never waits for a drip to finish.
"""

from __future__ import annotations

import contextlib
import io
import socket
import ssl
import struct
import threading
from collections.abc import Callable, Sequence
from http import HTTPStatus

from wizard.lab.faults import Wire, WireFault

POLL = 0.1  # how often a silent listener looks at the stop event
RESET_PAUSE = 0.3  # time for the client to read the first half of the body before the reset
MANY_HEADERS = 500
SSH_BANNER = b"SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13.5\r\n"
GARBAGE = bytes(range(256))[::7] * 4  # binary bytes after the banner, as a confused client would see them


def before_request(sock: socket.socket, context: ssl.SSLContext, fault: WireFault, stopping: threading.Event) -> None:
    """The connection-level faults: say nothing at all, or drip the TLS handshake."""
    if fault.behaviour is Wire.SILENT:
        _say_nothing(sock, stopping)
    elif fault.behaviour is Wire.DRIP_HANDSHAKE:
        _drip_handshake(sock, context, fault.interval, stopping)


def _say_nothing(sock: socket.socket, stopping: threading.Event) -> None:
    """Read and drop whatever the client sends until it hangs up or the lab stops."""
    sock.settimeout(POLL)
    while not stopping.is_set():
        try:
            if not sock.recv(65536):
                return
        except TimeoutError:
            continue


def _drip_handshake(sock: socket.socket, context: ssl.SSLContext, interval: float, stopping: threading.Event) -> None:
    """Run the server side of the handshake in memory and send what it writes one byte per interval."""
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = context.wrap_bio(incoming, outgoing, server_side=True)
    sock.settimeout(None)
    while not stopping.is_set():
        try:
            tls.do_handshake()
            done = True
        except ssl.SSLWantReadError:
            done = False
        if not _drip(sock.sendall, outgoing.read(), interval, stopping) or done:
            return
        data = sock.recv(65536)
        if not data:
            return
        incoming.write(data)


def _drip(send: Callable[[bytes], object], data: bytes, interval: float, stopping: threading.Event) -> bool:
    """Send `data` one byte per interval; False when the lab stopped meanwhile."""
    for index in range(len(data)):
        send(data[index:index + 1])
        if stopping.wait(interval):
            return False
    return True


def head(status: int, headers: Sequence[tuple[str, str]], body: bytes, *, server: str, date: str,
         extra: int = 0) -> bytes:
    """The status line and headers as IIS writes them, with `extra` filler header lines."""
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Unknown"
    lines = [f"HTTP/1.1 {status} {phrase}", f"Server: {server}", f"Date: {date}"]
    lines += [f"{name}: {value}" for name, value in headers if name.lower() != "content-length"]
    lines += [f"X-Diagnostic-{i:03d}: {i}" for i in range(1, extra + 1)]
    lines += [f"Content-Length: {len(body)}", "Connection: close"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def misbehave(connection: socket.socket, out: io.BufferedIOBase, fault: WireFault, *, status: int,
              headers: Sequence[tuple[str, str]], body: bytes, server: str, date: str,
              stopping: threading.Event) -> None:
    """Answer one request the way `fault` says instead of properly; the connection ends afterwards."""
    behaviour = fault.behaviour
    if behaviour is Wire.NOT_HTTP:
        out.write(SSH_BANNER + GARBAGE)
        return
    top = head(status, headers, body, server=server, date=date,
               extra=MANY_HEADERS if behaviour is Wire.MANY_HEADERS else 0)
    if behaviour is Wire.DRIP_HEADERS:
        if _drip(out.write, top, fault.interval, stopping):
            out.write(body)
    elif behaviour is Wire.DRIP_BODY:
        out.write(top)
        _drip(out.write, body, fault.interval, stopping)
    elif behaviour is Wire.RESET_BODY:
        out.write(top + body[:len(body) // 2])
        if not stopping.wait(RESET_PAUSE):
            reset(connection)
    else:
        out.write(top + body)


def reset(connection: socket.socket) -> None:
    """Abort the TCP connection (RST instead of FIN), as a crashing process or a middlebox does.

    The descriptor is detached and closed at once with a zero linger time: closing the socket
    object itself would wait for the handler's files and let the server send a FIN first.
    """
    with contextlib.suppress(OSError):
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        socket.socket(fileno=connection.detach()).close()
