"""Every live check, declared once: id, phase, title, where it applies, what it needs, how it is made.

`CHECKS` is data: the list of checks per phase and topology is read from it (`declared_for`), the
probes of a run are built from it (`probes_for`), and so are their dependencies (a check needs the
checks its answer relies on: the pool's metadata needs the pool's certificate to be trusted, which
needs the TLS handshake, which needs TCP 443, which needs the name to resolve, which needs the DNS
server to answer). Ids are stable; checks repeated per host carry the host after a colon
("prerequisites.dns:pool01.contoso.com"); the window and the trust graph import the ids from
wizard.probes.ids.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable
from urllib.parse import urlsplit

from wizard.probes import (
    autodiscover,
    certs,
    challenges,
    dns,
    exchange,
    ids,
    metadata,
    resolver,
    tcp_tls,
    teams_exchange,
    tenant,
)
from wizard.probes.base import EXCHANGE, FRONT_END, Need
from wizard.probes.context import DEFAULT_LOGIN_BASE_URL, ProbeContext
from wizard.probes.result import ProbeResult, Subject, SubjectKind
from wizard.scenario import Scenario
from wizard.topology import ExchangeKind, Phase, Topology


@runtime_checkable
class Probe(Protocol):
    id: str
    phase: Phase
    title: str

    def run(self, scenario: Scenario, ctx: ProbeContext) -> ProbeResult:
        """Check one thing; never raises (failures are results)."""
        ...


@dataclass(frozen=True)
class Instance:
    """One probe of a declared check, and the values its needs are filled in with."""

    probe: Probe
    host: str = ""


@dataclass(frozen=True)
class Declared:
    """A check as data. `needs` are id templates: {host} is the instance's host, {autodiscover} the
    scenario's autodiscover name, {pool} each pool (one need per pool)."""

    id: str
    phase: Phase
    title: str
    applies: Callable[[Topology, Scenario], bool]
    make: Callable[[Scenario, str], Iterable[Instance]]
    needs: tuple[str, ...] = ()
    trust_needs: tuple[str, ...] = ()  # needs that an explicit "accept untrusted" lifts

    def instances(self, scenario: Scenario, login_base_url: str) -> list[Probe]:
        built: list[Probe] = []
        for instance in self.make(scenario, login_base_url):
            probe = instance.probe
            needs = [Need(i) for t in self.needs for i in _fill(t, instance.host, scenario)]
            needs += [Need(i, trust=True) for t in self.trust_needs for i in _fill(t, instance.host, scenario)]
            probe.needs = tuple(n for n in needs if n.id != probe.id)  # type: ignore[attr-defined]
            if not getattr(probe, "subjects", ()):
                probe.subjects = _subjects(  # type: ignore[attr-defined]
                    instance.host, getattr(probe, "target", ""), scenario)
            built.append(probe)
        return built


def _subjects(host: str, target: str, scenario: Scenario) -> tuple[Subject, ...]:
    """What a check is about, typed, for the views (the window places results by these, not by words)."""
    domains = {d.lower() for d in (*scenario.sip_domains, scenario.smtp_domain, scenario.tenant_domain) if d}
    if not host and (target.lower() in domains or target.startswith("_")):
        return (Subject(SubjectKind.DOMAIN, target.lower()),)
    found: list[Subject] = []
    if host:
        found.append(Subject(SubjectKind.HOST, host.lower()))
    if target.startswith(("https://", "http://")):
        found.append(Subject(SubjectKind.URL, target))
        name = urlsplit(target).hostname or ""
        if name and not host:
            found.append(Subject(SubjectKind.HOST, name.lower()))
    elif target and not host and "." in target and "/" not in target and " " not in target:
        found.append(Subject(SubjectKind.HOST, target.lower()))
    return tuple(found)


def _fill(template: str, host: str, scenario: Scenario) -> list[str]:
    if "{pool}" in template:
        return [template.replace("{pool}", pool) for pool in scenario.pool_fqdns]
    return [template.replace("{host}", host).replace("{autodiscover}", scenario.effective_autodiscover_fqdn)]


