"""The lab's Acceptor holds descriptors only while it runs: one that never starts leaks nothing.

Servers are built before they start, and a start can fail half-way (a port taken, a farm refused);
with warnings as errors a forgotten socket pair would fail the test that built it.
"""

from __future__ import annotations

import gc
import socket
import threading
import warnings
from collections.abc import Callable

from wizard.lab.listeners import Acceptor, bind_same_port


def _unclosed_sockets_after(make: Callable[[], object]) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        make()
        gc.collect()
    return [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]


def test_an_acceptor_that_never_starts_opens_nothing() -> None:
    assert _unclosed_sockets_after(lambda: Acceptor("never-started")) == []


def test_stop_without_start_closes_the_sockets_it_was_given() -> None:
    acceptor = Acceptor("stopped-before-start")
    (listener,) = bind_same_port([("127.0.0.1", socket.SOCK_STREAM)])
    acceptor.add(listener, lambda _sock: None)
    assert acceptor.stop() is True
    assert listener.fileno() == -1


def test_a_started_acceptor_serves_sockets_added_before_and_after_start() -> None:
    acceptor = Acceptor("started")
    first, second = (bind_same_port([("127.0.0.1", socket.SOCK_STREAM)])[0] for _ in range(2))
    ports = [first.getsockname()[1], second.getsockname()[1]]
    seen: list[int] = []
    both = threading.Event()

    def accept(listener: socket.socket) -> None:
        conn, _ = listener.accept()
        conn.close()
        seen.append(listener.getsockname()[1])
        if len(seen) == len(ports):
            both.set()

    acceptor.add(first, accept)
    acceptor.start()
    acceptor.add(second, accept)
    try:
        for port in ports:
            with socket.create_connection(("127.0.0.1", port), timeout=2):
                pass
        assert both.wait(3)
    finally:
        assert acceptor.stop() is True
    assert sorted(seen) == sorted(ports)
    assert first.fileno() == -1
    assert second.fileno() == -1
