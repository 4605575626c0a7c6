"""The DNS client's promises on real sockets: one deadline per lookup, TCP after truncation, strict answers.

The lab's DNS server answers like a recursive resolver; the small scripted server here answers the
way the lab does not: like an authoritative-only server (one CNAME per answer), slowly, truncated
with TCP closed or silent, or with records nobody asked for.
"""

from __future__ import annotations

import contextlib
import selectors
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator

import dns.flags
import dns.message
import dns.rcode
import dns.rrset
import pytest

from wizard.lab.listeners import bind_same_port
from wizard.probes.context import CancelledError, ProbeContext, ProbeSettings
from wizard.probes.dns import ResolvesProbe
from wizard.probes.net.dns import DnsClient
from wizard.probes.net.errors import (
    CnameChainTooLongError,
    CnameLoopError,
    DnsServerError,
    DnsTcpFallbackError,
    DnsTimeoutError,
    DnsWrongNameError,
    NxDomainError,
)
from wizard.probes.result import Cause, Status
from wizard.scenario import Scenario

MARGIN = 1.5
ADDRESS = "127.0.3.1"

# question name -> (seconds to wait, response) ; the response is built from the query
Script = Callable[[dns.message.Message, bool], tuple[float, dns.message.Message | bytes | None]]


class ScriptedDns:
    """UDP (and, unless tcp is None, TCP on the same port) answering each query as `script` says.

    tcp: "answer" serves TCP with the script, "silent" accepts and never answers, None listens not at all.
    """

    def __init__(self, script: Script, *, tcp: str | None = "answer") -> None:
        self.script, self.tcp_mode = script, tcp
        kinds = [socket.SOCK_DGRAM] + ([socket.SOCK_STREAM] if tcp is not None else [])
        bound = bind_same_port([(ADDRESS, kind) for kind in kinds], backlog=8)
        for sock in bound:
            sock.setblocking(True)
        self.udp = bound[0]
        self.port = self.udp.getsockname()[1]
        self.tcp: socket.socket | None = bound[1] if tcp is not None else None
        self.queries: list[tuple[str, str]] = []  # (name, "udp" | "tcp")
        self._stop = threading.Event()
        self._held: list[socket.socket] = []
        self._thread = threading.Thread(target=self._serve, name="scripted-dns")
        self._thread.start()

    def settings(self, **changes: object) -> ProbeSettings:
        return ProbeSettings(nameserver=(ADDRESS, self.port), **changes)  # type: ignore[arg-type]

    def _reply(self, wire: bytes, tcp: bool) -> bytes | None:
        query = dns.message.from_wire(wire)
        self.queries.append((query.question[0].name.to_text().lower(), "tcp" if tcp else "udp"))
        delay, response = self.script(query, tcp)
        if delay and self._stop.wait(delay):
            return None
        if response is None or isinstance(response, bytes):
            return response
        return response.to_wire()

    def _serve(self) -> None:
        with selectors.DefaultSelector() as selector:
            selector.register(self.udp, selectors.EVENT_READ, "udp")
            if self.tcp is not None:
                selector.register(self.tcp, selectors.EVENT_READ, "accept")
            while not self._stop.is_set():
                for key, _ in selector.select(0.05):
                    if key.data == "udp":
                        wire, peer = self.udp.recvfrom(65535)
                        reply = self._reply(wire, tcp=False)
                        if reply is not None:
                            self.udp.sendto(reply, peer)
                    elif key.data == "accept":
                        assert self.tcp is not None
                        conn, _ = self.tcp.accept()
                        if self.tcp_mode == "silent":
                            self._held.append(conn)  # accepted, never answered
                        else:
                            selector.register(conn, selectors.EVENT_READ, "conn")
                    else:
                        conn = key.fileobj  # type: ignore[assignment]
                        header = conn.recv(2)
                        if len(header) < 2:
                            selector.unregister(conn)
                            conn.close()
                            continue
                        (length,) = struct.unpack("!H", header)
                        wire = b""
                        while len(wire) < length:
                            wire += conn.recv(length - len(wire))
                        reply = self._reply(wire, tcp=True)
                        if reply is not None:
                            conn.sendall(struct.pack("!H", len(reply)) + reply)
            for key in list(selector.get_map().values()):
                if key.data == "conn":
                    key.fileobj.close()  # type: ignore[union-attr]

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)
        assert not self._thread.is_alive()
        for sock in (self.udp, self.tcp, *self._held):
            if sock is not None:
                sock.close()


