"""Named faults: the real-world breakages of the field guide and its comments, as lab configuration.

A fault is data: a description and the `LabConfig` fields it changes. The zone, certificate and
content builders read only the resulting `LabConfig`, never fault names, so adding a fault is one
entry here. Faults that change the same field to different values cannot be combined.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from wizard.lab.deployment import OTHER_TENANT_ID, TOPOLOGIES, canonical_topology
from wizard.policy import ACS_SERVICE_ID, MIN_RSA_KEY_BITS, SFB_SERVICE_ID

SFB_ON_PREM = ("onprem", "hybrid")
WITH_TENANT = ("hybrid", "teams")
SLOW_LATENCY_MS = 300


class TlsState(StrEnum):
    """What a simulated server's TLS certificate looks like to a client that trusts the lab CA."""

    TRUSTED = "trusted"
    EXPIRED = "expired"
    SELF_SIGNED = "self-signed"
    NOT_YET_VALID = "not-yet-valid"  # issued by the lab CA, but its validity starts in a month


class Wire(StrEnum):
    """How a simulated machine's HTTPS listener misbehaves on the wire (the HTTPS farm reads it)."""

    SILENT = "silent"  # accepts the TCP connection, then never says a word: no TLS handshake ever
    DRIP_HANDSHAKE = "drip-handshake"  # its side of the TLS handshake, one byte per interval
    DRIP_HEADERS = "drip-headers"  # status line and headers one byte per interval
    DRIP_BODY = "drip-body"  # the headers at once, the body one byte per interval
    RESET_BODY = "reset-body"  # half the body, then a TCP reset
    NOT_HTTP = "not-http"  # after the TLS handshake: an SSH banner and binary bytes instead of HTTP
    MANY_HEADERS = "many-headers"  # 500 header lines before the body
    REDIRECT = "redirect"  # 302 Found to `location`


CONNECTION_WIRE = frozenset({Wire.SILENT, Wire.DRIP_HANDSHAKE})  # before any request: they cannot have a path
DRIP_SECONDS = 0.25  # far below any per-read timeout, far above what a deadline of seconds lets through


@dataclass(frozen=True)
class WireFault:
    """One machine's HTTPS misbehaviour: for every connection, or only for requests for `path`."""

    machine: str  # the machine's key ("fe01")
    behaviour: Wire
    path: str = ""  # "" = every request; else this path only, case-insensitively as IIS matches (exactly otherwise)
    location: str = ""  # REDIRECT: where to
    interval: float = DRIP_SECONDS  # DRIP_*: seconds between two bytes

    def __post_init__(self) -> None:
        if self.behaviour in CONNECTION_WIRE and self.path:
            raise ValueError(f"{self.behaviour} happens before any request, so it cannot be limited to a path")
        if (self.behaviour is Wire.REDIRECT) != bool(self.location):
            raise ValueError("a location goes with a redirect, and only with one")

    def matches(self, machine: str, path: str) -> bool:
        return machine == self.machine and (not self.path or self.path.lower() == path.lower())

