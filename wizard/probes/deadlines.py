"""Wall-clock deadlines for network operations, enforced by one watchdog thread per verification run.

Socket timeouts are per read: a server that sends one byte every half second never trips them, and
a socket made elsewhere keeps no timeout at all. A deadline instead covers one operation from the
connect to the last byte of the body. When it passes, the watchdog shuts the operation's registered
sockets down, so whatever is blocked (connect, TLS handshake, a read of headers or body) wakes at
once; the waiter's next `ProbeContext.check()` then raises the deadline's WaitTimeoutError, which
says which stage did not finish in time. Only the standard library is imported here: the context
that owns the watchdog is loaded with the window's settings.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import threading
import time
from collections.abc import Callable
from contextvars import ContextVar
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from wizard.probes.net.errors import WaitTimeoutError

IDLE_EXIT = 2.0  # seconds the watchdog thread waits with nothing to watch before it ends (it restarts on demand)
MIN_SOCKET_TIMEOUT = 0.01  # a socket timeout of 0 would mean non-blocking, not "no time left"


class Stage(StrEnum):
    """Where an operation is; the timeout's words depend on it."""

    CONNECT = "connect"
    HANDSHAKE = "handshake"
    REQUEST = "request"
    HEADERS = "headers"
    BODY = "body"


class Closeable(Protocol):
    def close(self) -> Any: ...


class Deadline:
    """One operation's wall-clock limit, its current stage and the sockets to shut down when it passes.

    `who` names the server as an admin reads it ("pool01.contoso.com (127.77.0.21)"); `received`
    counts the bytes of the answer read so far (headers and body), so a drip reads differently
    from silence.
    """

    def __init__(self, owner: object, seconds: float, *, who: str, target: str = "", url: str = "",
                 port: int = 0, after_connect: Stage = Stage.REQUEST) -> None:
        self.owner = owner
        self.seconds = seconds
        self.expires = time.monotonic() + seconds
        self.who = who
        self.target = target or who
        self.url = url
        self.port = port
        self.after_connect = after_connect
        self.stage = Stage.CONNECT
        self.received = 0
        self.finished = False
        self._fired = False
        self._lock = threading.Lock()
        self._victims: dict[int, Closeable] = {}
        self._at_finish: list[Callable[[], object]] = []

    # --- time -------------------------------------------------------------------------------
    def remaining(self) -> float:
        return max(0.0, self.expires - time.monotonic())

    def socket_timeout(self) -> float:
        """The per-read timeout that matches what is left (never 0, which would mean non-blocking)."""
        return max(MIN_SOCKET_TIMEOUT, self.remaining())

    @property
    def fired(self) -> bool:
        """True once the watchdog shut the operation's sockets down."""
        return self._fired

    @property
    def expired(self) -> bool:
        return self._fired or time.monotonic() >= self.expires

    # --- sockets ----------------------------------------------------------------------------
    def guard(self, thing: Closeable) -> None:
        """Shut `thing` down when the deadline passes (at once, if it already has)."""
        with self._lock:
            if not self._fired:
                self._victims[id(thing)] = thing
                return
        with contextlib.suppress(Exception):
            thing.close()

    def unguard(self, thing: Closeable) -> None:
        with self._lock:
            self._victims.pop(id(thing), None)

    def fire(self) -> None:
        """Called by the watchdog: wake every blocked call of this operation."""
        with self._lock:
            if self.finished or self._fired:
                return
            self._fired = True
            victims = list(self._victims.values())
            self._victims.clear()
        for victim in victims:
            with contextlib.suppress(Exception):  # best effort; the waiter sees the shut-down socket
                victim.close()

    def at_finish(self, release: Callable[[], object]) -> None:
        """Run `release` when the operation ends (a socket still read after its connection object let go)."""
        with self._lock:
            self._at_finish.append(release)

    def finish(self) -> None:
        """The operation ended: nothing to shut down any more, and the run is not kept alive by the
        watchdog's heap, which holds finished deadlines until their time comes."""
        with self._lock:
            self.finished = True
            self.owner = None
            self._victims.clear()
            releases, self._at_finish = self._at_finish, []
        for release in releases:
            with contextlib.suppress(Exception):
                release()

    # --- words ------------------------------------------------------------------------------
    def error(self) -> WaitTimeoutError:
        """The timeout, in the words of the stage that did not complete."""
        from wizard.probes.net.errors import WaitTimeoutError

        error = WaitTimeoutError(self.describe(), target=self.target)
        if self.stage is not Stage.CONNECT:  # a firewall dropping packets is the class's own advice
            error.remediation = self.remediation()
        return error

    def remediation(self) -> str:
        if self.stage is Stage.HANDSHAKE:
            return ("The server accepted the TCP connection but never completed a TLS handshake: check the HTTPS "
                    "binding of the web site (IIS site bindings and certificate) or the SSL profile of the load "
                    "balancer for this name, and any device in between that holds connections (proxy, IPS, SSL "
                    "inspection); a hung HTTP.sys or IIS worker process does the same (iisreset).")
        if self.stage in (Stage.REQUEST, Stage.HEADERS) and not self.received:
            return ("The server took the request but never answered: check the IIS application pool of this site "
                    "(Event Viewer, w3wp.exe, iisreset) and any proxy or load balancer in between.")
        return ("The answer arrives far too slowly for the servers that call this URL, which give up after a few "
                "seconds: look for an overloaded server, a congested or faulty link, or a proxy, IPS or "
                "SSL-inspection device throttling the traffic between the callers and this server.")

    def describe(self) -> str:
        limit = f"{self.seconds:g} s"
        url = f" for {self.url}" if self.url else ""
        port = f" on port {self.port}" if self.port else ""
        got = f"{self.received} byte{'s' if self.received != 1 else ''} received"
        if self.stage is Stage.CONNECT:
            return f"no TCP answer from {self.who}{port} within {limit} (a firewall dropping the packets?)"
        if self.stage is Stage.HANDSHAKE:
            return f"{self.who} accepted the connection{port} but did not complete a TLS handshake within {limit}"
        if self.stage is Stage.REQUEST:
            return f"{self.who} accepted the connection{port} but did not take the request{url} within {limit}"
        if self.stage is Stage.HEADERS and not self.received:
            return f"{self.who} accepted the request{url} but did not answer within {limit}"
        if self.stage is Stage.HEADERS:
            return f"{self.who} sent the headers of its answer{url} too slowly: not complete after {limit} ({got})"
        return f"{self.who} was still sending the body of its answer{url} after {limit} ({got})"


