"""DNS through the resolver the admin chose (system or a given server), cancellable, cached per run.

Split DNS is the point: the same names can answer differently inside and outside, so every probe
asks the resolver of its ProbeContext, and HTTPS later dials the address THAT resolver returned.
Queries go through dnspython's Resolver with our own nameserver transport, which waits in short
slices so ProbeContext.cancel() is honoured within a tenth of a second.
"""

from __future__ import annotations

import selectors
import socket
import time
from dataclasses import dataclass

import dns.exception
import dns.flags
import dns.inet
import dns.message
import dns.name
import dns.nameserver
import dns.query
import dns.rcode
import dns.rdatatype
import dns.resolver

from wizard.probes.context import CancelledError, ProbeContext
from wizard.probes.net import sockets
from wizard.probes.net.errors import (
    DnsError,
    DnsServerError,
    DnsTimeoutError,
    NetError,
    NoAnswerError,
    NxDomainError,
    ServfailError,
)

SLICE = 0.1  # seconds between cancel checks while waiting for an answer
RESEND_AFTER = 1.0  # UDP is lossy: resend the query if nothing came back within this time


@dataclass(frozen=True)
class AddressAnswer:
    """Where a name leads: the CNAME chain followed and the addresses at its end."""

    name: str
    cnames: tuple[str, ...]
    addresses: tuple[str, ...]

    @property
    def canonical(self) -> str:
        return self.cnames[-1] if self.cnames else self.name

    def describe(self) -> str:
        chain = " -> ".join((self.name, *self.cnames))
        return f"{chain} -> {', '.join(self.addresses)}"


@dataclass(frozen=True)
class SrvRecord:
    priority: int
    weight: int
    port: int
    target: str

    def __str__(self) -> str:
        return f"{self.priority} {self.weight} {self.port} {self.target}"


def select_srv(records: list[SrvRecord]) -> SrvRecord | None:
    """The record a client uses first per RFC 2782: lowest priority, then the highest weight.

    (RFC 2782 picks among equal priorities at random in proportion to weight; a deterministic
    check takes the heaviest. exchangelib does the opposite and keeps the highest priority number.)
    """
    if not records:
        return None
    return min(records, key=lambda r: (r.priority, -r.weight, r.target))


class _CancellableNameserver(dns.nameserver.Do53Nameserver):
    """dnspython Do53 transport that waits in slices and checks the run's cancel flag."""

    def __init__(self, address: str, port: int, ctx: ProbeContext) -> None:
        super().__init__(address, port)
        self._ctx = ctx

    def query(  # noqa: PLR0917 - dnspython's Nameserver.query signature
        self,
        request: dns.message.QueryMessage,
        timeout: float,
        source: str | None,
        source_port: int,
        max_size: bool,
        one_rr_per_rrset: bool = False,
        ignore_trailing: bool = False,
    ) -> dns.message.Message:
        if max_size:
            return self._tcp(request, timeout)
        return self._udp(request, timeout)

    def _sock(self, kind: int) -> socket.socket:
        family = dns.inet.af_for_address(self.address)
        return socket.socket(family, kind)

    def _wait_readable(self, sock: socket.socket, deadline: float) -> bool:
        with selectors.DefaultSelector() as sel:
            sel.register(sock, selectors.EVENT_READ)
            while True:
                self._ctx.check()
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                if sel.select(min(SLICE, remaining)):
                    return True

    def _udp(self, request: dns.message.Message, timeout: float) -> dns.message.Message:
        wire = request.to_wire()
        deadline = time.monotonic() + timeout
        with self._sock(socket.SOCK_DGRAM) as sock:
            sock.setblocking(False)
            sock.connect((self.address, self.port))  # a connected socket only hears this server
            while time.monotonic() < deadline:
                sock.send(wire)
                resend_at = min(deadline, time.monotonic() + RESEND_AFTER)
                while self._wait_readable(sock, resend_at):
                    try:
                        data = sock.recv(65535)
                    except (BlockingIOError, InterruptedError):
                        continue
                    except ConnectionRefusedError:  # ICMP port unreachable: nothing listens there
                        raise ConnectionRefusedError(
                            f"nothing answers DNS on {self.address}:{self.port} (port unreachable)") from None
                    try:
                        response = dns.message.from_wire(
                            data, keyring=request.keyring, request_mac=request.request_mac)
                    except (dns.exception.DNSException, ValueError):
                        continue  # garbage or a stray packet: keep waiting for the real answer
                    if request.is_response(response):
                        if response.flags & dns.flags.TC:
                            raise dns.message.Truncated(message=response)
                        return response
            raise dns.exception.Timeout

    def _tcp(self, request: dns.message.Message, timeout: float) -> dns.message.Message:
        deadline = time.monotonic() + timeout
        try:
            sock = sockets.connect(self._ctx, self.address, self.port, timeout)
        except NetError:
            raise ConnectionRefusedError("cannot reach the DNS server over TCP") from None
        with sock:
            sock.setblocking(False)
            dns.query.send_tcp(sock, request, time.time() + max(0.1, deadline - time.monotonic()))
            if not self._wait_readable(sock, deadline):
                raise dns.exception.Timeout
            response, _ = dns.query.receive_tcp(sock, time.time() + max(0.1, deadline - time.monotonic()))
            if not request.is_response(response):
                raise dns.exception.FormError("TCP answer does not match the question")
            return response


