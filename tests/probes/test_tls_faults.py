"""TLS 1.0/1.1-only servers and oversized certificate lists: named verdicts on real sockets, never a defect.

A TLS 1.0-only server and a 100 kB certificate list used to make every HTTPS check read "The check
itself failed (AttributeError ...)": ssl.SSLError's `reason` is a string and the exception-chain walk
followed it. These tests run the lab's faults end to end, and every probe once on its own (as if no
dependency had blocked it), so each of the former 12 defects is seen to be a named verdict.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
import time
import tracemalloc
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.probes.conftest import context_for
from tests.probes.loopback import DnsBehaviour, Reply, StubHttps, TestCA
from wizard.lab import Lab
from wizard.lab.deployment import POOL
from wizard.probes.context import ProbeContext, ProbeSettings
from wizard.probes.net import tls
from wizard.probes.net.errors import TlsTooLargeError, TlsVersionError
from wizard.probes.net.http import HttpClient
from wizard.probes.registry import probes_for
from wizard.probes.result import Cause, ProbeResult, Status
from wizard.probes.runner import run_probes
from wizard.probes.tcp_tls import TlsCertificateProbe
from wizard.scenario import Scenario

MARGIN = 1.5
HANDSHAKE = f"prerequisites.tls:{POOL}"


def verify(lab: Lab) -> tuple[dict[str, ProbeResult], float]:
    ctx = ProbeContext(lab.settings)
    began = time.monotonic()
    results = run_probes(probes_for(lab.scenario, login_base_url=lab.settings.login_base_url), lab.scenario, ctx)
    return {r.id: r for r in results}, time.monotonic() - began


def each_probe_alone(lab: Lab) -> dict[str, ProbeResult]:
    """Every probe run directly (no dependency can block it), sharing one run's context like the runner."""
    ctx = ProbeContext(lab.settings)
    probes = probes_for(lab.scenario, login_base_url=lab.settings.login_base_url)
    return {p.id: p.run(lab.scenario, ctx) for p in probes}


def talks_to_pool(result: ProbeResult) -> bool:
    return POOL in result.id or POOL in result.target or result.id.startswith("certificates.oauth")


@pytest.fixture(scope="module")
def legacy_lab() -> Iterator[Lab]:
    with Lab.start(["tls-legacy-only"]) as lab:
        yield lab
        assert lab.errors == []


@pytest.fixture(scope="module")
def huge_lab() -> Iterator[Lab]:
    with Lab.start(["huge-certificate-chain"]) as lab:
        yield lab
        assert lab.errors == []


def test_legacy_fault_really_negotiates_only_tls_1_0_or_1_1(legacy_lab: Lab) -> None:
    address = legacy_lab.addresses[POOL][0]
    with socket.create_connection((address, legacy_lab.https_port), timeout=5) as raw, \
            tls.legacy_context().wrap_socket(raw, server_hostname=POOL) as old:
        assert old.version() in ("TLSv1", "TLSv1.1")
    modern = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    modern.check_hostname, modern.verify_mode = False, ssl.CERT_NONE
    with socket.create_connection((address, legacy_lab.https_port), timeout=5) as raw, \
            pytest.raises(ssl.SSLError):
        modern.wrap_socket(raw, server_hostname=POOL)


def test_tls_legacy_only_is_a_named_finding_within_the_deadline(legacy_lab: Lab) -> None:
    results, seconds = verify(legacy_lab)
    result = results[HANDSHAKE]
    assert result.status is Status.FAIL, result.detail
    assert result.cause is Cause.FINDING
    assert "only offers TLS 1.1" in result.detail
    assert "refuse TLS 1.0 and 1.1" in result.detail
    assert "SCHANNEL" in result.remediation and "TLS 1.2" in result.remediation
    deadline = legacy_lab.settings.http_timeout + MARGIN
    assert result.elapsed_ms / 1000 < deadline
    assert seconds < deadline
    assert not [r.id for r in results.values() if r.cause is Cause.DEFECT]


def test_every_check_of_a_legacy_server_names_the_version_not_a_defect_or_trust(legacy_lab: Lab) -> None:
    results = each_probe_alone(legacy_lab)
    pool_results = [r for r in results.values() if talks_to_pool(r) and r.status is not Status.PASS]
    assert len(pool_results) >= 5
    for result in pool_results:
        assert result.cause is not Cause.DEFECT, (result.id, result.detail)
        assert "check itself failed" not in result.detail
        assert "not trusted" not in result.detail and "untrusted" not in result.detail, result.id
        assert "TLS 1.1" in result.detail, (result.id, result.detail)
    assert not [r.id for r in results.values() if r.cause is Cause.DEFECT]


def test_huge_certificate_chain_is_a_named_bad_answer_within_the_deadline(huge_lab: Lab) -> None:
    results, seconds = verify(huge_lab)
    result = results[HANDSHAKE]
    assert result.status is Status.FAIL, result.detail
    assert result.cause is Cause.BAD_ANSWER
    assert "certificate list larger than 100 kB" in result.detail
    assert "Subject Alternative Names" in result.remediation
    deadline = huge_lab.settings.http_timeout + MARGIN
    assert result.elapsed_ms / 1000 < deadline
    assert seconds < deadline
    assert not [r.id for r in results.values() if r.cause is Cause.DEFECT]


