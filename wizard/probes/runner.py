"""Run probes concurrently: a verification costs about its slowest chain of dependent probes, not the sum.

Probes that need the same document or DNS answer share it through the ProbeContext's memo, so a
dependent probe simply waits for the first fetch. A probe that raises becomes an ERROR result; no
thread outlives `run_probes`, also after ProbeContext.cancel().
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

from wizard.probes.context import ProbeContext
from wizard.probes.registry import Probe
from wizard.probes.result import ProbeResult, Status
from wizard.scenario import Scenario


def _safe_run(probe: Probe, scenario: Scenario, ctx: ProbeContext) -> ProbeResult:
    try:
        if ctx.cancelled:
            return _not_run(probe, "Cancelled before this check started.")
        return probe.run(scenario, ctx)
    except BaseException as exc:  # the contract says run() never raises; a broken probe must not leak out
        return ProbeResult(id=getattr(probe, "id", "?"), phase=probe.phase, status=Status.ERROR,
                           title=getattr(probe, "title", "?"),
                           detail=f"The check itself failed ({type(exc).__name__}: {exc}).",
                           remediation="This is a defect in the wizard; the other checks are unaffected.")


def _not_run(probe: Probe, why: str) -> ProbeResult:
    return ProbeResult(id=probe.id, phase=probe.phase, status=Status.SKIP, title=probe.title, detail=why,
                       target=getattr(probe, "target", ""), tags=getattr(probe, "tags", ()))


def run_probes(probes: Sequence[Probe], scenario: Scenario, ctx: ProbeContext, *, max_workers: int = 16,
               on_result: Callable[[ProbeResult], None] | None = None) -> list[ProbeResult]:
    """Run every probe (concurrently), return results in the probes' order; on_result sees each as it ends."""
    results: list[ProbeResult | None] = [None] * len(probes)
    if not probes:
        return []
    with ThreadPoolExecutor(max_workers=max(1, min(max_workers, len(probes))),
                            thread_name_prefix="probe") as pool:
        pending: dict[Future[ProbeResult], int] = {
            pool.submit(_safe_run, probe, scenario, ctx): index for index, probe in enumerate(probes)}
        try:
            _collect(pending, probes, results, ctx, on_result)
        except BaseException:  # Ctrl-C in the caller's thread: stop the probes before the pool joins them
            ctx.cancel()
            for future in pending:
                future.cancel()
            raise
    return [r if r is not None else _not_run(probes[i], "Cancelled before this check started.")
            for i, r in enumerate(results)]


def _collect(pending: dict[Future[ProbeResult], int], probes: Sequence[Probe], results: list[ProbeResult | None],
             ctx: ProbeContext, on_result: Callable[[ProbeResult], None] | None) -> None:
    while pending:
        done, _ = wait(pending, timeout=0.1, return_when=FIRST_COMPLETED)
        for future in done:
            index = pending.pop(future)
            if future.cancelled():
                result = _not_run(probes[index], "Cancelled before this check started.")
            else:
                result = future.result()
            results[index] = result
            if on_result is not None:
                with contextlib.suppress(Exception):  # a listener's bug must not stop the run or lose results
                    on_result(result)
        if ctx.cancelled:
            for future in list(pending):
                future.cancel()