class DnsClient:
    """Lookups for one run. Answers (and NXDOMAINs) are cached in the ProbeContext, never globally."""

    def __init__(self, ctx: ProbeContext) -> None:
        self._ctx = ctx
        nameserver = ctx.settings.nameserver
        if nameserver is not None:
            servers = [(nameserver[0], int(nameserver[1]))]
            self.description = f"{nameserver[0]}:{nameserver[1]}"
        else:
            system = ctx.memo(("dns-system-config",), _system_nameservers)
            servers = list(system)
            self.description = "system resolver (" + ", ".join(f"{a}:{p}" for a, p in servers) + ")"
        self._servers = servers

    def _resolver(self) -> dns.resolver.Resolver:
        # A fresh Resolver per query: Resolver objects keep per-query state and are not shared
        # across threads; configure=False so nothing is read from the environment behind our back.
        resolver = dns.resolver.Resolver(configure=False)
        resolver.nameservers = [_CancellableNameserver(a, p, self._ctx) for a, p in self._servers]
        resolver.timeout = self._ctx.settings.dns_timeout
        resolver.lifetime = self._ctx.settings.dns_timeout
        resolver.cache = None
        return resolver

    def _query(self, name: str, rdtype: str) -> dns.resolver.Answer:
        self._ctx.check()
        if not self._servers:
            raise DnsServerError("no DNS server is configured on this machine", target=name)
        qname = dns.name.from_text(name)
        try:
            return self._resolver().resolve(qname, rdtype, search=False, raise_on_no_answer=True,
                                            lifetime=self._ctx.settings.dns_timeout)
        except dns.resolver.NXDOMAIN:
            raise NxDomainError(f"{name} does not exist in DNS (NXDOMAIN) according to {self.description}",
                                target=name) from None
        except dns.resolver.NoAnswer:
            raise NoAnswerError(f"{name} exists but has no {rdtype} record ({self.description})",
                                target=name) from None
        except dns.resolver.LifetimeTimeout:
            raise DnsTimeoutError(
                f"no answer for {name} {rdtype} from {self.description} within "
                f"{self._ctx.settings.dns_timeout:g} s", target=name) from None
        except dns.resolver.NoNameservers as exc:
            text, answered = _no_nameservers_text(name, rdtype, self.description, exc)
            raise (ServfailError if answered else DnsServerError)(text, target=name) from None
        except dns.exception.DNSException as exc:
            raise DnsServerError(f"DNS lookup of {name} {rdtype} failed: {exc}", target=name) from None

    def records(self, name: str, rdtype: str) -> dns.resolver.Answer:
        """The raw answer for one name and type (cached for the run, errors included)."""
        key = ("dns", self.description, name.lower().rstrip("."), rdtype.upper())
        return self._ctx.memo(key, lambda: self._query(name, rdtype))

    def addresses(self, name: str) -> AddressAnswer:
        """A records (AAAA when there is no A), with the CNAME chain that led there."""
        name = name.rstrip(".")
        try:
            answer = self.records(name, "A")
        except NoAnswerError:
            answer = self.records(name, "AAAA")
        return AddressAnswer(name=name, cnames=_cname_chain(answer),
                             addresses=tuple(sorted({r.address for r in answer}, key=_address_key)))

    def cname(self, name: str) -> str | None:
        """The CNAME target of a name, or None when the name is not an alias."""
        try:
            answer = self.records(name, "CNAME")
        except NoAnswerError:
            return None
        return str(answer[0].target).rstrip(".").lower()

    def srv(self, name: str) -> list[SrvRecord]:
        answer = self.records(name, "SRV")
        records = [SrvRecord(r.priority, r.weight, r.port, str(r.target).rstrip(".").lower()) for r in answer]
        return sorted(records, key=lambda r: (r.priority, -r.weight, r.target))


def _cname_chain(answer: dns.resolver.Answer) -> tuple[str, ...]:
    chain: list[str] = []
    if answer.response is None:  # dnspython's types say never; kept as a guard
        return ()  # type: ignore[unreachable]
    current = answer.qname
    for _ in range(16):
        step = next((rrset for rrset in answer.response.answer
                     if rrset.name == current and rrset.rdtype == dns.rdatatype.CNAME), None)
        if step is None:
            break
        current = step[0].target
        chain.append(current.to_text().rstrip(".").lower())
    return tuple(chain)


def _address_key(address: str) -> tuple[int, ...]:
    try:
        return tuple(socket.inet_pton(socket.AF_INET, address))
    except OSError:
        return (256, *socket.inet_pton(socket.AF_INET6, address))


def _no_nameservers_text(name: str, rdtype: str, where: str, exc: dns.resolver.NoNameservers) -> tuple[str, bool]:
    rcodes, problems = set(), set()
    for error in exc.kwargs.get("errors", []) or []:
        response = error[4] if len(error) > 4 else None
        if response is not None:
            rcodes.add(dns.rcode.to_text(response.rcode()))
        elif len(error) > 3 and error[3] is not None:
            problems.add(str(error[3]))
    if rcodes:
        return f"the DNS server answered {'/'.join(sorted(rcodes))} for {name} {rdtype} ({where})", True
    detail = f": {'; '.join(sorted(problems))}" if problems else ""
    return f"no DNS server could answer {name} {rdtype} ({where}){detail}", False


def _system_nameservers() -> tuple[tuple[str, int], ...]:
    """What the OS resolver uses (resolv.conf, or the Windows registry), read once per run."""
    try:
        resolver = dns.resolver.Resolver(configure=True)
    except (dns.resolver.NoResolverConfiguration, OSError):
        return ()
    servers = []
    for ns in resolver.nameservers:
        if isinstance(ns, str):
            servers.append((ns, resolver.port))
        elif isinstance(ns, dns.nameserver.Do53Nameserver):
            servers.append((ns.address, ns.port))
    return tuple(servers)


__all__ = ["AddressAnswer", "CancelledError", "DnsClient", "DnsError", "SrvRecord", "select_srv"]