def test_every_check_of_a_huge_chain_server_is_named_and_memory_stays_bounded(huge_lab: Lab) -> None:
    tracemalloc.start()
    try:
        results = each_probe_alone(huge_lab)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 32 * 1024 * 1024
    pool_results = [r for r in results.values() if talks_to_pool(r) and r.status is not Status.PASS]
    assert len(pool_results) >= 5
    for result in pool_results:
        assert result.cause is not Cause.DEFECT, (result.id, result.detail)
        assert "larger than 100 kB" in result.detail, (result.id, result.detail)


# ---- the same classes against small servers written here, for the paths the lab does not take


@contextlib.contextmanager
def tls_server(context: ssl.SSLContext, address: str) -> Iterator[int]:
    """A one-thread TLS server answering one tiny HTTP response per connection; joined on exit."""
    listener = socket.socket()
    listener.bind((address, 0))
    listener.listen()

    def loop() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with contextlib.suppress(OSError), conn:
                conn.settimeout(5)
                with context.wrap_socket(conn, server_side=True) as tls_conn:
                    tls_conn.recv(4096)
                    tls_conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        with contextlib.suppress(OSError):
            listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept()
        listener.close()
        thread.join(5)
        assert not thread.is_alive()


def test_a_fetch_from_a_tls_1_0_server_names_tls_1_0(tmp_path: Path, test_ca: TestCA, ca_file: str,
                                                       dns_server) -> None:
    leaf = test_ca.issue(["old.contoso.com"])
    pem = tmp_path / "old.pem"
    pem.write_bytes(leaf.pem + leaf.key_pem())
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.set_ciphers("DEFAULT:@SECLEVEL=0")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # naming TLS 1.0 is the point of this server
        server.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
        server.maximum_version = ssl.TLSVersion.TLSv1
    server.load_cert_chain(str(pem))
    dns = dns_server(DnsBehaviour(records={("old.contoso.com.", "A"): ["127.0.0.31"]}))
    with tls_server(server, "127.0.0.31") as port:
        ctx = ProbeContext(ProbeSettings(nameserver=(dns.address, dns.port), ca_bundle=ca_file, https_port=port,
                                         http_timeout=3))
        began = time.monotonic()
        with pytest.raises(TlsVersionError) as caught:
            HttpClient(ctx).fetch("https://old.contoso.com/metadata/json/1")
        assert time.monotonic() - began < 3 + MARGIN
    assert caught.value.offered == "TLSv1"
    assert "only offers TLS 1.0" in str(caught.value)
    assert "refuse TLS 1.0 and 1.1" in str(caught.value)
    assert caught.value.cause is Cause.FINDING and caught.value.finding
    assert "SCHANNEL" in caught.value.remediation


@pytest.fixture
def closed_port() -> int:
    """A port where nothing listens (the permissive second look gets 'connection refused')."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_server_refusing_every_version_gets_no_guessed_version(closed_port: int) -> None:
    exc = ssl.SSLError(1, "[SSL: UNSUPPORTED_PROTOCOL] unsupported protocol (_ssl.c:1006)")
    exc.reason = "UNSUPPORTED_PROTOCOL"  # type: ignore[misc]
    typed = tls.classify(exc, "old.contoso.com", 443)
    assert isinstance(typed, TlsVersionError)
    assert "no TLS version in common" in str(typed) and typed.offered == ""
    explained = tls.explain(ProbeContext(), exc, "old.contoso.com", "127.0.0.1", closed_port)
    assert isinstance(explained, TlsVersionError)
    assert "no TLS version in common" in str(explained) and explained.offered == ""


def test_chain_walk_skips_string_reasons_that_once_crashed_it() -> None:
    inner = ssl.SSLError(1, "[SSL: EXCESSIVE_MESSAGE_SIZE] excessive message size (_ssl.c:1006)")
    inner.reason = "EXCESSIVE_MESSAGE_SIZE"  # type: ignore[misc]
    try:
        try:
            raise inner
        except ssl.SSLError as err:
            raise OSError("wrapped") from err
    except OSError as outer:
        typed = tls.classify(outer, "pool01.contoso.com", 443)
    assert isinstance(typed, TlsTooLargeError)
    assert "(_ssl.c" not in str(typed)


def test_many_names_under_the_limit_pass_with_bounded_evidence(dns_server, https_server, test_ca: TestCA,
                                                               ca_file: str) -> None:
    names = ["big.contoso.com"] + [f"site{i:05d}.branch.contoso.com" for i in range(2500)]
    site: StubHttps = https_server("127.0.0.32", {"big.contoso.com": test_ca.issue(names)},
                                   {("GET", "/"): Reply(200, b"ok")})
    dns = dns_server(DnsBehaviour(records={("big.contoso.com.", "A"): ["127.0.0.32"]}))
    ctx = context_for(dns, site, ca_file)
    began = time.monotonic()
    probe = TlsCertificateProbe("Front End pool", "big.contoso.com", "the Exchange servers")
    result = probe.run(Scenario(), ctx)
    assert time.monotonic() - began < ctx.settings.http_timeout + MARGIN
    assert result.status is Status.PASS, result.detail
    shown = next(e.value for e in result.evidence if e.label.endswith("subject alternative names"))
    assert "and 2,481 more" in shown
    assert len(shown) < 1000
