"""Runs the core's probes for the pages, one Worker per run, and keeps the latest result of each probe.

A run probes a snapshot of the scenario (the user may keep typing), with its own ProbeContext so
`cancel()` closes that run's sockets at once and returns without waiting. Results reach the GUI
thread through the worker's queued signals; this object only stores them and re-announces them.
"""

from __future__ import annotations

import contextlib
import linecache
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QThreadPool, Signal

from wizard.fields import FIELD_BY_NAME
from wizard.probes.context import ProbeContext, ProbeSettings
from wizard.probes.result import Cause, ProbeResult, Status
from wizard.scenario import Scenario
from wizard.topology import Phase
from wizard.ui.model_adapter import ScenarioModel
from wizard.ui.worker import Worker

if TYPE_CHECKING:
    from wizard.step_status import StepSummary

log = logging.getLogger(__name__)

ALL = "all"  # run key of the verification page: every probe of every phase


@dataclass(frozen=True)
class PlannedProbe:
    """What a page lists before (and while) a probe runs."""

    id: str
    phase: Phase
    title: str


@dataclass
class Run:
    key: str
    phase: Phase | None
    planned: list[PlannedProbe]
    context: ProbeContext
    worker: Worker | None = None
    job: _ProbeJob | None = None
    started: float = field(default_factory=time.monotonic)
    done: set[str] = field(default_factory=set)
    password: bytes | None = None

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started


def snapshot(scenario: Scenario) -> Scenario:
    """An independent copy for a worker thread (no listeners, nothing shared with the form)."""
    return Scenario.from_dict(scenario.to_dict())


def plan(scenario: Scenario, phase: Phase | None, settings: ProbeSettings | None = None) -> list[PlannedProbe]:
    """The probes the core would run for this scenario and phase (all phases when None)."""
    try:
        from wizard.probes.registry import probes_for  # lazy: pulls in dnspython, requests, cryptography

        probes = probes_for(scenario, phase, login_base_url=(settings or ProbeSettings()).login_base_url)
    except ImportError:
        log.exception("probe registry missing")
        return []
    except Exception:  # a half-typed scenario: nothing to list yet
        log.debug("probes_for failed for a half-filled scenario", exc_info=True)
        return []
    return [PlannedProbe(p.id, p.phase, p.title) for p in probes]


class _ProbeJob:
    """What one run's worker thread needs, dropped by `release()` once the run is over.

    PySide's QThreadPool keeps a Python reference to every runnable it has started (the Worker sets
    autoDelete off), so a worker outlives its run; the probes, the scenario snapshot and the context
    (whose memo holds trust stores, DNS answers and HTTP bodies) must not live as long.
    """

    def __init__(self, probes: list[Any], scenario: Scenario, context: ProbeContext) -> None:
        self._parts: tuple[list[Any], Scenario, ProbeContext] | None = (probes, scenario, context)

    def run(self, report: Callable[[object], None]) -> list[ProbeResult]:
        from wizard.probes.runner import run_probes

        parts = self._parts
        if parts is None:  # released before the pool got to it: the run was cancelled
            return []
        probes, scenario, context = parts
        return run_probes(probes, scenario, context, on_result=report)

    def cancel(self) -> None:
        parts = self._parts
        if parts is not None:
            parts[2].cancel()

    def release(self) -> None:
        self._parts = None


