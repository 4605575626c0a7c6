"""Small real servers on loopback for the network-layer tests: a test CA, a DNS server, an HTTPS server.

They exist so the edge cases the project lab does not model (garbage, silence, loops, floods) can be
served over real sockets. Every server runs in its own thread and stops (joined) at fixture teardown.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import http.server
import socket
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rrset
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from wizard.lab.listeners import bind_same_port

_KEYS: dict[tuple[int, int], rsa.RSAPrivateKey] = {}
_KEY_LOCK = threading.Lock()


def key(bits: int = 2048, slot: int = 0) -> rsa.RSAPrivateKey:
    """Keys are slow to make; tests share a few (slot picks a distinct one)."""
    with _KEY_LOCK:
        if (bits, slot) not in _KEYS:
            _KEYS[(bits, slot)] = rsa.generate_private_key(public_exponent=65537, key_size=bits)
        return _KEYS[(bits, slot)]


@dataclass
class Issued:
    cert: x509.Certificate
    key: rsa.RSAPrivateKey

    @property
    def der(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.DER)

    @property
    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    def key_pem(self) -> bytes:
        return self.key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption())


class TestCA:
    """A throwaway CA: issues leaf certificates with chosen names, validity and key."""

    __test__ = False

    def __init__(self, name: str = "Loopback Test Root") -> None:
        self.key = key(2048, slot=99)
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        now = dt.datetime.now(dt.UTC)
        self.cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
                     .public_key(self.key.public_key()).serial_number(x509.random_serial_number())
                     .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=3650))
                     .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                     .sign(self.key, hashes.SHA256()))

    @property
    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    def issue(self, names: list[str], *, subject: str | None = None, days: int = 365, expired: bool = False,
              bits: int = 2048, slot: int = 1, self_signed: bool = False,
              hash_alg: hashes.HashAlgorithm | None = None) -> Issued:
        leaf_key = key(bits, slot)
        now = dt.datetime.now(dt.UTC)
        start, end = (now - dt.timedelta(days=400), now - dt.timedelta(days=35)) if expired else (
            now - dt.timedelta(days=1), now + dt.timedelta(days=days))
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject or names[0])])
        builder = (x509.CertificateBuilder().subject_name(name)
                   .issuer_name(name if self_signed else self.cert.subject)
                   .public_key(leaf_key.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(start).not_valid_after(end))
        if names:
            builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]),
                                            critical=False)
        signer = leaf_key if self_signed else self.key
        return Issued(builder.sign(signer, hash_alg or hashes.SHA256()), leaf_key)


# ------------------------------------------------------------------------------------------------- DNS
@dataclass
class DnsBehaviour:
    records: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # (name., TYPE) -> rdata texts
    servfail: set[str] = field(default_factory=set)
    silent: set[str] = field(default_factory=set)
    garbage: set[str] = field(default_factory=set)
    truncate_udp: set[str] = field(default_factory=set)


class StubDns:
    """An authoritative-looking DNS server answering from a dict, over UDP and TCP on one port."""

    def __init__(self, behaviour: DnsBehaviour, address: str = "127.0.0.1") -> None:
        self.behaviour = behaviour
        # One port for UDP and TCP, tried again when another socket holds the TCP side (seen in CI).
        self.udp, self.tcp = bind_same_port([(address, socket.SOCK_DGRAM), (address, socket.SOCK_STREAM)],
                                            backlog=16)
        self.port = self.udp.getsockname()[1]
        self.address = address
        self.queries: list[tuple[str, str]] = []
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._serve_udp, name="stub-dns-udp"),
                         threading.Thread(target=self._serve_tcp, name="stub-dns-tcp")]
        for t in self._threads:
            t.start()

    def answer(self, wire: bytes, *, tcp: bool) -> bytes | None:
        query = dns.message.from_wire(wire)
        question = query.question[0]
        name = question.name.to_text().lower()
        rdtype = dns.rdatatype.to_text(question.rdtype)
        self.queries.append((name, rdtype))
        b = self.behaviour
        if name in b.silent:
            return None
        if name in b.garbage:
            return b"\x00\x01garbage"
        response = dns.message.make_response(query)
        response.flags |= dns.flags.AA
        if name in b.servfail:
            response.set_rcode(dns.rcode.SERVFAIL)
            return response.to_wire()
        if name in b.truncate_udp and not tcp:
            response.flags |= dns.flags.TC
            return response.to_wire()
        current = question.name
        found_any = any(n == name for (n, _t) in b.records)
        for _ in range(8):
            key_name = current.to_text().lower()
            cname = b.records.get((key_name, "CNAME"))
            if cname and rdtype != "CNAME":
                rrset = dns.rrset.from_text(current, 60, "IN", "CNAME", *cname)
                response.answer.append(rrset)
                current = dns.name.from_text(cname[0])
                continue
            texts = b.records.get((key_name, rdtype))
            if texts:
                response.answer.append(dns.rrset.from_text(current, 60, "IN", rdtype, *texts))
            break
        if not response.answer and not found_any:
            response.set_rcode(dns.rcode.NXDOMAIN)
        return response.to_wire()

    def _serve_udp(self) -> None:
        self.udp.settimeout(0.05)
        while not self._stop.is_set():
            try:
                wire, peer = self.udp.recvfrom(4096)
            except (TimeoutError, OSError):
                continue
            reply = self.answer(wire, tcp=False)
            if reply is not None:
                self.udp.sendto(reply, peer)

    def _serve_tcp(self) -> None:
        self.tcp.settimeout(0.05)
        while not self._stop.is_set():
            try:
                conn, _ = self.tcp.accept()
            except (TimeoutError, OSError):
                continue
            with conn:
                conn.settimeout(1)
                try:
                    length = int.from_bytes(conn.recv(2), "big")
                    wire = b""
                    while len(wire) < length:
                        wire += conn.recv(length - len(wire))
                    reply = self.answer(wire, tcp=True)
                    if reply is not None:
                        conn.sendall(len(reply).to_bytes(2, "big") + reply)
                except OSError:
                    pass

    def stop(self) -> None:
        self._stop.set()
        for t in self._threads:
            t.join(5)
        self.udp.close()
        self.tcp.close()


# ------------------------------------------------------------------------------------------------ HTTPS
@dataclass
class Reply:
    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    hang: bool = False  # accept the request, never answer (until the server stops)
    endless: bool = False  # stream body bytes until the client goes away


Route = Callable[[http.server.BaseHTTPRequestHandler], Reply]


class StubHttps:
    """HTTPS on one loopback address; certificate chosen by SNI; routes by (Host, path)."""

    def __init__(self, address: str, certificates: dict[str, Issued], routes: dict[tuple[str, str], Route | Reply],
                 tmp: Path) -> None:
        self.stopping = threading.Event()
        self.requests: list[tuple[str, str, str, dict[str, str]]] = []
        self.contexts: dict[str, ssl.SSLContext] = {}
        for i, (host, issued) in enumerate(certificates.items()):
            cert_file, key_file = tmp / f"{address}-{i}.crt", tmp / f"{address}-{i}.key"
            cert_file.write_bytes(issued.pem)
            key_file.write_bytes(issued.key_pem())
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(cert_file, key_file)
            self.contexts[host] = context
        default = next(iter(self.contexts.values()))
        default.sni_callback = self._sni
        for context in self.contexts.values():
            context.sni_callback = self._sni
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def _serve(self) -> None:
                host = (self.headers.get("Host") or "").split(":")[0].lower()
                path = self.path.split("?")[0]
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                owner.requests.append((self.command, host, self.path, dict(self.headers)))
                route = routes.get((host, path)) or routes.get(("*", path))
                reply = (route(self) if callable(route) else route) if route else Reply(404, body=b"not found")
                if reply.hang:
                    owner.stopping.wait(30)
                    return
                self.send_response(reply.status)
                for name, value in reply.headers:
                    self.send_header(name, value)
                if reply.endless:
                    self.send_header("Content-Length", str(1 << 40))
                    self.end_headers()
                    chunk = b"x" * 65536
                    with contextlib.suppress(OSError):
                        while not owner.stopping.is_set():
                            self.wfile.write(chunk)
                    return
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)

            do_GET = do_POST = _serve  # noqa: N815

        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True
            block_on_close = False

            def get_request(self) -> tuple[socket.socket, object]:
                sock, peer = super().get_request()
                sock.settimeout(5)
                return default.wrap_socket(sock, server_side=True, do_handshake_on_connect=False), peer

            def finish_request(self, request: object, client_address: object) -> None:
                try:
                    request.do_handshake()  # type: ignore[attr-defined]
                except OSError:
                    return
                super().finish_request(request, client_address)

            def handle_error(self, request: object, client_address: object) -> None:
                pass

        self.server = Server((address, 0), Handler)
        self.address = address
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"stub-https-{address}")
        self._thread.start()

    def _sni(self, sock: ssl.SSLObject, name: str | None, _ctx: ssl.SSLContext) -> None:
        if name and name.lower() in self.contexts:
            sock.context = self.contexts[name.lower()]

    def stop(self) -> None:
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(5)


class SilentListener:
    """Accepts TCP connections and never says a word (a hung server, a stuck TLS terminator)."""

    def __init__(self, address: str = "127.0.0.1") -> None:
        self.sock = socket.socket()
        self.sock.bind((address, 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]

    def stop(self) -> None:
        self.sock.close()
