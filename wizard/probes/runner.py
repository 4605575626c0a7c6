"""Run probes concurrently in dependency order, within a time budget: one cause gives one finding.

A check starts when every check it declares it needs (`BaseProbe.needs`) has finished. When one of
them failed, errored or was itself blocked, the check does not run: it ends as BLOCKED, naming the
root causes, so one missing DNS name reads as one failure and the checks that could not be made
because of it. Probes that need the same document or DNS answer still share it through the
ProbeContext's memo, so the run costs about its slowest chain of dependent probes.

The run has a budget: when it is spent, the context is cancelled (which closes every socket in flight),
what has not finished ends as NOT_RUN ("the run's time budget ran out") and `run_probes` returns
within a short grace period, even if a probe is stuck in code that ignores cancellation.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import replace

from wizard.probes.context import ProbeContext
from wizard.probes.registry import Probe
from wizard.probes.result import Cause, ProbeResult, Status
from wizard.safe_text import clean_result
from wizard.scenario import Scenario

GRACE = 2.0  # how long a cancelled run waits for its probes to notice before it returns anyway
BLOCKING = (Status.FAIL, Status.ERROR, Status.BLOCKED)
STOPPED = "Not checked: the run was stopped before this check finished."


def _budget_words(budget: float) -> str:
    return f"Not checked: the run's time budget ({budget:g} s) ran out before this check finished."


def _safe_run(probe: Probe, scenario: Scenario, ctx: ProbeContext) -> ProbeResult:
    try:
        if ctx.cancelled:
            return _not_run(probe, STOPPED)
        return probe.run(scenario, ctx)
    except BaseException as exc:  # the contract says run() never raises; a broken probe must not leak out
        from wizard.probes.base import defect_finding

        finding = defect_finding(exc)
        return ProbeResult(id=getattr(probe, "id", "?"), phase=probe.phase, status=finding.status,
                           title=getattr(probe, "title", "?"), detail=finding.detail,
                           remediation=finding.remediation, cause=Cause.DEFECT,
                           target=getattr(probe, "target", ""), tags=getattr(probe, "tags", ()))


def _not_run(probe: Probe, why: str) -> ProbeResult:
    return ProbeResult(id=probe.id, phase=probe.phase, status=Status.NOT_RUN, title=probe.title, detail=why,
                       target=getattr(probe, "target", ""), tags=getattr(probe, "tags", ()), cause=Cause.NOT_RUN,
                       subjects=getattr(probe, "subjects", ()))


_OUTCOME = {Status.FAIL: "failed", Status.ERROR: "could not be checked", Status.BLOCKED: "was not checked"}


def _blocked(probe: Probe, roots: list[ProbeResult]) -> ProbeResult:
    names = "; ".join(f"\u201c{r.title}\u201d {_OUTCOME.get(r.status, r.status.value)}" for r in roots)
    return ProbeResult(id=probe.id, phase=probe.phase, status=Status.BLOCKED, title=probe.title,
                       detail=f"Not checked: blocked by a check it depends on ({names}).",
                       remediation="Fix that first; this check runs again after that.",
                       target=getattr(probe, "target", ""), tags=getattr(probe, "tags", ()), cause=Cause.BLOCKED,
                       blocked_by=tuple(r.id for r in roots), subjects=getattr(probe, "subjects", ()))


def dependency_ids(probes: Sequence[Probe], accept_untrusted: bool = False) -> list[list[int]]:
    """For each probe, the indexes of the probes in this run it needs (absent ids and cycles are dropped)."""
    index = {p.id: i for i, p in enumerate(probes)}
    needs: list[list[int]] = []
    for i, probe in enumerate(probes):
        found: list[int] = []
        for need in getattr(probe, "needs", ()):
            j = index.get(need.id)
            if j is not None and j != i and j not in found and not (need.trust and accept_untrusted):
                found.append(j)
        needs.append(found)
    return _without_cycles(needs)


def _without_cycles(needs: list[list[int]]) -> list[list[int]]:
    """Drop the edges that close a cycle (a declaration bug must not deadlock a run)."""
    state = [0] * len(needs)  # 0 new, 1 on the stack, 2 done
    clean: list[list[int]] = [[] for _ in needs]

    def visit(start: int) -> None:
        stack: list[tuple[int, int]] = [(start, 0)]
        state[start] = 1
        while stack:
            node, k = stack.pop()
            if k < len(needs[node]):
                stack.append((node, k + 1))
                dep = needs[node][k]
                if state[dep] == 1:
                    continue  # a back edge: leave it out
                clean[node].append(dep)
                if state[dep] == 0:
                    state[dep] = 1
                    stack.append((dep, 0))
            else:
                state[node] = 2

    for i in range(len(needs)):
        if state[i] == 0:
            visit(i)
    return clean


class _Default:
    """Marks 'use the settings' budget' (None already means 'no budget')."""


_DEFAULT = _Default()


def run_probes(probes: Sequence[Probe], scenario: Scenario, ctx: ProbeContext, *, max_workers: int = 48,
               on_result: Callable[[ProbeResult], None] | None = None,
               budget: float | _Default | None = _DEFAULT) -> list[ProbeResult]:
    """Run every probe (concurrently, dependencies first) and return results in the probes' order.

    on_result sees each result as it ends (blocked ones included). `budget` bounds the whole run in
    seconds (default: the settings' budget; None: no bound besides each operation's own deadline).
    """
    if not probes:
        return []
    chosen = ctx.settings.budget if isinstance(budget, _Default) else budget
    return _Run(probes, scenario, ctx, on_result, chosen).run(max_workers)


