"""What every probe is handed besides the scenario: settings, trust, clock, caches and a cancel switch.

Settings are frozen values (safe to share between threads and to pass from the lab or the CLI);
the context is per verification run: it owns the DNS answer cache and the in-flight connections so
that ``cancel()`` from another thread can close them and stop every wait at once, and the watchdog
that holds every network operation to its wall-clock deadline (``deadline()``; see deadlines.py).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast

from wizard.probes.deadlines import CURRENT, Deadline, Stage, Watchdog

if TYPE_CHECKING:
    from datetime import datetime

T = TypeVar("T")

MIB = 1024 * 1024
DEFAULT_LOGIN_BASE_URL = "https://login.microsoftonline.com"
DEFAULT_AUTODISCOVER_V2_BASE_URL = "https://outlook.office365.com"  # Exchange Online's autodiscover.json host


class CancelledError(BaseException):
    """Raised inside helpers when the run was cancelled; the probe boundary turns it into a result.

    A BaseException (like asyncio.CancelledError) so that library retry loops written as
    ``except Exception`` (dnspython's resolver is one) cannot swallow it and keep waiting.
    """


@dataclass(frozen=True)
class ProbeSettings:
    """How probes reach the network. Lab-only knobs (ports) are None for real deployments."""

    nameserver: tuple[str, int] | None = None  # None: the system resolver
    ca_bundle: str | None = None  # extra PEM bundle trusted on top of the OS store
    https_port: int | None = None  # labs only: replaces 443 for every HTTPS probe
    sip_port: int | None = None  # labs only: replaces 5061
    dns_timeout: float = 3.0
    http_timeout: float = 10.0  # the wall-clock deadline of each connection: connect, TLS, request and whole answer
    budget: float | None = 120.0  # seconds for a whole run (None: only each operation's deadline bounds it)
    max_bytes: int = MIB
    max_redirects: int = 5
    accept_untrusted: bool = False  # explicit: untrusted TLS becomes a warning instead of a failure
    login_base_url: str = DEFAULT_LOGIN_BASE_URL
    autodiscover_v2_base_url: str = DEFAULT_AUTODISCOVER_V2_BASE_URL  # labs and tests: a stand-in for Exchange Online
    # Microsoft 365's online endpoints only (never the organisation's servers; see net/proxy.py): an explicit
    # HTTP proxy http://[user:password@]host:port (left out of repr: it may carry a password), else this
    # PC's proxy settings unless system_proxy is False (labs, whose "Microsoft" lives on loopback).
    proxy: str | None = field(default=None, repr=False)
    system_proxy: bool = True

    def __post_init__(self) -> None:
        for name in ("https_port", "sip_port"):
            port = getattr(self, name)
            if port is not None and not 0 < port < 65536:
                raise ValueError(f"{name} must be a TCP port (1-65535), not {port}")
        if self.nameserver is not None:
            host, port = self.nameserver
            if not host or not 0 < int(port) < 65536:
                raise ValueError(f"nameserver must be host and port, not {self.nameserver!r}")
        if self.budget is not None and self.budget <= 0:
            raise ValueError("the run's budget must be positive")
        if self.dns_timeout <= 0 or self.http_timeout <= 0:
            raise ValueError("timeouts must be positive")
        for name in ("login_base_url", "autodiscover_v2_base_url"):
            if not str(getattr(self, name)).startswith("https://"):
                raise ValueError(f"{name} must be an https:// URL, not {getattr(self, name)!r}")
        if self.max_bytes <= 0 or self.max_redirects < 0:
            raise ValueError("max_bytes must be positive and max_redirects not negative")
        if self.proxy is not None:
            from wizard.probes.net.proxy import parse_proxy_url  # only when a proxy is given: the window starts lean

            parse_proxy_url(self.proxy)  # InvalidProxyError (a ValueError) says what is wrong, never the password

    def port_https(self) -> int:
        return self.https_port or 443

    def port_sip(self) -> int:
        return self.sip_port or 5061


def _utc_now() -> datetime:
    # datetime is imported on the first check, not with the settings the window needs at start-up
    from datetime import UTC, datetime

    return datetime.now(UTC)


class Closeable(Protocol):
    def close(self) -> Any: ...


class ProbeContext:
    """Per-run state shared by the probes of one verification (thread-safe)."""

    def __init__(
        self,
        settings: ProbeSettings | None = None,
        *,
        clock: Callable[[], datetime] | None = None,
        certificate_password: bytes | None = None,
    ) -> None:
        self.settings = settings or ProbeSettings()
        self._clock = clock or _utc_now
        # Only ever held in memory for the run; never written anywhere.
        self.certificate_password = certificate_password
        self._cancelled = threading.Event()
        self._lock = threading.Lock()
        self._inflight: dict[int, Closeable] = {}
        self._guarded: dict[int, Deadline] = {}  # in-flight token -> the deadline that shuts it down
        self._memo: dict[tuple[Any, ...], _Slot] = {}
        self._watchdog: Watchdog | None = None  # started with the first deadline

    # --- time -------------------------------------------------------------------------------
    def now(self) -> datetime:
        """Aware UTC 'now' (injected in tests so expiry checks are deterministic)."""
        from datetime import UTC

        moment = self._clock()
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)

    # --- cancellation -----------------------------------------------------------------------
    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def cancel(self) -> None:
        """Stop every wait now: mark cancelled and close whatever sockets/sessions are in flight."""
        self._cancelled.set()
        with self._lock:
            victims = list(self._inflight.values())
            self._inflight.clear()
            self._guarded.clear()
            watchdog = self._watchdog
        if watchdog is not None:
            watchdog.stop()
        for victim in victims:
            with contextlib.suppress(Exception):  # best effort; the waiter sees the closed socket
                victim.close()

    def close(self) -> None:
        """The run is over: stop the watchdog thread now rather than when it notices it is idle."""
        with self._lock:
            watchdog, self._watchdog = self._watchdog, None
        if watchdog is not None:
            watchdog.stop()

    def check(self) -> None:
        """Raise CancelledError once cancel() was called, or this thread's operation's WaitTimeoutError
        once its deadline passed.

        Every waiter calls this when woken (by cancel or by the watchdog shutting its socket down), so
        a woken wait ends as "cancelled" or as a timeout naming its stage, never as a broken connection.
        """
        if self._cancelled.is_set():
            raise CancelledError("verification cancelled")
        deadline = CURRENT.get()
        if deadline is not None and deadline.owner is self and deadline.expired:
            raise deadline.error()

    # --- deadlines --------------------------------------------------------------------------
    @contextlib.contextmanager
    def deadline(self, who: str, *, seconds: float | None = None, target: str = "", url: str = "", port: int = 0,
                 after_connect: Stage = Stage.REQUEST) -> Iterator[Deadline]:
        """One network operation under one wall-clock deadline (default: the settings' http_timeout).

        Sockets tracked inside the block (track()) are shut down by the watchdog when it passes; a
        nested block is an operation of its own with its own deadline. A block that completes after
        the watchdog fired still raises the timeout: what it read may have been cut short.
        """
        self.check()
        deadline = Deadline(self, seconds if seconds is not None else self.settings.http_timeout, who=who,
                            target=target, url=url, port=port, after_connect=after_connect)
        token = CURRENT.set(deadline)
        try:
            self._watch(deadline)
            yield deadline
            if deadline.fired:
                self.check()
                raise deadline.error()
        finally:
            deadline.finish()
            CURRENT.reset(token)

    def current_deadline(self) -> Deadline | None:
        """The deadline of the operation running in this thread, if it belongs to this run."""
        deadline = CURRENT.get()
        return deadline if deadline is not None and deadline.owner is self else None

    def _watch(self, deadline: Deadline) -> None:
        with self._lock:
            if self._watchdog is None:
                self._watchdog = Watchdog()
            watchdog = self._watchdog
        watchdog.watch(deadline)

    def wait(self, seconds: float) -> bool:
        """Sleep that cancel() interrupts; True when cancelled."""
        return self._cancelled.wait(seconds)

    def track(self, thing: Closeable) -> int:
        """Register an in-flight socket/session so cancel() can close it, and so the watchdog shuts it
        down when this thread's operation's deadline passes; returns a token for untrack()."""
        deadline = self.current_deadline()
        with self._lock:
            if not self._cancelled.is_set():
                token = id(thing)
                self._inflight[token] = thing
                if deadline is not None:
                    self._guarded[token] = deadline
                    deadline.guard(thing)
                return token
        thing.close()
        raise CancelledError("verification cancelled")

    def untrack(self, token: int) -> None:
        with self._lock:
            thing = self._inflight.pop(token, None)
            deadline = self._guarded.pop(token, None)
        if deadline is not None and thing is not None:
            deadline.unguard(thing)

    # --- per-run memo (DNS answers, fetched documents) --------------------------------------
    def memo(self, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
        """Compute once per key per run; concurrent callers of the same key wait for the first.

        Exceptions are remembered too (an NXDOMAIN is an answer). CancelledError is never remembered.
        """
        with self._lock:
            slot = self._memo.get(key)
            owner = slot is None
            if owner:
                slot = self._memo[key] = _Slot()
        assert slot is not None
        if owner:
            try:
                slot.value = compute()
            except CancelledError:
                with self._lock:
                    self._memo.pop(key, None)
                slot.error = CancelledError("verification cancelled")
            except BaseException as exc:  # remembered and re-raised to every caller
                slot.error = exc
            finally:
                slot.done.set()
        else:
            while not slot.done.wait(0.05):
                self.check()
        if slot.error is not None:
            raise slot.error
        return cast(T, slot.value)  # what compute() returned for this key


class _Slot:
    __slots__ = ("done", "error", "value")

    def __init__(self) -> None:
        self.done = threading.Event()
        self.value: Any = None
        self.error: BaseException | None = None
