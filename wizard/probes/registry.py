"""Which probes apply to a scenario: the Probe protocol and `probes_for`, topology-aware.

No SfB pool probes for SfB Online, no partner-application or OAuth-challenge probes for Exchange 2010,
no tenant probes without a tenant. Ids are stable ("autodiscover.srv", "certificates.oauth.key-size");
probes repeated per host carry the host after a colon ("prerequisites.dns:pool01.contoso.com").
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, runtime_checkable

from wizard.probes import autodiscover, certs, challenges, dns, exchange, metadata, tcp_tls, tenant
from wizard.probes.base import EXCHANGE, FRONT_END
from wizard.probes.context import DEFAULT_LOGIN_BASE_URL, ProbeContext
from wizard.probes.result import ProbeResult
from wizard.scenario import Scenario
from wizard.topology import Phase


@runtime_checkable
class Probe(Protocol):
    id: str
    phase: Phase
    title: str

    def run(self, scenario: Scenario, ctx: ProbeContext) -> ProbeResult:
        """Check one thing; never raises (failures are results)."""
        ...


def probes_for(scenario: Scenario, phase: Phase | Iterable[Phase] | None = None, *,
               login_base_url: str = DEFAULT_LOGIN_BASE_URL) -> list[Probe]:
    """The probes for this scenario's topology, in phase order (optionally only some phases)."""
    topo = scenario.topology_or_default
    wanted = None if phase is None else ({phase} if isinstance(phase, Phase) else set(phase))
    found: list[Probe] = []

    def add(*probes: Probe) -> None:
        for probe in probes:
            if topo.applies(probe.phase) and (wanted is None or probe.phase in wanted):
                found.append(probe)

    # Prerequisites
    add(*(dns.ResolvesProbe(role, fqdn) for role, fqdn in scenario.all_fqdns()))
    if topo.exchange_on_prem:
        for host in scenario.exchange_fqdns:
            add(tcp_tls.TcpPortProbe("Exchange server", host), tcp_tls.TlsHandshakeProbe("Exchange server", host),
                exchange.ExchangeBuildProbe(host))
    if topo.sfb_on_prem:
        for pool in scenario.pool_fqdns:
            add(tcp_tls.TcpPortProbe("Front End pool", pool), tcp_tls.TcpPortProbe("Front End pool", pool, "sip"),
                tcp_tls.TlsHandshakeProbe("Front End pool", pool))
    if scenario.sip_domains and not topo.involves_tenant:
        add(dns.SfbDnsRecordsProbe(scenario))
    autodiscover_name = scenario.effective_autodiscover_fqdn
    # Certificates
    if topo.sfb_on_prem and (scenario.oauth_certificate or scenario.oauth_certificate_thumbprint
                             or scenario.pool_fqdns):
        add(certs.OAuthCertificateSourceProbe(), *(rule() for rule in certs.RULES))
        for pool in scenario.pool_fqdns:
            add(certs.SameOnFrontEndsProbe(pool))
    if topo.exchange_on_prem and autodiscover_name:
        add(tcp_tls.TlsCertificateProbe("Autodiscover", autodiscover_name, FRONT_END))
    if topo.sfb_on_prem:
        for pool in scenario.pool_fqdns:
            add(tcp_tls.TlsCertificateProbe("Front End pool", pool, EXCHANGE))
    if topo.exchange_on_prem and topo.exchange_has_oauth and autodiscover_name:
        add(certs.ExchangeAuthCertificateProbe(scenario))
    # Autodiscover
    if topo.exchange_on_prem and autodiscover_name:
        add(autodiscover.AutodiscoverDnsProbe(scenario), autodiscover.AutodiscoverSrvProbe(scenario),
            autodiscover.AutodiscoverEndpointProbe(scenario, "xml"),
            autodiscover.AutodiscoverEndpointProbe(scenario, "svc"))
    # OAuth configuration
    if topo.sfb_on_prem and topo.exchange_has_oauth and (autodiscover_name or not topo.exchange_on_prem):
        add(autodiscover.OAuthAutodiscoverUrlProbe(scenario))
    # Partner applications (Phase applicability already excludes Exchange 2010)
    if topo.sfb_on_prem:
        for pool in scenario.pool_fqdns:
            add(metadata.SfbMetadataProbe(pool), metadata.SfbMetadataCertificateProbe(pool))
    if topo.exchange_on_prem and autodiscover_name:
        add(metadata.ExchangeMetadataProbe(scenario))
    # Hybrid / tenant
    if topo.involves_tenant and scenario.tenant_domain:
        add(tenant.TenantProbe(scenario, login_base_url), tenant.RealmTypeProbe(scenario, login_base_url))
    if topo.involves_tenant and scenario.sip_domains:
        add(dns.SfbDnsRecordsProbe(scenario))
    # Verification
    if topo.sfb_on_prem and topo.exchange_has_oauth:
        for pool in scenario.pool_fqdns:
            add(challenges.SfbTrustsExchangeProbe(pool))
    if scenario.sip_domains:
        add(challenges.LyncdiscoverProbe(scenario))
    if topo.exchange_on_prem and topo.exchange_has_oauth and autodiscover_name:
        add(challenges.ExchangeAcceptsOAuthProbe(scenario, "ews"),
            challenges.ExchangeAcceptsOAuthProbe(scenario, "autodiscover"))
    order = list(Phase)
    return sorted(found, key=lambda p: order.index(p.phase))
