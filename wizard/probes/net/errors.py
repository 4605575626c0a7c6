"""Typed failures of the network helpers; only the probe boundary turns them into results.

Each error says in plain words what went wrong and whether that is a finding about the deployment
(`finding=True`: the probe FAILS) or the probe could not decide (`finding=False`: ERROR).
"""

from __future__ import annotations

from wizard import where_to
from wizard.probes.result import Cause


class NetError(Exception):
    """Base of every helper failure; `finding` tells the probe boundary FAIL (True) or ERROR (False).

    `cause` says why the result is not a pass (a finding about the deployment, unreachable, timed
    out, a bad answer); every subclass that reads differently to an admin sets its own.
    """

    finding = False
    cause = Cause.UNREACHABLE
    remediation = ""  # what the admin does about it, when the error itself knows better than its class's default

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


class DnsUnreachableError(DnsError):
    """Nothing answers DNS at the server's address (ICMP port unreachable), or no server is configured."""

    remediation = ("Check that the DNS server is running and that UDP and TCP port 53 reach it from this machine, or "
                   f"choose another one with {where_to.RESOLVER}.")


class DnsTcpFallbackError(DnsError):
    """The UDP answer was truncated and the same server did not give the full answer over TCP.

    Windows clients retry over TCP exactly like this, so the name does not resolve for them either:
    a finding (TCP port 53 blocked by a firewall, a DNS proxy that speaks UDP only).
    """

    finding = True
    remediation = ("Allow TCP port 53 to the DNS server as well as UDP (firewalls, the server's own settings, DNS "
                   "proxies that speak UDP only): answers too large for UDP come over TCP, and Windows clients fail "
                   "the same way without it.")

    def __init__(self, message: str, *, target: str = "", timed_out: bool = False) -> None:
        super().__init__(message, target=target)
        self.cause = Cause.TIMEOUT if timed_out else Cause.UNREACHABLE


class DnsWrongNameError(DnsError):
    """The answer section holds records for a name that is neither the question nor on its CNAME chain.

    Such an answer is not used: it is what a broken DNS proxy, a stale forwarder cache or a spoofed
    reply looks like, and dialling its addresses would test some other server.
    """

    cause = Cause.BAD_ANSWER
    remediation = ("Something answers for the DNS server with records for other names: a DNS proxy, a firewall's "
                   "DNS inspection, a VPN client or a forwarder with a stale cache. Compare with Resolve-DnsName "
                   "<name> -Server <DNS server> -DnsOnly, clear the caches (Clear-DnsServerCache, "
                   "Clear-DnsClientCache) and check the server's forwarders.")


class CnameLoopError(DnsError):
    """The name's CNAME records lead back to a name already on the chain: it never reaches an address."""

    cause = Cause.FINDING
    finding = True
    remediation = ("Break the loop: one name on it must hold the server's A record, or the name must be a CNAME "
                   "straight to the server's own name (Get-DnsServerResourceRecord -RRType CName lists the aliases "
                   "of a zone).")


class CnameChainTooLongError(DnsError):
    """More CNAME links than clients follow before giving up."""

    cause = Cause.FINDING
    finding = True
    remediation = ("Point the name at the server directly: an A record, or one CNAME to the server's own name; a "
                   "working alias needs one or two links.")


class SrvNotAvailableError(DnsError):
    """The SRV record's target is "." (RFC 2782): the domain says the service is decidedly not available."""

    cause = Cause.FINDING
    finding = True
    remediation = ('Replace the SRV record whose target is "." with one that names the server; a "." target is only '
                   "right where the service really does not exist.")


class SrvTargetNoAddressError(DnsError):
    """An SRV record points to a host name that has no address, so clients that pick it cannot connect."""

    cause = Cause.FINDING
    finding = True
    remediation = ("Create an A record for the SRV record's target, or point the SRV record at a name that has "
                   "one.")


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
        if reason == "not-yet-valid":
            self.remediation = NOT_YET_VALID_FIX  # installing CA certificates would not help


NOT_YET_VALID_FIX = (
    "Check the date, time and time zone of the server and of the certification authority that issued the "
    "certificate (w32tm /query /status; w32tm /resync), then issue the certificate again with a start date that "
    "has passed and bind or assign the new one; clients refuse a certificate before its start date however far "
    "off its expiry is.")


class TlsNameError(TlsError):
    """The certificate does not carry the host name that was asked for."""

    cause = Cause.FINDING


ENABLE_TLS12 = (
    "Enable TLS 1.2 on that server: in the registry under HKLM\\SYSTEM\\CurrentControlSet\\Control\\"
    "SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2, set Enabled=1 and DisabledByDefault=0 in both the Server "
    "and the Client keys, set SchUseStrongCrypto=1 and SystemDefaultTlsVersions=1 under HKLM\\SOFTWARE\\Microsoft\\"
    ".NETFramework\\v4.0.30319 (and WOW6432Node), install the updates Microsoft's 'Exchange Server TLS "
    "configuration' and 'TLS 1.2 support for Skype for Business Server' guidance lists, then restart the server. "
    "Load balancers and reverse proxies in front of it need TLS 1.2 enabled as well.")