@dataclass(frozen=True)
class LabConfig:
    """Everything about the simulated deployment that a fault can change; defaults are healthy."""

    scenario_autodiscover_path: str = ""  # "" = the scenario leaves ExchangeAutodiscoverUrl to be derived
    omitted_records: frozenset[tuple[str, str]] = frozenset()  # (name relative to contoso.com, type or "*")
    oauth_key_bits: int = MIN_RSA_KEY_BITS
    oauth_subject_has_sip_domain: bool = True
    oauth_expired: bool = False
    pool_tls: TlsState = TlsState.TRUSTED
    exchange_cert_covers_autodiscover: bool = True
    pool_metadata_status: int = 200
    sfb_realm: str = ""  # "" = the default SIP domain, as SfB does by default
    front_ends_share_oauth_certificate: bool = True
    exchange_auth_expired: bool = False
    pool_trusts_exchange: bool = True
    exchange_accepts_oauth: bool = True
    tenant_found: bool = True
    dns_servfail: frozenset[str] = frozenset()  # absolute names the resolver answers SERVFAIL for
    dns_silent: frozenset[str] = frozenset()  # absolute names the resolver never answers
    # (name relative to contoso.com, type, rdata): a name listed here loses every healthy record it had
    dns_records: frozenset[tuple[str, str, str]] = frozenset()
    dns_truncated: frozenset[str] = frozenset()  # absolute names whose UDP answers are cut short, TC set
    dns_wrong_owner: frozenset[tuple[str, str]] = frozenset()  # (asked, answered as): answers for another name
    dns_server_silent: bool = False  # the DNS server answers nothing at all, on UDP or TCP
    latency_ms: int = 0
    pool_tls_legacy_only: bool = False  # the Front Ends offer only TLS 1.0/1.1 (web and SIP)
    pool_tls_extra_names: int = 0  # extra SAN names on the Front End certificate (thousands: > 100 kB)
    oauth_not_yet_valid: bool = False  # the OAuthTokenIssuer certificate's validity starts in a month
    exchange_auth_not_yet_valid: bool = False  # so does the Exchange Auth certificate's
    # What is wrong inside the pool's metadata JSON: "" (nothing), "huge-number", "deep-nesting" or "wrong-types".
    pool_metadata_flaw: str = ""
    wire_faults: tuple[WireFault, ...] = ()  # HTTPS listeners that misbehave on the wire (first match wins)
    # Microsoft 365 -> Exchange Server: what the on-premises autodiscover.json gives as EWS URL ("" = the
    # published https://webmail.contoso.com/EWS/Exchange.asmx), a pre-authentication redirect in front of the
    # published EWS, which tenant EWS trusts ("" = the lab's, "none" = no tenant, else that tenant ID), and
    # the x-ms-diagnostics 2000004 invalid_tenant of a wildcard accepted domain
    autodiscover_v2_ews_url: str = ""
    ews_preauth: bool = False
    ews_trusted_tenant: str = ""
    exchange_invalid_tenant: bool = False
    exchange_trusts_sfb: bool = True  # Exchange's challenge lists SfB Server (00000004@realm) as a trusted issuer
    internet_names: bool = True  # False: the resolver knows only the organisation's names, not Microsoft 365's


@dataclass(frozen=True)
class Fault:
    name: str
    description: str
    changes: Mapping[str, Any]
    topologies: tuple[str, ...] = TOPOLOGIES

    def __post_init__(self) -> None:
        known = {f.name for f in dataclasses.fields(LabConfig)}
        unknown = set(self.changes) - known
        if unknown:
            raise TypeError(f"fault {self.name} changes unknown setting(s) {sorted(unknown)}")
        object.__setattr__(self, "changes", MappingProxyType(dict(self.changes)))


_METADATA_PATH = "/metadata/json/1"
_POOL_METADATA = f"https://pool01.contoso.com{_METADATA_PATH}"  # what the partner-application checks download
_SIP_SRV = frozenset({("_sip._tls", "SRV"), ("_sipfederationtls._tcp", "SRV"), ("_sipinternaltls._tcp", "SRV")})


def _cname_chain(first: str, links: int, end: str) -> frozenset[tuple[str, str, str]]:
    """`first` -> first-hop01 -> … -> `end` in contoso.com: `links` CNAME records in all."""
    names = [first, *(f"{first}-hop{i:02d}" for i in range(1, links))]
    targets = [f"{n}.contoso.com." for n in names[1:]] + [end]
    return frozenset((name, "CNAME", target) for name, target in zip(names, targets, strict=True))


