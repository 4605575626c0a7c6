"""A larger Contoso for the scale benchmark: N pools of M Front Ends, K Exchange servers, D SIP domains.

The organisation is the standard lab's (ex01, pool01 with fe01 and fe02, the reverse proxy, the
domain controller, the Microsoft cloud) grown by more machines, each on its own 127.77.x.y address:
ex02…exK on 127.77.1.x, pool p's further Front Ends on 127.77.(10+p).x, and SIP domains
region02.contoso.com… beside contoso.com. The zone, certificates and content are the lab's own,
built from this Deployment; the healthy organisation passes every check.

`python -m wizard.lab.scale` serves it in its own process (like `python -m wizard.lab serve`), also
with every server silent: TCP connections accepted and never answered, or the DNS server answering
nothing, so a benchmark can hold a run to its budget.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import socket
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

from wizard.lab.deployment import (
    DOMAIN,
    EXCHANGE,
    FE01,
    FE02,
    POOL,
    REVERSE_PROXY,
    Deployment,
    Machine,
    Role,
    deployment_for,
    front_end,
)
from wizard.lab.lab import Lab
from wizard.lab.listeners import Acceptor, Connection, ConnectionThreads, accept_into, bind_same_port
from wizard.lab.serve import announced_process

SILENT_MODES = ("servers", "dns")  # every web and SIP server says nothing; the DNS server says nothing


@dataclass(frozen=True)
class Size:
    """How large the organisation is."""

    pools: int = 10
    front_ends: int = 4  # per pool
    exchange_servers: int = 20
    sip_domains: int = 10

    def __post_init__(self) -> None:
        limits = {"pools": (1, 200), "front_ends": (2, 200), "exchange_servers": (1, 200), "sip_domains": (1, 200)}
        for name, (low, high) in limits.items():
            value = getattr(self, name)
            if not low <= value <= high:
                raise ValueError(f"{name.replace('_', ' ')} must be between {low} and {high}, not {value}"
                                 + (" (pool01 of the lab has two Front Ends)" if name == "front_ends" else ""))

    def __str__(self) -> str:
        return (f"{self.pools} pools x {self.front_ends} Front Ends, {self.exchange_servers} Exchange servers, "
                f"{self.sip_domains} SIP domains")


def pool_fqdn(number: int) -> str:
    return POOL if number == 1 else f"pool{number:02d}.{DOMAIN}"


def sip_domain(number: int) -> str:
    return DOMAIN if number == 1 else f"region{number:02d}.{DOMAIN}"


def _relative(fqdn: str) -> str:
    return fqdn.removesuffix(f".{DOMAIN}")


def scale_deployment(size: Size = Size()) -> Deployment:
    """The on-premises Contoso lab grown to `size`: its machines, SIP domains and the records they add."""
    standard = deployment_for("onprem")
    exchanges = [EXCHANGE] + [Machine(f"ex{n:02d}", Role.EXCHANGE, f"127.77.1.{n}", (f"ex{n:02d}.{DOMAIN}",))
                              for n in range(2, size.exchange_servers + 1)]
    pools: dict[str, list[Machine]] = {POOL: [FE01, FE02]}
    number = 2
    for pool in range(1, size.pools + 1):
        members = pools.setdefault(pool_fqdn(pool), [])
        while len(members) < size.front_ends:
            number += 1
            members.append(front_end(f"fe{number:02d}", f"127.77.{10 + pool}.{len(members) + 1}", pool_fqdn(pool)))
    others = tuple(m for m in standard.machines if m.role not in (Role.EXCHANGE, Role.FRONT_END))
    standard_names = {m.key for m in standard.machines}
    new_exchanges = [m for m in exchanges if m.key not in standard_names]
    new_front_ends = [m for members in pools.values() for m in members if m.key not in standard_names]
    records: list[tuple[str, str, str]] = [(m.key, "A", m.address) for m in new_exchanges + new_front_ends]
    records += [(_relative(m.pool), "A", m.address) for m in new_front_ends]  # pool names: every Front End
    pool_names = list(pools)
    domains = tuple(sip_domain(n) for n in range(1, size.sip_domains + 1))
    for index, domain in enumerate(domains[1:], 1):
        home = pool_names[index % len(pool_names)]  # the pool that registers this domain's users
        name = _relative(domain)
        records += [(f"sip.{name}", "A", m.address) for m in pools[home]]
        records += [(f"lyncdiscoverinternal.{name}", "A", m.address) for m in pools[home]]
        records += [(f"lyncdiscover.{name}", "A", REVERSE_PROXY.address),
                    (f"_sip._tls.{name}", "SRV", f"0 0 443 sip.{domain}."),
                    (f"_sipfederationtls._tcp.{name}", "SRV", f"0 0 5061 sip.{domain}."),
                    (f"_sipinternaltls._tcp.{name}", "SRV", f"0 0 5061 {home}.")]
    machines = (*exchanges, *(m for members in pools.values() for m in members), *others)
    return Deployment("onprem", machines, sip_domains=domains, extra_records=tuple(records))


class SilentServers:
    """Listeners that accept every TCP connection and then never say a word, as a hung server does.

    One port for all web addresses, one for all SIP addresses (as the lab's farm); with `dns`, also a
    DNS endpoint on 127.0.0.1 that reads every question over UDP or TCP and answers none.
    """

    def __init__(self, web: Sequence[str], sip: Sequence[str], *, dns: bool = False) -> None:
        self._web, self._sip, self._dns = list(web), list(sip), dns
        self._acceptor = Acceptor("lab-silent")
        self._threads = ConnectionThreads("lab-silent")
        self.https_port = self.sip_port = self.dns_port = 0

    def start(self) -> SilentServers:
        try:
            if self._web:
                self.https_port = self._listen(self._web)
            if self._sip:
                self.sip_port = self._listen(self._sip)
            if self._dns:
                udp, tcp = bind_same_port([("127.0.0.1", socket.SOCK_DGRAM), ("127.0.0.1", socket.SOCK_STREAM)])
                self.dns_port = udp.getsockname()[1]
                self._acceptor.add(udp, _drop_datagram)
                self._acceptor.add(tcp, accept_into(self._threads, _hold))
        except BaseException:
            self._acceptor.stop()
            raise
        self._acceptor.start()
        return self

    def _listen(self, addresses: Sequence[str]) -> int:
        """Listen on every address on one common port; returns the port."""
        sockets = bind_same_port([(a, socket.SOCK_STREAM) for a in addresses])
        for sock in sockets:
            self._acceptor.add(sock, accept_into(self._threads, _hold))
        port: int = sockets[0].getsockname()[1]
        return port

    def stop(self) -> list[str]:
        """Close the listeners, wake and join every held connection; names of threads that did not end."""
        stuck = [] if self._acceptor.stop() else [self._acceptor.name]
        return stuck + self._threads.close_all()

    @property
    def held(self) -> int:
        """Connections accepted and being ignored right now."""
        return self._threads.active

    @property
    def errors(self) -> list[str]:
        return self._acceptor.errors + self._threads.errors


def _hold(connection: Connection) -> None:
    """Read and discard whatever the client sends (a ClientHello, a query) until it hangs up."""
    sock = connection.sock
    sock.settimeout(None)
    while sock.recv(4096):
        pass


def _drop_datagram(sock: socket.socket) -> None:
    sock.recvfrom(65535)


def silent_servers(lab: Lab, mode: str) -> SilentServers:
    """Silent stand-ins for the lab's servers: `servers` (web and SIP; DNS still answers) or `dns`."""
    if mode not in SILENT_MODES:
        raise ValueError(f"silent mode must be one of {', '.join(SILENT_MODES)}, not {mode!r}")
    if mode == "dns":
        return SilentServers((), (), dns=True)
    return SilentServers([m.address for m in lab.deployment.web_machines],
                         [m.address for m in lab.deployment.sip_machines])


def announcement(lab: Lab, silent: SilentServers | None = None) -> dict[str, Any]:
    """What the serving process prints: the settings (pointing at the silent stand-ins if any) and scenario."""
    settings = lab.settings
    if silent is not None and silent.dns_port:
        settings = dataclasses.replace(settings, nameserver=("127.0.0.1", silent.dns_port))
    elif silent is not None:
        settings = dataclasses.replace(settings, https_port=silent.https_port, sip_port=silent.sip_port)
    return {"settings": dataclasses.asdict(settings), "scenario": lab.scenario.to_dict(), "faults": list(lab.faults),
            "machines": len(lab.deployment.machines)}


def serve(size: Size, *, latency_ms: int = 0, silent: str = "", stdin: TextIO | None = None,
          stdout: TextIO | None = None) -> int:
    """Start the organisation, print its announcement as one JSON line, serve until stdin ends."""
    source, sink = stdin or sys.stdin, stdout or sys.stdout
    with Lab.start(latency_ms=latency_ms, deployment=scale_deployment(size)) as lab:
        quiet = silent_servers(lab, silent).start() if silent else None
        try:
            sink.write(json.dumps(announcement(lab, quiet)) + "\n")
            sink.flush()
            while source.read(4096):
                pass
        finally:
            if quiet is not None:
                quiet.stop()
    return 0


@contextlib.contextmanager
def scale_lab_process(size: Size = Size(), *, latency_ms: int = 0, silent: str = "",
                      env: dict[str, str] | None = None) -> Iterator[dict[str, Any]]:
    """Run `python -m wizard.lab.scale` for the duration of the block; yields its announcement."""
    command = [sys.executable, "-m", "wizard.lab.scale", "--pools", str(size.pools), "--front-ends",
               str(size.front_ends), "--exchange-servers", str(size.exchange_servers), "--sip-domains",
               str(size.sip_domains), "--latency-ms", str(latency_ms)]
    if silent:
        command += ["--silent", silent]
    with announced_process(command, env, "the scale lab process") as announcement:
        yield announcement


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m wizard.lab.scale",
                                     description="Serve a large lab organisation until stdin closes; print its "
                                                 "settings and scenario as one JSON line.")
    default = Size()
    parser.add_argument("--pools", type=int, default=default.pools)
    parser.add_argument("--front-ends", type=int, default=default.front_ends, help="per pool (at least 2)")
    parser.add_argument("--exchange-servers", type=int, default=default.exchange_servers)
    parser.add_argument("--sip-domains", type=int, default=default.sip_domains)
    parser.add_argument("--latency-ms", type=int, default=0, help="delay every HTTPS answer by N milliseconds")
    parser.add_argument("--silent", choices=SILENT_MODES, default="",
                        help="servers: web and SIP servers accept connections and never answer; dns: the DNS "
                             "server never answers")
    args = parser.parse_args(argv)
    try:
        size = Size(args.pools, args.front_ends, args.exchange_servers, args.sip_domains)
        return serve(size, latency_ms=args.latency_ms, silent=args.silent)
    except ValueError as exc:
        print(f"python -m wizard.lab.scale: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
