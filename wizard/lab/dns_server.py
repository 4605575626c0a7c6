"""A small DNS server on 127.0.0.1 that answers like the admin's resolver would, over UDP and TCP.

It answers from a fixed record set built by dnspython's own message classes: CNAMEs are chased
inside the answer (the CNAME plus the target's records, as recursive resolvers return them),
unknown names are NXDOMAIN, known names without the asked type are NOERROR with no data (both with
the zone's SOA in the authority section). A CNAME loop is answered as resolvers answer it: the loop's
records with NOERROR. For the probes' sake it can misbehave as real servers do: a name can SERVFAIL,
go unanswered, have its UDP answers cut short (TC set; TCP answers in full) or be answered with
records for another owner name, and the whole server can fall silent. Names outside the lab's zones
are NXDOMAIN: the lab has no internet behind it.
"""

from __future__ import annotations

import socket
import struct
import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.opcode
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset

from wizard.lab.listeners import Acceptor, Connection, ConnectionThreads, accept_into, bind_same_port
from wizard.lab.zone import NEGATIVE_TTL, Record

if TYPE_CHECKING:
    from wizard.lab.faults import LabConfig

MAX_CNAME_CHAIN = 64  # longer chains SERVFAIL; shorter ones are answered whole, for the client to judge
UDP_PLAIN_LIMIT = 512
TCP_IDLE_TIMEOUT = 5.0
SERVFAIL = "servfail"
SILENT = "silent"
TRUNCATE = "truncate"  # UDP answers keep their first record only and carry TC; TCP answers are whole
BEHAVIOURS = (SERVFAIL, SILENT, TRUNCATE)


