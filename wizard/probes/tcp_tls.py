"""Reachability and TLS: the ports answer on every address, handshakes complete, certificates hold up.

A pool name resolves to every Front End; each address is dialled, because one bad Front End is
enough to make the integration fail for the users homed there.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from wizard.policy import EXPIRY_WARNING_DAYS
from wizard.probes.base import (
    SELF_SIGNED_NOTE,
    BaseProbe,
    Finding,
    Net,
    failed,
    passed,
    trust_remediation,
    warned,
)
from wizard.probes.context import ProbeContext
from wizard.probes.formats.certificate import CertificateFacts, facts_from_der
from wizard.probes.net import sockets, tls
from wizard.probes.net.errors import NOT_YET_VALID_FIX, NetError, TlsError, TlsNameError, TlsTrustError
from wizard.probes.result import Evidence
from wizard.scenario import Scenario
from wizard.topology import Phase

if TYPE_CHECKING:
    from datetime import datetime


def _port(ctx: ProbeContext, kind: str) -> int:
    return ctx.settings.port_sip() if kind == "sip" else ctx.settings.port_https()


def _label(kind: str) -> str:
    return "5061 (SIP/TLS)" if kind == "sip" else "443 (HTTPS)"


def _with_own_remediation(finding: Finding, exc: NetError) -> Finding:
    """Errors that know their fix (enable TLS 1.2, shrink the certificate) say it instead of the generic one."""
    return dataclasses.replace(finding, remediation=exc.remediation) if exc.remediation else finding


class TcpPortProbe(BaseProbe):
    """TCP connects to the HTTPS or SIP port of every address of a host."""

    phase = Phase.PREREQUISITES

    def __init__(self, role: str, host: str, kind: str = "https") -> None:
        self.host, self.kind = host, kind
        number = "5061" if kind == "sip" else "443"
        self.id = f"prerequisites.tcp-{number}:{host}"
        self.title = f"{role} {host} accepts connections on port {_label(kind)}"
        self.target = host
        self.tags = ("tcp", f"host:{host}")

    def check(self, scenario: Scenario, ctx: ProbeContext) -> Finding:
        net = Net(ctx)
        port = _port(ctx, self.kind)
        addresses = net.dns.addresses(self.host).addresses
        evidence, broken = [], []
        for address in addresses:
            try:
                sock = sockets.connect(ctx, address, port, ctx.settings.http_timeout, host=self.host)
                sock.close()
                evidence.append(Evidence(f"{address}:{port}", "open"))
            except NetError as exc:
                broken.append(address)
                evidence.append(Evidence(f"{address}:{port}", str(exc)))
        if broken:
            return failed(f"Port {port} on {self.host} does not accept connections at {', '.join(broken)}.",
                          f"Start the service on {self.host} and allow TCP {port} through firewalls and load "
                          "balancers from the Exchange and Front End servers.", *evidence)
        return passed(f"Port {port} is open on every address of {self.host}.", *evidence)


class TlsHandshakeProbe(BaseProbe):
    """A TLS handshake with the host name as SNI completes (the protocol works; trust is judged separately)."""

    phase = Phase.PREREQUISITES

    def __init__(self, role: str, host: str, kind: str = "https") -> None:
        self.host, self.kind = host, kind
        number = "5061" if kind == "sip" else "443"
        self.id = f"prerequisites.tls-{number}:{host}" if kind == "sip" else f"prerequisites.tls:{host}"
        self.title = f"{role} {host} completes a TLS handshake on port {_label(kind)}"
        self.target = host
        self.tags = ("tls", f"host:{host}")

    def on_error(self, exc: NetError) -> Finding:
        return _with_own_remediation(super().on_error(exc), exc)

    def check(self, scenario: Scenario, ctx: ProbeContext) -> Finding:
        net = Net(ctx)
        port = _port(ctx, self.kind)
        evidence, notes = [], []
        for address in net.dns.addresses(self.host).addresses:
            shake = tls.handshake(ctx, self.host, address, port)
            evidence.append(Evidence(f"{address}:{port}", f"{shake.version} {shake.cipher}"))
            if not shake.trusted:
                notes.append(address)
        detail = f"TLS works on every address of {self.host}."
        if notes:
            detail += (" The certificate is not accepted by this machine at "
                       f"{', '.join(notes)}; see the Certificates checks.")
        return passed(detail, *evidence)


class TlsCertificateProbe(BaseProbe):
    """The certificate a server presents: chain trusted, name in SAN, in its validity period, not self-signed."""

    phase = Phase.CERTIFICATES

    def __init__(self, role: str, host: str, caller: str, kind: str = "https") -> None:
        self.host, self.kind, self.role = host, kind, role
        self.caller = caller
        self.id = f"certificates.tls:{host}" if kind == "https" else f"certificates.tls-5061:{host}"
        self.title = f"{role} {host} presents a valid, trusted certificate"
        self.target = host
        self.tags = ("tls", "certificate", f"host:{host}")

    def on_error(self, exc: NetError) -> Finding:
        return _with_own_remediation(super().on_error(exc), exc)

    def check(self, scenario: Scenario, ctx: ProbeContext) -> Finding:
        net = Net(ctx)
        port = _port(ctx, self.kind)
        now = ctx.now()
        problems: dict[str, list[str]] = {}  # what is wrong -> the addresses where it is (one line per problem)
        fixes: list[str] = []
        evidence: list[Evidence] = []
        soonest: float | None = None
        seen: set[str] = set()
        for address in net.dns.addresses(self.host).addresses:
            shake = tls.handshake(ctx, self.host, address, port)
            facts = facts_from_der(shake.certificate)
            if facts.thumbprint not in seen:
                seen.add(facts.thumbprint)
                evidence += facts.evidence(prefix=address)
            for problem, fix in self._problems(facts, shake.trust_problem, now):
                problems.setdefault(problem, []).append(address)
                fixes.append(fix)
            days = facts.days_left(now)
            soonest = days if soonest is None else min(soonest, days)
        if problems:
            return failed("; ".join(f"{', '.join(where)}: {problem}" for problem, where in problems.items()) + ".",
                          " ".join(dict.fromkeys(fixes)), *evidence)
        if soonest is not None and soonest < EXPIRY_WARNING_DAYS:
            return warned(f"The certificate of {self.host} expires in {soonest:.0f} days.",
                          "Renew it before it expires and bind the new certificate (IIS / Set-CsCertificate).",
                          *evidence)
        return passed(f"{self.host} presents a trusted certificate for its name on every address.", *evidence)

    def _problems(self, facts: CertificateFacts, issue: TlsError | None, now: datetime) -> list[tuple[str, str]]:
        """What is wrong with one presented certificate at `now` (the run's clock), each with its fix."""
        found: list[tuple[str, str]] = []
        if facts.not_yet_valid_at(now):
            found.append((f"the certificate {facts.subject} is {facts.not_yet_valid_words()}, and TLS clients "
                          "refuse it until then", NOT_YET_VALID_FIX))
        elif not facts.valid_at(now):
            found.append((f"the certificate is {facts.validity_problem(now)} (valid {facts.not_before:%Y-%m-%d} to "
                          f"{facts.not_after:%Y-%m-%d})",
                          trust_remediation(self.caller, TlsTrustError("", reason="expired"))))
        elif facts.self_signed:
            found.append((f"the certificate is self-signed ({facts.subject})",
                          SELF_SIGNED_NOTE + " Bind a certificate from the internal or a public CA."))
        elif isinstance(issue, TlsTrustError):
            found.append((str(issue), issue.remediation or trust_remediation(self.caller, issue)))
        if not facts.names_host(self.host):
            names = facts.names_text() or facts.common_name
            found.append((f"{self.host} is not among the certificate's names ({names})",
                          trust_remediation(self.caller, TlsNameError(""))))
        return found