class _Run:
    def __init__(self, probes: Sequence[Probe], scenario: Scenario, ctx: ProbeContext,
                 on_result: Callable[[ProbeResult], None] | None, budget: float | None) -> None:
        self.probes, self.scenario, self.ctx, self.on_result = probes, scenario, ctx, on_result
        self.budget = budget
        self.results: list[ProbeResult | None] = [None] * len(probes)
        self.needs = dependency_ids(probes, ctx.settings.accept_untrusted)
        self.index = {p.id: i for i, p in enumerate(probes)}
        self.dependents: list[list[int]] = [[] for _ in probes]
        for i, deps in enumerate(self.needs):
            for j in deps:
                self.dependents[j].append(i)
        self.waiting = [len(deps) for deps in self.needs]
        self.out_of_time = False
        self.stuck = False  # a probe ignored the cancel: return without joining its thread

    def run(self, max_workers: int) -> list[ProbeResult]:
        deadline = None if self.budget is None else time.monotonic() + self.budget
        pool = ThreadPoolExecutor(max_workers=max(1, min(max_workers, len(self.probes))), thread_name_prefix="probe")
        pending: dict[Future[ProbeResult], int] = {}
        try:
            for i, count in enumerate(self.waiting):
                if count == 0:
                    pending[pool.submit(_safe_run, self.probes[i], self.scenario, self.ctx)] = i
            self._collect(pool, pending, deadline)
        except BaseException:  # Ctrl-C in the caller's thread: stop the probes before returning
            self.ctx.cancel()
            raise
        finally:
            for future in pending:
                future.cancel()
            # Probes notice cancel within a fraction of a second; one that does not is left behind
            # rather than holding the caller past its budget.
            _, stuck = wait(pending, timeout=GRACE if pending else 0)
            pool.shutdown(wait=not stuck and not self.stuck, cancel_futures=True)
            self.ctx.close()  # the run is over: its deadline watchdog need not wait to notice
        return [r if r is not None else _not_run(self.probes[i], self._stop_words())
                for i, r in enumerate(self.results)]

    def _stop_words(self) -> str:
        return _budget_words(self.budget or 0) if self.out_of_time else STOPPED

    def _collect(self, pool: ThreadPoolExecutor, pending: dict[Future[ProbeResult], int],
                 deadline: float | None) -> None:
        while pending:
            timeout = 0.1 if deadline is None else max(0.0, min(0.1, deadline - time.monotonic()))
            done, _ = wait(pending, timeout=timeout, return_when=FIRST_COMPLETED)
            for future in done:
                index = pending.pop(future)
                result = _not_run(self.probes[index], self._stop_words()) if future.cancelled() else future.result()
                self._finish(index, result, pool, pending)
            if deadline is not None and time.monotonic() >= deadline and pending and not self.ctx.cancelled:
                self.out_of_time = True
                self.ctx.cancel()
            if self.ctx.cancelled:
                self._drain(pending)
                return

    def _drain(self, pending: dict[Future[ProbeResult], int]) -> None:
        """After cancel: collect what finishes within the grace period, the rest ends as not run."""
        done, _ = wait(pending, timeout=GRACE)
        for future in done:
            index = pending.pop(future)
            result = _not_run(self.probes[index], self._stop_words()) if future.cancelled() else future.result()
            self._store(index, result)
        for index in list(pending.values()):
            self._store(index, _not_run(self.probes[index], self._stop_words()))
        self.stuck = bool(pending)
        pending.clear()  # stuck probes are left behind (their threads end when they notice the cancel)
        for i, stored in enumerate(self.results):
            if stored is None:
                self._store(i, _not_run(self.probes[i], self._stop_words()))

    def _store(self, index: int, result: ProbeResult) -> None:
        if result.status is Status.NOT_RUN and self.out_of_time:
            result = replace(result, detail=_budget_words(self.budget or 0))
        result = clean_result(result)  # also what a probe outside BaseProbe returned
        self.results[index] = result
        if self.on_result is not None:
            with contextlib.suppress(Exception):  # a listener's bug must not stop the run or lose results
                self.on_result(result)

    def _finish(self, index: int, result: ProbeResult, pool: ThreadPoolExecutor,
                pending: dict[Future[ProbeResult], int]) -> None:
        """Store a result, then start (or block) the dependents it was the last dependency of."""
        ready = [index]
        first = True
        while ready:
            current = ready.pop()
            if first:
                self._store(current, result)
                first = False
            for dependent in self.dependents[current]:
                self.waiting[dependent] -= 1
                if self.waiting[dependent] or self.results[dependent] is not None:
                    continue
                deps = [self.results[j] for j in self.needs[dependent]]
                causes = [r for r in deps if r is not None and r.status in BLOCKING]
                if causes:
                    roots = dict.fromkeys(
                        root for c in causes for root in (c.blocked_by if c.status is Status.BLOCKED else (c.id,)))
                    found = [self.results[self.index[r]] for r in roots if r in self.index]
                    self._store(dependent, _blocked(self.probes[dependent], [r for r in found if r is not None]))
                    ready.append(dependent)
                elif any(r is not None and r.status is Status.NOT_RUN for r in deps):
                    self._store(dependent, _not_run(self.probes[dependent], self._stop_words()))
                    ready.append(dependent)
                elif not self.ctx.cancelled:
                    pending[pool.submit(_safe_run, self.probes[dependent], self.scenario, self.ctx)] = dependent
