"""Values derived from the scenario's fields, shared by the editable form and the frozen, validated value.

The pages show derived values while the form is being filled in (Scenario), and the core consumes
them from the validated value (Settled); one definition serves both, so they cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Sequence

from wizard.fields import FIELD_BY_NAME
from wizard.policy import EXCHANGE_SERVICE_ID, SFB_SERVICE_ID
from wizard.topology import ExchangeKind, Topology

EXCHANGE_ONLINE_AUTODISCOVER_URL = "https://autodiscover-s.outlook.com/autodiscover/autodiscover.svc"


class Derived:
    """Mixin: the derived values, read from the fields of Scenario or Settled (declared here for the types)."""

    exchange: str
    sip_domains: Sequence[str]
    smtp_domain: str
    verified_domain: str
    exchange_fqdns: Sequence[str]
    exchange_lb_fqdn: str
    test_sip_uri: str
    test_mailbox: str
    autodiscover_fqdn: str
    exchange_autodiscover_url: str
    pool_fqdns: Sequence[str]
    dc_fqdn: str
    oauth_realm: str

    def _topology_for_derived(self) -> Topology:
        raise NotImplementedError

    @property
    def default_sip_domain(self) -> str:
        return self.sip_domains[0] if self.sip_domains else ""

    @property
    def effective_verified_domain(self) -> str:
        return self.verified_domain or self.smtp_domain

    @property
    def exchange_service_fqdn(self) -> str:
        """The name Exchange is reached by: the load-balanced name, or the only server's own name."""
        return self.exchange_lb_fqdn or (self.exchange_fqdns[0] if self.exchange_fqdns else "")

    @property
    def test_mailbox_address(self) -> str:
        """The test user's SMTP address: given, or the SIP address's user@domain (same when SIP = SMTP)."""
        if self.test_mailbox:
            return self.test_mailbox
        return self.test_sip_uri.removeprefix("sip:") if self.test_sip_uri else ""

    @property
    def effective_autodiscover_fqdn(self) -> str:
        if self.autodiscover_fqdn:
            return self.autodiscover_fqdn
        return f"autodiscover.{self.smtp_domain}" if self.smtp_domain else ""

    @property
    def effective_realm(self) -> str:
        """The SfB OAuth realm: by default the default SIP domain."""
        return self.oauth_realm or self.default_sip_domain

    @property
    def _autodiscover_shown(self) -> str:
        """The autodiscover name, or what it stands for until it is known: never "https:///…" (a valid scenario,
        the only kind scripts and checks are made from, always has the name)."""
        return self.effective_autodiscover_fqdn or "<autodiscover FQDN>"

    @property
    def autodiscover_internal_uri(self) -> str:
        """Exchange's AutoDiscoverServiceInternalUri (the POX .xml endpoint, as Exchange wants it)."""
        return f"https://{self._autodiscover_shown}/autodiscover/autodiscover.xml"

    @property
    def oauth_autodiscover_url(self) -> str:
        """SfB's ExchangeAutodiscoverUrl: always the SOAP .svc endpoint, never .xml."""
        if self.exchange == ExchangeKind.ONLINE.value:
            return EXCHANGE_ONLINE_AUTODISCOVER_URL
        if self.exchange_autodiscover_url:
            return _svc_from(self.exchange_autodiscover_url)
        return f"https://{self._autodiscover_shown}/autodiscover/autodiscover.svc"

    @property
    def exchange_metadata_url(self) -> str:
        return f"https://{self._autodiscover_shown}/autodiscover/metadata/json/1"

    @property
    def sfb_metadata_urls(self) -> list[str]:
        return [f"https://{pool}/metadata/json/1" for pool in self.pool_fqdns]

    @property
    def sfb_metadata_url(self) -> str:
        return self.sfb_metadata_urls[0] if self.pool_fqdns else ""

    @property
    def sfb_issuer(self) -> str:
        return f"{SFB_SERVICE_ID}@{self.effective_realm}"

    @property
    def exchange_issuer(self) -> str:
        return f"{EXCHANGE_SERVICE_ID}@{self.effective_realm}"

    def corrections(self) -> list[str]:
        """Warnings about values the model corrected rather than used as typed."""
        notes = []
        url = self.exchange_autodiscover_url
        if url and self.exchange != ExchangeKind.ONLINE.value and _svc_from(url) != url.rstrip("/"):
            notes.append(
                f"ExchangeAutodiscoverUrl {url} points at autodiscover.xml (the POX file); SfB needs the "
                f"SOAP service, so {self.oauth_autodiscover_url} is used instead. The field guide 'Exchange and "
                "Skype for Business Integration' (Jeff Schertz, 2015) and its readers tie "
                "Test-CsExStorageConnectivity code=50043 to a wrong or empty ExchangeAutodiscoverUrl; no "
                "Microsoft document explains that code.")
        return notes

    def all_fqdns(self) -> list[tuple[str, str]]:
        """(role, fqdn) for every host name the scenario names, for the DNS prerequisite probes."""
        topo = self._topology_for_derived()
        hosts: list[tuple[str, str]] = []
        if topo.exchange_on_prem:
            hosts += [("Exchange server", h) for h in self.exchange_fqdns]
            if self.effective_autodiscover_fqdn:
                hosts.append(("Autodiscover", self.effective_autodiscover_fqdn))
        if topo.sfb_on_prem:
            hosts += [("Front End pool", h) for h in self.pool_fqdns]
        if self.dc_fqdn and FIELD_BY_NAME["dc_fqdn"].relevant(topo):
            hosts.append(("Domain controller", self.dc_fqdn))
        return hosts


def _svc_from(url: str) -> str:
    """Turn a pasted .../autodiscover.xml URL into the .../autodiscover.svc one SfB needs."""
    trimmed = url.rstrip("/")
    if trimmed.lower().endswith("/autodiscover.xml"):
        return trimmed[: -len("autodiscover.xml")] + "autodiscover.svc"
    return trimmed
