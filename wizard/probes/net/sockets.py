"""TCP connections that ProbeContext.cancel() can interrupt from another thread.

A blocked connect() or recv() is not woken by closing its file descriptor elsewhere; it is woken by
shutdown() of the socket. So the connect waits in short slices checking the cancel flag, and a
duplicate handle of every open connection is registered with the context: cancel() shuts the
duplicate down, which ends whatever read or TLS handshake is waiting on the original. Inside an
operation's deadline (ProbeContext.deadline) the connect gets only the time that is left, the socket
a timeout of what then remains, and the watchdog shuts the registered duplicate down when it passes.
"""

from __future__ import annotations

import contextlib
import errno
import selectors
import socket
import time

from wizard.probes.context import ProbeContext
from wizard.probes.net.errors import ConnectError, WaitTimeoutError

SLICE = 0.1
_CONNECTING = {errno.EINPROGRESS, errno.EWOULDBLOCK, errno.EALREADY, getattr(errno, "WSAEWOULDBLOCK", 10035)}


class Interrupter:
    """Holds a duplicate handle of a socket so another thread can shut the connection down."""

    def __init__(self, sock: socket.socket) -> None:
        self._dup = sock.dup()

    def close(self) -> None:
        """Called by ProbeContext.cancel(): wake the owner's blocked call, then drop our handle."""
        with contextlib.suppress(OSError):
            self._dup.shutdown(socket.SHUT_RDWR)
        self._dup.close()

    def release(self) -> None:
        """The owner is done with the connection: just drop the duplicate handle."""
        self._dup.close()


def connect(ctx: ProbeContext, address: str, port: int, timeout: float, *, host: str = "") -> socket.socket:
    """Open a TCP connection to one address (already resolved), honouring cancel and timeout.

    Within an operation's deadline the connect waits at most what is left of it (and its timeout
    reads as that deadline's); the connected socket's timeout is then the time remaining, and the
    operation moves on to its next stage (TLS handshake or request).
    """
    ctx.check()
    operation = ctx.current_deadline()
    limit = timeout if operation is None else min(timeout, operation.remaining())
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    label = f"{host or address}:{port}" + (f" ({address})" if host and host != address else "")
    try:
        sock.setblocking(False)
        err = sock.connect_ex((address, port))
        if err and err not in _CONNECTING:
            raise ConnectError(f"cannot connect to {label}: {errno.errorcode.get(err, err)} "
                               f"({_why(err)})", target=label)
        until = time.monotonic() + limit
        with selectors.DefaultSelector() as sel:
            sel.register(sock, selectors.EVENT_WRITE)
            while not sel.select(min(SLICE, max(0.0, until - time.monotonic()))):
                ctx.check()  # cancelled, or the operation's deadline passed (its words name the connect)
                if time.monotonic() >= until:
                    if operation is not None:
                        raise operation.error()
                    raise WaitTimeoutError(f"no TCP answer from {label} within {timeout:g} s "
                                           "(a firewall dropping the packets?)", target=label)
        err = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        if err:
            raise ConnectError(f"cannot connect to {label}: {_why(err)}", target=label)
        sock.setblocking(True)
        sock.settimeout(timeout if operation is None else operation.socket_timeout())
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if operation is not None:
            operation.stage = operation.after_connect
        return sock
    except BaseException:
        sock.close()
        raise


def _why(err: int) -> str:
    if err == errno.ECONNREFUSED:
        return "connection refused: nothing listens on that port"
    if err in (errno.EHOSTUNREACH, errno.ENETUNREACH):
        return "no route to the host"
    return errno.errorcode.get(err, str(err))