class ProbeSession(QObject):
    """The window's probe state: settings, the pfx password (memory only), runs and latest results."""

    runStarted = Signal(str)  # noqa: N815 - key
    resultArrived = Signal(object)  # noqa: N815 - ProbeResult
    runEnded = Signal(str, str)  # noqa: N815 - key, outcome: "done" | "cancelled" | error text
    resultsChanged = Signal()  # noqa: N815 - stored results changed (new, cleared or gone stale)

    def __init__(self, model: ScenarioModel, settings: ProbeSettings, *, pool: QThreadPool | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self.settings = settings
        self.certificate_password: bytes | None = None  # never written anywhere
        self._pool = pool or QThreadPool.globalInstance()
        self._runs: dict[str, Run] = {}
        self._results: dict[str, ProbeResult] = {}
        self._stale: set[str] = set()
        self._plan_cache: dict[str, Any] = {}
        model.fieldChanged.connect(self._mark_stale)
        model.replaced.connect(self.clear)

    # ---- queries ---------------------------------------------------------------------------
    @property
    def pool(self) -> QThreadPool:
        return self._pool

    def blocked_reason(self, phase: Phase | None = None) -> str | None:
        """Why the checks of `phase` (every phase for None) cannot run now, or None: invalid or missing values of
        that step or the steps before it (a tenant field on a later page does not stop Prerequisites)."""
        problems = self._model.scenario.errors()
        if phase is not None:
            order = list(Phase)
            problems = {name: message for name, message in problems.items()
                        if name not in FIELD_BY_NAME or order.index(FIELD_BY_NAME[name].phase) <= order.index(phase)}
        if not problems:
            return None
        lines = []
        for name, message in list(problems.items())[:4]:
            spec = FIELD_BY_NAME[name]
            lines.append(f"{spec.label} ({spec.phase.title} page): {message}")
        more = f" … and {len(problems) - 4} more" if len(problems) > 4 else ""
        return "Checks run once every value is valid. " + " · ".join(lines) + more

    def is_running(self, key: str | None = None) -> bool:
        if key is None:
            return bool(self._runs)
        return key in self._runs

    def run_info(self, key: str) -> Run | None:
        return self._runs.get(key)

    def result(self, probe_id: str) -> ProbeResult | None:
        return self._results.get(probe_id)

    def results(self, phase: Phase | None = None) -> list[ProbeResult]:
        return [r for r in self._results.values() if phase is None or r.phase is phase]

    def is_stale(self, probe_id: str) -> bool:
        return probe_id in self._stale

    def planned_ids(self, phase: Phase | None) -> list[str]:
        """The checks a step stands for now: its run's while it runs, else what the core plans for the scenario."""
        run = self._runs.get(ALL if phase is None else phase.value)
        if run is not None:
            return [p.id for p in run.planned]
        key = self.settings.login_base_url  # a change of the values empties the cache (_mark_stale, clear)
        if self._plan_cache.get("key") != key:  # one plan of every phase per change of the values
            self._plan_cache = {"key": key, "all": plan(self._model.scenario, None, self.settings)}
        planned: list[PlannedProbe] = self._plan_cache["all"]
        return [p.id for p in planned if phase is None or p.phase is phase]

    def summary(self, phase: Phase | None, extra: list[ProbeResult] | None = None) -> StepSummary:
        """The one status of a step (every phase for None), for its step-list entry and its banner alike.
        `extra` results (imported collected data) count as planned checks of that step too."""
        from wizard.step_status import summarise_step

        run = self._runs.get(ALL if phase is None else phase.value)
        planned = self.planned_ids(phase) + [r.id for r in extra or ()]
        results = {**self._results, **{r.id: r for r in extra or ()}}
        return summarise_step(planned, results, self._stale, running=run is not None,
                              done=run.done if run is not None else ())

    def is_pending(self, probe_id: str) -> bool:
        """True while a running run has not reported this probe yet."""
        return any(probe_id not in run.done and any(p.id == probe_id for p in run.planned)
                   for run in self._runs.values())

    # ---- control ---------------------------------------------------------------------------
    def run(self, key: str, phase: Phase | None) -> str | None:
        """Start the probes of `phase` (every phase for None); returns why not, or None when started."""
        reason = self.blocked_reason(phase)
        if reason:
            return reason
        self.cancel(key)
        scenario = snapshot(self._model.scenario)
        try:
            from wizard.probes.registry import probes_for
        except ImportError as exc:  # a build that lost a module: say so instead of crashing the page
            log.exception("probe registry missing")
            return f"The checks are not available in this build ({exc})."
        try:
            probes = probes_for(scenario, phase, login_base_url=self.settings.login_base_url)
        except Exception:  # a value of a later step that these checks read after all: name every problem
            log.debug("probes_for failed with later values invalid", exc_info=True)
            return self.blocked_reason() or "The checks cannot be planned for these values."
        if not probes:
            return "No checks apply to this step for the chosen topology."
        password = self.certificate_password
        context = ProbeContext(self.settings, certificate_password=password)
        run = Run(key, phase, [PlannedProbe(p.id, p.phase, p.title) for p in probes], context, password=password)
        if password:
            _protect(password)
        job = _ProbeJob(probes, scenario, context)
        worker = Worker(job.run, on_abort=job.cancel, wants_report=True)
        run.worker, run.job = worker, job
        worker.signals.progress.connect(lambda result, r=run: self._on_result(r, result))
        worker.signals.returned.connect(lambda results, r=run: self._on_returned(r, results))
        worker.signals.aborted.connect(lambda r=run: self._end(r, "cancelled"))
        worker.signals.errored.connect(lambda exc, r=run: self._end(r, f"The checks stopped: {exc}"))
        worker.signals.finished.connect(lambda r=run: self._release(r))
        self._runs[key] = run
        self.runStarted.emit(key)
        self.resultsChanged.emit()
        worker.start(self._pool)
        return None

    def cancel(self, key: str) -> None:
        """Stop waiting for a run now; never blocks (its sockets are closed, the thread ends by itself).
        The checks it had not finished are "not run": an older result of theirs says nothing any more."""
        run = self._runs.pop(key, None)
        if run is None:
            return
        if run.worker is not None:
            run.worker.abort()
        self._not_finished(run, "the checks were stopped before this one finished")
        self.runEnded.emit(key, "cancelled")
        self.resultsChanged.emit()

    def _not_finished(self, run: Run, why: str) -> None:
        for planned in run.planned:
            if planned.id not in run.done:
                self._results[planned.id] = ProbeResult(
                    planned.id, planned.phase, Status.NOT_RUN, planned.title, f"Not checked: {why}.",
                    "Run the checks again (Re-check).", cause=Cause.NOT_RUN)
                self._stale.discard(planned.id)

    def cancel_all(self) -> None:
        for key in list(self._runs):
            self.cancel(key)

    def clear(self) -> None:
        """A different scenario was loaded: old results say nothing about it."""
        self.cancel_all()
        self._plan_cache = {}
        self._results.clear()
        self._stale.clear()
        self.resultsChanged.emit()

    # ---- worker callbacks (GUI thread) -----------------------------------------------------
    def _current(self, run: Run) -> bool:
        return self._runs.get(run.key) is run

    def _on_result(self, run: Run, result: object) -> None:
        if not self._current(run) or not isinstance(result, ProbeResult):
            return
        run.done.add(result.id)
        self._store(result)

    def _on_returned(self, run: Run, results: object) -> None:
        if not self._current(run):
            return
        for result in results if isinstance(results, list) else []:
            if isinstance(result, ProbeResult) and result.id not in run.done:
                run.done.add(result.id)
                self._store(result)
        self._end(run, "done")

    def _store(self, result: ProbeResult) -> None:
        self._results[result.id] = result
        self._stale.discard(result.id)
        _log_result(result)
        self.resultArrived.emit(result)
        self.resultsChanged.emit()

    def _end(self, run: Run, outcome: str) -> None:
        if self._current(run):
            del self._runs[run.key]
            if outcome != "done":
                self._not_finished(run, "the run ended before this check finished")
            self.runEnded.emit(run.key, outcome)
            self.resultsChanged.emit()

    def _release(self, run: Run) -> None:
        """The worker thread is done: forget the password and let the run's memory go.

        The worker's signals hold the slots connected to them (these lambdas capture the run, whose
        context memoises trust stores, DNS answers and HTTP bodies; the worker connects its own
        method too) in C++, where Python's garbage collector cannot see the cycle. Deleting the
        signals object drops those references, so each finished run is freed instead of kept.
        """
        if run.password:
            _forget(run.password)
        worker, run.worker = run.worker, None
        if run.job is not None:
            run.job.release()
            run.job = None
        if worker is not None:
            worker.signals.deleteLater()  # after the other slots of this `finished` have run
        forget_imported_sources()  # the probes' modules are imported by now

    def _mark_stale(self, _name: str) -> None:
        self._plan_cache = {}  # the plan follows the values: planned again when next asked
        if self._results:
            self._stale.update(self._results)
            self.resultsChanged.emit()


def forget_imported_sources() -> None:
    """Drop the source text PySide6 read (and linecache kept) for every module imported after it.

    PySide6's import hook reads each newly imported module's source with inspect.getsource to see
    whether it uses PySide6, and linecache keeps every line as a string: about 11 MiB for the probes'
    libraries (requests, urllib3, idna, dnspython, cryptography) and the wizard. Nothing needs them;
    a traceback reads the lines it shows again.
    """
    linecache.clearcache()


def _log_result(result: ProbeResult) -> None:
    with contextlib.suppress(ImportError):
        from wizard.logs import log_probe_result

        log_probe_result(result)


def _protect(password: bytes) -> None:
    with contextlib.suppress(ImportError):
        from wizard.logs import protect_secret

        protect_secret(password)


def _forget(password: bytes) -> None:
    with contextlib.suppress(ImportError):
        from wizard.logs import forget_secret

        forget_secret(password)
