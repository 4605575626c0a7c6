"""Typed failures of the network helpers; only the probe boundary turns them into results.

Each error says in plain words what went wrong and whether that is a finding about the deployment
(`finding=True`: the probe FAILS) or the probe could not decide (`finding=False`: ERROR).
"""

from __future__ import annotations

from wizard.probes.result import Cause


class NetError(Exception):
    """Base of every helper failure; `finding` tells the probe boundary FAIL (True) or ERROR (False).

    `cause` says why the result is not a pass (a finding about the deployment, unreachable, timed
    out, a bad answer); every subclass that reads differently to an admin sets its own.
    """

    finding = False
    cause = Cause.UNREACHABLE

    def __init__(self, message: str, *, target: str = "") -> None:
        super().__init__(message)
        self.target = target


class DnsError(NetError):
    """A lookup gave no usable answer."""


class NxDomainError(DnsError):
    """The name does not exist."""

    cause = Cause.FINDING
    finding = True


class NoAnswerError(DnsError):
    """The name exists but has no record of the asked type (an empty SRV answer, say)."""

    cause = Cause.FINDING
    finding = True


class DnsServerError(DnsError):
    """SERVFAIL/REFUSED or a malformed answer: the DNS server could not answer."""

    cause = Cause.BAD_ANSWER


class ServfailError(DnsServerError):
    """The server answered, and the answer was SERVFAIL/REFUSED: a broken zone or delegation."""

    cause = Cause.FINDING
    finding = True


class DnsTimeoutError(DnsError):
    """The DNS server did not answer within the deadline."""

    cause = Cause.TIMEOUT


class ConnectError(NetError):
    """TCP connection refused or unreachable."""

    finding = True


class WaitTimeoutError(NetError):
    """No answer within the configured time."""

    cause = Cause.TIMEOUT


class TlsError(NetError):
    """The TLS handshake failed for a reason other than certificate trust."""

    cause = Cause.BAD_ANSWER
    finding = True


class TlsTrustError(TlsError):
    """The certificate chain is not trusted (or expired, or self-signed) by the calling machine.

    This is the 'Could not establish trust relationship for the SSL/TLS secure channel' error that
    New-CsPartnerApplication and Configure-EnterprisePartnerApplication.ps1 report.
    """

    cause = Cause.FINDING

    def __init__(self, message: str, *, target: str = "", reason: str = "untrusted") -> None:
        super().__init__(message, target=target)
        self.reason = reason  # untrusted | self-signed | expired | not-yet-valid


class TlsNameError(TlsError):
    """The certificate does not carry the host name that was asked for."""

    cause = Cause.FINDING


class HttpProtocolError(NetError):
    """The server broke HTTP (garbage, closed mid-answer)."""

    cause = Cause.BAD_ANSWER
    finding = True


class TooLargeError(NetError):
    """The answer exceeded the size cap; reading stopped there."""

    cause = Cause.BAD_ANSWER
    finding = True


class RedirectError(NetError):
    """A redirect loop, too many redirects, or a redirect to somewhere not allowed."""

    cause = Cause.BAD_ANSWER
    finding = True


class BadDocumentError(NetError):
    """The body is not the document expected (HTML instead of JSON, malformed JSON, wrong shape)."""

    cause = Cause.BAD_ANSWER
    finding = True


class CertificateLoadError(NetError):
    """A certificate file or store entry could not be read (missing, wrong password, not a certificate)."""

    cause = Cause.FINDING
    finding = True