class DnsServer:
    """Authoritative-looking answers from `records`, on one port for UDP and TCP."""

    def __init__(self, records: Iterable[Record], zones: dict[str, str], *, address: str = "127.0.0.1") -> None:
        self.address = address
        self._rrsets: dict[dns.name.Name, dict[dns.rdatatype.RdataType, dns.rrset.RRset]] = {}
        grouped: dict[tuple[str, str], list[Record]] = {}
        for record in records:
            grouped.setdefault((record.name.lower(), record.rdtype.upper()), []).append(record)
        for (name, rdtype), group in grouped.items():
            rrset = dns.rrset.from_text(name, group[0].ttl, "IN", rdtype, *(r.rdata for r in group))
            self._rrsets.setdefault(rrset.name, {})[rrset.rdtype] = rrset
        self._soas = {dns.name.from_text(origin): dns.rrset.from_text(origin, NEGATIVE_TTL, "IN", "SOA", soa)
                      for origin, soa in zones.items()}
        self._behaviours: dict[dns.name.Name, str] = {}
        self._owners: dict[dns.name.Name, dns.name.Name] = {}
        self.silent = False  # True: no query gets an answer, over UDP or TCP
        self._lock = threading.Lock()
        self.queries = 0
        self._threads = ConnectionThreads("lab-dns-tcp")
        self._acceptor = Acceptor("lab-dns")
        self.port = 0

    # ----- lifecycle -----
    def start(self) -> DnsServer:
        udp, tcp = bind_same_port([(self.address, socket.SOCK_DGRAM), (self.address, socket.SOCK_STREAM)])
        self.port = udp.getsockname()[1]
        self._acceptor.add(udp, self._on_datagram)
        self._acceptor.add(tcp, accept_into(self._threads, self._serve_tcp))
        self._acceptor.start()
        return self

    def stop(self) -> list[str]:
        """Stop at once; returns the names of threads that did not end (none, normally)."""
        stuck = [] if self._acceptor.stop() else [self._acceptor.name]
        return stuck + self._threads.close_all()

    @property
    def active_connections(self) -> int:
        """TCP connections being served right now."""
        return self._threads.active

    @property
    def errors(self) -> list[str]:
        return self._acceptor.errors + self._threads.errors

    # ----- misbehaviour on demand -----
    def misbehave(self, config: LabConfig) -> DnsServer:
        """Apply the DNS faults of a lab configuration (SERVFAIL wins over silence for the same name)."""
        for behaviour, names in ((TRUNCATE, config.dns_truncated), (SILENT, config.dns_silent),
                                 (SERVFAIL, config.dns_servfail)):
            for name in names:
                self.set_behaviour(name, behaviour)
        for asked, owner in config.dns_wrong_owner:
            self.set_owner(asked, owner)
        self.silent = config.dns_server_silent
        return self

    def set_owner(self, name: str, owner: str | None) -> None:
        """Answer questions for `name` with its records renamed to `owner` (None: the right name again)."""
        key = dns.name.from_text(name)
        with self._lock:
            if owner is None:
                self._owners.pop(key, None)
            else:
                self._owners[key] = dns.name.from_text(owner)

    def set_behaviour(self, name: str, behaviour: str | None) -> None:
        """Make `name` SERVFAIL ("servfail"), go unanswered ("silent") or cut its UDP answers short
        ("truncate"); None restores normal answers."""
        if behaviour is not None and behaviour not in BEHAVIOURS:
            raise ValueError(f"behaviour must be one of {BEHAVIOURS} or None, not {behaviour!r}")
        key = dns.name.from_text(name)
        with self._lock:
            if behaviour is None:
                self._behaviours.pop(key, None)
            else:
                self._behaviours[key] = behaviour

    def _behaviour(self, name: dns.name.Name) -> str | None:
        with self._lock:
            return self._behaviours.get(name)

    # ----- the answer -----
    def answer(self, query: dns.message.Message) -> dns.message.Message | None:
        """The response to one parsed query, or None when the server is told to stay silent."""
        with self._lock:
            self.queries += 1
        if self.silent:
            return None
        response = dns.message.make_response(query)
        response.flags |= dns.flags.RA
        if query.opcode() != dns.opcode.QUERY:
            response.set_rcode(dns.rcode.NOTIMP)
            return response
        if len(query.question) != 1:
            response.set_rcode(dns.rcode.FORMERR)
            return response
        question = query.question[0]
        behaviour = self._behaviour(question.name)
        if behaviour == SILENT:
            return None
        if behaviour == SERVFAIL:
            response.set_rcode(dns.rcode.SERVFAIL)
            return response
        if question.rdclass != dns.rdataclass.IN:
            response.set_rcode(dns.rcode.REFUSED)
            return response
        self._resolve(question.name, question.rdtype, response)
        with self._lock:
            owner = self._owners.get(question.name)
        if owner is not None:
            response.answer = [dns.rrset.from_rdata_list(owner, r.ttl, list(r)) if r.name == question.name else r
                               for r in response.answer]
        return response

    def _resolve(self, qname: dns.name.Name, qtype: dns.rdatatype.RdataType, response: dns.message.Message) -> None:
        name = qname
        visited = {qname}
        for _ in range(MAX_CNAME_CHAIN):
            if self._behaviour(name) == SERVFAIL:  # a CNAME target that fails fails the whole answer
                response.set_rcode(dns.rcode.SERVFAIL)
                return
            by_type = self._rrsets.get(name)
            if by_type is None:
                if not self._has_descendants(name):
                    response.set_rcode(dns.rcode.NXDOMAIN)
                self._add_soa(name, response)  # empty non-terminals (_tcp.contoso.com) are no-data
                return
            if qtype == dns.rdatatype.ANY:
                response.answer.extend(by_type.values())
                return
            if qtype in by_type:
                response.answer.append(by_type[qtype])
                return
            cname = by_type.get(dns.rdatatype.CNAME)
            if cname is None:
                self._add_soa(name, response)
                return
            response.answer.append(cname)
            name = cname[0].target
            if name in visited:  # a loop: the answer holds it whole, NOERROR, as recursive resolvers answer
                return
            visited.add(name)
        response.set_rcode(dns.rcode.SERVFAIL)  # an absurdly long chain

    def _has_descendants(self, name: dns.name.Name) -> bool:
        return any(other.is_subdomain(name) and other != name for other in self._rrsets)

    def _add_soa(self, name: dns.name.Name, response: dns.message.Message) -> None:
        zones = [origin for origin in self._soas if name.is_subdomain(origin)]
        if zones:
            response.authority.append(self._soas[max(zones, key=len)])

    # ----- transports -----
    def _on_datagram(self, sock: socket.socket) -> None:
        data, peer = sock.recvfrom(65535)
        reply = self._reply_bytes(data, udp=True)
        if reply is not None:
            sock.sendto(reply, peer)

    def _reply_bytes(self, data: bytes, *, udp: bool) -> bytes | None:
        try:
            query = dns.message.from_wire(data)
        except dns.exception.DNSException:
            return _formerr(data)
        response = self.answer(query)
        if response is None:
            return None
        limit = 65535
        if udp:
            limit = max(query.payload, UDP_PLAIN_LIMIT) if query.edns >= 0 else UDP_PLAIN_LIMIT
            if query.question and self._behaviour(query.question[0].name) == TRUNCATE:
                response = _cut(query, response)
        try:
            return response.to_wire(max_size=limit)
        except dns.exception.TooBig:  # the client is expected to retry over TCP
            truncated = dns.message.make_response(query)
            truncated.flags |= dns.flags.TC | dns.flags.RA
            return truncated.to_wire(max_size=limit)

    def _serve_tcp(self, connection: Connection) -> None:
        sock = connection.sock
        sock.settimeout(TCP_IDLE_TIMEOUT)
        while True:
            header = _read_exactly(sock, 2)
            if header is None:
                return
            (length,) = struct.unpack("!H", header)
            data = _read_exactly(sock, length)
            if data is None:
                return
            reply = self._reply_bytes(data, udp=False)
            if reply is not None:
                sock.sendall(struct.pack("!H", len(reply)) + reply)


def _cut(query: dns.message.Message, response: dns.message.Message) -> dns.message.Message:
    """The response as a server short of space sends it over UDP: its first record only, and TC set."""
    cut = dns.message.make_response(query)
    cut.flags |= dns.flags.TC | dns.flags.RA
    if response.answer:
        first = response.answer[0]
        cut.answer.append(dns.rrset.from_rdata_list(first.name, first.ttl, [first[0]]))
    return cut


def _read_exactly(sock: socket.socket, size: int) -> bytes | None:
    chunks = bytearray()
    while len(chunks) < size:
        try:
            chunk = sock.recv(size - len(chunks))
        except TimeoutError:
            return None
        if not chunk:
            return None
        chunks += chunk
    return bytes(chunks)


def _formerr(data: bytes) -> bytes | None:
    """FORMERR for a packet we cannot parse, if it has at least a header to echo the ID from."""
    if len(data) < 12:
        return None
    (query_id,) = struct.unpack("!H", data[:2])
    flags = dns.flags.QR | dns.flags.RA | dns.rcode.FORMERR
    return struct.pack("!HHHHHH", query_id, flags, 0, 0, 0, 0)
