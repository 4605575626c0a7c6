"""The probe boundary: a check returns a Finding or raises; `BaseProbe.run` makes a ProbeResult of either.

Helpers below the boundary raise typed errors (wizard.probes.net.errors); only here are they turned
into a status and a cause, so no probe can crash or hang the caller, and every text a result carries
is cleaned of control and bidi characters (server text is data, never terminal or script input).
Anything unexpected is a defect in the wizard: its traceback goes to the log and the result says
so, and never reads like a finding.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field

from wizard import where_to
from wizard.playbook import commands as cmd
from wizard.playbook.commands import Placeholder
from wizard.probes.context import CancelledError, ProbeContext
from wizard.probes.net.dns import DnsClient
from wizard.probes.net.errors import (
    BadDocumentError,
    CertificateLoadError,
    ConnectError,
    DnsError,
    DnsServerError,
    DnsTimeoutError,
    NetError,
    RedirectError,
    TlsNameError,
    TlsTrustError,
    TooLargeError,
    WaitTimeoutError,
)
from wizard.probes.net.http import UNTRUSTED_SEEN, HttpClient
from wizard.probes.redirects import warn_if_redirected, watch_redirects
from wizard.probes.result import Cause, Evidence, ProbeResult, Status, Subject
from wizard.safe_text import clean_result
from wizard.scenario import Scenario
from wizard.topology import Phase

# Who makes which call in production: remediation for trust errors names the machine that needs the CA.
FRONT_END = "the Skype for Business Front End servers"
EXCHANGE = "the Exchange servers"
ADMIN_PC = "the machine running the wizard and the servers that call this name"

SELF_SIGNED_NOTE = ("Self-signed certificates are not valid for this integration: use a certificate from a CA "
                    "both Exchange and Skype for Business trust (Jeff Schertz's reply to a reader under \"Exchange "
                    "and Skype for Business Integration\", 2015).")


@dataclass(frozen=True)
class Finding:
    """What a check concluded, before the boundary adds id, phase, title, timing and target."""

    status: Status
    detail: str
    remediation: str = ""
    evidence: tuple[Evidence, ...] = field(default=())
    target: str = ""  # overrides the probe's target when only the check knows it (e.g. which file)
    cause: Cause | None = None  # None: a finding about the deployment for WARN/FAIL, nothing for PASS/SKIP


def passed(detail: str, *evidence: Evidence) -> Finding:
    return Finding(Status.PASS, detail, "", tuple(evidence))


def failed(detail: str, remediation: str, *evidence: Evidence) -> Finding:
    return Finding(Status.FAIL, detail, remediation, tuple(evidence))


def warned(detail: str, remediation: str, *evidence: Evidence) -> Finding:
    return Finding(Status.WARN, detail, remediation, tuple(evidence))


def skipped(detail: str, *evidence: Evidence) -> Finding:
    return Finding(Status.SKIP, detail, "", tuple(evidence))


def unreachable(detail: str, remediation: str, *evidence: Evidence) -> Finding:
    """A FAIL whose reason is that the server or port could not be reached (not its configuration)."""
    return Finding(Status.FAIL, detail, remediation, tuple(evidence), cause=Cause.UNREACHABLE)


logger = logging.getLogger("wizard.probes")
_LOG_LOCK = threading.Lock()

DEFECT_REMEDIATION = ("This is a defect in the wizard, not a finding about your deployment; the other checks are "
                      "unaffected. Please send the log file to the wizard's support.")


def defect_finding(exc: BaseException) -> Finding:
    """A probe bug: log the traceback, and say where it is (never mistaken for a finding or a timeout)."""
    from wizard.logs import log_file, setup_logging

    with _LOG_LOCK:
        path = log_file()
        if path is None:  # the CLI logs nothing until a defect: then the traceback must land in the file
            try:
                path = setup_logging()
            except OSError:
                path = None
    logger.error("defect in a check", exc_info=(type(exc), exc, exc.__traceback__))
    where = f"details in the log at {path}" if path else "details in the wizard's log"
    return Finding(Status.ERROR, f"A defect in the wizard stopped this check ({type(exc).__name__}); {where}.",
                   DEFECT_REMEDIATION, cause=Cause.DEFECT)


def default_cause(status: Status) -> Cause | None:
    if status in (Status.FAIL, Status.WARN):
        return Cause.FINDING
    if status is Status.ERROR:
        return Cause.UNREACHABLE
    return None


class Net:
    """The network clients of one probe run (the caches live in the ProbeContext, shared by all probes)."""

    def __init__(self, ctx: ProbeContext) -> None:
        self.ctx = ctx
        self.dns = DnsClient(ctx)
        self.http = HttpClient(ctx, self.dns)


def trust_remediation(caller: str, exc: TlsTrustError | TlsNameError | None = None) -> str:
    if isinstance(exc, TlsNameError):
        return ("Reissue the server's certificate with this name in its Subject Alternative Names (or point the "
                "name at a server whose certificate carries it), then bind it in IIS (Exchange: "
                f"{cmd.enable_exchange_iis_certificate(Placeholder('thumbprint'))}; SfB: "
                f"{cmd.set_cs_web_certificate(Placeholder('thumbprint'))}).")
    reason = getattr(exc, "reason", "untrusted")
    if reason == "expired":
        return "Renew the expired certificate on that server and bind the new one (IIS / Set-CsCertificate)."
    if reason == "self-signed":
        return (f"{SELF_SIGNED_NOTE} Alternatively install the certificate's issuing root and intermediate CA "
                f"certificates in the Trusted Root / Intermediate stores of {caller}.")
    return (f"Install the issuing root and intermediate CA certificates in the Local Computer Trusted Root and "
            f"Intermediate Certification Authorities stores of {caller} (the 'Could not establish trust "
            "relationship for the SSL/TLS secure channel' error of New-CsPartnerApplication and "
            "Configure-EnterprisePartnerApplication.ps1), or use a certificate from a CA they already trust.")


def default_remediation(exc: NetError, caller: str) -> str:
    if exc.remediation:  # the error knows better than its class (an SRV target ".", a not-yet-valid certificate)
        return exc.remediation
    if isinstance(exc, (TlsTrustError, TlsNameError)):
        return trust_remediation(caller, exc)
    if isinstance(exc, DnsTimeoutError):
        return ("The DNS server did not answer for this name: check that it is reachable from the servers and that "
                "it can resolve the zone (forwarders, conditional forwarders, delegation).")
    if isinstance(exc, DnsServerError):
        return ("The DNS server failed to answer for this name (SERVFAIL): check that the zone is loaded and "
                "healthy on it, and its delegation, forwarders and DNSSEC signatures.")
    if isinstance(exc, DnsError):
        return ("Create or fix the DNS record (A or CNAME) in the zone the callers use; with split DNS check the "
                f"internal and the external zone (ask each one's DNS server with {where_to.RESOLVER}).")
    if isinstance(exc, ConnectError):
        return "Make sure the service is running and that firewalls allow the port from the calling servers."
    if isinstance(exc, WaitTimeoutError):
        return ("Check firewalls, load balancers and proxies between the calling server and this address; "
                "the server accepted nothing or answered nothing in time.")
    if isinstance(exc, RedirectError):
        return "Fix the web server's redirect rules so the URL answers directly over HTTPS."
    if isinstance(exc, (BadDocumentError, TooLargeError)):
        return ("Make sure the URL reaches the right virtual directory on the right server, not a web site, load "
                "balancer page or proxy error page.")
    if isinstance(exc, CertificateLoadError):
        return "Check the certificate file path and password (.cer, .crt, .pem or .pfx)."
    return "Check the network path between the calling server and this address."


def _untrusted_warning(finding: Finding, untrusted: list[str], caller: str) -> Finding:
    why = untrusted[0]
    return Finding(Status.WARN, f"{finding.detail} Only because untrusted certificates were explicitly accepted: {why}",
                   trust_remediation(caller), (*finding.evidence, Evidence("TLS not trusted", why)), finding.target,
                   Cause.FINDING)


@dataclass(frozen=True)
class Need:
    """A check this one relies on, by id (declared in wizard.probes.registry, filled in per instance).

    ``trust`` marks a dependency on certificate trust: when the admin explicitly accepted untrusted
    certificates, its failure does not block (the dependent then reads the answer and warns itself).
    """

    id: str
    trust: bool = False


class BaseProbe:
    """A check with a stable id. Subclasses implement `check`; `run` never raises."""

    id: str
    phase: Phase
    title: str
    target: str = ""
    tags: tuple[str, ...] = ()
    caller: str = ADMIN_PC  # who needs the CA when TLS is not trusted
    needs: tuple[Need, ...] = ()  # the checks this one relies on, set by the registry; absent ones are ignored
    subjects: tuple[Subject, ...] = ()

    def check(self, scenario: Scenario, ctx: ProbeContext) -> Finding:
        raise NotImplementedError

    def on_error(self, exc: NetError) -> Finding:
        """How a helper failure reads for this probe (override to say more)."""
        status = Status.FAIL if exc.finding else Status.ERROR
        return Finding(status, str(exc), default_remediation(exc, self.caller), cause=exc.cause)

    def run(self, scenario: Scenario, ctx: ProbeContext) -> ProbeResult:
        started = time.monotonic()
        untrusted: list[str] = []
        token = UNTRUSTED_SEEN.set(untrusted)
        redirected = watch_redirects()  # answers that came from another host than the one asked
        try:
            ctx.check()
            finding = self.check(scenario, ctx)
            if untrusted and finding.status is Status.PASS:
                finding = _untrusted_warning(finding, untrusted, self.caller)
            finding = warn_if_redirected(finding, redirected, self.caller)
        except CancelledError:
            finding = Finding(Status.NOT_RUN, "Not checked: the run was stopped before this check finished.",
                              cause=Cause.NOT_RUN)
        except NetError as exc:
            try:
                finding = self.on_error(exc)
            except Exception as bug:  # a bug in an on_error override
                finding = defect_finding(bug)
        except Exception as exc:  # the boundary: a bug in a probe must not take the run down
            finding = defect_finding(exc)
        finally:
            UNTRUSTED_SEEN.reset(token)
        return clean_result(ProbeResult(
            id=self.id, phase=self.phase, status=finding.status, title=self.title, detail=finding.detail,
            remediation=finding.remediation, evidence=finding.evidence,
            elapsed_ms=(time.monotonic() - started) * 1000, target=finding.target or self.target, tags=self.tags,
            cause=finding.cause or default_cause(finding.status), subjects=self.subjects))

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.id}>"
