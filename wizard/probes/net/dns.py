"""DNS through the resolver the admin chose (system or a given server), cancellable, cached per run.

Split DNS is the point: the same names can answer differently inside and outside, so every probe
asks the resolver of its ProbeContext, and HTTPS later dials the address THAT resolver returned.

The stub resolver is our own (dnspython builds and parses the messages) so that a lookup keeps its
promises: one wall-clock deadline (settings.dns_timeout) covers the UDP resends, the TCP retry of a
truncated answer and the follow-up queries of a CNAME chain; waits are cut in tenth-of-a-second
slices so ProbeContext.cancel() is honoured at once; and every answer is read strictly, so a CNAME
loop, an over-long chain or records for another name get a verdict of their own instead of "the
server answered NOERROR".
"""

from __future__ import annotations

import contextlib
import selectors
import socket
import struct
import time
from collections.abc import Iterator
from dataclasses import dataclass

import dns.exception
import dns.flags
import dns.inet
import dns.message
import dns.name
import dns.nameserver
import dns.rcode
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.resolver
import dns.rrset

from wizard.probes.context import CancelledError, ProbeContext
from wizard.probes.net import sockets
from wizard.probes.net.errors import (
    CnameChainTooLongError,
    CnameLoopError,
    ConnectError,
    DnsError,
    DnsServerError,
    DnsTcpFallbackError,
    DnsTimeoutError,
    DnsUnreachableError,
    DnsWrongNameError,
    NetError,
    NoAnswerError,
    NxDomainError,
    ServfailError,
    SrvNotAvailableError,
    SrvTargetNoAddressError,
    WaitTimeoutError,
)

SLICE = 0.1  # seconds between cancel checks while waiting for an answer
RESEND_AFTER = 1.0  # UDP is lossy: resend (to the next server, if there are several) after this long
EDNS_PAYLOAD = 1232  # the UDP answer size we accept (the DNS flag day 2020 value); larger answers come over TCP
MAX_CNAME_LINKS = 8  # working aliases need one to three links (Microsoft 365's longest about four)
SHOWN_LINKS = 4  # how many names of an over-long chain a verdict spells out
ROOT = "."  # an SRV target of "." says the service is decidedly not available (RFC 2782)

Server = tuple[str, int]


def where(server: Server) -> str:
    return f"{server[0]}:{server[1]}"


def chain_text(names: list[str] | tuple[str, ...], limit: int = 0) -> str:
    """'a -> b -> c', cut after `limit` names with ' -> …' when a limit is given."""
    shown = list(names[:limit]) if limit and len(names) > limit else list(names)
    return " -> ".join(shown) + (" -> …" if len(shown) < len(names) else "")


@dataclass(frozen=True)
class AddressAnswer:
    """Where a name leads: the CNAME chain followed and the addresses at its end."""

    name: str
    cnames: tuple[str, ...]
    addresses: tuple[str, ...]
    server: str = ""  # which DNS server answered ("127.0.0.1:53")
    over_tcp: bool = False  # the UDP answer was truncated and the full one came over TCP

    @property
    def canonical(self) -> str:
        return self.cnames[-1] if self.cnames else self.name

    def describe(self) -> str:
        return f"{chain_text((self.name, *self.cnames))} -> {', '.join(self.addresses)}"

    @property
    def transport(self) -> str:
        """How the answer came, for the evidence: truncation is worth knowing (TCP 53 must be open)."""
        if self.over_tcp:
            return f"TCP: {self.server} truncated its UDP answer, the full answer came over TCP"
        return "UDP"


@dataclass(frozen=True)
class SrvRecord:
    priority: int
    weight: int
    port: int
    target: str  # lower case without the trailing dot; "." for the root ("not available")

    def __str__(self) -> str:
        return f"{self.priority} {self.weight} {self.port} {self.target}"

    @property
    def not_available(self) -> bool:
        return self.target == ROOT


def select_srv(records: list[SrvRecord]) -> SrvRecord | None:
    """The record a client uses first per RFC 2782: lowest priority, then the highest weight.

    (RFC 2782 picks among equal priorities at random in proportion to weight; a deterministic
    check takes the heaviest. exchangelib does the opposite and keeps the highest priority number.)
    """
    if not records:
        return None
    return min(records, key=lambda r: (r.priority, -r.weight, r.target))


