"""Check ids, one constant each: the registry declares them, the window and the trust graph import them.

Checks repeated per host carry the host after a colon: `on(DNS, "pool01.contoso.com")`.
"""

from __future__ import annotations

RESOLVER = "prerequisites.resolver"
DNS = "prerequisites.dns"
TCP_443 = "prerequisites.tcp-443"
TCP_5061 = "prerequisites.tcp-5061"
TLS_HANDSHAKE = "prerequisites.tls"
EXCHANGE_BUILD = "prerequisites.exchange-build"
SFB_DNS_PREREQUISITE = "prerequisites.sfb-dns"
OAUTH_SOURCE = "certificates.oauth.source"
OAUTH_RULE = "certificates.oauth"  # + "." + the rule: subject, key-size, validity, signature-hash, issuer
SAME_ON_FRONT_ENDS = "certificates.oauth.same-on-front-ends"
TLS_CERTIFICATE = "certificates.tls"
EXCHANGE_AUTH = "certificates.exchange-auth"
AUTODISCOVER = "autodiscover"  # + ".xml" / ".svc": the endpoint checks
AUTODISCOVER_DNS = "autodiscover.dns"
AUTODISCOVER_SRV = "autodiscover.srv"
OAUTH_AUTODISCOVER_URL = "oauth.autodiscover-url"
SFB_METADATA = "partner-applications.sfb-metadata"
SFB_METADATA_CERTIFICATE = "partner-applications.sfb-certificate"
EXCHANGE_METADATA = "partner-applications.exchange-metadata"
TENANT = "hybrid.tenant"
REALM_TYPE = "hybrid.realm-type"
SFB_DNS_HYBRID = "hybrid.sfb-dns"
SFB_TRUSTS_EXCHANGE = "verification.sfb-trusts-exchange"
LYNCDISCOVER = "verification.lyncdiscover"
EXCHANGE_OAUTH = "verification.exchange-oauth"  # + ".ews" / ".autodiscover"
TEAMS_AUTODISCOVER_V2 = "verification.teams-autodiscover-v2"
TEAMS_EWS_BEARER = "verification.teams-ews-bearer"
TEAMS_EWS_ISSUERS = "verification.teams-ews-issuers"


def on(check: str, host: str) -> str:
    """The id of a check repeated per host."""
    return f"{check}:{host}"


def base(check_id: str) -> str:
    """The declared id of a result's check (without the host)."""
    return check_id.split(":", 1)[0]