def _one(probe: Probe, host: str = "") -> list[Instance]:
    return [Instance(probe, host)]


def _at_its_host(probe: Probe) -> list[Instance]:
    """A single check whose target URL names the host its needs are about."""
    return [Instance(probe, (urlsplit(getattr(probe, "target", "")).hostname or "").lower())]


def _made(make: Callable[[], Probe]) -> Callable[[Scenario, str], list[Instance]]:
    return lambda scenario, _: _one(make())


def _endpoint(kind: str) -> Callable[[Scenario, str], list[Instance]]:
    return lambda scenario, _: _one(autodiscover.AutodiscoverEndpointProbe(scenario, kind))


def _ad(scenario: Scenario) -> str:
    return scenario.effective_autodiscover_fqdn


def _always(topo: Topology, scenario: Scenario) -> bool:
    return True


def _exchange_on_prem(topo: Topology, scenario: Scenario) -> bool:
    return topo.exchange_on_prem


def _sfb_on_prem(topo: Topology, scenario: Scenario) -> bool:
    return topo.sfb_on_prem


def _autodiscover_on_prem(topo: Topology, scenario: Scenario) -> bool:
    return topo.exchange_on_prem and bool(_ad(scenario))


def _exchange_oauth_on_prem(topo: Topology, scenario: Scenario) -> bool:
    return topo.exchange_on_prem and topo.exchange_has_oauth and bool(_ad(scenario))


def _sfb_calls_exchange_oauth(topo: Topology, scenario: Scenario) -> bool:
    """SfB Server's Front Ends call Exchange's autodiscover.svc and EWS with OAuth (Teams takes another way)."""
    return topo.sfb_on_prem and _exchange_oauth_on_prem(topo, scenario)


def _microsoft_365_reaches_exchange(topo: Topology, scenario: Scenario) -> bool:
    """Teams (and Exchange Online, for a hybrid's cloud mailboxes) call on-premises EWS: Exchange 2013 and later
    on premises, with Teams users or Exchange Online mailboxes."""
    return (topo.exchange_on_prem and topo.exchange_has_oauth
            and (topo.teams_users or topo.exchange is ExchangeKind.HYBRID))


def _oauth_certificate_known(topo: Topology, scenario: Scenario) -> bool:
    return topo.sfb_on_prem and bool(scenario.oauth_certificate or scenario.oauth_certificate_thumbprint
                                     or scenario.pool_fqdns)


def _sfb_dns_here(phase: Phase) -> Callable[[Topology, Scenario], bool]:
    """The SIP records are read once: as a prerequisite on premises, on the hybrid page with a tenant."""
    def applies(topo: Topology, scenario: Scenario) -> bool:
        return bool(scenario.sip_domains) and topo.involves_tenant == (phase is Phase.HYBRID)
    return applies


def _per_exchange(make: Callable[[str], Probe]) -> Callable[[Scenario, str], list[Instance]]:
    return lambda scenario, _: [Instance(make(h), h) for h in scenario.exchange_fqdns]


def _per_pool(make: Callable[[str], Probe]) -> Callable[[Scenario, str], list[Instance]]:
    return lambda scenario, _: [Instance(make(p), p) for p in scenario.pool_fqdns]


DNS_OF_HOST = f"{ids.DNS}:{{host}}"
TLS_OF_HOST = f"{ids.TLS_HANDSHAKE}:{{host}}"
CERT_OF_HOST = f"{ids.TLS_CERTIFICATE}:{{host}}"
CERT_OF_AUTODISCOVER = f"{ids.TLS_CERTIFICATE}:{{autodiscover}}"