CATALOGUE: tuple[Fault, ...] = (
    Fault("autodiscover-xml",
          "The scenario's ExchangeAutodiscoverUrl is the POX .../autodiscover/autodiscover.xml URL instead of "
          "autodiscover.svc (field guide: Test-CsExStorageConnectivity code=50043). Exchange itself still "
          "serves autodiscover.svc normally.",
          {"scenario_autodiscover_path": "/autodiscover/autodiscover.xml"}, SFB_ON_PREM),
    Fault("missing-srv", "No _autodiscover._tcp.contoso.com SRV record.",
          {"omitted_records": frozenset({("_autodiscover._tcp", "SRV")})}),
    Fault("missing-autodiscover-record",
          "autodiscover.contoso.com does not exist in DNS (NXDOMAIN); the SRV record still points at it.",
          {"omitted_records": frozenset({("autodiscover", "*")})}),
    Fault("missing-sip-srv",
          "No _sip._tls, _sipfederationtls._tcp or _sipinternaltls._tcp SRV records for contoso.com.",
          {"omitted_records": _SIP_SRV}),
    Fault("weak-oauth-key",
          f"The SfB OAuthTokenIssuer certificate has a 1024-bit key (SfB requires {MIN_RSA_KEY_BITS} or more).",
          {"oauth_key_bits": 1024}, SFB_ON_PREM),
    Fault("subject-missing-sip-domain",
          "The OAuthTokenIssuer certificate's Subject is CN=pool01, O=Contoso Ltd: the SIP domain contoso.com "
          "is not in the Subject field.",
          {"oauth_subject_has_sip_domain": False}, SFB_ON_PREM),
    Fault("expired-oauth-certificate", "The OAuthTokenIssuer certificate (served in the pool metadata) expired.",
          {"oauth_expired": True}, SFB_ON_PREM),
    Fault("expired-tls-certificate", "The Front End servers present an expired TLS certificate.",
          {"pool_tls": TlsState.EXPIRED}, SFB_ON_PREM),
    Fault("untrusted-tls",
          "The Front End servers present a self-signed TLS certificate that no CA vouches for (\"Could not "
          "establish trust relationship for the SSL/TLS secure channel\").",
          {"pool_tls": TlsState.SELF_SIGNED}, SFB_ON_PREM),
    Fault("autodiscover-name-mismatch",
          "Exchange's TLS certificate names ex01.contoso.com only, not autodiscover.contoso.com.",
          {"exchange_cert_covers_autodiscover": False}),
    Fault("metadata-404", "https://pool01.contoso.com/metadata/json/1 answers 404 Not Found.",
          {"pool_metadata_status": 404}, SFB_ON_PREM),
    Fault("wrong-realm",
          "The SfB OAuth realm is fabrikam.com: metadata realm and issuer name another domain than the SIP "
          "domain.",
          {"sfb_realm": "fabrikam.com"}, SFB_ON_PREM),
    Fault("split-front-ends",
          "fe02 publishes a different OAuthTokenIssuer certificate than fe01 (it must be the same on every "
          "Front End).",
          {"front_ends_share_oauth_certificate": False}, SFB_ON_PREM),
    Fault("exchange-auth-expired",
          "Exchange's metadata carries an expired \"Microsoft Exchange Server Auth Certificate\".",
          {"exchange_auth_expired": True}),
    Fault("no-partner-app",
          "The pool has no partner application for Exchange: its Bearer challenge lists no trusted_issuers.",
          {"pool_trusts_exchange": False}, SFB_ON_PREM),
    Fault("exchange-untrusted-sfb",
          "Exchange accepts OAuth but its Bearer challenge does not list Skype for Business Server "
          f"({SFB_SERVICE_ID}@contoso.com) among its trusted issuers: no partner application for SfB on Exchange.",
          {"exchange_trusts_sfb": False}, ("onprem", "hybrid")),
    Fault("exchange-oauth-disabled",
          "Exchange does not accept OAuth tokens (x-ms-diagnostics 4000000 oauth_not_available; Bearer "
          "challenge without trusted_issuers): the 401 from Test-CsExStorageConnectivity.",
          {"exchange_accepts_oauth": False}),
    Fault("unknown-tenant",
          "login.microsoftonline.com does not know contoso.com or contoso.onmicrosoft.com (AADSTS90002).",
          {"tenant_found": False}, WITH_TENANT),
    Fault("no-internet-names",
          "This PC's DNS server resolves only the organisation's own names: login.microsoftonline.com and "
          "Microsoft 365's other names do not exist for it (an internal resolver that does not forward "
          "internet names, as on a PC that reaches the internet only through a proxy).",
          {"internet_names": False}, WITH_TENANT),
    Fault("dns-servfail", "The DNS server answers SERVFAIL for autodiscover.contoso.com.",
          {"dns_servfail": frozenset({"autodiscover.contoso.com."})}),
    Fault("dns-timeout", "The DNS server never answers queries for autodiscover.contoso.com.",
          {"dns_silent": frozenset({"autodiscover.contoso.com."})}),
    Fault("cname-loop",
          "autodiscover.contoso.com is a CNAME to mail.contoso.com, and mail.contoso.com a CNAME back to "
          "autodiscover.contoso.com: the name never resolves (the DNS server returns the loop with NOERROR).",
          {"dns_records": frozenset({("autodiscover", "CNAME", "mail.contoso.com."),
                                     ("mail", "CNAME", "autodiscover.contoso.com.")})}),
    Fault("cname-chain-too-long",
          "sip.contoso.com reaches the pool only through a chain of 20 CNAME records (sip-hop01, sip-hop02, …).",
          {"dns_records": _cname_chain("sip", 20, "pool01.contoso.com.")}, SFB_ON_PREM),
    Fault("sip-srv-target-root",
          "_sip._tls.contoso.com and _sipinternaltls._tcp.contoso.com have the SRV target \".\", which says the "
          "service is decidedly not available in the domain (RFC 2782).",
          {"dns_records": frozenset({("_sip._tls", "SRV", "0 0 443 ."),
                                     ("_sipinternaltls._tcp", "SRV", "0 0 5061 .")})}, SFB_ON_PREM),
    Fault("srv-target-no-address",
          "_sipfederationtls._tcp.contoso.com points to access.contoso.com, a name that has no address (the Access "
          "Edge record was never created).",
          {"dns_records": frozenset({("_sipfederationtls._tcp", "SRV", "0 0 5061 access.contoso.com.")})}, SFB_ON_PREM),
    Fault("dns-truncated",
          "The DNS server cuts its UDP answers for pool01.contoso.com short (one address of two, TC flag set); over "
          "TCP it answers in full, as clients then ask.",
          {"dns_truncated": frozenset({"pool01.contoso.com."})}, SFB_ON_PREM),
    Fault("dns-wrong-name",
          "The DNS server answers questions for ex01.contoso.com with records for ex01.fabrikam.com (a broken DNS "
          "proxy or forwarder).",
          {"dns_wrong_owner": frozenset({("ex01.contoso.com.", "ex01.fabrikam.com.")})}),
    Fault("dns-silent",
          "The DNS server answers nothing at all, over UDP or TCP (stopped, or a firewall drops port 53).",
          {"dns_server_silent": True}),
    Fault("slow", f"Every HTTPS response is delayed by {SLOW_LATENCY_MS} ms (see also latency_ms).",
          {"latency_ms": SLOW_LATENCY_MS}),
    Fault("tls-legacy-only",
          "The Front End servers offer only TLS 1.0 and 1.1 (TLS 1.2 disabled in SCHANNEL), on 443 and 5061: "
          "current Windows, Exchange, Skype for Business and Teams clients refuse to connect.",
          {"pool_tls_legacy_only": True}, SFB_ON_PREM),
    Fault("huge-certificate-chain",
          "The Front End servers present a certificate with 4,000 Subject Alternative Names, a certificate list "
          "of about 120 kB: more than TLS clients accept.",
          {"pool_tls_extra_names": 4000}, SFB_ON_PREM),
    Fault("tls-not-yet-valid",
          "The Front End servers present a TLS certificate from the internal CA whose validity starts in a month "
          "(issued with a wrong date, or by a CA whose clock is ahead).",
          {"pool_tls": TlsState.NOT_YET_VALID}, SFB_ON_PREM),
    Fault("oauth-not-yet-valid",
          "The OAuthTokenIssuer certificate (file and pool metadata) is not valid until a month from now.",
          {"oauth_not_yet_valid": True}, SFB_ON_PREM),
    Fault("exchange-auth-not-yet-valid",
          "Exchange's metadata carries a \"Microsoft Exchange Server Auth Certificate\" that is not valid until a "
          "month from now.",
          {"exchange_auth_not_yet_valid": True}),
    Fault("metadata-huge-number",
          "The pool's metadata document (https://pool01.contoso.com/metadata/json/1) holds a number 5,000 digits "
          "long: valid JSON syntax, but no real auth metadata document (a proxy or a hostile server).",
          {"pool_metadata_flaw": "huge-number"}, SFB_ON_PREM),
    Fault("metadata-deep-nesting",
          "The pool's metadata document carries an extra field whose lists nest 100,000 levels deep.",
          {"pool_metadata_flaw": "deep-nesting"}, SFB_ON_PREM),
    Fault("metadata-wrong-types",
          "The pool's metadata document has the right fields with the wrong types: keys is text instead of a "
          "list, realm is a number.",
          {"pool_metadata_flaw": "wrong-types"}, SFB_ON_PREM),
    Fault("silent-front-end",
          "Front End fe01 (127.77.0.21) accepts connections on 443 and then never says a word: no TLS handshake "
          "ever (a hung HTTP.sys, or a load balancer holding connections to a dead back end).",
          {"wire_faults": (WireFault("fe01", Wire.SILENT),)}, SFB_ON_PREM),
    Fault("drip-handshake",
          f"Front End fe01 sends its side of the TLS handshake one byte every {DRIP_SECONDS:g} s: every read gets a "
          "byte in time, the handshake never completes in time.",
          {"wire_faults": (WireFault("fe01", Wire.DRIP_HANDSHAKE),)}, SFB_ON_PREM),
    Fault("drip-headers",
          f"Front End fe01 answers {_POOL_METADATA} with its status line and headers one byte every "
          f"{DRIP_SECONDS:g} s.",
          {"wire_faults": (WireFault("fe01", Wire.DRIP_HEADERS, _METADATA_PATH),)}, SFB_ON_PREM),
    Fault("drip-body",
          f"Front End fe01 sends the headers of {_POOL_METADATA} at once, then the document one byte every "
          f"{DRIP_SECONDS:g} s.",
          {"wire_faults": (WireFault("fe01", Wire.DRIP_BODY, _METADATA_PATH),)}, SFB_ON_PREM),
    Fault("reset-mid-body",
          f"Front End fe01 sends half of {_POOL_METADATA}, then resets the connection (TCP RST).",
          {"wire_faults": (WireFault("fe01", Wire.RESET_BODY, _METADATA_PATH),)}, SFB_ON_PREM),
    Fault("not-http",
          f"Front End fe01 completes the TLS handshake, then answers {_POOL_METADATA} with an SSH banner and binary "
          "bytes instead of HTTP (a load balancer rule forwarding to the wrong back end).",
          {"wire_faults": (WireFault("fe01", Wire.NOT_HTTP, _METADATA_PATH),)}, SFB_ON_PREM),
    Fault("many-headers",
          f"Front End fe01 answers {_POOL_METADATA} with 500 header lines before the document.",
          {"wire_faults": (WireFault("fe01", Wire.MANY_HEADERS, _METADATA_PATH),)}, SFB_ON_PREM),
    Fault("redirect-other-host",
          f"Front End fe01 redirects {_POOL_METADATA} to https://webext.contoso.com{_METADATA_PATH} (the reverse "
          "proxy, another host), which serves the document.",
          {"wire_faults": (WireFault("fe01", Wire.REDIRECT, _METADATA_PATH,
                                     f"https://webext.contoso.com{_METADATA_PATH}"),)}, SFB_ON_PREM),
    Fault("redirect-to-http",
          f"Front End fe01 redirects {_POOL_METADATA} to plain http://pool01.contoso.com{_METADATA_PATH}.",
          {"wire_faults": (WireFault("fe01", Wire.REDIRECT, _METADATA_PATH,
                                     f"http://pool01.contoso.com{_METADATA_PATH}"),)}, SFB_ON_PREM),
    Fault("redirect-loop",
          f"Front End fe01 redirects {_POOL_METADATA} to the same URL with a trailing slash, and that back again "
          "(an 'add trailing slash' rule fighting a 'remove trailing slash' rule).",
          {"wire_faults": (WireFault("fe01", Wire.REDIRECT, _METADATA_PATH, f"{_POOL_METADATA}/"),
                           WireFault("fe01", Wire.REDIRECT, f"{_METADATA_PATH}/", _POOL_METADATA))}, SFB_ON_PREM),
    # Microsoft 365 -> Exchange Server (Microsoft support, "Resolve interaction issues between Teams and Exchange
    # Server"; Exchange Team blog, "Configuring Teams calendar access for Exchange on-premises mailboxes")
    Fault("teams-autodiscover-v2-internal-url",
          "The on-premises autodiscover.json gives Microsoft 365 the internal EWS URL "
          "https://ex01.contoso.local/EWS/Exchange.asmx (the ExternalUrl is not set), a name nobody on the internet "
          "can resolve.",
          {"autodiscover_v2_ews_url": "https://ex01.contoso.local/EWS/Exchange.asmx"}, WITH_TENANT),
    Fault("ews-preauth-page",
          "A reverse proxy with pre-authentication (Web Application Proxy and AD FS) stands in front of "
          "https://webmail.contoso.com/EWS/: an unauthenticated request is redirected to the AD FS sign-in page "
          "instead of getting Exchange's 401 Bearer challenge.",
          {"ews_preauth": True}, WITH_TENANT),
    Fault("ews-missing-tenant-issuer",
          f"Exchange does not trust the tenant: its EWS Bearer challenge lists no "
          f"{ACS_SERVICE_ID}@<tenant ID> (no OAuth with Exchange Online, no hybrid "
          "configuration).",
          {"ews_trusted_tenant": "none"}, WITH_TENANT),
    Fault("ews-wrong-tenant-issuer",
          f"Exchange trusts another tenant: its EWS Bearer challenge lists "
          f"{ACS_SERVICE_ID}@{OTHER_TENANT_ID} (a test or former tenant) instead of Contoso's.",
          {"ews_trusted_tenant": OTHER_TENANT_ID}, WITH_TENANT),
    Fault("invalid-tenant-diagnostics",
          "Exchange answers its OAuth challenges with x-ms-diagnostics 2000004 \"The tenant for tenant guid "
          "'contoso.com' does not exist.\" (invalid_tenant): a wildcard entry *.contoso.com in its accepted domains.",
          {"exchange_invalid_tenant": True}, WITH_TENANT),
)

