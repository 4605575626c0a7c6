"""ProbeContext: per-run memo shared safely between threads, cancel closes what is in flight."""

from __future__ import annotations

import threading
import time

import pytest

from wizard.probes.context import CancelledError, ProbeContext, ProbeSettings


def test_memo_computes_once_even_when_threads_ask_together():
    ctx = ProbeContext()
    calls = []

    def slow() -> int:
        calls.append(1)
        time.sleep(0.2)
        return 42

    answers: list[int] = []
    threads = [threading.Thread(target=lambda: answers.append(ctx.memo(("k",), slow))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [42] * 8 and len(calls) == 1


def test_memo_remembers_errors_but_not_cancellation():
    ctx = ProbeContext()
    with pytest.raises(KeyError):
        ctx.memo(("bad",), lambda: {}["x"])
    with pytest.raises(KeyError):
        ctx.memo(("bad",), lambda: 1)

    def cancelled() -> int:
        raise CancelledError("stop")

    with pytest.raises(CancelledError):
        ctx.memo(("c",), cancelled)
    assert ctx.memo(("c",), lambda: 7) == 7


def test_cancel_closes_tracked_things_and_later_tracking_is_refused():
    class Thing:
        closed = False

        def close(self) -> None:
            self.closed = True

    ctx = ProbeContext()
    first = Thing()
    ctx.track(first)
    ctx.cancel()
    assert first.closed and ctx.cancelled
    late = Thing()
    with pytest.raises(CancelledError):
        ctx.track(late)
    assert late.closed
    with pytest.raises(CancelledError):
        ctx.check()


def test_waiters_on_a_memo_give_up_when_cancelled():
    ctx = ProbeContext()
    gate = threading.Event()
    owner = threading.Thread(target=lambda: ctx.memo(("slow",), lambda: gate.wait(5)))
    owner.start()
    time.sleep(0.05)
    threading.Timer(0.1, ctx.cancel).start()
    started = time.monotonic()
    with pytest.raises(CancelledError):
        ctx.memo(("slow",), lambda: None)
    assert time.monotonic() - started < 0.5
    gate.set()
    owner.join()


@pytest.mark.parametrize("bad", [{"https_port": 0}, {"sip_port": 70000}, {"nameserver": ("", 53)},
                                 {"dns_timeout": 0}, {"max_bytes": 0}, {"max_redirects": -1}])
def test_settings_refuse_impossible_values(bad):
    with pytest.raises(ValueError):
        ProbeSettings(**bad)


def test_clock_is_injected_and_made_timezone_aware():
    import datetime as dt

    moment = dt.datetime(2030, 1, 1, 12, 0)
    assert ProbeContext(clock=lambda: moment).now() == moment.replace(tzinfo=dt.UTC)
    assert ProbeSettings(https_port=8443).port_https() == 8443 and ProbeSettings().port_sip() == 5061
