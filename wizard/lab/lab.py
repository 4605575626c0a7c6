"""The lab: a simulated Contoso deployment on loopback for the demo, the tests and the benchmarks.

`Lab.start()` makes a throwaway CA and the deployment's certificates, starts a DNS server on
127.0.0.1 and HTTPS/SIP servers on 127.77.0.x, and hands back a valid `Scenario` describing the
deployment plus the `ProbeSettings` that point probes at it. Named faults (see faults.py) break it in
the ways the field guide's readers met. `stop()` (or leaving the `with` block) joins every thread
and deletes the temporary files.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType

from wizard.lab.certificates import LabCertificates, make_certificates
from wizard.lab.content import LabContent
from wizard.lab.deployment import (
    AUTODISCOVER,
    DOMAIN,
    DOMAIN_CONTROLLER,
    EXTERNAL_WEB,
    TENANT_DOMAIN,
    TENANT_ID,
    TEST_USER,
    Deployment,
    canonical_topology,
    deployment_for,
)
from wizard.lab.dns_server import DnsServer
from wizard.lab.faults import LabConfig, lab_config, names_of
from wizard.lab.https_server import Exchange, HttpsFarm
from wizard.lab.zone import ZoneData, build_zone
from wizard.probes.context import ProbeSettings
from wizard.scenario import Scenario

PFX_PASSWORD = b"lab-only-password"


class Lab:
    """A running simulated deployment. Create it with `Lab.start(...)`; use it as a context manager."""

    def __init__(self, faults: Iterable[str] | str = (), *, latency_ms: int = 0, topology: str = "onprem",
                 deployment: Deployment | None = None) -> None:
        """`deployment` replaces the topology's standard one (a larger organisation: see scale.py)."""
        topology = canonical_topology(deployment.topology if deployment is not None else topology)
        self.faults: tuple[str, ...] = names_of(faults)
        self.config: LabConfig = lab_config(self.faults, latency_ms=latency_ms, topology=topology)
        self.topology = topology
        self.latency_ms = self.config.latency_ms
        self.deployment: Deployment = deployment or deployment_for(topology)
        self.tenant_id = TENANT_ID if self.deployment.has_tenant else ""
        self.zone: ZoneData = build_zone(self.deployment, self.config)
        self.addresses: dict[str, list[str]] = _addresses(self.zone)
        self.startup_seconds = 0.0
        self.stuck_threads: list[str] = []
        self._dir: Path | None = None
        self.dns: DnsServer | None = None
        self.https: HttpsFarm | None = None
        self._stopped = False

    @classmethod
    def start(cls, faults: Iterable[str] | str = (), *, latency_ms: int = 0, topology: str = "onprem",
              deployment: Deployment | None = None) -> Lab:
        """Start the servers; ValueError for an unknown topology or fault (listing the valid ones)."""
        lab = cls(faults, latency_ms=latency_ms, topology=topology, deployment=deployment)
        lab._start()
        return lab

    def _start(self) -> None:
        began = time.perf_counter()
        self._dir = Path(tempfile.mkdtemp(prefix="wizard-lab-"))
        try:
            self.certificates: LabCertificates = make_certificates(self.deployment, self.config)
            self._write_files()
            self.dns = DnsServer(self.zone.records, self.zone.zones).misbehave(self.config).start()
            tls_dir = self._dir / "tls"
            tls_dir.mkdir()
            web = [(m, self.certificates.bindings(m, tls_dir)) for m in self.deployment.web_machines]
            sip = [(m, self.certificates.bindings(m, tls_dir)) for m in self.deployment.sip_machines]
            self.content = LabContent(self.deployment, self.config, self.certificates)
            self.https = HttpsFarm(web, sip, self.content, latency_ms=self.config.latency_ms,
                                   wire_faults=self.config.wire_faults).start()
            self.scenario = self._scenario()
            self.settings = ProbeSettings(nameserver=("127.0.0.1", self.dns.port), ca_bundle=self.ca_pem_path,
                                          https_port=self.https.https_port, sip_port=self.https.sip_port,
                                          system_proxy=False)  # this PC's proxy cannot reach the loopback lab
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.perf_counter() - began

    def _write_files(self) -> None:
        assert self._dir is not None
        certs = self.certificates
        self.ca_pem_path = str(self._dir / "contoso-lab-root-ca.pem")
        Path(self.ca_pem_path).write_bytes(certs.ca.pem)
        self.oauth_certificate_path = ""
        self.oauth_pfx_path = ""
        self.oauth_pfx_password = PFX_PASSWORD
        if certs.oauth_by_front_end:
            self.oauth_certificate_path = str(self._dir / "oauth-token-issuer.cer")
            Path(self.oauth_certificate_path).write_bytes(certs.oauth.der)
            self.oauth_pfx_path = str(self._dir / "oauth-token-issuer.pfx")
            Path(self.oauth_pfx_path).write_bytes(certs.oauth.pfx(PFX_PASSWORD, b"OAuthTokenIssuer"))
        assert certs.exchange_auth is not None
        self.exchange_auth_certificate_path = str(self._dir / "exchange-auth.cer")
        Path(self.exchange_auth_certificate_path).write_bytes(certs.exchange_auth.der)

    def _scenario(self) -> Scenario:
        values: dict[str, str | list[str]] = {
            "mode": "verify", "exchange": "server", "exchange_version": "se",
            "sip_domains": list(self.deployment.sip_domains), "smtp_domain": DOMAIN,
            "exchange_fqdns": list(self.deployment.exchange_fqdns),
            "autodiscover_fqdn": AUTODISCOVER, "test_sip_uri": f"sip:{TEST_USER}@{DOMAIN}",
        }
        if len(self.deployment.exchange_fqdns) > 1:  # the lab's autodiscover name stands for the load balancer
            values["exchange_lb_fqdn"] = AUTODISCOVER
        if self.deployment.sfb_on_prem:
            values.update({"sfb": "hybrid" if self.topology == "hybrid" else "server", "sfb_version": "se",
                           "pool_fqdns": list(self.deployment.pool_fqdns),
                           "oauth_certificate": self.oauth_certificate_path, "sfb_site": "Site1"})
        else:
            values.update({"sfb": "teams", "dc_fqdn": DOMAIN_CONTROLLER, "verified_domain": DOMAIN})
        if self.deployment.has_tenant:
            values["tenant_domain"] = TENANT_DOMAIN
        if self.topology == "hybrid":
            values["pool_external_web_fqdns"] = [EXTERNAL_WEB]
        if self.config.scenario_autodiscover_path:
            values["exchange_autodiscover_url"] = f"https://{AUTODISCOVER}{self.config.scenario_autodiscover_path}"
        scenario = Scenario()
        problems = scenario.update(values)
        if problems:
            raise RuntimeError(f"the lab's own scenario is invalid: {problems}")
        scenario.require_valid()
        return scenario

    # ----- running -----
    @property
    def https_port(self) -> int:
        return self.https.https_port if self.https else 0

    @property
    def sip_port(self) -> int:
        return self.https.sip_port if self.https else 0

    @property
    def exchanges(self) -> list[Exchange]:
        """Every HTTP request served so far (machine, method, host, path, status)."""
        return self.https.exchanges if self.https else []

    @property
    def errors(self) -> list[str]:
        """Unexpected exceptions inside the lab's servers (a lab bug; empty in a healthy run)."""
        return (self.dns.errors if self.dns else []) + (self.https.errors if self.https else [])

    def address_of(self, name: str) -> str | None:
        """The address of the lab machine whose web site answers to `name`, as the internet would resolve it
        (the lab's proxy uses it: a proxy resolves names itself, whatever the organisation's DNS says)."""
        name = name.rstrip(".").lower()
        for machine in self.deployment.machines:
            if name == machine.address or name in machine.web_names:
                return machine.address
        return None

    # ----- stopping -----
    def stop(self) -> None:
        """Stop every server, join every thread, delete the temporary files. Safe to call twice."""
        if self._stopped:
            return
        self._stopped = True
        stuck: list[str] = []
        if self.https is not None:
            stuck += self.https.stop()
        if self.dns is not None:
            stuck += self.dns.stop()
        self.stuck_threads = stuck
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)

    @property
    def running(self) -> bool:
        return self.https is not None and not self._stopped

    def __enter__(self) -> Lab:
        if self.https is None and not self._stopped:
            self._start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        dns_port = self.dns.port if self.dns else 0
        return (f"<Lab {self.topology} faults={list(self.faults)} {state} dns_port={dns_port}"
                f" https_port={self.https_port} sip_port={self.sip_port}>")


def _addresses(zone: ZoneData) -> dict[str, list[str]]:
    """host -> addresses for every name that leads to an A record, following the zone's CNAMEs."""
    a_records: dict[str, list[str]] = {}
    cnames: dict[str, str] = {}
    for record in zone.records:
        name = record.name.rstrip(".").lower()
        if record.rdtype == "A":
            a_records.setdefault(name, []).append(record.rdata)
        elif record.rdtype == "CNAME":
            cnames[name] = record.rdata.rstrip(".").lower()
    result = dict(a_records)
    for name, first in cnames.items():
        target, seen = first, {name}
        while target in cnames and target not in seen:
            seen.add(target)
            target = cnames[target]
        if target in a_records:
            result[name] = a_records[target]
    return {name: sorted(addresses) for name, addresses in sorted(result.items())}