FAULT_BY_NAME: Mapping[str, Fault] = MappingProxyType({f.name: f for f in CATALOGUE})
FAULTS: dict[str, str] = {f.name: f.description for f in CATALOGUE}  # name -> description (for CLI help)

_UNIONS = {"omitted_records", "dns_servfail", "dns_silent", "dns_records", "dns_truncated", "dns_wrong_owner"}
_MAXIMA = {"latency_ms"}


def lab_config(faults: Iterable[str] | str = (), *, latency_ms: int = 0, topology: str = "onprem") -> LabConfig:
    """The configuration for these faults; ValueError names unknown, inapplicable or clashing faults."""
    topology = canonical_topology(topology)
    if latency_ms < 0:
        raise ValueError("latency_ms must not be negative")
    names = list(names_of(faults))
    unknown = [n for n in names if n not in FAULT_BY_NAME]
    if unknown:
        raise ValueError(f"unknown lab fault(s) {', '.join(map(repr, unknown))}; "
                         f"valid faults: {', '.join(FAULTS)}")
    merged: dict[str, Any] = {"latency_ms": latency_ms}
    setters: dict[str, str] = {}
    for name in names:
        fault = FAULT_BY_NAME[name]
        if topology not in fault.topologies:
            raise ValueError(f"fault {name!r} does not apply to the {topology!r} topology "
                             f"(only to {', '.join(fault.topologies)})")
        for key, value in fault.changes.items():
            if key in _UNIONS:
                merged[key] = merged.get(key, frozenset()) | value
            elif key in _MAXIMA:
                merged[key] = max(merged[key], value)
            elif key in setters and merged[key] != value:
                raise ValueError(f"faults {setters[key]!r} and {name!r} cannot be combined (both change {key})")
            else:
                merged[key], setters[key] = value, name
    return dataclasses.replace(LabConfig(), **merged)


def names_of(faults: Iterable[str] | str) -> tuple[str, ...]:
    """The fault names in the order given, without repeats (what `Lab.faults` reports).

    A single name is accepted as well: iterating "slow" letter by letter would only confuse."""
    return (faults,) if isinstance(faults, str) else tuple(dict.fromkeys(faults))


__all__ = ["CATALOGUE", "FAULTS", "FAULT_BY_NAME", "TOPOLOGIES", "Fault", "LabConfig", "TlsState", "Wire", "WireFault",
           "lab_config", "names_of"]

