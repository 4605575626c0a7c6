"""The one way the GUI runs anything slow: a QRunnable on a thread pool that reports only by signals.

Modelled on superqt's function worker. The worker keeps itself alive (a strong reference in
`_ACTIVE`) until `finished` has been emitted, so a page that forgets it cannot get it collected
mid-run. `finished` is emitted exactly once, after `returned`, `errored` or `aborted`. Signals are
queued to the receiver's thread, so slots always run on the GUI thread and may touch widgets.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any, ClassVar

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)


class WorkerSignals(QObject):
    """Lives on the GUI thread; the worker thread only emits (Qt queues the calls across threads)."""

    started = Signal()
    progress = Signal(object)  # whatever the function passes to its `report` callback
    returned = Signal(object)
    errored = Signal(object)  # the exception
    aborted = Signal()
    finished = Signal()


def _emit(signal: Any, *args: Any) -> None:
    """Emit unless the receiving side is gone (the window closed and the app is exiting)."""
    try:
        signal.emit(*args)
    except RuntimeError:  # "Signal source has been deleted": nobody is left to tell
        log.debug("worker signal after its receiver was deleted")


def _finished_fn(*_args: Any, **_kwargs: Any) -> None:
    raise RuntimeError("this worker has already run")


class Worker(QRunnable):
    """Run `fn(*args, **kwargs)` on a pool thread.

    If `fn` takes a keyword argument named `report`, it is given a callable that emits `progress`
    (for per-probe results). `abort()` sets the flag and runs the `on_abort` hook right away on the
    calling thread (for probes: ProbeContext.cancel(), which closes the sockets the run waits on);
    a worker aborted before it ends emits `aborted` instead of `returned`/`errored`.
    """

    _ACTIVE: ClassVar[set[Worker]] = set()
    _ACTIVE_LOCK: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, fn: Callable[..., Any], *args: Any, on_abort: Callable[[], None] | None = None,
                 wants_report: bool = False, **kwargs: Any) -> None:
        super().__init__()
        self.setAutoDelete(False)  # Python owns the object; _ACTIVE keeps it alive while running
        self.signals = WorkerSignals()
        self._fn = fn
        self._args = args
        self._kwargs = kwargs
        self._on_abort = on_abort
        self._wants_report = wants_report
        self._abort = threading.Event()
        self._done = threading.Event()
        self.signals.finished.connect(self._release)

    # ---- control (GUI thread) -----------------------------------------------------------
    def start(self, pool: QThreadPool | None = None) -> Worker:
        with Worker._ACTIVE_LOCK:
            Worker._ACTIVE.add(self)
        (pool or QThreadPool.globalInstance()).start(self)
        return self

    def abort(self) -> None:
        """Ask the run to stop; never waits for it."""
        if self._abort.is_set() or self._done.is_set():
            return
        self._abort.set()
        if self._on_abort is not None:
            try:
                self._on_abort()
            except Exception:  # a failing cancel hook must not take the GUI down
                log.exception("abort hook failed")

    @property
    def abort_requested(self) -> bool:
        return self._abort.is_set()

    @property
    def is_running(self) -> bool:
        return not self._done.is_set()

    # ---- pool thread ----------------------------------------------------------------------
    def run(self) -> None:
        signals = self.signals
        try:
            _emit(signals.started)
            kwargs = dict(self._kwargs)
            if self._wants_report:
                kwargs["report"] = lambda value: _emit(signals.progress, value)
            try:
                value = self._fn(*self._args, **kwargs)
            except BaseException as exc:  # nothing may escape into Qt's thread (a cancellation is one)
                if self._abort.is_set():
                    _emit(signals.aborted)
                else:
                    log.error("background task failed", exc_info=exc)
                    _emit(signals.errored, exc)
            else:
                if self._abort.is_set():
                    _emit(signals.aborted)
                else:
                    _emit(signals.returned, value)
        finally:
            self._done.set()
            # PySide's pool keeps a reference to every runnable it started; drop the payload so a
            # finished task does not keep its function, arguments and their results alive.
            self._fn, self._args, self._kwargs, self._on_abort = _finished_fn, (), {}, None
            _emit(signals.finished)

    # ---- bookkeeping (GUI thread, via the queued finished signal) -------------------------
    def _release(self) -> None:
        with Worker._ACTIVE_LOCK:
            Worker._ACTIVE.discard(self)

    @classmethod
    def active_count(cls) -> int:
        with cls._ACTIVE_LOCK:
            return len(cls._ACTIVE)
