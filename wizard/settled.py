"""The scenario as the core consumes it: validated once, frozen, the topology made of enums.

The pages and flags fill in an editable Scenario (text as typed, checked field by field). The
playbook, the exports and the collectors take a Settled instead: it exists only for a scenario
whose errors() is empty, its lists are tuples, and its topology is a Topology rather than four
strings, so nothing downstream re-validates or re-defaults.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from wizard.derived import Derived
from wizard.topology import Topology

if TYPE_CHECKING:
    from wizard.scenario import Scenario


class Mode(StrEnum):
    SETUP = "setup"  # set up a new integration: changing scripts
    VERIFY = "verify"  # verify an existing one


@dataclass(frozen=True)
class Settled(Derived):
    topology: Topology
    mode: Mode
    exchange: str
    sip_domains: tuple[str, ...]
    smtp_domain: str
    verified_domain: str
    exchange_fqdns: tuple[str, ...]
    exchange_lb_fqdn: str
    autodiscover_fqdn: str
    exchange_autodiscover_url: str
    pool_fqdns: tuple[str, ...]
    dc_fqdn: str
    test_sip_uri: str
    test_mailbox: str
    tenant_domain: str
    tenant_id: str
    oauth_certificate: str
    oauth_certificate_thumbprint: str
    oauth_realm: str
    sfb_site: str
    pool_external_web_fqdns: tuple[str, ...]

    def _topology_for_derived(self) -> Topology:
        return self.topology

    @property
    def topology_or_default(self) -> Topology:
        """The same as topology: a settled scenario always has one (kept for code shared with the form)."""
        return self.topology

    def to_dict(self) -> dict[str, str | list[str]]:
        """The values as a scenario file holds them (reports and runbooks list them)."""
        from wizard.fields import FIELDS

        topology = self.topology
        versions = {"exchange_version": topology.exchange_version.value if topology.exchange_version else "",
                    "sfb_version": topology.sfb_version.value if topology.sfb_version else "",
                    "sfb": topology.sfb.value, "mode": self.mode.value}
        out: dict[str, str | list[str]] = {}
        for spec in FIELDS:
            value = versions.get(spec.name, getattr(self, spec.name, ""))
            out[spec.name] = list(value) if isinstance(value, tuple) else value
        return out

    @classmethod
    def of(cls, scenario: Scenario) -> Settled:
        """Freeze a scenario whose errors() is empty (Scenario.settle() checks that first)."""
        return cls(
            topology=scenario.topology, mode=Mode(scenario.mode), exchange=scenario.exchange,
            sip_domains=tuple(scenario.sip_domains), smtp_domain=scenario.smtp_domain,
            verified_domain=scenario.verified_domain, exchange_fqdns=tuple(scenario.exchange_fqdns),
            exchange_lb_fqdn=scenario.exchange_lb_fqdn, test_mailbox=scenario.test_mailbox,
            autodiscover_fqdn=scenario.autodiscover_fqdn, exchange_autodiscover_url=scenario.exchange_autodiscover_url,
            pool_fqdns=tuple(scenario.pool_fqdns), dc_fqdn=scenario.dc_fqdn, test_sip_uri=scenario.test_sip_uri,
            tenant_domain=scenario.tenant_domain, tenant_id=scenario.tenant_id,
            oauth_certificate=scenario.oauth_certificate,
            oauth_certificate_thumbprint=scenario.oauth_certificate_thumbprint, oauth_realm=scenario.oauth_realm,
            sfb_site=scenario.sfb_site, pool_external_web_fqdns=tuple(scenario.pool_external_web_fqdns))