CHECKS: tuple[Declared, ...] = (
    # Prerequisites
    Declared(ids.RESOLVER, Phase.PREREQUISITES, "The DNS server answers", _always,
             lambda s, _: _one(resolver.ResolverProbe(s))),
    Declared(ids.DNS, Phase.PREREQUISITES, "Each host name resolves in DNS", _always,
             lambda s, _: [Instance(dns.ResolvesProbe(role, fqdn), fqdn) for role, fqdn in s.all_fqdns()],
             needs=(ids.RESOLVER,)),
    Declared(ids.TCP_443, Phase.PREREQUISITES, "Exchange servers accept connections on port 443", _exchange_on_prem,
             _per_exchange(lambda h: tcp_tls.TcpPortProbe("Exchange server", h)), needs=(DNS_OF_HOST,)),
    Declared(ids.TLS_HANDSHAKE, Phase.PREREQUISITES, "Exchange servers complete a TLS handshake", _exchange_on_prem,
             _per_exchange(lambda h: tcp_tls.TlsHandshakeProbe("Exchange server", h)),
             needs=(f"{ids.TCP_443}:{{host}}",)),
    Declared(ids.EXCHANGE_BUILD, Phase.PREREQUISITES, "Exchange is the version chosen", _exchange_on_prem,
             _per_exchange(exchange.ExchangeBuildProbe), needs=(TLS_OF_HOST,)),
    Declared(ids.TCP_443, Phase.PREREQUISITES, "Front End pools accept connections on port 443", _sfb_on_prem,
             _per_pool(lambda p: tcp_tls.TcpPortProbe("Front End pool", p)), needs=(DNS_OF_HOST,)),
    Declared(ids.TCP_5061, Phase.PREREQUISITES, "Front End pools accept connections on port 5061", _sfb_on_prem,
             _per_pool(lambda p: tcp_tls.TcpPortProbe("Front End pool", p, "sip")), needs=(DNS_OF_HOST,)),
    Declared(ids.TLS_HANDSHAKE, Phase.PREREQUISITES, "Front End pools complete a TLS handshake", _sfb_on_prem,
             _per_pool(lambda p: tcp_tls.TlsHandshakeProbe("Front End pool", p)),
             needs=(f"{ids.TCP_443}:{{host}}",)),
    Declared(ids.SFB_DNS_PREREQUISITE, Phase.PREREQUISITES, "Skype for Business DNS records point to one side",
             _sfb_dns_here(Phase.PREREQUISITES), lambda s, _: _one(dns.SfbDnsRecordsProbe(s)),
             needs=(ids.RESOLVER,)),
    # Certificates
    Declared(ids.OAUTH_SOURCE, Phase.CERTIFICATES, "The OAuthTokenIssuer certificate file can be read",
             lambda t, s: _oauth_certificate_known(t, s) and bool(s.oauth_certificate),
             lambda s, _: _one(certs.OAuthCertificateSourceProbe())),
    Declared(ids.OAUTH_SOURCE, Phase.CERTIFICATES, "The pools publish their OAuthTokenIssuer certificate",
             lambda t, s: _oauth_certificate_known(t, s) and not s.oauth_certificate,
             lambda s, _: _one(certs.OAuthCertificateSourceProbe()), needs=(f"{ids.SFB_METADATA}:{{pool}}",)),
    *(Declared(f"{ids.OAUTH_RULE}.{rule.rule}", Phase.CERTIFICATES, rule.title, _oauth_certificate_known,
               _made(rule), needs=(ids.OAUTH_SOURCE,)) for rule in certs.RULES),
    Declared(ids.SAME_ON_FRONT_ENDS, Phase.CERTIFICATES, "Every Front End uses the same OAuth certificate",
             _oauth_certificate_known, _per_pool(certs.SameOnFrontEndsProbe),
             needs=(f"{ids.SFB_METADATA}:{{host}}",)),
    Declared(ids.TLS_CERTIFICATE, Phase.CERTIFICATES, "Autodiscover presents a valid, trusted certificate",
             _autodiscover_on_prem,
             lambda s, _: _one(tcp_tls.TlsCertificateProbe("Autodiscover", _ad(s), FRONT_END), _ad(s)),
             needs=(DNS_OF_HOST,)),
    Declared(ids.TLS_CERTIFICATE, Phase.CERTIFICATES, "Front End pools present a valid, trusted certificate",
             _sfb_on_prem, _per_pool(lambda p: tcp_tls.TlsCertificateProbe("Front End pool", p, EXCHANGE)),
             needs=(TLS_OF_HOST,)),
    Declared(ids.EXCHANGE_AUTH, Phase.CERTIFICATES, "The Exchange Auth certificate is valid",
             _exchange_oauth_on_prem, lambda s, _: _one(certs.ExchangeAuthCertificateProbe(s)),
             needs=(f"{ids.DNS}:{{autodiscover}}",), trust_needs=(CERT_OF_AUTODISCOVER,)),
    # Autodiscover
    Declared(ids.AUTODISCOVER_DNS, Phase.AUTODISCOVER, "The autodiscover name points to Exchange",
             _autodiscover_on_prem, lambda s, _: _one(autodiscover.AutodiscoverDnsProbe(s)),
             needs=(f"{ids.DNS}:{{autodiscover}}",)),
    Declared(ids.AUTODISCOVER_SRV, Phase.AUTODISCOVER, "The autodiscover SRV record points to the autodiscover name",
             _autodiscover_on_prem, lambda s, _: _one(autodiscover.AutodiscoverSrvProbe(s)), needs=(ids.RESOLVER,)),
    *(Declared(f"{ids.AUTODISCOVER}.{kind}", Phase.AUTODISCOVER, f"Autodiscover answers at autodiscover.{kind}",
               _autodiscover_on_prem, _endpoint(kind),
               needs=(f"{ids.DNS}:{{autodiscover}}",), trust_needs=(CERT_OF_AUTODISCOVER,))
      for kind in ("xml", "svc")),
    # OAuth configuration
    Declared(ids.OAUTH_AUTODISCOVER_URL, Phase.OAUTH, "SfB's ExchangeAutodiscoverUrl is the working .svc endpoint",
             lambda t, s: t.sfb_on_prem and t.exchange_has_oauth and (bool(_ad(s)) or not t.exchange_on_prem),
             lambda s, _: _one(autodiscover.OAuthAutodiscoverUrlProbe(s)), needs=(f"{ids.AUTODISCOVER}.svc",)),
    # Partner applications (the phase itself does not apply to Exchange 2010)
    Declared(ids.SFB_METADATA, Phase.PARTNER_APPLICATIONS, "Each pool publishes its auth metadata document",
             _sfb_on_prem, _per_pool(metadata.SfbMetadataProbe), needs=(TLS_OF_HOST,), trust_needs=(CERT_OF_HOST,)),
    Declared(ids.SFB_METADATA_CERTIFICATE, Phase.PARTNER_APPLICATIONS,
             "Each pool publishes the chosen OAuth certificate", _sfb_on_prem,
             _per_pool(metadata.SfbMetadataCertificateProbe),
             needs=(f"{ids.SFB_METADATA}:{{host}}", f"{ids.OAUTH_RULE}.validity")),
    Declared(ids.EXCHANGE_METADATA, Phase.PARTNER_APPLICATIONS, "Exchange publishes its auth metadata document",
             _autodiscover_on_prem, lambda s, _: _one(metadata.ExchangeMetadataProbe(s)),
             needs=(f"{ids.DNS}:{{autodiscover}}",), trust_needs=(CERT_OF_AUTODISCOVER,)),
    # Hybrid / tenant
    Declared(ids.TENANT, Phase.HYBRID, "The tenant is found from its domain",
             lambda t, s: t.involves_tenant and bool(s.tenant_domain),
             lambda s, login: _one(tenant.TenantProbe(s, login)), needs=(ids.RESOLVER,)),
    Declared(ids.REALM_TYPE, Phase.HYBRID, "Microsoft 365 knows how the users sign in",
             lambda t, s: t.involves_tenant and bool(s.tenant_domain),
             lambda s, login: _one(tenant.RealmTypeProbe(s, login)), needs=(ids.RESOLVER, ids.TENANT)),
    Declared(ids.SFB_DNS_HYBRID, Phase.HYBRID, "Skype for Business DNS records point to one side",
             _sfb_dns_here(Phase.HYBRID), lambda s, _: _one(dns.SfbDnsRecordsProbe(s)), needs=(ids.RESOLVER,)),
    # Verification
    Declared(ids.SFB_TRUSTS_EXCHANGE, Phase.VERIFICATION, "Each pool trusts Exchange (partner application)",
             lambda t, s: t.sfb_on_prem and t.exchange_has_oauth,
             _per_pool(challenges.SfbTrustsExchangeProbe), needs=(TLS_OF_HOST,), trust_needs=(CERT_OF_HOST,)),
    # lyncdiscover is SfB Server's discovery: Microsoft no longer lists it for Teams-only tenants
    Declared(ids.LYNCDISCOVER, Phase.VERIFICATION, "lyncdiscover leads to the UCWA user resource",
             lambda t, s: bool(s.sip_domains) and t.sfb_on_prem, lambda s, _: _one(challenges.LyncdiscoverProbe(s)),
             needs=(ids.RESOLVER,)),
    Declared(f"{ids.EXCHANGE_OAUTH}.ews", Phase.VERIFICATION, "Exchange Web Services accept OAuth",
             _sfb_calls_exchange_oauth,
             lambda s, _: _at_its_host(challenges.ExchangeAcceptsOAuthProbe(s, "ews")), needs=(TLS_OF_HOST,)),
    Declared(f"{ids.EXCHANGE_OAUTH}.autodiscover", Phase.VERIFICATION, "Exchange autodiscover.svc accepts OAuth",
             _sfb_calls_exchange_oauth,
             lambda s, _: _one(challenges.ExchangeAcceptsOAuthProbe(s, "autodiscover")),
             needs=(f"{ids.DNS}:{{autodiscover}}",), trust_needs=(CERT_OF_AUTODISCOVER,)),
    # Microsoft 365 -> Exchange Server (Microsoft support, "Resolve interaction issues between Teams and Exchange
    # Server"): each step needs the one before, so a broken step is one root cause
    Declared(ids.TEAMS_AUTODISCOVER_V2, Phase.VERIFICATION,
             "Autodiscover v2 leads Microsoft 365 to the on-premises EWS URL", _microsoft_365_reaches_exchange,
             lambda s, _: _one(teams_exchange.TeamsAutodiscoverV2Probe(s)),
             needs=(ids.RESOLVER, f"{ids.DNS}:{{autodiscover}}"), trust_needs=(CERT_OF_AUTODISCOVER,)),
    Declared(ids.TEAMS_EWS_BEARER, Phase.VERIFICATION,
             "On-premises EWS asks Microsoft 365 for an OAuth token (no pre-authentication)",
             _microsoft_365_reaches_exchange, lambda s, _: _one(teams_exchange.TeamsEwsBearerProbe(s)),
             needs=(ids.TEAMS_AUTODISCOVER_V2,)),
    Declared(ids.TEAMS_EWS_ISSUERS, Phase.VERIFICATION, "On-premises EWS trusts the tenant's tokens",
             _microsoft_365_reaches_exchange, lambda s, _: _one(teams_exchange.TeamsEwsIssuersProbe(s)),
             needs=(ids.TEAMS_EWS_BEARER, ids.TENANT)),
)


def declared_for(topology: Topology, scenario: Scenario | None = None,
                 phase: Phase | None = None) -> list[Declared]:
    """The checks that apply to a topology (and scenario), in phase order: the list is data."""
    scenario = scenario or Scenario()
    order = list(Phase)
    found = [d for d in CHECKS if topology.applies(d.phase) and (phase is None or d.phase is phase)
             and d.applies(topology, scenario)]
    return sorted(found, key=lambda d: order.index(d.phase))


def probes_for(scenario: Scenario, phase: Phase | Iterable[Phase] | None = None, *,
               login_base_url: str = DEFAULT_LOGIN_BASE_URL) -> list[Probe]:
    """The probes for this scenario's topology, in phase order (optionally only some phases)."""
    topo = scenario.topology_or_default
    wanted = None if phase is None else ({phase} if isinstance(phase, Phase) else set(phase))
    probes: list[Probe] = []
    for declared in declared_for(topo, scenario):
        if wanted is None or declared.phase in wanted:
            probes += declared.instances(scenario, login_base_url)
    return probes


def ids_of(probes: Sequence[Probe]) -> list[str]:
    return [p.id for p in probes]
