"""Each question discovery asks, as a probe: it runs under the run's deadlines and budget, streams as it ends,
and keeps what it found (`found`) for `decide`. A name that does not exist is an answer ("not published"),
not a failure: the verification's own checks judge what must exist; a DNS server that does not answer is an
error, so a run that could ask nothing reads as not checked.

Every name a server returns is validated (wizard.validation.fqdn) before it is kept: it goes into a
scenario, a report and, from there, into the commands an admin runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit

from wizard import validation
from wizard.discovery.query import Query
from wizard.microsoft_online import is_microsoft_online
from wizard.probes.base import BaseProbe, Finding, Need, Net, passed, skipped
from wizard.probes.context import ProbeContext
from wizard.probes.formats.autodiscover_v2 import NotAutodiscoverV2Error, autodiscover_v2_url, parse_v2
from wizard.probes.formats.exchange_build import Build, parse_build
from wizard.probes.formats.lyncdiscover import discovery_links
from wizard.probes.formats.tenant import openid_error, realm_from_getuserrealm, tenant_from_openid
from wizard.probes.net.errors import BadDocumentError, NetError, NoAnswerError, NxDomainError, SrvNotAvailableError
from wizard.probes.result import Evidence, Status
from wizard.scenario import Scenario
from wizard.topology import Phase

ABSENT = (NxDomainError, NoAnswerError, SrvNotAvailableError)  # the name is not published: an answer
# Where Microsoft's online services live: a record pointing here means the service is Microsoft 365's.
AUTODISCOVER_ROOT = "/Autodiscover/AutodiscoverService.svc/root"


def checked_host(value: str) -> str:
    """A host name a server gave us, or "" when it is not a valid FQDN (it is then reported, not used)."""
    try:
        return validation.fqdn(value.rstrip(".")).lower()
    except validation.InvalidValue:
        return ""


@dataclass(frozen=True)
class Found:
    """One value a lookup found, and where from (for the report's "Discovered" table)."""

    value: str
    source: str


class Lookup(BaseProbe):
    """A discovery question. `found` is set by check() in the run's worker thread and read after the run."""

    phase = Phase.PREREQUISITES
    tags = ("discovery",)

    def __init__(self, query: Query) -> None:
        self.query = query
        self.found: tuple[Found, ...] = ()

    def keep(self, *found: Found) -> None:
        self.found = tuple(f for f in found if f.value)

    @property
    def first(self) -> str:
        return self.found[0].value if self.found else ""


class AddressLookup(Lookup):
    """A name's A/AAAA records and the CNAME chain to them (autodiscover.<domain>, lyncdiscover.<domain>)."""

    def __init__(self, query: Query, label: str, what: str) -> None:
        super().__init__(query)
        self.name = f"{label}.{query.domain}"
        self.id = f"discovery.{label}"
        self.title = f"{what}: {self.name}"
        self.target = self.name
        self.canonical = ""

    def check(self, scenario: Scenario, ctx: ProbeContext) -> Finding:
        try:
            answer = Net(ctx).dns.addresses(self.name)
        except ABSENT as exc:
            return skipped(f"{self.name} is not published ({exc}).")
        self.canonical = checked_host(answer.canonical)
        self.keep(Found(self.name, f"{self.name} " + (f"CNAME {answer.canonical}" if answer.cnames else "A record")))
        return passed(f"{answer.describe()}", Evidence("DNS", answer.describe()), Evidence("server", answer.server))


class SrvLookup(Lookup):
    """An SRV record's targets (the SIP records, autodiscover's, the domain controllers')."""

    def __init__(self, query: Query, service: str, what: str) -> None:
        super().__init__(query)
        self.name = f"{service}.{query.domain}"
        self.id = f"discovery.srv:{service}"
        self.title = f"{what}: {self.name} SRV"
        self.target = self.name

    def check(self, scenario: Scenario, ctx: ProbeContext) -> Finding:
        try:
            records = Net(ctx).dns.srv(self.name)
        except ABSENT as exc:
            return skipped(f"{self.name} is not published ({exc}).")
        shown = "; ".join(str(r) for r in records)
        hosts = [checked_host(r.target) for r in records]
        self.keep(*(Found(h, f"{self.name} SRV {r}") for h, r in zip(hosts, records, strict=True)))
        if not any(hosts):
            return Finding(Status.WARN, f"{self.name} points to no usable host name ({shown}).",
                           "Fix the SRV record's target.", (Evidence("SRV", shown),))
        return passed(f"{self.name} points to {', '.join(h for h in hosts if h)}.", Evidence("SRV", shown))


class ExchangeV2Lookup(Lookup):
    """Exchange's own Autodiscover v2 for the user: the EWS URL its mailbox is served from."""

    def __init__(self, query: Query, autodiscover: AddressLookup) -> None:
        super().__init__(query)
        self.autodiscover = autodiscover
        self.id = "discovery.autodiscover-v2"
        self.title = f"Exchange Autodiscover v2 for {query.address}"
        self.url = autodiscover_v2_url(f"https://{autodiscover.name}", query.address)
        self.target = self.url
        self.needs = (Need(autodiscover.id),)

    def check(self, scenario: Scenario, ctx: ProbeContext) -> Finding:
        if not self.autodiscover.found:
            return skipped(f"Not asked: {self.autodiscover.name} is not published.")
        response = Net(ctx).http.fetch(self.url, headers={"Accept": "application/json"})
        try:
            answer = parse_v2(response.json("Autodiscover v2 answer"))
        except NotAutodiscoverV2Error as exc:
            raise BadDocumentError(f"{response.url} did not answer as Autodiscover v2 does: {exc}",
                                   target=self.url) from None
        if answer.is_error:
            return skipped(f"Autodiscover v2 gave no EWS URL: {answer.error_code} {answer.error_message}".strip(),
                           Evidence("HTTP", str(response.status)))
        host = checked_host(urlsplit(answer.url).hostname or "")
        self.keep(Found(host, f"Autodiscover v2 at {urlsplit(response.url).hostname}: EWS {answer.url}"))
        return passed(f"The mailbox's EWS URL is {answer.url}.", Evidence("EWS URL", answer.url))


class OnlineMailboxLookup(Lookup):
    """Exchange Online's Autodiscover v2: it answers for its own mailboxes and redirects everyone else."""

    def __init__(self, query: Query, base: str) -> None:
        super().__init__(query)
        self.id = "discovery.exchange-online-mailbox"
        self.title = f"Exchange Online knows the mailbox {query.address}"
        self.target = autodiscover_v2_url(base, query.address)
        self.in_online = False

    def check(self, scenario: Scenario, ctx: ProbeContext) -> Finding:
        response = Net(ctx).http.fetch(self.target, headers={"Accept": "application/json"}, follow_redirects=False)
        if response.status in (301, 302, 307, 308):
            where = response.header("Location") or ""
            return passed("Not an Exchange Online mailbox: Exchange Online redirects the address to "
                          f"{urlsplit(where).hostname or 'another server'}.", Evidence("Location", where))
        try:
            answer = parse_v2(response.json("Autodiscover v2 answer"))
        except NotAutodiscoverV2Error as exc:
            raise BadDocumentError(f"{self.target} did not answer as Autodiscover v2 does: {exc}",
                                   target=self.target) from None
        if answer.is_error:
            return passed(f"Exchange Online has no mailbox for the address ({answer.error_code}).")
        host = checked_host(urlsplit(answer.url).hostname or "")
        self.in_online = is_microsoft_online(host)
        if self.in_online:
            self.keep(Found(host, f"Exchange Online Autodiscover v2: EWS {answer.url}"))
        return passed(f"Exchange Online answers with {answer.url}.", Evidence("EWS URL", answer.url))


class OwaVersionLookup(Lookup):
    """OWA's X-OWA-Version header on the Exchange server autodiscover or Autodiscover v2 led to."""

    def __init__(self, query: Query, *sources: Lookup) -> None:
        super().__init__(query)
        self.sources = sources
        self.id = "discovery.exchange-version"
        self.title = "Exchange's version from its answers"
        self.needs = tuple(Need(s.id) for s in sources)
        self.build: Build | None = None

    def host(self) -> str:
        for source in self.sources:
            host = getattr(source, "canonical", "") or source.first
            if host and not is_microsoft_online(host):
                return host
        return ""

    def check(self, scenario: Scenario, ctx: ProbeContext) -> Finding:
        host = self.host()
        if not host:
            return skipped("Not asked: no Exchange server was found to ask.")
        url = f"https://{host}/owa"
        self.target = url
        response = Net(ctx).http.fetch(url, follow_redirects=False)
        header = response.header("X-OWA-Version") or ""
        if not header and response.status in (301, 302, 303, 307, 308):
            response = Net(ctx).http.fetch(url)
            header = response.header("X-OWA-Version") or ""
        self.build = parse_build(header) if header else None
        if self.build is None:
            return skipped(f"{url} does not show a build number this wizard knows (HTTP {response.status}).")
        self.keep(Found(self.build.version.value, f"X-OWA-Version {header} from {url} ({self.build.describe()})"))
        return passed(self.build.describe(), Evidence("X-OWA-Version", header))


class LyncdiscoverLookup(Lookup):
    """lyncdiscover(internal).<domain>: the web services name of the pool it leads to, or SfB Online's."""

    def __init__(self, query: Query, dns_lookup: AddressLookup) -> None:
        super().__init__(query)
        self.dns_lookup = dns_lookup
        self.id = f"{dns_lookup.id}-answer"
        self.title = f"{dns_lookup.name} leads to a pool's web services"
        self.target = f"https://{dns_lookup.name}/"
        self.needs = (Need(dns_lookup.id),)

    def check(self, scenario: Scenario, ctx: ProbeContext) -> Finding:
        if not self.dns_lookup.found:
            return skipped(f"Not asked: {self.dns_lookup.name} is not published.")
        url = self.target
        if is_microsoft_online(self.dns_lookup.canonical):
            url = f"https://{self.dns_lookup.canonical}{AUTODISCOVER_ROOT}?originalDomain={quote(self.query.domain)}"
        response = Net(ctx).http.fetch(url, headers={"Accept": "application/json"})
        if response.status != 200:
            return skipped(f"{url} answered HTTP {response.status}; no web services name was read from it.")
        links = discovery_links(response.json("lyncdiscover document"), url)
        link = urljoin(response.url, links.user or links.redirect) if (links.user or links.redirect) else ""
        host = checked_host(urlsplit(link).hostname or "") if link else ""
        if not host:
            return skipped(f"{url} returned no user or redirect link.")
        self.keep(Found(host, f"{self.dns_lookup.name} answers with {'user' if links.user else 'redirect'} link "
                              f"{link}"))
        return passed(f"{self.dns_lookup.name} leads to {host}.", Evidence("link", link))


class TenantLookup(Lookup):
    """Microsoft 365's public tenant discovery: the domain's tenant id, and how its users sign in."""

    def __init__(self, query: Query, login_base_url: str) -> None:
        super().__init__(query)
        self.base = login_base_url.rstrip("/")
        self.id = "discovery.tenant"
        self.title = f"Microsoft 365 tenant of {query.domain}"
        self.target = f"{self.base}/{quote(query.domain)}/.well-known/openid-configuration"
        self.tenant_id = ""
        self.namespace_type = ""
        self.why_none = ""  # why no tenant was found, in Microsoft's words (AADSTS90002 ...)

    def check(self, scenario: Scenario, ctx: ProbeContext) -> Finding:
        net = Net(ctx)
        response = net.http.fetch(self.target, headers={"Accept": "application/json"})
        document = response.json("OpenID configuration")
        facts = tenant_from_openid(document) if response.status == 200 else None
        if facts is None:
            why = openid_error(document) or f"HTTP {response.status}"
            self.why_none = why
            return passed(f"{self.query.domain} is not in a Microsoft 365 tenant ({why}).")
        login = self.query.address or self.query.domain
        realm_url = f"{self.base}/getuserrealm.srf?login={quote(login)}&json=1"
        evidence = [Evidence("tenant id", facts.tenant_id)]
        try:
            realm = realm_from_getuserrealm(net.http.fetch(realm_url, headers={"Accept": "application/json"}).json())
        except NetError:
            realm = None
        if realm is not None:
            self.namespace_type = realm.namespace_type
            evidence.append(Evidence("NameSpaceType", realm.namespace_type))
        self.tenant_id = facts.tenant_id
        where = urlsplit(self.base).hostname
        self.keep(Found(facts.tenant_id, f"OpenID configuration of {self.query.domain} ({where})"))
        how = f", a {realm.namespace_type} domain" if realm is not None else ""
        return passed(f"{self.query.domain} belongs to tenant {facts.tenant_id}{how}.", *evidence)


@dataclass(frozen=True)
class Lookups:
    """Every question of one discovery, named so `decide` reads them without searching."""

    autodiscover: AddressLookup
    autodiscover_srv: SrvLookup
    exchange_v2: ExchangeV2Lookup | None
    online_mailbox: OnlineMailboxLookup | None
    owa_version: OwaVersionLookup
    sip_internal: SrvLookup
    sip_external: SrvLookup
    sip_federation: SrvLookup
    lyncdiscover: AddressLookup
    lyncdiscover_answer: LyncdiscoverLookup
    lyncdiscover_internal: AddressLookup
    lyncdiscover_internal_answer: LyncdiscoverLookup
    domain_controllers: SrvLookup
    tenant: TenantLookup

    def all(self) -> list[Lookup]:
        return [p for p in vars(self).values() if isinstance(p, Lookup)]


def lookups_for(query: Query, *, login_base_url: str, autodiscover_v2_base_url: str) -> Lookups:
    autodiscover = AddressLookup(query, "autodiscover", "Exchange autodiscover name")
    exchange_v2 = ExchangeV2Lookup(query, autodiscover) if query.address else None
    lyncdiscover = AddressLookup(query, "lyncdiscover", "SfB external discovery name")
    internal = AddressLookup(query, "lyncdiscoverinternal", "SfB internal discovery name")
    return Lookups(
        autodiscover=autodiscover,
        autodiscover_srv=SrvLookup(query, "_autodiscover._tcp", "Exchange autodiscover"),
        exchange_v2=exchange_v2,
        online_mailbox=OnlineMailboxLookup(query, autodiscover_v2_base_url) if query.address else None,
        owa_version=OwaVersionLookup(query, *(p for p in (exchange_v2, autodiscover) if p is not None)),
        sip_internal=SrvLookup(query, "_sipinternaltls._tcp", "SfB internal SIP"),
        sip_external=SrvLookup(query, "_sip._tls", "SfB external SIP (Access Edge)"),
        sip_federation=SrvLookup(query, "_sipfederationtls._tcp", "SIP federation"),
        lyncdiscover=lyncdiscover,
        lyncdiscover_answer=LyncdiscoverLookup(query, lyncdiscover),
        lyncdiscover_internal=internal,
        lyncdiscover_internal_answer=LyncdiscoverLookup(query, internal),
        domain_controllers=SrvLookup(query, "_ldap._tcp.dc._msdcs", "Active Directory domain controllers"),
        tenant=TenantLookup(query, login_base_url),
    )