# The operation running in this thread (each probe thread has its own); read by ProbeContext.check().
CURRENT: ContextVar[Deadline | None] = ContextVar("current_deadline", default=None)


class Watchdog:
    """One thread firing deadlines as they pass: a heap of (expiry, deadline), started on first use.

    The thread ends when stopped (the run was cancelled) or after IDLE_EXIT seconds with nothing to
    watch, and starts again with the next deadline, so a finished run leaves no thread behind.
    """

    def __init__(self, name: str = "deadline-watchdog") -> None:
        self._name = name
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int, Deadline]] = []
        self._order = itertools.count()
        self._thread: threading.Thread | None = None
        self._stopped = False

    def watch(self, deadline: Deadline) -> None:
        with self._cond:
            if self._stopped:
                return  # cancelled: cancel() closes every tracked socket itself
            heapq.heappush(self._heap, (deadline.expires, next(self._order), deadline))
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name=self._name, daemon=True)
                self._thread.start()
            else:
                self._cond.notify()

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._heap.clear()
            self._cond.notify()

    @property
    def running(self) -> bool:
        with self._cond:
            return self._thread is not None

    def _due(self) -> list[Deadline] | None:
        """Wait (holding the condition) until some deadline is due; None when the thread should end."""
        while True:
            if self._stopped:
                return None
            now = time.monotonic()
            due: list[Deadline] = []
            while self._heap and (self._heap[0][2].finished or self._heap[0][0] <= now):
                _, _, deadline = heapq.heappop(self._heap)
                if not deadline.finished:
                    due.append(deadline)
            if due:
                return due
            if not self._heap:
                if not self._cond.wait(IDLE_EXIT) and not self._heap:
                    return None
                continue
            self._cond.wait(self._heap[0][0] - now)

    def _loop(self) -> None:
        while True:
            with self._cond:
                due = self._due()
                if due is None:
                    self._thread = None
                    return
            for deadline in due:  # outside the lock: closing a socket may take a moment
                deadline.fire()