@pytest.fixture
def scripted() -> Iterator[Callable[..., ScriptedDns]]:
    started: list[ScriptedDns] = []

    def start(script: Script, *, tcp: str | None = "answer") -> ScriptedDns:
        server = ScriptedDns(script, tcp=tcp)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def reply(query: dns.message.Message, *rrsets: tuple[str, str, str], rcode: int = dns.rcode.NOERROR,
          truncated: bool = False) -> dns.message.Message:
    response = dns.message.make_response(query)
    response.set_rcode(rcode)
    if truncated:
        response.flags |= dns.flags.TC
    for name, rdtype, rdata in rrsets:
        response.answer.append(dns.rrset.from_text(name, 60, "IN", rdtype, rdata))
    return response


def authoritative(links: dict[str, str], addresses: dict[str, str], delay: float = 0.0) -> Script:
    """One CNAME per answer (an authoritative server that does not chase aliases out of its zone)."""
    def script(query: dns.message.Message, tcp: bool) -> tuple[float, dns.message.Message]:
        name = query.question[0].name.to_text().lower()
        if name in links:
            return delay, reply(query, (name, "CNAME", links[name]))
        if name in addresses:
            return delay, reply(query, (name, "A", addresses[name]))
        return delay, reply(query, rcode=dns.rcode.NXDOMAIN)
    return script


def truncating(query: dns.message.Message, tcp: bool) -> tuple[float, dns.message.Message]:
    name = query.question[0].name.to_text()
    if tcp:
        return 0.0, reply(query, (name, "A", "127.0.0.7"), (name, "A", "127.0.0.8"))
    return 0.0, reply(query, (name, "A", "127.0.0.7"), truncated=True)


def timed(call: Callable[[], object]) -> tuple[BaseException | None, object, float]:
    began = time.monotonic()
    try:
        value = call()
    except BaseException as exc:  # the test inspects what was raised
        return exc, None, time.monotonic() - began
    return None, value, time.monotonic() - began


def test_truncated_udp_answer_is_complete_over_tcp(scripted: Callable[..., ScriptedDns]) -> None:
    server = scripted(truncating)
    answer = DnsClient(ProbeContext(server.settings())).addresses("www.contoso.com")
    assert answer.addresses == ("127.0.0.7", "127.0.0.8") and answer.over_tcp
    assert server.queries == [("www.contoso.com.", "udp"), ("www.contoso.com.", "tcp")]


def test_truncated_udp_with_tcp_closed_fails_saying_tcp_failed(scripted: Callable[..., ScriptedDns]) -> None:
    server = scripted(truncating, tcp=None)
    settings = server.settings(dns_timeout=1.0)
    error, _, seconds = timed(lambda: DnsClient(ProbeContext(settings)).addresses("www.contoso.com"))
    assert isinstance(error, DnsTcpFallbackError) and error.cause is Cause.UNREACHABLE and error.finding
    assert f"{ADDRESS}:{server.port} truncated its UDP answer for www.contoso.com A" in str(error)
    assert "full answer over TCP failed" in str(error) and "refused" in str(error)
    assert seconds < 1.0 + MARGIN
    result = ResolvesProbe("Exchange server", "www.contoso.com").run(Scenario(), ProbeContext(settings))
    assert (result.status, result.cause) == (Status.FAIL, Cause.UNREACHABLE)
    assert "Allow TCP port 53" in result.remediation


