"""dnsmasq and nginx from Debian, started on loopback with config files in a temporary folder.

Nothing in /etc is read or changed; ports are unprivileged; each process is stopped (and waited for)
when its fixture ends.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import dns.message
import dns.query

from tests.probes.loopback import Issued


def find(binary: str) -> str | None:
    return shutil.which(binary) or shutil.which(binary, path="/usr/sbin:/sbin")


def free_port(address: str = "127.0.0.1") -> int:
    """A port free for both UDP and TCP on `address` (checked, then released for the server)."""
    for _ in range(50):
        with socket.socket() as tcp:
            tcp.bind((address, 0))
            port = tcp.getsockname()[1]
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
                try:
                    udp.bind((address, port))
                except OSError:
                    continue
            return port
    raise RuntimeError("no free port")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


@dataclass
class Dnsmasq:
    """Authoritative-style answers for the names given; NXDOMAIN for the rest of the local domains."""

    folder: Path
    host_records: list[tuple[str, str]] = field(default_factory=list)
    cnames: list[tuple[str, str]] = field(default_factory=list)
    srv: list[tuple[str, str, int, int, int]] = field(default_factory=list)  # name, target, port, prio, weight
    local_domains: list[str] = field(default_factory=lambda: ["contoso.com"])
    address: str = "127.0.0.1"
    port: int = 0
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> Dnsmasq:
        binary = find("dnsmasq")
        assert binary
        self.port = free_port(self.address)
        lines = [f"port={self.port}", f"listen-address={self.address}", "bind-interfaces", "no-resolv", "no-hosts",
                 "no-poll", f"pid-file={self.folder / 'dnsmasq.pid'}", "log-facility=-"]
        lines += [f"local=/{d}/" for d in self.local_domains]
        lines += [f"host-record={name},{addr}" for name, addr in self.host_records]
        lines += [f"cname={alias},{target}" for alias, target in self.cnames]
        lines += [f"srv-host={n},{t},{p},{prio},{w}" for n, t, p, prio, w in self.srv]
        config = self.folder / "dnsmasq.conf"
        config.write_text("\n".join(lines) + "\n")
        self.process = subprocess.Popen([binary, "--keep-in-foreground", f"--conf-file={config}"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 10
        query = dns.message.make_query("ready.invalid.", "A")
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"dnsmasq exited: {self.process.stderr.read().decode(errors='replace')}")
            try:
                dns.query.udp(query, self.address, port=self.port, timeout=0.2)
                return self
            except (dns.exception.Timeout, OSError):
                time.sleep(0.05)
        raise RuntimeError("dnsmasq did not start answering")

    def stop(self) -> None:
        if self.process is not None:
            _stop(self.process)
            if self.process.stderr:
                self.process.stderr.close()


@dataclass
class Site:
    """One nginx server block: an address, names, a certificate and fixed answers per path."""

    address: str
    names: list[str]
    certificate: Issued
    locations: dict[str, str]  # exact path -> nginx directives


@dataclass
class Nginx:
    folder: Path
    sites: list[Site]
    port: int = 0
    extra_ports: list[int] = field(default_factory=list)  # more TLS ports on every site (the "SIP" port)
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> Nginx:
        binary = find("nginx")
        assert binary
        self.port = free_port(self.sites[0].address)
        self.extra_ports = [free_port(self.sites[0].address)]
        for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi", "logs"):
            (self.folder / sub).mkdir(exist_ok=True)
        blocks = []
        for index, site in enumerate(self.sites):
            cert, key = self.folder / f"site{index}.crt", self.folder / f"site{index}.key"
            cert.write_bytes(site.certificate.pem)
            key.write_bytes(site.certificate.key_pem())
            listens = "".join(f"    listen {site.address}:{p} ssl;\n" for p in [self.port, *self.extra_ports])
            locations = "".join(f"    location = {path} {{\n      {body}\n    }}\n"
                                for path, body in site.locations.items())
            blocks.append(f"  server {{\n{listens}    server_name {' '.join(site.names)};\n"
                          f"    ssl_certificate {cert};\n    ssl_certificate_key {key};\n{locations}"
                          "    location / { return 404 'not found'; }\n  }\n")
        folder = self.folder
        config = (f"daemon off;\nmaster_process off;\npid {folder / 'nginx.pid'};\n"
                  f"error_log {folder / 'logs/error.log'};\n"
                  "events { worker_connections 64; }\n"
                  f"http {{\n  access_log off;\n  client_body_temp_path {folder / 'body'};\n"
                  f"  proxy_temp_path {folder / 'proxy'};\n  fastcgi_temp_path {folder / 'fastcgi'};\n"
                  f"  uwsgi_temp_path {folder / 'uwsgi'};\n  scgi_temp_path {folder / 'scgi'};\n"
                  "  default_type text/html;\n" + "".join(blocks) + "}\n")
        path = folder / "nginx.conf"
        path.write_text(config)
        argv = [binary, "-p", str(folder), "-c", str(path), "-e", str(folder / "logs/stderr.log")]
        self.process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx exited: {self.process.stderr.read().decode(errors='replace')}")
            try:
                with socket.create_connection((self.sites[-1].address, self.port), timeout=0.2):
                    return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("nginx did not start listening")

    def stop(self) -> None:
        if self.process is not None:
            _stop(self.process)
            if self.process.stderr:
                self.process.stderr.close()