@dataclass(frozen=True)
class Lookup:
    """One question answered: the CNAME chain followed, the records at its end, and how they came."""

    name: str
    rdtype: str
    cnames: tuple[str, ...]
    rrset: dns.rrset.RRset
    server: str
    over_tcp: bool

    def __len__(self) -> int:
        return len(self.rrset)

    def __getitem__(self, index: int) -> dns.rdata.Rdata:
        rdata: dns.rdata.Rdata = self.rrset[index]
        return rdata

    def __iter__(self) -> Iterator[dns.rdata.Rdata]:
        return iter(self.rrset)


@dataclass(frozen=True)
class Reading:
    """What one response says about a question, read strictly (see `read_answer`)."""

    links: tuple[dns.name.Name, ...]  # CNAME targets beyond the chain the question came from
    rrset: dns.rrset.RRset | None  # the records asked for at the end of the chain, if the response has them
    negative: bool  # an SOA in the authority section: the server vouches the chain's end has no such record


def _text(name: dns.name.Name) -> str:
    return name.to_text().rstrip(".").lower() or ROOT


def read_answer(response: dns.message.Message, chain: tuple[dns.name.Name, ...], rdtype: dns.rdatatype.RdataType,
                *, server: str) -> Reading:
    """Follow the CNAME chain of `response` from chain[-1] (chain[0] is the name first asked for).

    Raises DnsWrongNameError when the answer section holds records for a name off the chain (the
    answer is not used), CnameLoopError when a link leads back onto the chain, and
    CnameChainTooLongError beyond MAX_CNAME_LINKS links (counted from chain[0]).
    """
    answers = [rrset for rrset in response.answer if rrset.rdclass == dns.rdataclass.IN]
    index: dict[tuple[dns.name.Name, int], dns.rrset.RRset] = {}
    for rrset in answers:
        index.setdefault((rrset.name, rrset.rdtype), rrset)
    names = list(chain)
    loop_to: dns.name.Name | None = None
    found: dns.rrset.RRset | None = None
    current = names[-1]
    while True:
        found = index.get((current, rdtype))
        cname = index.get((current, dns.rdatatype.CNAME))
        if found is not None or cname is None or len(cname) == 0:
            break
        target: dns.name.Name = cname[0].target
        if target in names:
            loop_to = target
            break
        names.append(target)
        current = target
    asked = _text(chain[0])
    on_chain = set(names)
    foreign = sorted({_text(r.name) for r in response.answer
                      if r.name not in on_chain and not _dname_for(r, names)})
    if foreign:
        raise DnsWrongNameError(
            f"The DNS server {server} answered the question for {_text(chain[-1])} with records for another name "
            f"({', '.join(foreign[:3])}{', …' if len(foreign) > 3 else ''}); an answer that is not for the name "
            "asked is not used", target=asked)
    texts = [_text(n) for n in names]
    if loop_to is not None:
        raise CnameLoopError(
            f"The CNAME records of {asked} form a loop: {chain_text([*texts, _text(loop_to)])}; the name never "
            f"resolves (according to {server})", target=asked)
    links = len(names) - 1
    negative = any(r.rdtype == dns.rdatatype.SOA for r in response.authority)
    if links > MAX_CNAME_LINKS:
        # the length is known when this answer shows where the chain ends; otherwise it goes on beyond
        exact = found is not None or negative or response.rcode() == dns.rcode.NXDOMAIN
        count = f"{links}" if exact else f"more than {MAX_CNAME_LINKS}"
        raise CnameChainTooLongError(
            f"{asked} leads through a chain of {count} CNAME records ({chain_text(texts, SHOWN_LINKS + 1)}), more "
            f"than the {MAX_CNAME_LINKS} a working alias ever needs; resolvers and clients give up on such chains "
            f"(according to {server})", target=asked)
    return Reading(tuple(names[len(chain):]), found, negative)


def _dname_for(rrset: dns.rrset.RRset, names: list[dns.name.Name]) -> bool:
    """A DNAME above a chain name is how the chain got there (its CNAME is synthesised from it)."""
    return rrset.rdtype == dns.rdatatype.DNAME and any(n.is_subdomain(rrset.name) for n in names)


class _TcpFailedError(Exception):
    def __init__(self, why: str, *, timed_out: bool) -> None:
        super().__init__(why)
        self.timed_out = timed_out