def test_truncated_udp_with_silent_tcp_ends_at_the_lookup_deadline(scripted: Callable[..., ScriptedDns]) -> None:
    server = scripted(truncating, tcp="silent")
    error, _, seconds = timed(lambda: DnsClient(ProbeContext(server.settings(dns_timeout=1.0))).addresses("x.com"))
    assert isinstance(error, DnsTcpFallbackError) and error.cause is Cause.TIMEOUT
    assert "no complete answer within the deadline" in str(error)
    assert 0.9 < seconds < 1.0 + MARGIN


def test_cancel_interrupts_the_tcp_fallback_at_once(scripted: Callable[..., ScriptedDns]) -> None:
    server = scripted(truncating, tcp="silent")
    ctx = ProbeContext(server.settings(dns_timeout=30.0))
    threading.Timer(0.3, ctx.cancel).start()
    error, _, seconds = timed(lambda: DnsClient(ctx).addresses("www.contoso.com"))
    assert isinstance(error, CancelledError)
    assert seconds < 0.3 + 0.5


def test_aliases_an_authoritative_server_does_not_chase_are_followed(scripted: Callable[..., ScriptedDns]) -> None:
    server = scripted(authoritative({"a.contoso.com.": "b.contoso.com.", "b.contoso.com.": "c.contoso.net."},
                                    {"c.contoso.net.": "127.0.0.9"}))
    answer = DnsClient(ProbeContext(server.settings())).addresses("a.contoso.com")
    assert answer.cnames == ("b.contoso.com", "c.contoso.net") and answer.addresses == ("127.0.0.9",)
    assert [name for name, _ in server.queries] == ["a.contoso.com.", "b.contoso.com.", "c.contoso.net."]


def test_a_loop_across_follow_up_queries_is_a_loop(scripted: Callable[..., ScriptedDns]) -> None:
    server = scripted(authoritative({"a.contoso.com.": "b.contoso.com.", "b.contoso.com.": "a.contoso.com."}, {}))
    with pytest.raises(CnameLoopError, match=r"form a loop: a\.contoso\.com -> b\.contoso\.com -> a\.contoso\.com"):
        DnsClient(ProbeContext(server.settings())).addresses("a.contoso.com")


def test_a_chain_beyond_the_limit_across_queries_is_too_long(scripted: Callable[..., ScriptedDns]) -> None:
    links = {f"h{i}.contoso.com.": f"h{i + 1}.contoso.com." for i in range(12)}
    server = scripted(authoritative(links, {"h12.contoso.com.": "127.0.0.9"}))
    with pytest.raises(CnameChainTooLongError, match=r"chain of more than 8 CNAME records \(h0.contoso.com -> "
                                                     r"h1.contoso.com -> .* -> h4.contoso.com -> …\)"):
        DnsClient(ProbeContext(server.settings())).addresses("h0.contoso.com")
    assert len(server.queries) == 9  # it stopped following at the limit


def test_one_deadline_covers_every_query_of_a_cname_chain(scripted: Callable[..., ScriptedDns]) -> None:
    links = {f"s{i}.contoso.com.": f"s{i + 1}.contoso.com." for i in range(5)}
    server = scripted(authoritative(links, {"s5.contoso.com.": "127.0.0.9"}, delay=0.4))
    error, _, seconds = timed(lambda: DnsClient(ProbeContext(server.settings(dns_timeout=1.0))).addresses(
        "s0.contoso.com"))
    assert isinstance(error, DnsTimeoutError) and "within 1 s" in str(error)
    assert 0.9 < seconds < 1.0 + MARGIN  # six slow answers would take 2.4 s


