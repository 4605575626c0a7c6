"""Hybrid / tenant ("verify a tenant"): which Microsoft 365 tenant owns the domain, and how users sign in.

Both answers come from public, unauthenticated endpoints under settings.login_base_url: the domain's
OpenID configuration (tenant id in issuer/token_endpoint) and getuserrealm.srf (Managed, Federated
or Unknown).
"""

from __future__ import annotations

from urllib.parse import quote

from wizard.probes.base import BaseProbe, Finding, Net, failed, passed
from wizard.probes.context import ProbeContext
from wizard.probes.formats.tenant import openid_error, realm_from_getuserrealm, tenant_from_openid
from wizard.probes.net.errors import BadDocumentError
from wizard.probes.result import Evidence, Status
from wizard.scenario import Scenario
from wizard.topology import Phase

TENANT_FIX = ("Use the tenant's initial domain (<name>.onmicrosoft.com) or a domain verified in the tenant "
              "(Microsoft 365 admin center > Settings > Domains); check for typos.")


class TenantProbe(BaseProbe):
    """The tenant domain resolves to a tenant id; it matches the one entered; the SIP domain is in it too."""

    phase = Phase.HYBRID

    def __init__(self, scenario: Scenario, login_base_url: str) -> None:
        self.id = "hybrid.tenant"
        self.title = "The tenant is found from its domain"
        self.base = login_base_url.rstrip("/")
        self.target = f"{self.base}/{scenario.tenant_domain}/.well-known/openid-configuration"
        self.tags = ("tenant",)

    def _lookup(self, net: Net, domain: str) -> tuple[str, str]:
        """(tenant id, '') or ('', why not)."""
        url = f"{self.base}/{quote(domain)}/.well-known/openid-configuration"
        response = net.http.fetch(url, headers={"Accept": "application/json"})
        document = response.json()
        if response.status != 200:
            return "", openid_error(document) or f"HTTP {response.status} from {url}"
        facts = tenant_from_openid(document)
        if facts is None:
            raise BadDocumentError(f"{url} has no tenant id in issuer or token_endpoint", target=url)
        return facts.tenant_id, ""

    def check(self, scenario: Scenario, ctx: ProbeContext) -> Finding:
        net = Net(ctx)
        domain = scenario.tenant_domain
        tenant, why = self._lookup(net, domain)
        evidence = [Evidence("tenant domain", domain)]
        if not tenant:
            return failed(f"No tenant was found for {domain}: {why}", TENANT_FIX, *evidence)
        evidence.append(Evidence("tenant id", tenant))
        if scenario.tenant_id and scenario.tenant_id.lower() != tenant:
            return failed(f"{domain} belongs to tenant {tenant}, but the scenario says {scenario.tenant_id}.",
                          "Correct the tenant ID (or the tenant domain) in the wizard.", *evidence)
        others = []
        for extra in dict.fromkeys(d for d in [scenario.default_sip_domain, scenario.effective_verified_domain] if d):
            if extra.lower() == domain.lower():
                continue
            other, reason = self._lookup(net, extra)
            evidence.append(Evidence(f"tenant of {extra}", other or reason))
            if other != tenant:
                others.append(f"{extra} ({'tenant ' + other if other else 'not in any tenant'})")
        if others:
            return Finding(Status.FAIL, f"Tenant {tenant} owns {domain}, but not " + ", ".join(others) + ".",
                           "Add and verify the domain in the tenant (Microsoft 365 admin center > Settings > Domains).",
                           tuple(evidence))
        return passed(f"{domain} belongs to tenant {tenant}.", *evidence)


class RealmTypeProbe(BaseProbe):
    """getuserrealm.srf: is the users' domain Managed or Federated in Microsoft 365 (Unknown = not there)."""

    phase = Phase.HYBRID

    def __init__(self, scenario: Scenario, login_base_url: str) -> None:
        domain = scenario.default_sip_domain or scenario.tenant_domain
        self.domain = domain
        self.id = "hybrid.realm-type"
        self.title = f"Microsoft 365 knows how {domain} users sign in"
        self.target = f"{login_base_url.rstrip('/')}/getuserrealm.srf?login={quote(domain)}&json=1"
        self.tags = ("tenant",)

    def check(self, scenario: Scenario, ctx: ProbeContext) -> Finding:
        response = Net(ctx).http.fetch(self.target, headers={"Accept": "application/json"})
        facts = realm_from_getuserrealm(response.json())
        if facts is None:
            raise BadDocumentError(f"{self.target} did not return a NameSpaceType", target=self.target)
        evidence = [Evidence("NameSpaceType", facts.namespace_type)]
        if facts.brand:
            evidence.append(Evidence("FederationBrandName", facts.brand))
        if facts.auth_url:
            evidence.append(Evidence("AuthURL", facts.auth_url.split("?")[0]))
        if facts.namespace_type.lower() == "unknown":
            return failed(f"Microsoft 365 does not know {self.domain} (NameSpaceType Unknown).",
                          "Add and verify the SIP domain in the tenant before configuring the hybrid.", *evidence)
        return passed(f"{self.domain} is a {facts.namespace_type} domain in Microsoft 365.", *evidence)