class _Transport:
    """Sends one question to the servers (UDP, TCP when truncated) until an answer or the deadline."""

    def __init__(self, ctx: ProbeContext, servers: list[Server]) -> None:
        self._ctx = ctx
        self._servers = servers

    def ask(self, query: dns.message.QueryMessage, deadline: float,
            label: str) -> tuple[dns.message.Message, str, bool]:
        """(response, server, over_tcp) for a NOERROR or NXDOMAIN answer; typed errors otherwise."""
        wire = query.to_wire()
        live = list(self._servers)
        rcodes: dict[str, str] = {}  # server -> the rcode it refused with
        unreachable: dict[str, str] = {}
        malformed: set[str] = set()
        with contextlib.ExitStack() as stack:
            selector = stack.enter_context(selectors.DefaultSelector())
            opened: dict[Server, socket.socket] = {}
            turn, next_send = 0, time.monotonic()
            while live:
                self._ctx.check()
                now = time.monotonic()
                if now >= deadline:
                    break
                if now >= next_send:
                    server = live[turn % len(live)]
                    turn += 1
                    if server not in opened:
                        opened[server] = stack.enter_context(_udp_socket(server))
                        selector.register(opened[server], selectors.EVENT_READ, server)
                    with contextlib.suppress(OSError):  # an ICMP error shows on the next receive
                        opened[server].send(wire)
                    next_send = now + RESEND_AFTER
                for key, _ in selector.select(max(0.0, min(SLICE, deadline - now, next_send - now))):
                    server = key.data
                    kind, message = _receive(key.fileobj, query)  # type: ignore[arg-type]
                    if kind == "truncated":
                        return self._over_tcp(server, query, deadline, label), where(server), True
                    if message is not None and message.rcode() in (dns.rcode.NOERROR, dns.rcode.NXDOMAIN):
                        return message, where(server), False
                    if message is not None:  # SERVFAIL, REFUSED, …: this server gave up; others may not
                        rcodes[where(server)] = dns.rcode.to_text(message.rcode())
                    elif kind == "unreachable":
                        unreachable[where(server)] = "port unreachable"
                    else:
                        if kind == "malformed":
                            malformed.add(where(server))
                        continue  # nothing usable yet: keep waiting for this server
                    live.remove(server)
                    selector.unregister(key.fileobj)
        return self._failure(label, deadline, rcodes, unreachable, malformed)

    def _failure(self, label: str, deadline: float, rcodes: dict[str, str], unreachable: dict[str, str],
                 malformed: set[str]) -> tuple[dns.message.Message, str, bool]:
        servers = ", ".join(where(s) for s in self._servers)
        if rcodes:
            said = "; ".join(f"{s} answered {code}" for s, code in rcodes.items())
            raise ServfailError(f"The DNS server could not answer {label}: {said}")
        if malformed:
            raise DnsServerError(f"{', '.join(sorted(malformed))} answered {label} with a message that is not valid "
                                 "DNS")
        if unreachable and len(unreachable) == len(self._servers):
            raise DnsUnreachableError(f"Nothing answers DNS on {servers} (ICMP port unreachable), asked for {label}")
        timeout = self._ctx.settings.dns_timeout
        also = f"; {', '.join(unreachable)}: port unreachable" if unreachable else ""
        raise DnsTimeoutError(f"no answer for {label} from {servers} within {timeout:g} s{also}")

    def _over_tcp(self, server: Server, query: dns.message.QueryMessage, deadline: float,
                  label: str) -> dns.message.Message:
        """The full answer over TCP, as RFC 7766 asks; a failure says UDP was truncated and TCP failed."""
        try:
            response = self._tcp(server, query, deadline)
        except _TcpFailedError as failed:
            raise DnsTcpFallbackError(
                f"{where(server)} truncated its UDP answer for {label}, and the full answer over TCP failed: "
                f"{failed}", timed_out=failed.timed_out) from None
        if response.rcode() not in (dns.rcode.NOERROR, dns.rcode.NXDOMAIN):
            raise ServfailError(f"The DNS server could not answer {label}: {where(server)} answered "
                                f"{dns.rcode.to_text(response.rcode())} over TCP")
        return response

    def _tcp(self, server: Server, query: dns.message.QueryMessage, deadline: float) -> dns.message.Message:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise _TcpFailedError("no time was left for it", timed_out=True)
        try:
            sock = sockets.connect(self._ctx, server[0], server[1], remaining)
        except WaitTimeoutError:
            raise _TcpFailedError(f"TCP port {server[1]} did not accept a connection in time (a firewall dropping "
                             "TCP 53?)", timed_out=True) from None
        except (ConnectError, NetError) as exc:
            raise _TcpFailedError(f"{exc} (TCP port {server[1]} closed or blocked)", timed_out=False) from None
        with sock:
            sock.setblocking(False)
            wire = query.to_wire()
            self._send_all(sock, struct.pack("!H", len(wire)) + wire, deadline)
            (length,) = struct.unpack("!H", self._recv_exactly(sock, 2, deadline))
            data = self._recv_exactly(sock, length, deadline)
        try:
            response = dns.message.from_wire(data)
        except (dns.exception.DNSException, ValueError):
            raise _TcpFailedError("the TCP answer is not valid DNS", timed_out=False) from None
        if not query.is_response(response):
            raise _TcpFailedError("the TCP answer is not for the question asked", timed_out=False)
        return response

    def _wait(self, sock: socket.socket, event: int, deadline: float) -> None:
        with selectors.DefaultSelector() as selector:
            selector.register(sock, event)
            while True:
                self._ctx.check()
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise _TcpFailedError("no complete answer within the deadline", timed_out=True)
                if selector.select(min(SLICE, remaining)):
                    return

    def _send_all(self, sock: socket.socket, data: bytes, deadline: float) -> None:
        view = memoryview(data)
        while view:
            self._wait(sock, selectors.EVENT_WRITE, deadline)
            try:
                view = view[sock.send(view):]
            except (BlockingIOError, InterruptedError):
                continue
            except OSError as exc:
                raise _TcpFailedError(f"the connection broke ({exc.strerror or exc})", timed_out=False) from None

    def _recv_exactly(self, sock: socket.socket, size: int, deadline: float) -> bytes:
        data = bytearray()
        while len(data) < size:
            self._wait(sock, selectors.EVENT_READ, deadline)
            try:
                chunk = sock.recv(size - len(data))
            except (BlockingIOError, InterruptedError):
                continue
            except OSError as exc:
                raise _TcpFailedError(f"the connection broke ({exc.strerror or exc})", timed_out=False) from None
            if not chunk:
                raise _TcpFailedError("the server closed the connection before the answer was complete",
                                 timed_out=False)
            data += chunk
        return bytes(data)


