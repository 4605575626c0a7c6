"""Fixtures: loopback DNS and HTTPS servers with a throwaway CA, torn down (threads joined) after each test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.probes.loopback import DnsBehaviour, Issued, Reply, Route, SilentListener, StubDns, StubHttps, TestCA
from wizard.probes.context import ProbeContext, ProbeSettings


@pytest.fixture(scope="session")
def test_ca() -> TestCA:
    return TestCA()


@pytest.fixture
def ca_file(tmp_path: Path, test_ca: TestCA) -> str:
    path = tmp_path / "ca.pem"
    path.write_bytes(test_ca.pem)
    return str(path)


@pytest.fixture
def dns_server() -> Iterator[Callable[[DnsBehaviour], StubDns]]:
    started: list[StubDns] = []

    def start(behaviour: DnsBehaviour) -> StubDns:
        server = StubDns(behaviour)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def https_server(tmp_path: Path) -> Iterator[Callable[..., StubHttps]]:
    started: list[StubHttps] = []

    def start(address: str, certificates: dict[str, Issued], routes: dict[tuple[str, str], Route | Reply]) -> StubHttps:
        server = StubHttps(address, certificates, routes, tmp_path)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def silent_listener() -> Iterator[SilentListener]:
    listener = SilentListener("127.0.0.1")
    yield listener
    listener.stop()


def settings_for(dns: StubDns, https: StubHttps | None = None, ca_file: str | None = None,
                 **extra: object) -> ProbeSettings:
    return ProbeSettings(nameserver=(dns.address, dns.port), ca_bundle=ca_file,
                         https_port=https.port if https else None, **extra)  # type: ignore[arg-type]


def context_for(dns: StubDns, https: StubHttps | None = None, ca_file: str | None = None,
                **extra: object) -> ProbeContext:
    return ProbeContext(settings_for(dns, https, ca_file, **extra))
