"""The lab's wire faults: each misbehaves on real sockets, and the checks name it within their deadline.

For every fault the whole verification runs against the lab with a 2 s deadline (as `verify --demo
--fault NAME --timeout 2` does) and the check that should catch it is asserted: its status, its
cause, the words of its verdict, and that it ended within the deadline plus a margin.
"""

from __future__ import annotations

import dataclasses
import socket
import ssl
import time

import pytest

from wizard.lab import Lab
from wizard.lab.faults import FAULT_BY_NAME, Wire, WireFault, lab_config
from wizard.probes.context import ProbeContext
from wizard.probes.registry import probes_for
from wizard.probes.result import Cause, ProbeResult, Status
from wizard.probes.runner import run_probes

TIMEOUT = 2.0
MARGIN = 1.5
POOL = "pool01.contoso.com"
FE01 = "127.77.0.21"
METADATA = f"https://{POOL}/metadata/json/1"
TLS_CHECK = f"prerequisites.tls:{POOL}"
METADATA_CHECK = f"partner-applications.sfb-metadata:{POOL}"
DRIP_INTERVAL = lab_config("drip-handshake").wire_faults[0].interval

# fault -> (check id, status, cause, words the verdict must contain)
WIRE_FAULTS: dict[str, tuple[str, Status, Cause, tuple[str, ...]]] = {
    "silent-front-end": (TLS_CHECK, Status.ERROR, Cause.TIMEOUT, (
        f"{POOL} ({FE01}) accepted the connection on port", "but did not complete a TLS handshake within 2 s")),
    "drip-handshake": (TLS_CHECK, Status.ERROR, Cause.TIMEOUT, (
        f"{POOL} ({FE01}) accepted the connection on port", "but did not complete a TLS handshake within 2 s")),
    "drip-headers": (METADATA_CHECK, Status.ERROR, Cause.TIMEOUT, (
        f"{POOL} ({FE01}) sent the headers of its answer for {METADATA} too slowly: not complete after 2 s",
        "bytes received")),
    "drip-body": (METADATA_CHECK, Status.ERROR, Cause.TIMEOUT, (
        f"{POOL} ({FE01}) was still sending the body of its answer for {METADATA} after 2 s", "bytes received")),
    "reset-mid-body": (METADATA_CHECK, Status.FAIL, Cause.BAD_ANSWER, (
        f"{POOL} ({FE01})", f"in the middle of the body of its answer for {METADATA}", "bytes of the body received")),
    "not-http": (METADATA_CHECK, Status.FAIL, Cause.BAD_ANSWER, (
        f"{POOL} ({FE01}) answered the request for {METADATA}, but not in HTTP: its answer begins 'SSH-2.0-OpenSSH",
        "an SSH server answers on this port?")),
    "many-headers": (METADATA_CHECK, Status.FAIL, Cause.BAD_ANSWER, (
        f"{POOL} ({FE01}) answered the request for {METADATA} with more than 100 header lines",)),
    "redirect-other-host": (METADATA_CHECK, Status.WARN, Cause.FINDING, (
        "The pool publishes issuer", f"But the answer came from webext.contoso.com, not {POOL}",
        f"{METADATA} redirects to https://webext.contoso.com/metadata/json/1",
        f"The Exchange servers are configured with {METADATA} itself")),
    "redirect-to-http": (METADATA_CHECK, Status.FAIL, Cause.BAD_ANSWER, (
        f"{METADATA} redirects to plain HTTP (http://{POOL}/metadata/json/1)", "the check does not follow it")),
    "redirect-loop": (METADATA_CHECK, Status.FAIL, Cause.BAD_ANSWER, (
        f"{METADATA} never serves a document: redirect loop {METADATA} -> {METADATA}/ -> {METADATA}",)),
}
# Remediation words: what to look at, never the firewall advice of a server that could not be reached.
FIXES = {
    "silent-front-end": "HTTPS binding", "drip-handshake": "HTTPS binding", "drip-headers": "far too slowly",
    "drip-body": "far too slowly", "reset-mid-body": "broke the answer off", "not-http": "which service listens",
    "many-headers": "adds the header lines", "redirect-other-host": "remove the redirect",
    "redirect-to-http": "redirect rules", "redirect-loop": "redirect rules",
}