def test_a_lost_datagram_is_resent_within_the_deadline(scripted: Callable[..., ScriptedDns]) -> None:
    seen: list[int] = []

    def deaf_once(query: dns.message.Message, tcp: bool) -> tuple[float, dns.message.Message | None]:
        seen.append(1)
        return 0.0, None if len(seen) == 1 else reply(query, ("w.contoso.com.", "A", "127.0.0.9"))

    server = scripted(deaf_once)
    error, answer, seconds = timed(lambda: DnsClient(ProbeContext(server.settings(dns_timeout=3.0))).addresses(
        "w.contoso.com"))
    assert error is None and answer.addresses == ("127.0.0.9",)  # type: ignore[attr-defined]
    assert 0.9 < seconds < 2.0 and len(seen) == 2


def test_records_for_a_name_off_the_chain_make_the_answer_unusable(scripted: Callable[..., ScriptedDns]) -> None:
    server = scripted(lambda q, tcp: (0.0, reply(q, ("w.contoso.com.", "A", "127.0.0.9"),
                                                 ("login.example.net.", "A", "203.0.113.9"))))
    with pytest.raises(DnsWrongNameError, match=r"with records for another name \(login.example.net\)") as info:
        DnsClient(ProbeContext(server.settings())).addresses("w.contoso.com")
    assert info.value.cause is Cause.BAD_ANSWER and not info.value.finding


def test_a_dname_above_the_chain_is_part_of_it(scripted: Callable[..., ScriptedDns]) -> None:
    server = scripted(lambda q, tcp: (0.0, reply(q, ("contoso.com.", "DNAME", "contoso.net."),
                                                 ("w.contoso.com.", "CNAME", "w.contoso.net."),
                                                 ("w.contoso.net.", "A", "127.0.0.9"))))
    answer = DnsClient(ProbeContext(server.settings())).addresses("w.contoso.com")
    assert answer.cnames == ("w.contoso.net",) and answer.addresses == ("127.0.0.9",)


def test_an_alias_of_a_missing_name_says_which_name_is_missing(scripted: Callable[..., ScriptedDns]) -> None:
    server = scripted(lambda q, tcp: (0.0, reply(q, ("autodiscover.contoso.com.", "CNAME", "ex09.contoso.com."),
                                                 rcode=dns.rcode.NXDOMAIN)))
    with pytest.raises(NxDomainError, match=r"autodiscover.contoso.com is an alias of ex09.contoso.com "
                                            r"\(autodiscover.contoso.com -> ex09.contoso.com\), which does not exist"):
        DnsClient(ProbeContext(server.settings())).addresses("autodiscover.contoso.com")


def test_a_malformed_answer_is_a_bad_answer_at_the_deadline(scripted: Callable[..., ScriptedDns]) -> None:
    def broken(query: dns.message.Message, tcp: bool) -> tuple[float, bytes]:
        header = struct.pack("!HHHHHH", query.id, 0x8180, 1, 1, 0, 0)
        return 0.0, header + b"\x03www\x07contoso\x03com\x00\x00\x01\x00\x01" + b"\xc0\x0c\x00\x01"  # cut mid-record

    server = scripted(broken)
    error, _, seconds = timed(lambda: DnsClient(ProbeContext(server.settings(dns_timeout=1.0))).addresses(
        "www.contoso.com"))
    assert isinstance(error, DnsServerError) and error.cause is Cause.BAD_ANSWER
    assert "not valid DNS" in str(error)
    assert seconds < 1.0 + MARGIN


def test_nothing_listening_is_unreachable_at_once() -> None:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_DGRAM)) as probe:
        probe.bind((ADDRESS, 0))
        port = probe.getsockname()[1]
    settings = ProbeSettings(nameserver=(ADDRESS, port), dns_timeout=3.0)
    error, _, seconds = timed(lambda: DnsClient(ProbeContext(settings)).addresses("www.contoso.com"))
    assert error is not None and getattr(error, "cause", None) is Cause.UNREACHABLE
    assert f"Nothing answers DNS on {ADDRESS}:{port}" in str(error)
    assert seconds < 1.0
