"""What every probe is handed besides the scenario: settings, trust, clock, caches and a cancel switch.

Settings are frozen values (safe to share between threads and to pass from the lab or the CLI);
the context is per verification run: it owns the DNS answer cache and the in-flight connections so
that ``cancel()`` from another thread can close them and stop every wait at once.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast

if TYPE_CHECKING:
    from datetime import datetime

T = TypeVar("T")

MIB = 1024 * 1024
DEFAULT_LOGIN_BASE_URL = "https://login.microsoftonline.com"


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
    http_timeout: float = 10.0
    budget: float | None = 120.0  # seconds for a whole run (None: only each operation's deadline bounds it)
    max_bytes: int = MIB
    max_redirects: int = 5
    accept_untrusted: bool = False  # explicit: untrusted TLS becomes a warning instead of a failure
    login_base_url: str = DEFAULT_LOGIN_BASE_URL

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
        if self.max_bytes <= 0 or self.max_redirects < 0:
            raise ValueError("max_bytes must be positive and max_redirects not negative")

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
        self._memo: dict[tuple[Any, ...], _Slot] = {}

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
        for victim in victims:
            with contextlib.suppress(Exception):  # best effort; the waiter sees the closed socket
                victim.close()

    def check(self) -> None:
        """Raise CancelledError between steps once cancel() was called."""
        if self._cancelled.is_set():
            raise CancelledError("verification cancelled")

    def wait(self, seconds: float) -> bool:
        """Sleep that cancel() interrupts; True when cancelled."""
        return self._cancelled.wait(seconds)

    def track(self, thing: Closeable) -> int:
        """Register an in-flight socket/session so cancel() can close it; returns a token for untrack()."""
        with self._lock:
            if not self._cancelled.is_set():
                token = id(thing)
                self._inflight[token] = thing
                return token
        thing.close()
        raise CancelledError("verification cancelled")

    def untrack(self, token: int) -> None:
        with self._lock:
            self._inflight.pop(token, None)

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