def verify(lab: Lab) -> tuple[dict[str, ProbeResult], float]:
    ctx = ProbeContext(dataclasses.replace(lab.settings, http_timeout=TIMEOUT))
    probes = probes_for(lab.scenario, login_base_url=lab.settings.login_base_url)
    started = time.monotonic()
    try:
        results = run_probes(probes, lab.scenario, ctx)
    finally:
        ctx.close()
    return {r.id: r for r in results}, time.monotonic() - started


def test_every_wire_fault_is_in_the_catalogue_and_has_a_verdict() -> None:
    wire = {name for name, fault in FAULT_BY_NAME.items() if "wire_faults" in fault.changes}
    assert wire == set(WIRE_FAULTS) == set(FIXES)


@pytest.mark.parametrize("fault", sorted(WIRE_FAULTS))
def test_wire_fault_is_named_by_its_check_within_the_deadline(fault: str) -> None:
    check, status, cause, words = WIRE_FAULTS[fault]
    with Lab.start([fault]) as lab:
        results, took = verify(lab)
        errors = lab.errors
    result = results[check]
    assert (result.status, result.cause) == (status, cause), (result.detail, result.remediation)
    for phrase in words:
        assert phrase in result.detail, result.detail
    assert FIXES[fault] in result.remediation, result.remediation
    assert "cannot connect" not in result.detail and "firewalls allow" not in result.remediation
    assert result.elapsed_ms / 1000 < TIMEOUT + MARGIN
    # One misbehaving server costs the run about one deadline, not one per check.
    assert took < 2 * TIMEOUT + MARGIN
    assert errors == []
    others = [r.id for r in results.values() if r.status in (Status.FAIL, Status.ERROR) and r.id != check]
    assert others == [] or status is Status.WARN, others


def test_only_fe01_misbehaves() -> None:
    """fe02 answers the same URL properly: a wire fault is one machine's."""
    with Lab.start(["not-http"]) as faulty:
        context = ssl.create_default_context(cafile=faulty.ca_pem_path)
        for address, healthy in ((FE01, False), ("127.77.0.22", True)):
            with socket.create_connection((address, faulty.https_port), timeout=5) as raw, \
                    context.wrap_socket(raw, server_hostname=POOL) as tls:
                tls.sendall(f"GET /metadata/json/1 HTTP/1.1\r\nHost: {POOL}\r\n\r\n".encode())
                assert tls.recv(64).startswith(b"HTTP/1.1 200") is healthy


def test_a_silent_front_end_accepts_and_never_speaks() -> None:
    with Lab.start(["silent-front-end"]) as lab:
        with socket.create_connection((FE01, lab.https_port), timeout=5) as raw:
            raw.settimeout(0.5)
            raw.sendall(b"\x16\x03\x01\x00\x05hello")
            with pytest.raises(TimeoutError):
                raw.recv(1)
        began = time.monotonic()
    assert time.monotonic() - began < 2.5  # stopping the lab does not wait for the silent connection


def test_a_dripped_handshake_sends_one_byte_per_interval() -> None:
    with Lab.start(["drip-handshake"]) as lab:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
        client = context.wrap_bio(incoming, outgoing, server_hostname=POOL)
        with pytest.raises(ssl.SSLWantReadError):
            client.do_handshake()
        with socket.create_connection((FE01, lab.https_port), timeout=5) as raw:
            raw.sendall(outgoing.read())
            raw.settimeout(1)
            started = time.monotonic()
            chunks = [raw.recv(65536) for _ in range(4)]
            took = time.monotonic() - started
    assert [len(c) for c in chunks] == [1, 1, 1, 1]
    assert chunks[0] == b"\x16"  # the start of a real TLS handshake record
    assert took > 2.5 * DRIP_INTERVAL


def test_a_wire_fault_for_a_connection_cannot_name_a_path() -> None:
    with pytest.raises(ValueError, match="before any request"):
        WireFault("fe01", Wire.SILENT, "/metadata/json/1")
    with pytest.raises(ValueError, match="location"):
        WireFault("fe01", Wire.REDIRECT, "/metadata/json/1")