class TlsVersionError(TlsError):
    """The server offers only TLS versions that current clients refuse (TLS 1.0/1.1), or none in common.

    `offered` is the version a deliberately permissive second handshake negotiated ("TLSv1.1"), or ""
    when even that failed. `remediation` is what the admin does about it, for the probe boundary.
    """

    cause = Cause.FINDING
    remediation = ENABLE_TLS12

    def __init__(self, message: str, *, target: str = "", offered: str = "") -> None:
        super().__init__(message, target=target)
        self.offered = offered


class TlsTooLargeError(TlsError):
    """The server's certificate list is larger than TLS clients accept (thousands of names, a padded chain)."""

    cause = Cause.BAD_ANSWER
    remediation = ("Bind a certificate that carries only the names this server answers for (public CAs allow at "
                   "most a few hundred Subject Alternative Names), and send only the issuing intermediate "
                   "certificate with it, not the whole intermediate store: Exchange: Enable-ExchangeCertificate "
                   "-Services IIS; Skype for Business: Set-CsCertificate -Type Default,WebServicesInternal,"
                   "WebServicesExternal.")


class HttpProtocolError(NetError):
    """The server broke HTTP (garbage, closed mid-answer)."""

    cause = Cause.BAD_ANSWER
    finding = True


class NotHttpError(HttpProtocolError):
    """The server was reached and answered, but not in HTTP (another service on the port, a device in between)."""

    remediation = ("Something other than the web server answers on this port at that address: check which service "
                   "listens on 443 there (netstat -ano | findstr :443) and, behind a load balancer or reverse proxy, "
                   "which back-end server and port the rule for this name forwards to.")


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


class ProxyError(NetError):
    """The proxy a Microsoft 365 endpoint is reached through did not open the way: it refused the CONNECT,
    asked for credentials (407), could not reach the endpoint itself, or did not answer.

    Never a finding about the deployment: the check could not be made from this PC. `status` is the
    proxy's HTTP status (0 when it gave none).
    """

    def __init__(self, message: str, *, target: str = "", remediation: str = "", status: int = 0,
                 timed_out: bool = False) -> None:
        super().__init__(message, target=target)
        self.remediation = remediation
        self.status = status
        self.cause = Cause.TIMEOUT if timed_out else Cause.UNREACHABLE


# --- advice for Microsoft 365 endpoints this PC could not reach ------------------------------------------
# Microsoft's endpoints answer on the internet for everybody: when this PC cannot reach one, the fix is
# this PC's way out (proxy, firewall, its DNS for internet names), never a record in the organisation's zone.
M365_ENDPOINTS_DOC = "Microsoft's 'Microsoft 365 URLs and IP address ranges'"
SET_PROXY = where_to.PROXY


def way_out_remediation(host: str, *, proxy: str = "", source: str = "", explicit: bool = False) -> str:
    """What to do when this PC could not reach `host`, a Microsoft 365 endpoint: about the PC's way out.

    `proxy` is the proxy's label (never with a password) when the request went through one, `source`
    where it came from in words, `explicit` whether the admin gave it (else this PC's settings did).
    """
    if not proxy:
        return (f"{host} is a Microsoft 365 endpoint, which answers on the internet: this PC did not reach it, so "
                "this says nothing about your deployment. Look at this PC's way out to the internet. Does this PC "
                f"reach Microsoft 365 only through a proxy? Give it with {SET_PROXY}; a proxy set only by an "
                "automatic configuration script (PAC) is not read and has to be given that way. Otherwise allow "
                f"HTTPS (TCP 443) from this PC to the Microsoft 365 endpoints in the firewall "
                f"({M365_ENDPOINTS_DOC} lists them), and check that this PC's DNS server resolves internet "
                f"names (Resolve-DnsName {host}).")
    instead = (f"{where_to.NO_PROXY_GIVEN} to use this PC's proxy settings or connect directly" if explicit else
               f"give another proxy with {SET_PROXY}, or connect directly with {where_to.NO_SYSTEM_PROXY}")
    return (f"This PC reaches Microsoft 365 through the proxy {proxy} ({source}), and {host} could not be reached "
            "through it, so this says nothing about your deployment. Check the proxy's address and port, and that "
            f"it lets this PC open HTTPS connections (CONNECT to port 443) to the Microsoft 365 endpoints "
            f"({M365_ENDPOINTS_DOC} lists them); or {instead}.")


def proxy_auth_remediation(proxy: str, schemes: str, *, sent_credentials: bool) -> str:
    """The proxy answered 407: which credentials it wants, and what the wizard can send (Basic only)."""
    asks = f" (it asks for {schemes})" if schemes else ""
    if sent_credentials:
        first = f"The proxy {proxy} refused the user name and password given{asks}: check them."
    else:
        first = f"The proxy {proxy} asks this PC to sign in{asks}."
    return (f"{first} The wizard sends Basic credentials only: give a user the proxy accepts that way with "
            f"{where_to.PROXY_WITH_PASSWORD}. A proxy "
            "that accepts only Windows sign-in (Negotiate, NTLM) has to let this PC reach the Microsoft 365 "
            f"endpoints without signing in ({M365_ENDPOINTS_DOC} lists them; Microsoft's 'Microsoft 365 network "
            "connectivity principles' recommends sending Microsoft 365 traffic around proxies that authenticate "
            "or inspect it).")
