"""The one background worker: results, errors, progress and abort all arrive as signals; finished always."""

from __future__ import annotations

import gc
import threading
import weakref

import pytest

from tests.ui.fakes import FakeProbe
from wizard.probes.context import ProbeContext, ProbeSettings
from wizard.probes.result import Status
from wizard.scenario import example_scenario
from wizard.ui.worker import Worker

pytestmark = pytest.mark.gui


def test_worker_returns_the_probe_result_on_the_gui_thread(qtbot):
    probe = FakeProbe(status=Status.WARN)
    ctx = ProbeContext(ProbeSettings())
    seen_threads, results = [], []
    worker = Worker(probe.run, example_scenario(), ctx)
    worker.signals.returned.connect(lambda r: (results.append(r), seen_threads.append(threading.get_ident())))
    with qtbot.waitSignals([worker.signals.returned, worker.signals.finished], timeout=5000, order="strict"):
        worker.start()
    [result] = results
    assert result.status is Status.WARN
    assert result.detail == "checked jdskype.net"
    assert seen_threads == [threading.get_ident()]


def test_a_raising_function_emits_errored_and_still_finished(qtbot):
    def explode():
        raise RuntimeError("resolver exploded")

    order = []
    worker = Worker(explode)
    worker.signals.returned.connect(lambda _v: order.append("returned"))
    worker.signals.errored.connect(lambda exc: order.append(f"errored:{exc}"))
    worker.signals.finished.connect(lambda: order.append("finished"))
    with qtbot.waitSignal(worker.signals.finished, timeout=5000):
        worker.start()
    assert order == ["errored:resolver exploded", "finished"]
    assert not worker.is_running


def test_progress_reports_each_value_before_returned(qtbot):
    def task(report):
        for n in range(3):
            report(n)
        return "done"

    order = []
    worker = Worker(task, wants_report=True)
    worker.signals.progress.connect(order.append)
    worker.signals.returned.connect(order.append)
    with qtbot.waitSignal(worker.signals.finished, timeout=5000):
        worker.start()
    assert order == [0, 1, 2, "done"]


def test_abort_cancels_the_context_at_once_and_emits_aborted_then_finished(qtbot):
    gate = threading.Event()  # never set: only cancel() can end the probe
    probe = FakeProbe(gate=gate)
    ctx = ProbeContext(ProbeSettings())
    order = []
    worker = Worker(probe.run, example_scenario(), ctx, on_abort=ctx.cancel)
    worker.signals.returned.connect(lambda _v: order.append("returned"))
    worker.signals.aborted.connect(lambda: order.append("aborted"))
    worker.signals.finished.connect(lambda: order.append("finished"))
    worker.start()
    qtbot.waitUntil(probe.entered.is_set, timeout=5000)
    with qtbot.waitSignal(worker.signals.finished, timeout=5000):
        worker.abort()
        assert ctx.cancelled
        assert worker.abort_requested
    assert order == ["aborted", "finished"]


def test_a_worker_nobody_references_still_runs_to_finished(qtbot):
    finished = []
    worker = Worker(lambda: 42)
    worker.signals.returned.connect(finished.append)
    worker.start()
    del worker
    gc.collect()
    qtbot.waitUntil(lambda: finished == [42] and Worker.active_count() == 0, timeout=5000)


def test_abort_after_finished_is_harmless(qtbot):
    calls = []
    worker = Worker(lambda: 1, on_abort=lambda: calls.append("cancel"))
    with qtbot.waitSignal(worker.signals.finished, timeout=5000):
        worker.start()
    worker.abort()
    assert calls == []


def test_a_finished_worker_lets_go_of_its_function_and_arguments(qtbot):
    """The pool keeps every runnable it started: a finished one must not keep its payload alive."""

    class Payload:
        pass

    arg = Payload()
    ref = weakref.ref(arg)
    worker = Worker(lambda obj: None, arg)
    with qtbot.waitSignal(worker.signals.finished, timeout=5000):
        worker.start()
    del arg
    gc.collect()
    assert worker.is_running is False
    assert ref() is None, "the finished worker still holds its argument"