@contextlib.contextmanager
def _udp_socket(server: Server) -> Iterator[socket.socket]:
    sock = socket.socket(dns.inet.af_for_address(server[0]), socket.SOCK_DGRAM)
    try:
        sock.setblocking(False)
        sock.connect(server)  # a connected socket only hears this server, and hears its ICMP errors
        yield sock
    finally:
        sock.close()


def _receive(sock: socket.socket, query: dns.message.QueryMessage) -> tuple[str, dns.message.Message | None]:
    try:
        data = sock.recv(65535)
    except (BlockingIOError, InterruptedError):
        return "nothing", None
    except OSError:  # ConnectionRefusedError: ICMP port unreachable
        return "unreachable", None
    return classify(data, query)


def classify(data: bytes, query: dns.message.QueryMessage) -> tuple[str, dns.message.Message | None]:
    """What one datagram is for `query`: ("answer", the response), or ("truncated" | "malformed" |
    "nothing", None). "nothing" is a stray or unreadable packet that is not an answer to this query;
    "malformed" carries the query's id but is not valid DNS. Never raises: any bytes are data."""
    try:
        response = dns.message.from_wire(data, ignore_trailing=True, raise_on_truncation=True)
    except dns.message.Truncated as exc:
        partial = exc.message()
        ours = partial is not None and partial.id == query.id and bool(partial.flags & dns.flags.QR)
        return ("truncated" if ours else "nothing"), None
    except Exception:  # dnspython raises many kinds (FormError, ValueError, UnicodeError, …) for bad wire data
        ours = len(data) >= 12 and struct.unpack("!H", data[:2])[0] == query.id and bool(data[2] & 0x80)
        return ("malformed" if ours else "nothing"), None
    if not query.is_response(response):
        return "nothing", None
    return "answer", response


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

    @property
    def servers(self) -> tuple[str, ...]:
        """The servers asked, as "address:port"."""
        return tuple(where(s) for s in self._servers)

    def deadline(self) -> float:
        """The end of a lookup that starts now (a monotonic time)."""
        return time.monotonic() + self._ctx.settings.dns_timeout

    def records(self, name: str, rdtype: str, deadline: float | None = None) -> Lookup:
        """The answer for one name and type (cached for the run, errors included)."""
        key = ("dns", self.description, name.lower().rstrip("."), rdtype.upper())
        return self._ctx.memo(key, lambda: self._lookup(name, rdtype, deadline or self.deadline()))

    def _lookup(self, name: str, rdtype_text: str, deadline: float) -> Lookup:
        self._ctx.check()
        name = name.rstrip(".")
        if not self._servers:
            raise DnsUnreachableError("No DNS server is configured on this machine", target=name)
        try:
            chain: tuple[dns.name.Name, ...] = (dns.name.from_text(name),)
            rdtype = dns.rdatatype.from_text(rdtype_text)
        except (dns.exception.DNSException, ValueError) as exc:
            raise DnsServerError(f"{name!r} cannot be looked up in DNS: {exc}", target=name) from None
        over_tcp = False
        transport = _Transport(self._ctx, self._servers)
        while True:
            query = dns.message.make_query(chain[-1], rdtype, use_edns=0, payload=EDNS_PAYLOAD)
            label = f"{_text(chain[-1])} {rdtype_text.upper()}"
            response, server, tcp = transport.ask(query, deadline, label)
            over_tcp = over_tcp or tcp
            reading = read_answer(response, chain, rdtype, server=server)
            chain += reading.links
            end = _text(chain[-1])
            alias = f"{name} is an alias of {end} ({chain_text([_text(n) for n in chain])}), which" if len(chain) > 1 \
                else name
            if reading.rrset is not None:
                if response.rcode() == dns.rcode.NXDOMAIN:
                    raise DnsServerError(f"{server} answered {label} with records and NXDOMAIN at once", target=name)
                return Lookup(name.lower(), rdtype_text.upper(), tuple(_text(n) for n in chain[1:]), reading.rrset,
                              server, over_tcp)
            if response.rcode() == dns.rcode.NXDOMAIN:
                raise NxDomainError(f"{alias} does not exist in DNS (NXDOMAIN) according to {server}", target=name)
            if reading.links and not reading.negative:
                continue  # the chain ends in an alias the server did not follow (an authoritative-only server)
            raise NoAnswerError(f"{alias} exists but has no {rdtype_text.upper()} record ({server})", target=name)

    def addresses(self, name: str) -> AddressAnswer:
        """A records (AAAA when there is no A), with the CNAME chain that led there; one deadline for both."""
        name = name.rstrip(".")
        deadline = self.deadline()
        try:
            lookup = self.records(name, "A", deadline)
        except NoAnswerError:
            lookup = self.records(name, "AAAA", deadline)
        addresses = tuple(sorted({str(r.address) for r in lookup.rrset}, key=_address_key))
        return AddressAnswer(name=name, cnames=lookup.cnames, addresses=addresses, server=lookup.server,
                             over_tcp=lookup.over_tcp)

    def srv(self, name: str) -> list[SrvRecord]:
        """The SRV records, lowest priority first; SrvNotAvailableError when the domain says "not here"."""
        lookup = self.records(name, "SRV")
        records = sorted((SrvRecord(int(r.priority), int(r.weight), int(r.port), _text(r.target))
                          for r in lookup.rrset), key=lambda r: (r.priority, -r.weight, r.target))
        usable = [r for r in records if not r.not_available]
        if not usable:
            raise SrvNotAvailableError(
                f"{name} says the service is decidedly not available in this domain: its SRV record "
                f"({'; '.join(map(str, records))}) has the target \".\" (RFC 2782)", target=name)
        return usable

    def srv_target(self, srv_name: str, record: SrvRecord) -> AddressAnswer:
        """The addresses of an SRV record's target; SrvTargetNoAddressError naming it when there are none."""
        try:
            return self.addresses(record.target)
        except (NxDomainError, NoAnswerError, CnameLoopError, CnameChainTooLongError) as exc:
            if isinstance(exc, NxDomainError):
                why = f"{record.target} does not exist in DNS (NXDOMAIN)"
            elif isinstance(exc, NoAnswerError):
                why = f"{record.target} has no A or AAAA record"
            else:
                why = str(exc)
            raise SrvTargetNoAddressError(f"{srv_name} points to {record.target}, which has no address: {why}",
                                          target=record.target) from None


def _address_key(address: str) -> tuple[int, ...]:
    try:
        return tuple(socket.inet_pton(socket.AF_INET, address))
    except OSError:
        return (256, *socket.inet_pton(socket.AF_INET6, address))


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


__all__ = ["AddressAnswer", "CancelledError", "DnsClient", "DnsError", "Lookup", "SrvRecord", "classify",
           "read_answer", "select_srv"]
