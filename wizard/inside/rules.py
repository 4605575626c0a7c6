"""Rules over collected data: each a small function returning findings shaped like probe results.

A finding is a ProbeResult with id "inside.<rule>", so the GUI, the report and `--json` show it
exactly like a live probe. Rules return PASS when they checked and found nothing, SKIP when the
topology needs data that was not collected, and nothing at all when they do not apply.
The clock is injected (RuleContext.now) so expiry checks are deterministic.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from fnmatch import fnmatchcase
from functools import cached_property
from typing import NamedTuple
from urllib.parse import urlsplit

from wizard import validation
from wizard.inside.collected import (
    AuthServer,
    Certificate,
    CollectedData,
    EwsPolicy,
    ExchangeCollection,
    ExchangePartnerApplication,
    OAuthServer,
    SfbCollection,
    SfbPartnerApplication,
)
from wizard.inside.collectors import HYBRID_APP_OVERRIDE_SECTION
from wizard.inside.findings import expiry, finding, short
from wizard.inside.published import PublishedKeys
from wizard.playbook import commands as cmd
from wizard.playbook.commands import Expr, Placeholder, StepPlace
from wizard.playbook.phases.hybrid import sfb_certificate_principals
from wizard.playbook.step import Shell
from wizard.policy import (
    CLOUD_VOICEMAIL_APP_ID,
    EXCHANGE_SERVICE_ID,
    MIN_RSA_KEY_BITS,
    SFB_SERVICE_ID,
    TEAMS_SCHEDULER_APP_ID,
)
from wizard.probes.result import Cause, Evidence, ProbeResult, Status
from wizard.scenario import (
    EXCHANGE_ONLINE_AUTODISCOVER_URL,
    Scenario,
)
from wizard.topology import ExchangeKind, ExchangeVersion, Phase, SfbKind, SfbVersion, Topology
from wizard.validation import InvalidValue

STALE_AFTER = timedelta(days=14)
SFB_EXCHANGE_IDENTITIES = ("exchange", "microsoft.exchange")


@dataclass(frozen=True)
class RuleContext:
    collected: CollectedData
    scenario: Scenario
    now: datetime
    published: PublishedKeys = field(default_factory=PublishedKeys)

    @property
    def topology(self) -> Topology:
        return self.scenario.topology

    @cached_property
    def step_places(self) -> dict[str, StepPlace]:
        """Where each scripted step sits in this scenario's exported bundle (commands.step_places)."""
        return cmd.step_places(self.scenario)

    @property
    def collected_tenant(self) -> str:
        """The tenant graph-collected.json names ('' when none): its checks run whenever it names one."""
        graph = self.collected.graph
        return graph.tenant_id if graph is not None else ""

    @property
    def tenant_topology(self) -> Topology:
        """The topology the tenant checks judge: the scenario's, or, where it involves no tenant but the Graph
        collector's output names one, SfB Server with Teams (Exchange Server + SfB Server is the one topology
        without a tenant)."""
        topology = self.topology
        if topology.involves_tenant or not self.collected_tenant:
            return topology
        return replace(topology, sfb=SfbKind.HYBRID)

    def beyond_scenario(self, results: list[ProbeResult], calls_for: bool, what: str) -> list[ProbeResult]:
        """Findings of a tenant check the scenario does not call for (`calls_for` False): run because the Graph
        collector's output names a tenant, a failure is a warning that says so."""
        if calls_for or self.collected.graph is None:
            return results
        note = (f" The scenario ({self.topology.label}) does not call for this check, but "
                f"{self.collected.graph.source} names tenant {self.collected_tenant}, so it was run anyway; it "
                f"matters where {what}.")
        return [replace(r, status=Status.WARN if r.status is Status.FAIL else r.status, detail=r.detail + note)
                for r in results]

    def fix(self, step_id: str, shell: Shell, command: str) -> str:
        """The fix, naming the exported script and step that performs it (commands.step_pointer's words), or the
        shell to type it in when this scenario's bundle has no such step."""
        place = self.step_places.get(step_id)
        if place is not None:
            return f"Playbook step \u201c{step_id}\u201d ({place}): {command}"
        return f"In the {shell.title}: {command}"


class RuleSpec(NamedTuple):
    """A collected-data rule as data: its id (without the "inside." prefix), phase and title."""

    rule: str
    phase: Phase
    title: str

    @property
    def id(self) -> str:
        return f"inside.{self.rule}"


RuleBody = Callable[[RuleContext, RuleSpec], list[ProbeResult]]


@dataclass(frozen=True)
class DeclaredRule:
    spec: RuleSpec
    body: RuleBody

    def __call__(self, ctx: RuleContext) -> list[ProbeResult]:
        """The rule's findings; a bug in the rule is a defect result (traceback in the log), never a crash."""
        try:
            return self.body(ctx, self.spec)
        except Exception as exc:
            from wizard.probes.base import defect_finding

            found = defect_finding(exc)
            return [replace(finding(self.spec.rule, self.spec.phase, found.status, self.spec.title, found.detail,
                                    found.remediation), cause=Cause.DEFECT)]


Rule = Callable[[RuleContext], list[ProbeResult]]
DECLARED: list[DeclaredRule] = []


def declare(rule: str, phase: Phase, title: str) -> Callable[[RuleBody], DeclaredRule]:
    """Register a collected-data rule: the list of rules (and their ids) is read from these declarations."""
    def register(body: RuleBody) -> DeclaredRule:
        declared = DeclaredRule(RuleSpec(rule, phase, title), body)
        DECLARED.append(declared)
        return declared
    return register


# ----------------------------------------------------------------------------------------------
# Shared helpers (also used by the trust graph and the rotation plan)
# ----------------------------------------------------------------------------------------------
def sfb_exchange_apps(sfb: SfbCollection) -> list[SfbPartnerApplication]:
    return [a for a in sfb.partner_applications
            if a.application_identifier == EXCHANGE_SERVICE_ID or a.identity.lower() in SFB_EXCHANGE_IDENTITIES]


def exchange_apps_for(exchange: ExchangeCollection, app_id: str) -> list[ExchangePartnerApplication]:
    return [a for a in exchange.partner_applications if a.application_identifier == app_id]


def exchange_certificate(exchange: ExchangeCollection, thumbprint: str) -> Certificate | None:
    return next((c for c in exchange.certificates if c.thumbprint == thumbprint), None) if thumbprint else None


def active_token_issuer(certs: tuple[Certificate, ...], now: datetime) -> tuple[Certificate | None, Certificate | None]:
    """(the certificate in use, a rolled successor still waiting for its EffectiveDate)."""
    floor = datetime.min.replace(tzinfo=UTC)
    current = [c for c in certs if c.effective_date is None or c.effective_date <= now]
    waiting = [c for c in certs if c.effective_date is not None and c.effective_date > now]
    active = max(current, key=lambda c: c.effective_date or floor, default=None)
    successor = min(waiting, key=lambda c: c.effective_date or floor, default=None)
    return active, successor


def sfb_token_issuer(ctx: RuleContext) -> tuple[Certificate | None, Certificate | None]:
    """The pool-wide OAuthTokenIssuer: the global (CMS) setting, else what most Front Ends use."""
    primary = ctx.collected.sfb_primary
    if primary is None:
        return None, None
    global_active, global_next = active_token_issuer(primary.global_certificates, ctx.now)
    if global_active is not None:
        return global_active, global_next
    actives = [active_token_issuer(s.local_certificates, ctx.now) for s in ctx.collected.sfb]
    counted = Counter(a.thumbprint for a, _ in actives if a is not None)
    if not counted:
        return None, None
    winner = counted.most_common(1)[0][0]
    return next((a, n) for a, n in actives if a is not None and a.thumbprint == winner)


def expected_principals(ctx: RuleContext) -> dict[str, list[str]]:
    """Which tenant service principals must hold which on-premises certificate (by role)."""
    topology = ctx.tenant_topology
    wanted: dict[str, list[str]] = {}
    if topology.exchange_on_prem and topology.exchange_has_oauth and topology.involves_tenant:
        # The Skype for Business / Teams applications (Microsoft's 2025 procedure). Not the shared Exchange Online
        # principal (00000002): Exchange Server's own calls to Exchange Online go through the dedicated hybrid
        # application since 2025 (rule exchange-hybrid-app), and Microsoft's script removes the certificate there.
        wanted["exchange-auth"] = [SFB_SERVICE_ID, TEAMS_SCHEDULER_APP_ID, CLOUD_VOICEMAIL_APP_ID]
    if topology.sfb_on_prem and topology.involves_tenant:
        # 00000004, and Exchange Online's 00000002 where mailboxes are in Exchange Online: Microsoft's SfB hybrid
        # server-to-server procedure repeats the upload there (the playbook's upload step decides, not a copy here).
        wanted["sfb-oauth"] = list(sfb_certificate_principals(topology))
    return wanted


def host_value(value: str) -> str | Placeholder:
    """A host name from a collected file as a builder value, or the <server> placeholder when it is not a valid name."""
    try:
        return validation.fqdn(value, min_labels=1)
    except InvalidValue:
        return Placeholder("server")


def quoted_host(value: str) -> str:
    """A host name from a collected file as a PowerShell literal, or <server> when it is not a valid name."""
    return cmd.arg(host_value(value))


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def _same_url(a: str, b: str) -> bool:
    return a.strip().rstrip("/").lower() == b.strip().rstrip("/").lower()


def _no_sfb(rule: str, phase: Phase, title: str) -> list[ProbeResult]:
    return [finding(rule, phase, Status.SKIP, title,
                    "No Skype for Business collector output was loaded.",
                    "Run sfb-collect.ps1 on every Front End server and load the files.")]


def _sfb_with_oauth_configuration(ctx: RuleContext, spec: RuleSpec) -> tuple[SfbCollection | None, list[ProbeResult]]:
    """The SfB file whose Get-CsOAuthConfiguration a rule reads, or None and what the rule says instead (nothing
    without SfB Server; a skip when no SfB file was loaded or the configuration could not be read)."""
    rule, phase, title = spec
    if not ctx.topology.sfb_on_prem:
        return None, []
    sfb = ctx.collected.sfb_primary
    if sfb is None:
        return None, _no_sfb(rule, phase, title)
    if sfb.oauth_configuration is None:
        return None, [finding(rule, phase, Status.SKIP, title, "Get-CsOAuthConfiguration could not be read.")]
    return sfb, []


def _no_exchange(rule: str, phase: Phase, title: str) -> list[ProbeResult]:
    return [finding(rule, phase, Status.SKIP, title, "No Exchange collector output was loaded.",
                    "Run exchange-collect.ps1 in the Exchange Management Shell and load the file.")]


# ----------------------------------------------------------------------------------------------
# Autodiscover
# ----------------------------------------------------------------------------------------------
@declare("autodiscover-url", Phase.AUTODISCOVER, "SfB ExchangeAutodiscoverUrl")
def rule_autodiscover_url(ctx: RuleContext, spec: RuleSpec) -> list[ProbeResult]:
    """SfB's ExchangeAutodiscoverUrl must be the SOAP .svc on the autodiscover name (.xml gives code=50043)."""
    rule, phase, title = spec
    sfb, unusable = _sfb_with_oauth_configuration(ctx, spec)
    if sfb is None or sfb.oauth_configuration is None:
        return unusable
    url = sfb.oauth_configuration.exchange_autodiscover_url
    wanted = ctx.scenario.oauth_autodiscover_url
    remedy = ctx.fix("oauth.exchange-autodiscover-url", Shell.SFB,
                     cmd.set_cs_oauth_configuration(exchange_autodiscover_url=wanted))
    evidence = (Evidence("ExchangeAutodiscoverUrl", url or "(empty)"), Evidence("expected", wanted))
    expected_host = _host(EXCHANGE_ONLINE_AUTODISCOVER_URL) if not ctx.topology.exchange_on_prem else (
        ctx.scenario.effective_autodiscover_fqdn.lower())
    problem = ""
    if not url:
        problem = ("ExchangeAutodiscoverUrl is empty, so the Storage Service cannot find Exchange "
                   "(Test-CsExStorageConnectivity fails with code=50043).")
    elif urlsplit(url).path.lower().rstrip("/").endswith(".xml"):
        problem = (f"ExchangeAutodiscoverUrl {url} points at autodiscover.xml (POX); SfB calls the SOAP service "
                   "autodiscover.svc. Test-CsExStorageConnectivity then fails with code=50043: no Microsoft "
                   "document explains that code; the readers' comments on Jeff Schertz's \u201cExchange and Skype "
                   "for Business Integration\u201d (2015) tie it to this URL.")
    elif not urlsplit(url).path.lower().rstrip("/").endswith("/autodiscover/autodiscover.svc"):
        problem = f"ExchangeAutodiscoverUrl {url} does not end in /autodiscover/autodiscover.svc."
    elif urlsplit(url).scheme.lower() != "https":
        problem = f"ExchangeAutodiscoverUrl {url} is not https."
    elif expected_host and _host(url) != expected_host:
        problem = f"ExchangeAutodiscoverUrl {url} points at {_host(url)}, not at the autodiscover name {expected_host}."
    if problem:
        return [finding(rule, phase, Status.FAIL, title, problem, remedy, evidence=evidence, target=url,
                        tags=("sfb",))]
    return [finding(rule, phase, Status.PASS, title, f"ExchangeAutodiscoverUrl is {url}.", evidence=evidence,
                    target=url, tags=("sfb",))]


@declare("autodiscover-internal-uri", Phase.AUTODISCOVER, "Exchange AutoDiscoverServiceInternalUri")
def rule_autodiscover_internal_uri(ctx: RuleContext, spec: RuleSpec) -> list[ProbeResult]:
    """Each Client Access server's AutoDiscoverServiceInternalUri should use the autodiscover name."""
    rule, phase, title = spec
    if not ctx.topology.exchange_on_prem:
        return []
    exchange = ctx.collected.exchange
    if exchange is None:
        return _no_exchange(rule, phase, title)
    if not exchange.client_access:
        return [finding(rule, phase, Status.SKIP, title, "No Client Access server was reported.")]
    wanted_host = ctx.scenario.effective_autodiscover_fqdn.lower()
    noun = "ClientAccessService" if ctx.topology.uses_client_access_service else "ClientAccessServer"
    odd = [c for c in exchange.client_access if not c.internal_uri or _host(c.internal_uri) != wanted_host]
    evidence = tuple(Evidence(c.name or c.fqdn, c.internal_uri or "(empty)") for c in exchange.client_access)
    if odd:
        names = ", ".join(f"{c.name or c.fqdn} ({c.internal_uri or 'empty'})" for c in odd)
        first = odd[0].fqdn or odd[0].name
        command = cmd.set_autodiscover_internal_uri(noun, host_value(first), ctx.scenario.autodiscover_internal_uri)
        return [finding(rule, phase, Status.WARN, title,
                        f"Not on {wanted_host}: {names}. Domain-joined clients and SfB servers find Exchange "
                        "through this URI; Jeff Schertz's \u201cExchange and Skype for Business Integration\u201d "
                        "(2015) points it at the autodiscover name.",
                        ctx.fix("autodiscover.internal-uri", Shell.EXCHANGE, command), evidence=evidence,
                        tags=("exchange",))]
    return [finding(rule, phase, Status.PASS, title, f"Every Client Access server uses {wanted_host}.",
                    evidence=evidence, tags=("exchange",))]


# ----------------------------------------------------------------------------------------------
# OAuth configuration
# ----------------------------------------------------------------------------------------------
@declare("oauth-realm", Phase.OAUTH, "SfB OAuth realm")
def rule_oauth_realm(ctx: RuleContext, spec: RuleSpec) -> list[ProbeResult]:
    """The SfB OAuth realm must be the default SIP domain (or the realm the scenario names)."""
    rule, phase, title = spec
    sfb, unusable = _sfb_with_oauth_configuration(ctx, spec)
    if sfb is None or sfb.oauth_configuration is None:
        return unusable
    realm = sfb.oauth_configuration.realm
    default = ctx.scenario.default_sip_domain
    wanted = ctx.scenario.effective_realm
    evidence = (Evidence("Realm", realm or "(empty)"), Evidence("default SIP domain", default))
    if not realm:
        return [finding(rule, phase, Status.PASS, title,
                        f"Realm is empty, so SfB uses the default SIP domain {default}.", evidence=evidence)]
    if realm.lower() == wanted.lower():
        note = "" if wanted.lower() == default.lower() else (
            f" (set in the scenario; the default SIP domain is {default})")
        return [finding(rule, phase, Status.PASS, title, f"Realm is {realm}{note}.", evidence=evidence)]
    return [finding(rule, phase, Status.FAIL, title,
                    f"Realm is {realm}, but the OAuth realm should be the default SIP domain {wanted}; partners "
                    f"validate tokens issued as {SFB_SERVICE_ID}@{realm} against the wrong realm.",
                    ctx.fix("oauth.realm", Shell.SFB, cmd.set_cs_oauth_configuration(realm=wanted)),
                    evidence=evidence)]


@declare("oauth-service-names", Phase.OAUTH, "OAuth service names")
def rule_oauth_service_names(ctx: RuleContext, spec: RuleSpec) -> list[ProbeResult]:
    """SfB must call itself 00000004-… and Exchange 00000002-…; anything else breaks the token audience."""
    rule, phase, title = spec
    checks: list[tuple[str, str, str, str]] = []  # (product, value, wanted, command)
    sfb = ctx.collected.sfb_primary
    if ctx.topology.sfb_on_prem and sfb is not None and sfb.oauth_configuration is not None:
        checks.append(("Skype for Business ServiceName", sfb.oauth_configuration.service_name, SFB_SERVICE_ID,
                       ctx.fix("oauth.service-name", Shell.SFB, cmd.set_cs_oauth_service_name())))
    exchange = ctx.collected.exchange
    if (ctx.topology.exchange_on_prem and ctx.topology.exchange_has_oauth and exchange is not None
            and exchange.auth_config is not None):
        checks.append(("Exchange AuthConfig ServiceName", exchange.auth_config.service_name.lower(),
                       EXCHANGE_SERVICE_ID,
                       cmd.set_auth_config_service_name()
                       + " (Exchange Management Shell; Exchange sets this itself, so a different value was set "
                         "by hand)"))
    if not checks:
        return []
    evidence = tuple(Evidence(name, value or "(empty)") for name, value, _, _ in checks)
    wrong = [(name, value, wanted, command) for name, value, wanted, command in checks if value != wanted]
    if wrong:
        detail = " ".join(f"{name} is {value or 'empty'}, not {wanted}." for name, value, wanted, _ in wrong)
        return [finding(rule, phase, Status.FAIL, title, detail, " ".join(c for *_, c in wrong), evidence=evidence)]
    return [finding(rule, phase, Status.PASS, title, "Service names are the well-known principal IDs.",
                    evidence=evidence)]


# Client (modern) authentication: which OAuth server SfB Server sends its clients to.
HMA_SOURCE = ("Microsoft Learn \u201cHow to configure Skype for Business on-premises to use Hybrid Modern "
              "Authentication\u201d (https://learn.microsoft.com/microsoft-365/enterprise/configure-skype-for-business-"
              "for-hybrid-modern-authentication)")
CLIENT_OAUTH_SOURCES = (
    f"{HMA_SOURCE}; Microsoft Learn \u201cSet-CsOAuthConfiguration\u201d (ClientAuthorizationOAuthServerIdentity: the "
    "OAuth server used for client authentication); Microsoft's SfB Server diagnostics (onpremdiag/SfBServer, rule "
    "RDCheckModernAuth)")
EVOSTS_METADATA_URL = cmd.EVOSTS_METADATA_URL
NEW_EVOSTS = cmd.new_cs_oauth_server_evosts()


def _is_azure_ad(server: OAuthServer) -> bool:
    """The evoSTS server of hybrid modern authentication: Type AzureAD, or issuer sts.windows.net (as onpremdiag
    tests it)."""
    return server.type.lower() == "azuread" or server.issuer_identifier.lower() == "sts.windows.net"


@declare("sfb-client-oauth-server", Phase.OAUTH, "SfB client authorization OAuth server (modern authentication)")
def rule_sfb_client_oauth_server(ctx: RuleContext, spec: RuleSpec) -> list[ProbeResult]:
    """ClientAuthorizationOAuthServerIdentity must be empty (modern authentication off) or name an OAuth server that
    exists: evoSTS (Azure AD) for hybrid modern authentication, an AD FS server for the on-premises kind."""
    rule, phase, title = spec
    sfb, unusable = _sfb_with_oauth_configuration(ctx, spec)
    if sfb is None or sfb.oauth_configuration is None:
        return unusable
    value = sfb.oauth_configuration.client_authorization_oauth_server_identity
    servers = sfb.oauth_servers
    evidence = (Evidence("ClientAuthorizationOAuthServerIdentity", value or "(empty)"),
                *(Evidence(f"OAuth server {s.identity}", f"Type={s.type or '(none)'}; "
                           f"MetadataUrl={s.metadata_url or '(none)'}") for s in servers))
    shell = f"In the {Shell.SFB.title}: "
    turn_on = cmd.set_cs_oauth_configuration(client_authorization_oauth_server_identity="evoSTS")
    turn_off = cmd.set_cs_oauth_configuration(client_authorization_oauth_server_identity="")
    azure = [s for s in servers if _is_azure_ad(s)]

    def result(status: Status, detail: str, remedy: str = "") -> list[ProbeResult]:
        return [finding(rule, phase, status, title, detail, remedy, evidence=evidence, tags=("sfb",))]

    if not value:
        if azure:
            return result(Status.WARN,
                          f"The Azure AD OAuth server {azure[0].identity} exists, but ClientAuthorizationOAuthServer"
                          "Identity is empty, so hybrid modern authentication is not turned on: clients keep signing "
                          "in with Windows authentication. Naming evoSTS there is the step that turns it on, and the "
                          "earlier steps may be done ahead of it (" + CLIENT_OAUTH_SOURCES + ").",
                          shell + turn_on + " when the clients are to use modern authentication.")
        return result(Status.PASS, "ClientAuthorizationOAuthServerIdentity is empty: no OAuth server authorizes "
                      "clients (modern authentication is off, the state Microsoft's procedure sets to turn it off); "
                      "server-to-server OAuth with Exchange does not depend on it.")
    named = next((s for s in servers if s.identity.lower() == value.lower()), None)
    if named is None:
        listed = ", ".join(s.identity for s in servers) or "none"
        return result(Status.WARN,
                      f"ClientAuthorizationOAuthServerIdentity names {value}, but Get-CsOAuthServer lists no such "
                      f"server (it lists: {listed}), so clients are sent to an OAuth server SfB Server does not "
                      "have. The value names the OAuth server used for client authentication, and Microsoft's "
                      f"procedures create that server (New-CsOAuthServer) before naming it ({CLIENT_OAUTH_SOURCES}).",
                      shell + f"create the server ({NEW_EVOSTS}, for hybrid modern authentication) or turn client "
                      f"modern authentication off: {turn_off}.")
    if _is_azure_ad(named):
        url = named.metadata_url.rstrip("/").lower()
        note = "" if url == EVOSTS_METADATA_URL.lower() else (
            f" Its MetadataUrl is {named.metadata_url or '(none)'}; Microsoft's procedure uses {EVOSTS_METADATA_URL}.")
        return result(Status.WARN if note else Status.PASS,
                      f"ClientAuthorizationOAuthServerIdentity names {named.identity}, the Azure AD (evoSTS) OAuth "
                      f"server: hybrid modern authentication is on.{note}",
                      shell + f"{cmd.set_cs_oauth_server_metadata_url(named.identity, EVOSTS_METADATA_URL)} "
                      f"(source: {HMA_SOURCE})" if note else "")
    if named.type.lower() == "adfs":
        return result(Status.PASS, f"ClientAuthorizationOAuthServerIdentity names {named.identity}, an AD FS server: "
                      "clients use on-premises modern authentication (Microsoft Learn \u201cHow to use Modern "
                      "Authentication (ADAL) with Skype for Business\u201d).")
    return result(Status.WARN,
                  f"ClientAuthorizationOAuthServerIdentity names {named.identity}, an OAuth server of type "
                  f"{named.type or '(none)'}. The documented servers for client authentication are an AD FS server "
                  "(on-premises modern authentication) or evoSTS of Type AzureAD (hybrid modern authentication); "
                  "a server such as microsoft.sts serves server-to-server tokens with Microsoft 365 "
                  f"({CLIENT_OAUTH_SOURCES}; Microsoft Learn \u201cConfigure server-to-server authentication for a "
                  "Skype for Business Server hybrid environment\u201d).",
                  shell + f"{turn_on} (after {NEW_EVOSTS}) for hybrid modern authentication, or {turn_off}.")


# ----------------------------------------------------------------------------------------------
# Partner applications
# ----------------------------------------------------------------------------------------------
@declare("sfb-partner-exchange", Phase.PARTNER_APPLICATIONS, "SfB partner application for Exchange")
def rule_sfb_partner_exchange(ctx: RuleContext, spec: RuleSpec) -> list[ProbeResult]:
    """SfB must trust Exchange: a partner application, enabled, reading Exchange's metadata document."""
    rule, phase, title = spec
    if not (ctx.topology.sfb_on_prem and ctx.topology.exchange_has_oauth):
        return []
    sfb = ctx.collected.sfb_primary
    if sfb is None:
        return _no_sfb(rule, phase, title)
    wanted_url = ctx.scenario.exchange_metadata_url
    apps = sfb_exchange_apps(sfb)
    exchange_online = not ctx.topology.exchange_on_prem
    step_id = ("partner-applications.sfb-trusts-exchange-online" if exchange_online
               else "partner-applications.sfb-trusts-exchange")
    if not apps:
        command = (cmd.new_cs_partner_application_exchange_online() if exchange_online else
                   cmd.new_cs_partner_application_exchange(wanted_url))
        return [finding(rule, phase, Status.FAIL, title,
                        "There is no partner application for Exchange (ApplicationIdentifier "
                        f"{EXCHANGE_SERVICE_ID}), so SfB rejects Exchange's tokens (UCS, archiving, OWA IM).",
                        ctx.fix(step_id, Shell.SFB, command),
                        tags=("sfb",))]
    app = next((a for a in apps if a.enabled), apps[0])
    evidence = (Evidence("Identity", app.identity), Evidence("Enabled", str(app.enabled)),
                Evidence("MetadataUrl", app.metadata_url or "(none)"),
                Evidence("ApplicationTrustLevel", app.trust_level or "(unknown)"))
    def each(action: str) -> str:
        return cmd.each_cs_partner_application(EXCHANGE_SERVICE_ID, action)

    identity = Expr("$_.Identity")  # found by ApplicationIdentifier: a collected name never enters the command
    if not app.enabled:
        return [finding(rule, phase, Status.FAIL, title, f"The partner application {app.identity} is disabled.",
                        ctx.fix(step_id, Shell.SFB, each(cmd.set_cs_partner_application(identity, enabled=True))),
                        evidence=evidence, target=app.identity, tags=("sfb",))]
    if not exchange_online and not _same_url(app.metadata_url, wanted_url):
        detail = (f"{app.identity} reads its keys from {app.metadata_url or '(no metadata URL)'}, not from "
                  f"{wanted_url}.")
        if app.metadata_url and urlsplit(app.metadata_url).path.rstrip("/").lower() == "/metadata/json/1":
            detail += (" The path lacks /autodiscover: a known error copied from the New-CsPartnerApplication help "
                       "example.")
        return [finding(rule, phase, Status.FAIL, title, detail,
                        ctx.fix(step_id, Shell.SFB,
                                each(cmd.set_cs_partner_application(identity, metadata_url=wanted_url))),
                        evidence=evidence, target=app.metadata_url, tags=("sfb",))]
    if app.trust_level and app.trust_level.lower() != "full":
        return [finding(rule, phase, Status.WARN, title,
                        f"{app.identity} has ApplicationTrustLevel {app.trust_level}; the documented value is Full.",
                        ctx.fix(step_id, Shell.SFB, each(cmd.set_cs_partner_application(identity, full_trust=True))),
                        evidence=evidence, tags=("sfb",))]
    where = "through the OAuth server" if exchange_online else f"from {app.metadata_url}"
    return [finding(rule, phase, Status.PASS, title, f"{app.identity} is enabled and trusts Exchange {where}.",
                    evidence=evidence, tags=("sfb",))]


@declare("exchange-partner-sfb", Phase.PARTNER_APPLICATIONS, "Exchange partner application for SfB")
def rule_exchange_partner_sfb(ctx: RuleContext, spec: RuleSpec) -> list[ProbeResult]:
    """Exchange must trust SfB: a partner application for 00000004-…, enabled."""
    rule, phase, title = spec
    if not (ctx.topology.exchange_on_prem and ctx.topology.exchange_has_oauth):
        return []
    exchange = ctx.collected.exchange
    if exchange is None:
        return _no_exchange(rule, phase, title)
    apps = exchange_apps_for(exchange, SFB_SERVICE_ID)
    sfb_online = ctx.topology.sfb is SfbKind.TEAMS
    step_id = "partner-applications.sfb-online-partner" if sfb_online else "partner-applications.exchange-trusts-sfb"
    if sfb_online:
        create = ctx.fix("partner-applications.sfb-online-partner", Shell.EXCHANGE,
                         cmd.new_partner_application("SfBOnline", SFB_SERVICE_ID,
                                                     linked_account=Expr("$user.Identity"))
                         + " (after creating the application account)")
    else:
        create = ctx.fix("partner-applications.exchange-trusts-sfb", Shell.EXCHANGE,
                         cmd.configure_enterprise_partner_application(ctx.scenario.sfb_metadata_url))
    if not apps:
        return [finding(rule, phase, Status.FAIL, title,
                        f"Exchange has no partner application for {SFB_SERVICE_ID}, so it answers SfB's requests "
                        "with 401 (Test-CsExStorageConnectivity fails).", create, tags=("exchange",))]
    enabled = [a for a in apps if a.enabled]
    evidence = tuple(Evidence(a.name, f"Enabled={a.enabled}; AuthMetadataUrl={a.auth_metadata_url or '(none)'}")
                     for a in apps)
    if not enabled:
        command = cmd.each_partner_application(SFB_SERVICE_ID, cmd.set_partner_application(enabled=True))
        return [finding(rule, phase, Status.FAIL, title,
                        f"The partner application {apps[0].name} for {SFB_SERVICE_ID} is disabled.",
                        ctx.fix(step_id, Shell.EXCHANGE, command),
                        evidence=evidence, target=apps[0].name, tags=("exchange",))]
    if ctx.topology.sfb_on_prem and ctx.scenario.pool_fqdns:
        urls = ctx.scenario.sfb_metadata_urls
        with_url = [a for a in enabled if a.auth_metadata_url]
        if with_url and not any(_same_url(a.auth_metadata_url, u) for a in with_url for u in urls):
            return [finding(rule, phase, Status.WARN, title,
                            f"{with_url[0].name} reads SfB's keys from {with_url[0].auth_metadata_url}, which is not "
                            f"a pool of this scenario ({', '.join(urls)}).", create, evidence=evidence,
                            tags=("exchange",))]
    return [finding(rule, phase, Status.PASS, title, f"{enabled[0].name} is enabled.", evidence=evidence,
                    tags=("exchange",))]


@declare("teams-partner-apps", Phase.HYBRID, "Teams partner applications on Exchange")
def rule_teams_partner_apps(ctx: RuleContext, spec: RuleSpec) -> list[ProbeResult]:
    """Exchange Server with SfB/Teams online: the 2025 procedure adds TeamsScheduler and CloudVoicemail."""
    rule, phase, title = spec
    topology = ctx.topology
    if not (topology.exchange_on_prem and topology.exchange_has_oauth and topology.teams_users):
        return []
    exchange = ctx.collected.exchange
    if exchange is None:
        return _no_exchange(rule, phase, title)
    legacy = exchange_apps_for(exchange, SFB_SERVICE_ID)
    wanted = {TEAMS_SCHEDULER_APP_ID: "TeamsScheduler", CLOUD_VOICEMAIL_APP_ID: "CloudVoicemail"}
    present = {app_id: exchange_apps_for(exchange, app_id) for app_id in wanted}
    missing = [name for app_id, name in wanted.items() if not present[app_id]]
    disabled = [name for app_id, name in wanted.items()
                if present[app_id] and not any(a.enabled for a in present[app_id])]
    evidence = tuple(Evidence(name, "present" if present[app_id] else "missing") for app_id, name in wanted.items())
    if legacy and (missing or disabled):
        commands = []
        if "TeamsScheduler" in missing:
            commands.append(cmd.new_partner_application("TeamsScheduler", TEAMS_SCHEDULER_APP_ID,
                                                        linked_account=Expr("$user.Identity")))
        if "CloudVoicemail" in missing:
            commands.append(cmd.new_partner_application("CloudVoicemail", CLOUD_VOICEMAIL_APP_ID))
        commands += [cmd.set_partner_application(name, enabled=True) for name in disabled]
        parts = ([f"missing: {', '.join(missing)}"] if missing else []) + (
            [f"disabled: {', '.join(disabled)}"] if disabled else [])
        return [finding(rule, phase, Status.WARN, title,
                        f"Only the legacy {SFB_SERVICE_ID} application is configured ({'; '.join(parts)}). Teams "
                        "uses its own first-party applications for calendar scheduling and Cloud Voicemail, and the "
                        "legacy one is being deprecated. Keep the legacy application: out-of-office voicemail "
                        "greetings still depend on it.",
                        ctx.fix("partner-applications.teams-partner-applications", Shell.EXCHANGE, "; ".join(commands)),
                        evidence=evidence, tags=("exchange",))]
    return [finding(rule, phase, Status.PASS, title,
                    "TeamsScheduler and CloudVoicemail are configured." if not (missing or disabled) else
                    "The legacy application is not configured; nothing to pair.", evidence=evidence,
                    tags=("exchange",))]


# ----------------------------------------------------------------------------------------------
# EWS URLs as service principal names of the Exchange service principal (Teams, mailboxes on premises)
# ----------------------------------------------------------------------------------------------
TEAMS_EXCHANGE_SOURCE = ("Microsoft Learn \u201cHow Exchange and Microsoft Teams interact\u201d "
                         "(https://learn.microsoft.com/microsoftteams/exchange-teams-interact)")


def _valid_host(url: str) -> str:
    """The host of a collected URL when it is a valid DNS name, else ''."""
    try:
        return validation.fqdn(_host(url), min_labels=1).lower() if _host(url) else ""
    except InvalidValue:
        return ""


def spn_host(spn: str) -> str:
    """The host of a service principal name written as https://host or https://host/, else ''."""
    try:
        parts = urlsplit(spn.strip())
        if (parts.scheme.lower() != "https" or parts.path not in ("", "/") or parts.query or parts.fragment
                or parts.port is not None or parts.username is not None):
            return ""
        return (parts.hostname or "").lower()
    except ValueError:
        return ""


def ews_spn_hosts(ctx: RuleContext) -> tuple[list[str], str]:
    """The host names whose https:// URL must be an SPN of 00000002, and where they come from.

    The external EWS URLs when the Exchange collector read them, else the autodiscover name; ([], '') when neither
    is known.
    """
    exchange = ctx.collected.exchange
    directories = exchange.web_services if exchange is not None else None
    if directories:
        hosts = sorted({host for d in directories if (host := _valid_host(d.external_url))})
        if hosts:
            return hosts, "the ExternalUrl of Get-WebServicesVirtualDirectory"
    name = _valid_host(f"https://{ctx.scenario.effective_autodiscover_fqdn}/")
    if not name:
        return [], ""
    if directories:
        return [name], "the scenario's autodiscover name (no EWS virtual directory has an ExternalUrl)"
    return [name], "the scenario's autodiscover name (the EWS virtual directories were not collected)"


@declare("exchange-ews-spns", Phase.HYBRID, "EWS URLs as SPNs of the Exchange service principal")
def rule_exchange_ews_spns(ctx: RuleContext, spec: RuleSpec) -> list[ProbeResult]:
    """Teams with mailboxes on Exchange Server: the external EWS URLs must be SPNs of 00000002 in the tenant."""
    topology = ctx.topology
    teams = topology.teams_users or bool(ctx.collected_tenant)
    if not (topology.exchange_on_prem and teams and topology.exchange_has_oauth):
        return []
    return ctx.beyond_scenario(_exchange_ews_spns(ctx, spec), topology.teams_users,
                               "users are in Microsoft Teams")


def _exchange_ews_spns(ctx: RuleContext, spec: RuleSpec) -> list[ProbeResult]:
    rule, phase, title = spec
    graph = ctx.collected.graph
    if graph is None:
        return [finding(rule, phase, Status.SKIP, title, "No Microsoft Graph collector output was loaded.",
                        "Connect-MgGraph -Scopes Application.Read.All, run graph-collect.ps1 and load the file.",
                        tags=("tenant",))]
    principal = graph.principal(EXCHANGE_SERVICE_ID)
    if principal is None:
        return [finding(rule, phase, Status.SKIP, title,
                        f"The Microsoft Graph collector did not read the Exchange service principal "
                        f"({EXCHANGE_SERVICE_ID}); see the collected data's errors.", tags=("tenant",))]
    hosts, source = ews_spn_hosts(ctx)
    if not hosts:
        return [finding(rule, phase, Status.SKIP, title,
                        "The EWS URLs are unknown: no external EWS URL was collected and the scenario names no "
                        "autodiscover name.",
                        "Run exchange-collect.ps1 in the Exchange Management Shell and load the file.",
                        tags=("tenant",))]
    name = f"{principal.display_name or 'The Exchange service principal'} ({EXCHANGE_SERVICE_ID})"
    requirement = (f"{TEAMS_EXCHANGE_SOURCE} lists among the requirements for mailboxes on Exchange Server that, for "
                   "calendar app support and the Teams Outlook add-in for Mac, the Exchange Web Services URLs are "
                   "configured as SPNs in the tenant's Microsoft Entra ID for the Exchange service principal; the "
                   "Hybrid Configuration Wizard adds them.")
    registered = {spn_host(n) for n in principal.service_principal_names} - {""}
    missing = [h for h in hosts if h not in registered] if principal.found else list(hosts)
    evidence = tuple(Evidence(f"https://{h}/", "missing" if h in missing else "an SPN") for h in hosts)
    if missing:
        urls = [f"https://{h}/" for h in missing]
        problem = (f"{name} lacks {', '.join(urls)} among its service principal names" if principal.found else
                   f"The Exchange service principal ({EXCHANGE_SERVICE_ID}) was not found in the tenant, so "
                   f"{', '.join(urls)} cannot be among its service principal names")
        command = (f"$principal = {cmd.get_service_principal(EXCHANGE_SERVICE_ID)}; "
                   + cmd.add_service_principal_names(urls))
        return [finding(rule, phase, Status.FAIL, title,
                        f"{problem} (URLs from {source}). {requirement} Without them Teams cannot use the calendar "
                        "of mailboxes on Exchange Server.",
                        "Re-run the Hybrid Configuration Wizard with a full hybrid configuration: it adds the URLs. "
                        "Or, in Microsoft Graph PowerShell after Connect-MgGraph -Scopes Application.ReadWrite.All: "
                        f"{command}. -ServicePrincipalNames replaces the whole list: pass the existing names plus the "
                        "new URLs (merge), never the new URLs alone. Source: " + TEAMS_EXCHANGE_SOURCE + ".",
                        evidence=evidence, target=urls[0], tags=("tenant",))]
    return [finding(rule, phase, Status.PASS, title,
                    f"{name} lists {', '.join(f'https://{h}/' for h in hosts)} among its service principal names "
                    f"(URLs from {source}).", evidence=evidence, tags=("tenant",))]


# ----------------------------------------------------------------------------------------------
# SfB OAuthTokenIssuer certificate
# ----------------------------------------------------------------------------------------------
_ROLL = cmd.set_cs_oauth_token_issuer(Placeholder("new"), effective_date=Placeholder("date"))


@declare("sfb-token-issuer-consistency", Phase.CERTIFICATES, "OAuthTokenIssuer on every Front End")
def rule_sfb_token_issuer_consistency(ctx: RuleContext, spec: RuleSpec) -> list[ProbeResult]:
    """Every Front End must sign with the same OAuthTokenIssuer certificate (the global one)."""
    rule, phase, title = spec
    if not ctx.topology.sfb_on_prem:
        return []
    if not ctx.collected.sfb:
        return _no_sfb(rule, phase, title)
    pool_cert, _ = sfb_token_issuer(ctx)
    if pool_cert is None:
        return [finding(rule, phase, Status.FAIL, title, "No OAuthTokenIssuer certificate is assigned.",
                        ctx.fix("certificates.sfb-oauth-token-issuer", Shell.SFB,
                                cmd.set_cs_oauth_token_issuer(Placeholder("thumbprint"))),
                        tags=("sfb",))]
    remedy = ctx.fix("certificates.sfb-oauth-token-issuer", Shell.SFB,
                     cmd.set_cs_oauth_token_issuer(pool_cert.thumbprint)
                     + " (once, on one Front End); then Get-CsManagementStoreReplicationStatus")
    problems: list[str] = []
    behind: list[str] = []  # Front Ends whose own certificate is not the pool's: their copy of the CMS lags
    evidence: list[Evidence] = []
    for sfb in ctx.collected.sfb:
        name = sfb.computer_fqdn or sfb.computer
        active, _ = active_token_issuer(sfb.local_certificates, ctx.now)
        evidence.append(Evidence(name, active.thumbprint if active else "(none)"))
        if active is None:
            problems.append(f"{name} has no OAuthTokenIssuer certificate")
        elif active.thumbprint != pool_cert.thumbprint:
            problems.append(f"{name} signs with {short(active.thumbprint)} while the pool uses "
                            f"{short(pool_cert.thumbprint)}")
        else:
            continue
        behind.append(name)
    if problems:
        return [finding(rule, phase, Status.FAIL, title,
                        "; ".join(problems) + "; tokens signed on that server fail validation at Exchange.",
                        _token_issuer_catch_up(ctx, behind, pool_cert.thumbprint) or remedy,
                        evidence=tuple(evidence), tags=("sfb",))]
    collected = {(s.computer_fqdn or s.computer).lower() for s in ctx.collected.sfb}
    collected |= {s.computer.lower() for s in ctx.collected.sfb}
    listed = sorted({c for s in ctx.collected.sfb for p in s.pools for c in p.computers})
    absent = [c for c in listed if c not in collected and c.split(".")[0] not in collected]
    if absent:
        return [finding(rule, phase, Status.WARN, title,
                        f"All collected Front Ends use {short(pool_cert.thumbprint)}, but {', '.join(absent)} "
                        "were not collected.", "Run sfb-collect.ps1 on " + ", ".join(absent) + " and load the files.",
                        evidence=tuple(evidence), tags=("sfb",))]
    return [finding(rule, phase, Status.PASS, title,
                    f"Every collected Front End signs with {short(pool_cert.thumbprint)}.", evidence=tuple(evidence),
                    tags=("sfb",))]


def _token_issuer_catch_up(ctx: RuleContext, servers: list[str], thumbprint: str) -> str:
    """What to do when the pool's certificate is right but some Front Ends sign with another: the Central
    Management Store replicates the OAuthTokenIssuer (with its private key) to every Front End, so a server
    that signs with another one has not received the latest configuration. Setting the global certificate
    again would change nothing there. "" when a server name is not a valid FQDN (the command cannot name it)."""
    try:
        names = [validation.fqdn(server) for server in servers]
    except InvalidValue:
        return ""
    status = "; ".join(cmd.get_cs_management_store_replication_status(n) for n in names)
    replicate = "; ".join(cmd.invoke_cs_management_store_replication(n) for n in names)
    return (f"In the {Shell.SFB.title}: {status} (UpToDate must be True); if it is not, {replicate}, wait for "
            f"UpToDate, then check that Get-CsCertificate -Type OAuthTokenIssuer on that server shows {thumbprint}. "
            "Only if the pool's own certificate is the wrong one, set it once: "
            + cmd.set_cs_oauth_token_issuer(Placeholder("thumbprint")) + ".")


@declare("sfb-token-issuer-expiry", Phase.CERTIFICATES, "OAuthTokenIssuer certificate validity")
def rule_sfb_token_issuer_expiry(ctx: RuleContext, spec: RuleSpec) -> list[ProbeResult]:
    rule, phase, title = spec
    if not ctx.topology.sfb_on_prem:
        return []
    if not ctx.collected.sfb:
        return _no_sfb(rule, phase, title)
    cert, successor = sfb_token_issuer(ctx)
    if cert is None:
        return []  # the consistency rule reports a missing certificate
    status, phrase = expiry(cert.not_after, ctx.now)
    evidence = (Evidence("Thumbprint", cert.thumbprint), Evidence("Subject", cert.subject),
                Evidence("NotAfter", cert.not_after.isoformat() if cert.not_after else "(unknown)"))
    detail = f"The OAuthTokenIssuer certificate {short(cert.thumbprint)} ({cert.subject}) {phrase}."
    if status is not Status.PASS and successor is not None and successor.effective_date is not None:
        next_status, next_phrase = expiry(successor.not_after, ctx.now)
        if next_status is Status.PASS and cert.not_after and successor.effective_date <= cert.not_after:
            return [finding(rule, phase, Status.PASS, title,
                            f"{detail} A rolled successor {short(successor.thumbprint)} takes over on "
                            f"{successor.effective_date.date().isoformat()} and {next_phrase}.", evidence=evidence,
                            tags=("sfb",))]
    if status is Status.PASS:
        return [finding(rule, phase, Status.PASS, title, detail, evidence=evidence, tags=("sfb",))]
    remedy = ctx.fix("certificates.sfb-oauth-token-issuer", Shell.SFB,
                     _ROLL + " (see the rotation plan: analyze --plan-out)")
    if status is Status.FAIL:
        detail += " Exchange and the tenant reject every token it signs."
    return [finding(rule, phase, status, title, detail, remedy, evidence=evidence, tags=("sfb",))]


@declare("sfb-token-issuer-properties", Phase.CERTIFICATES, "OAuthTokenIssuer key size and subject")
def rule_sfb_token_issuer_properties(ctx: RuleContext, spec: RuleSpec) -> list[ProbeResult]:
    """At least 2048 bits and the SIP domain in the subject (assign-a-server-to-server-certificate)."""
    rule, phase, title = spec
    if not ctx.topology.sfb_on_prem or not ctx.collected.sfb:
        return []
    cert, _ = sfb_token_issuer(ctx)
    if cert is None:
        return []
    sizes = [c.key_size for s in ctx.collected.sfb for c in s.local_certificates
             if c.thumbprint == cert.thumbprint and c.key_size]
    size = cert.key_size or (sizes[0] if sizes else None)
    domain = ctx.scenario.default_sip_domain.lower()
    names = [cert.subject.lower(), *(n.lower() for n in cert.alternative_names)]
    carries_domain = any(domain and (f"={domain}" in n or f".{domain}" in n or n == domain
                                     or n.endswith(f":{domain}")) for n in names)
    evidence = (Evidence("Subject", cert.subject), Evidence("KeySize", str(size) if size else "(unknown)"))
    remedy = ctx.fix("certificates.sfb-oauth-token-issuer", Shell.SFB,
                     f"request a new certificate ({MIN_RSA_KEY_BITS}-bit or larger, SIP domain in the subject) and "
                     f"roll it in with {_ROLL}")
    if size is not None and size < MIN_RSA_KEY_BITS:
        return [finding(rule, phase, Status.FAIL, title,
                        f"The OAuthTokenIssuer key is {size} bits; at least {MIN_RSA_KEY_BITS} are required.", remedy,
                        evidence=evidence, tags=("sfb",))]
    if domain and not carries_domain:
        return [finding(rule, phase, Status.WARN, title,
                        f"The subject {cert.subject} does not carry the SIP domain {domain}; the OAuthTokenIssuer "
                        "certificate should name it.", remedy, evidence=evidence, tags=("sfb",))]
    size_text = f"{size}-bit key" if size else "key size not reported"
    return [finding(rule, phase, Status.PASS, title, f"{cert.subject}, {size_text}.", evidence=evidence,
                    tags=("sfb",))]


@declare("sfb-token-issuer-published", Phase.CERTIFICATES, "OAuthTokenIssuer in the SfB metadata")
def rule_sfb_token_issuer_published(ctx: RuleContext, spec: RuleSpec) -> list[ProbeResult]:
    """The pool's metadata document must publish the certificate the Front Ends sign with."""
    rule, phase, title = spec
    if not ctx.topology.sfb_on_prem or not ctx.collected.sfb:
        return []
    documents = ctx.published.of("sfb")
    cert, successor = sfb_token_issuer(ctx)
    if cert is None:
        return []
    if not documents:
        return [finding(rule, phase, Status.SKIP, title,
                        "No SfB metadata document was given (use --live, --metadata FILE or "
                        "--sfb-metadata-thumbprint).")]
    stale = [d for d in documents if cert.thumbprint not in d.thumbprints]
    evidence = tuple(Evidence(d.source, ", ".join(sorted(d.thumbprints))) for d in documents)
    if stale:
        names = ", ".join(d.source for d in stale)
        return [finding(rule, phase, Status.FAIL, title,
                        f"{names} publishes {', '.join(short(t) for d in stale for t in sorted(d.thumbprints))} but "
                        f"the Front Ends sign with {short(cert.thumbprint)}; Exchange validates SfB's tokens against "
                        "the published key and rejects them.",
                        ctx.fix("partner-applications.exchange-trusts-sfb", Shell.EXCHANGE,
                                cmd.refresh_sfb_metadata() + " (after the Front Ends publish the certificate they "
                                                             "sign with)"),
                        evidence=evidence, tags=("sfb",))]
    note = f" The successor {short(successor.thumbprint)} is published too." if successor and all(
        successor.thumbprint in d.thumbprints for d in documents) else ""
    return [finding(rule, phase, Status.PASS, title,
                    f"The metadata publishes {short(cert.thumbprint)}, the certificate in use.{note}",
                    evidence=evidence, tags=("sfb",))]


# ----------------------------------------------------------------------------------------------
# Exchange auth certificate
# ----------------------------------------------------------------------------------------------
def _exchange_oauth(ctx: RuleContext) -> bool:
    return ctx.topology.exchange_on_prem and ctx.topology.exchange_has_oauth


@declare("exchange-auth-cert-expiry", Phase.CERTIFICATES, "Exchange auth certificate validity")
def rule_exchange_auth_cert_expiry(ctx: RuleContext, spec: RuleSpec) -> list[ProbeResult]:
    """The current (and next) Exchange auth certificate must be valid; OWA/ECP break when it expires."""
    rule, phase, title = spec
    if not _exchange_oauth(ctx):
        return []
    exchange = ctx.collected.exchange
    if exchange is None:
        return _no_exchange(rule, phase, title)
    config = exchange.auth_config
    if config is None:
        return [finding(rule, phase, Status.SKIP, title, "Get-AuthConfig could not be read.")]
    renew = ctx.fix("certificates.exchange-auth", Shell.EXCHANGE,
                    "; ".join(cmd.renew_exchange_auth_certificate(Placeholder("new")))
                    + " (see the rotation plan: analyze --plan-out)")
    if not config.current_thumbprint:
        return [finding(rule, phase, Status.FAIL, title, "AuthConfig has no CurrentCertificateThumbprint.", renew,
                        tags=("exchange",))]
    current = exchange_certificate(exchange, config.current_thumbprint)
    evidence = [Evidence("CurrentCertificateThumbprint", config.current_thumbprint)]
    if current is None:
        return [finding(rule, phase, Status.FAIL, title,
                        f"The current auth certificate {short(config.current_thumbprint)} is on none of the servers "
                        "collected, so its validity is unknown and Exchange cannot sign with it.", renew,
                        evidence=tuple(evidence), tags=("exchange",))]
    status, phrase = expiry(current.not_after, ctx.now)
    detail = f"The auth certificate {short(current.thumbprint)} {phrase}."
    nxt = exchange_certificate(exchange, config.next_thumbprint)
    if config.next_thumbprint:
        evidence.append(Evidence("NextCertificateThumbprint", config.next_thumbprint))
        when = config.next_effective_date
        if nxt is None:
            status = max(status, Status.WARN, key=_rank)
            detail += f" The next certificate {short(config.next_thumbprint)} is on none of the collected servers."
        else:
            next_status, next_phrase = expiry(nxt.not_after, ctx.now)
            takes_over = f"takes over on {when.date().isoformat()}" if when else "has no effective date"
            detail += f" The next certificate {short(nxt.thumbprint)} {takes_over} and {next_phrase}."
            if next_status is Status.FAIL:
                status = Status.FAIL
            elif status is Status.WARN and next_status is Status.PASS and when and current.not_after and (
                    when <= current.not_after):
                status = Status.PASS
    if status is Status.FAIL and current.not_after and current.not_after <= ctx.now:
        detail += " OWA and ECP fail (HMACProvider.GetCertificates) and OAuth partners reject Exchange's tokens."
    return [finding(rule, phase, status, title, detail, renew if status is not Status.PASS else "",
                    evidence=tuple(evidence), tags=("exchange",))]


def _rank(status: Status) -> int:
    return {Status.PASS: 0, Status.SKIP: 0, Status.WARN: 1, Status.FAIL: 2, Status.ERROR: 2}[status]


@declare("exchange-auth-cert-servers", Phase.CERTIFICATES, "Exchange auth certificate on every server")
def rule_exchange_auth_cert_servers(ctx: RuleContext, spec: RuleSpec) -> list[ProbeResult]:
    """Get-ExchangeCertificate on each server must list the current (and next) auth certificate."""
    rule, phase, title = spec
    if not _exchange_oauth(ctx):
        return []
    exchange = ctx.collected.exchange
    if exchange is None:
        return _no_exchange(rule, phase, title)
    config = exchange.auth_config
    if config is None or not config.current_thumbprint:
        return []
    wanted = [t for t in (config.current_thumbprint, config.next_thumbprint) if t]
    by_server: dict[str, set[str]] = {}
    for cert in exchange.certificates:
        by_server.setdefault(cert.server.lower(), set()).add(cert.thumbprint)
    missing = [(server, t) for server, thumbs in sorted(by_server.items()) for t in wanted if t not in thumbs]
    failed = [e.source.rpartition(" ")[2] for e in exchange.errors if e.source.startswith("Get-ExchangeCertificate")]
    expected = {s.lower() for s in ctx.scenario.exchange_fqdns}
    not_seen = sorted(expected - set(by_server) - {f.lower() for f in failed})
    evidence = tuple(Evidence(server, ", ".join(short(t) for t in sorted(thumbs))) for server, thumbs in
                     sorted(by_server.items()))
    if missing:
        text = "; ".join(f"{server} lacks {short(t)}" for server, t in missing)
        server = missing[0][0]
        return [finding(rule, phase, Status.FAIL, title,
                        f"{text}. A server without the auth certificate cannot sign or validate tokens.",
                        ctx.fix("certificates.exchange-auth", Shell.EXCHANGE,
                                cmd.restart_service_host(host_value(server))
                                + " (the service host copies the auth certificate), or Export-/Import-"
                                  "ExchangeCertificate it there; MonitorExchangeAuthCertificate.ps1 checks every "
                                  "server"),
                        evidence=evidence, tags=("exchange",))]
    if failed or not_seen:
        unknown = ", ".join(failed + not_seen)
        return [finding(rule, phase, Status.WARN, title,
                        f"Could not check {unknown}: Get-ExchangeCertificate did not answer there.",
                        "Run exchange-collect.ps1 where those servers can be reached (or on them) and load the file.",
                        evidence=evidence, tags=("exchange",))]
    return [finding(rule, phase, Status.PASS, title,
                    f"All {len(by_server)} servers hold {', '.join(short(t) for t in wanted)}.", evidence=evidence,
                    tags=("exchange",))]


@declare("exchange-auth-cert-published", Phase.CERTIFICATES, "Auth certificate in the Exchange metadata")
def rule_exchange_auth_cert_published(ctx: RuleContext, spec: RuleSpec) -> list[ProbeResult]:
    """Exchange's metadata document must publish the current auth certificate."""
    rule, phase, title = spec
    if not _exchange_oauth(ctx):
        return []
    exchange = ctx.collected.exchange
    if exchange is None or exchange.auth_config is None or not exchange.auth_config.current_thumbprint:
        return []
    documents = ctx.published.of("exchange")
    if not documents:
        return [finding(rule, phase, Status.SKIP, title,
                        "No Exchange metadata document was given (use --live, --metadata FILE or "
                        "--exchange-metadata-thumbprint).")]
    current = exchange.auth_config.current_thumbprint
    stale = [d for d in documents if current not in d.thumbprints]
    evidence = tuple(Evidence(d.source, ", ".join(sorted(d.thumbprints))) for d in documents)
    if stale:
        return [finding(rule, phase, Status.FAIL, title,
                        f"{', '.join(d.source for d in stale)} does not publish the current auth certificate "
                        f"{short(current)}; partners trust the published key and reject Exchange's tokens.",
                        ctx.fix("certificates.exchange-auth", Shell.EXCHANGE,
                                f"{cmd.set_auth_config_publish()}; Restart-Service MSExchangeServiceHost; iisreset "
                                "(publication can take up to an hour)"),
                        evidence=evidence, tags=("exchange",))]
    return [finding(rule, phase, Status.PASS, title, f"The metadata publishes {short(current)}.", evidence=evidence,
                    tags=("exchange",))]


# ----------------------------------------------------------------------------------------------
# Tenant
# ----------------------------------------------------------------------------------------------
@declare("tenant-service-principal-keys", Phase.HYBRID, "Certificates on the tenant's service principals")
def rule_tenant_service_principal_keys(ctx: RuleContext, spec: RuleSpec) -> list[ProbeResult]:
    """The tenant's service principals must hold the on-premises signing certificates as key credentials."""
    wanted = expected_principals(ctx)
    if not wanted:
        return []
    return ctx.beyond_scenario(_tenant_service_principal_keys(ctx, spec, wanted), ctx.topology.involves_tenant,
                               "Microsoft Teams or Exchange Online is used")


def _tenant_service_principal_keys(ctx: RuleContext, spec: RuleSpec, wanted: dict[str, list[str]]
                                   ) -> list[ProbeResult]:
    rule, phase, title = spec
    graph = ctx.collected.graph
    if graph is None:
        return [finding(rule, phase, Status.SKIP, title, "No Microsoft Graph collector output was loaded.",
                        "Connect-MgGraph -Scopes Application.Read.All, run graph-collect.ps1 and load the file.")]
    certs: dict[str, Certificate] = {}
    exchange = ctx.collected.exchange
    if "exchange-auth" in wanted and exchange and exchange.auth_config:
        cert = exchange_certificate(exchange, exchange.auth_config.current_thumbprint)
        if cert:
            certs["exchange-auth"] = cert
    if "sfb-oauth" in wanted:
        cert, _ = sfb_token_issuer(ctx)
        if cert:
            certs["sfb-oauth"] = cert
    if not certs:
        return [finding(rule, phase, Status.SKIP, title,
                        "The on-premises certificates are unknown (no Exchange or SfB collector output).")]
    labels = {"exchange-auth": "Exchange auth certificate", "sfb-oauth": "SfB OAuthTokenIssuer certificate"}
    upload_steps = {"exchange-auth": "hybrid.upload-exchange-auth-certificate",
                    "sfb-oauth": "hybrid.upload-sfb-oauth-certificate"}
    problems: list[str] = []
    remedies: dict[str, str] = {}
    evidence: list[Evidence] = []
    for role, cert in certs.items():
        for app_id in wanted[role]:
            sp = graph.principal(app_id)
            if sp is None or not sp.found:
                if app_id == SFB_SERVICE_ID:
                    problems.append(f"service principal {app_id} was not found in the tenant")
                continue
            keys = [k for k in sp.key_credentials if k.thumbprint == cert.thumbprint]
            evidence.append(Evidence(f"{sp.display_name or app_id}", f"{len(sp.key_credentials)} keys; "
                                     f"{labels[role]} {'present' if keys else 'missing'}"))
            ended = bool(keys) and all(k.end is not None and k.end <= ctx.now for k in keys) and bool(
                cert.not_after and cert.not_after > ctx.now)
            if not keys:
                problems.append(f"{sp.display_name or app_id} ({app_id}) lacks the {labels[role]} "
                                f"{short(cert.thumbprint)}")
            elif ended:
                problems.append(f"the key for {short(cert.thumbprint)} on {sp.display_name or app_id} has ended")
            if keys and not ended:
                continue
            remedies[role] = ctx.fix(upload_steps[role], Shell.GRAPH,
                                 "Update-MgServicePrincipal -KeyCredentials with the existing keys plus the "
                                 "certificate (the update replaces the list: merge, never overwrite)")
    if problems:
        return [finding(rule, phase, Status.FAIL, title,
                        "; ".join(problems) + ". The cloud side rejects tokens signed with a key it does not hold.",
                        " ".join(remedies.values()) or "Check the service principals in the Entra admin center.",
                        evidence=tuple(evidence), tags=("tenant",))]
    return [finding(rule, phase, Status.PASS, title,
                    "Every expected service principal holds the on-premises certificates.", evidence=tuple(evidence),
                    tags=("tenant",))]


# ----------------------------------------------------------------------------------------------
# Dedicated hybrid applications (2025)
# ----------------------------------------------------------------------------------------------
GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
HYBRID_APP_SOURCES = (
    "Microsoft Learn \u201cDeploy dedicated Exchange hybrid app\u201d "
    "(https://aka.ms/ConfigureExchangeHybridApplication-Docs); "
    "microsoft/CSS-Exchange \u201cConfigureExchangeHybridApplication\u201d "
    "(https://github.com/microsoft/CSS-Exchange/blob/main/docs/Hybrid/ConfigureExchangeHybridApplication.md)")
HYBRID_APP_CONSEQUENCE = (
    "Since 31 October 2025 Exchange Online refuses EWS calls that Exchange Server makes through the shared Exchange "
    f"Online service principal ({EXCHANGE_SERVICE_ID}): free/busy, MailTips and profile photos between on-premises "
    "and Exchange Online mailboxes fail without the dedicated application (Microsoft Tech Community, \u201cExchange "
    "Server Security Changes for Hybrid Deployments\u201d).")
HYBRID_APP_FIX = (
    "Run the current Hybrid Configuration Wizard, or, in the Exchange Management Shell, "
    f"{cmd.exchange_hybrid_application('FullyConfigureExchangeHybridApplication')} from microsoft/CSS-Exchange: it "
    "creates the application in Entra ID, uploads the auth certificate to it, sets the evoSTS auth server's "
    f"ApplicationIdentifier and creates the {HYBRID_APP_OVERRIDE_SECTION} setting override. Sources: "
    f"{HYBRID_APP_SOURCES}.")


def evosts_servers(exchange: ExchangeCollection) -> list[AuthServer]:
    """The enabled AzureAD (evoSTS) auth servers: Exchange's OAuth trust in Entra ID."""
    return [a for a in exchange.auth_servers or () if a.enabled and a.type.lower() == "azuread"]


def dedicated_hybrid_app_id(exchange: ExchangeCollection, tenant_id: str = "") -> str:
    """The app ID of the dedicated Exchange hybrid application the evoSTS auth server names, or ''.

    HealthChecker's test: an enabled AzureAD auth server whose ApplicationIdentifier is a GUID; with several
    tenants, the one whose Realm is this tenant.
    """
    named = [a for a in evosts_servers(exchange) if GUID.fullmatch(a.application_identifier)]
    mine = [a for a in named if a.realm == tenant_id.lower()] if tenant_id else named
    chosen = mine or named
    return chosen[0].application_identifier if chosen else ""


def _exchange_oauth_to_online(exchange: ExchangeCollection) -> bool:
    """HealthChecker's 'OAuth between Exchange Server and Exchange Online': an enabled evoSTS or ACS auth
    server and the enabled Exchange Online partner application."""
    servers = [a for a in exchange.auth_servers or () if a.enabled and a.type.lower() in ("azuread", "microsoftacs")]
    partner = [p for p in exchange.partner_applications
               if p.application_identifier == EXCHANGE_SERVICE_ID and p.enabled]
    return bool(servers) and bool(partner)


@declare("exchange-hybrid-app", Phase.HYBRID, "Dedicated Exchange hybrid application")
def rule_exchange_hybrid_app(ctx: RuleContext, spec: RuleSpec) -> list[ProbeResult]:
    """Exchange hybrid: the evoSTS auth server names the dedicated app and the setting override enables it."""
    rule, phase, title = spec
    topology = ctx.topology
    if not (topology.exchange_on_prem and topology.exchange_has_oauth
            and (topology.involves_tenant or ctx.collected_tenant)):
        return []
    exchange = ctx.collected.exchange
    if exchange is None:
        return _no_exchange(rule, phase, title)
    if exchange.auth_servers is None or exchange.setting_overrides is None:
        return [finding(rule, phase, Status.SKIP, title,
                        "The Exchange collector output predates this check (no Get-AuthServer / Get-SettingOverride "
                        "data).", "Write the collectors again (analyze --collectors-out DIR) and run "
                        "exchange-collect.ps1.")]
    unread = [c for c in ("Get-AuthServer", "Get-SettingOverride") if exchange.failed(c)]
    if unread:
        return [finding(rule, phase, Status.SKIP, title, f"{' and '.join(unread)} could not be read.")]
    hybrid = topology.exchange is ExchangeKind.HYBRID
    if not hybrid and not _exchange_oauth_to_online(exchange):
        return [finding(rule, phase, Status.PASS, title,
                        "Every mailbox is on premises and no OAuth between Exchange Server and Exchange Online is "
                        "configured, so Exchange Server makes no calls the dedicated hybrid application would carry.",
                        tags=("exchange",))]
    missing_status = Status.FAIL if hybrid else Status.WARN
    app_id = dedicated_hybrid_app_id(exchange, ctx.scenario.tenant_id)
    overrides = [o for o in exchange.setting_overrides
                 if o.component.lower() == "global" and o.section.lower() == HYBRID_APP_OVERRIDE_SECTION.lower()]
    evidence = [Evidence(f"AuthServer {a.name}", f"Type={a.type}; ApplicationIdentifier="
                         f"{a.application_identifier or '(none)'}; Realm={a.realm or '(none)'}; Enabled={a.enabled}")
                for a in exchange.auth_servers]
    evidence += [Evidence(f"SettingOverride {o.name}", "; ".join(o.parameters) or "(no parameters)")
                 for o in overrides]
    scope = ("" if hybrid else " The scenario keeps every mailbox on premises, but Exchange Server has OAuth with "
             "Exchange Online, so cross-premises calls exist.")

    def result(status: Status, detail: str, remedy: str = "") -> list[ProbeResult]:
        return [finding(rule, phase, status, title, detail, remedy, evidence=tuple(evidence), tags=("exchange",))]

    if topology.exchange_version is ExchangeVersion.V2013:
        return result(missing_status,
                      "Exchange Server 2013 got no update with the dedicated hybrid application (it needs Exchange "
                      f"2016 CU23 or 2019 CU14/CU15 with the April 2025 hotfix update, or Exchange SE). "
                      f"{HYBRID_APP_CONSEQUENCE}{scope}",
                      "Move the hybrid to Exchange SE, then run the current Hybrid Configuration Wizard. Sources: "
                      f"{HYBRID_APP_SOURCES}.")
    if not evosts_servers(exchange):
        return result(missing_status,
                      "There is no enabled evoSTS (AzureAD) auth server, so Exchange Server has no OAuth trust in "
                      f"Entra ID for the dedicated application to use. {HYBRID_APP_CONSEQUENCE}{scope}",
                      "Run the current Hybrid Configuration Wizard (it creates the evoSTS auth server and, in its "
                      f"current version, the dedicated application). Sources: {HYBRID_APP_SOURCES}.")
    if len(overrides) > 1:
        return result(Status.FAIL,
                      f"{len(overrides)} setting overrides for {HYBRID_APP_OVERRIDE_SECTION} exist "
                      f"({', '.join(o.name for o in overrides)}); which one wins cannot be told (HealthChecker "
                      "reports the same).",
                      "Keep one: remove the others with Remove-SettingOverride, then run "
                      f"{cmd.exchange_hybrid_application('EnableExchangeHybridApplicationOverride')}. Sources: "
                      f"{HYBRID_APP_SOURCES}.")
    override = overrides[0] if overrides else None
    if override is not None and override.enabled is not True:
        state = "disables" if override.enabled is False else "does not say Enabled=true for"
        return result(missing_status,
                      f"The setting override {override.name} {state} the dedicated application, so Exchange Server "
                      f"still calls Exchange Online through the shared service principal. {HYBRID_APP_CONSEQUENCE}"
                      f"{scope}",
                      f"Remove {override.name} (Remove-SettingOverride) and run "
                      f"{cmd.exchange_hybrid_application('EnableExchangeHybridApplicationOverride')}. Sources: "
                      f"{HYBRID_APP_SOURCES}.")
    if not app_id and override is None:
        return result(missing_status,
                      "The dedicated Exchange hybrid application is not configured: no evoSTS auth server names an "
                      f"application ID and there is no {HYBRID_APP_OVERRIDE_SECTION} setting override. "
                      f"{HYBRID_APP_CONSEQUENCE}{scope}", HYBRID_APP_FIX)
    if not app_id:
        return result(Status.FAIL,
                      f"Half done: the setting override {override.name if override else ''} switches Exchange to the "
                      "dedicated application, but no enabled evoSTS auth server names its application ID, so "
                      "Exchange cannot get a token for it (HealthChecker: \u201cNo valid AuthServer object was found "
                      "that supports the dedicated Exchange Hybrid Application\u201d).",
                      f"{cmd.exchange_hybrid_application('ConfigureAuthServer')} (where the Exchange server cannot "
                      "reach Microsoft Graph: " + cmd.exchange_hybrid_application(
                          "ConfigureAuthServer", custom_app_id=Placeholder("app ID"),
                          tenant_id=ctx.scenario.tenant_id or Placeholder("tenant ID"))
                      + f"). Sources: {HYBRID_APP_SOURCES}.")
    if override is None:
        return result(missing_status,
                      f"Half done: the evoSTS auth server names the application {app_id}, but the "
                      f"{HYBRID_APP_OVERRIDE_SECTION} setting override is missing, so Exchange Server still uses the "
                      f"shared service principal. {HYBRID_APP_CONSEQUENCE}{scope}",
                      f"{cmd.exchange_hybrid_application('EnableExchangeHybridApplicationOverride')}. Sources: "
                      f"{HYBRID_APP_SOURCES}.")
    return _hybrid_app_in_tenant(ctx, exchange, app_id, override.name, result)


def _hybrid_app_in_tenant(ctx: RuleContext, exchange: ExchangeCollection, app_id: str, override: str,
                          result: Callable[[Status, str, str], list[ProbeResult]]) -> list[ProbeResult]:
    """The on-premises half is configured; the tenant's application must exist and hold the auth certificate."""
    configured = (f"The evoSTS auth server names the dedicated application {app_id} and the setting override "
                  f"{override} enables it.")
    graph = ctx.collected.graph
    if graph is None or graph.applications is None:
        return result(Status.PASS, configured + " The application in Entra ID was not checked (load "
                      "graph-collect.ps1's output, written for this scenario, to check it).", "")
    app = graph.application(app_id)
    if app is None:
        return result(Status.FAIL,
                      f"{configured} But tenant {graph.tenant_id or '(unknown)'} has no application with app ID "
                      f"{app_id} (deleted, or the auth server points at another tenant).",
                      f"{cmd.exchange_hybrid_application('FullyConfigureExchangeHybridApplication')} (it creates the "
                      f"application again and updates the auth server). Sources: {HYBRID_APP_SOURCES}.")
    config = exchange.auth_config
    wanted = [t for t in ((config.current_thumbprint, config.next_thumbprint) if config else ()) if t]
    valid = {k.thumbprint for k in app.key_credentials if k.end is None or k.end > ctx.now}
    held = {k.thumbprint for k in app.key_credentials}

    def still_valid(thumbprint: str) -> bool:  # an expired certificate is the expiry rule's finding
        cert = exchange_certificate(exchange, thumbprint)
        return cert is None or cert.not_after is None or cert.not_after > ctx.now

    lacking = [t for t in wanted if t not in held or (t not in valid and still_valid(t))]
    leftover = ""
    shared = graph.principal(EXCHANGE_SERVICE_ID)
    on_shared = [k.thumbprint for k in shared.key_credentials if k.thumbprint in wanted] if shared else []
    if on_shared:
        leftover = (" The auth certificate is still a key credential of the shared Exchange Online service principal; "
                    + cmd.exchange_hybrid_application("ResetFirstPartyServicePrincipalKeyCredentials",
                                                      certificate_information=on_shared[0])
                    + " removes it there (without -CertificateInformation the switch "
                    "removes every key of the principal, including Skype for Business Server's OAuthTokenIssuer "
                    "certificate), as the script's documentation describes.")
    if lacking:
        current = bool(config and config.current_thumbprint in lacking)
        return result(Status.FAIL if current else Status.WARN,
                      f"{configured} But {app.display_name or app_id} does not hold the "
                      f"{'current' if current else 'next'} auth certificate {short(lacking[0])} as a valid key "
                      "credential, so Exchange Online rejects the tokens Exchange Server signs with it "
                      f"(a half-done renewal).{leftover}",
                      f"{cmd.exchange_hybrid_application('UpdateCertificate')} (uploads the current and the next "
                      f"auth certificate). Sources: {HYBRID_APP_SOURCES}.")
    return result(Status.PASS, f"{configured} {app.display_name or app_id} holds the auth certificate.{leftover}", "")


# ----------------------------------------------------------------------------------------------
# Skype for Business Server's dedicated hybrid application (reported, not confirmed by Microsoft text)
# ----------------------------------------------------------------------------------------------
# Builds third-party summaries of Microsoft's August 2025 announcement name as the first with the application.
SFB_HYBRID_APP_BUILDS: dict[SfbVersion, tuple[str, str]] = {
    SfbVersion.V2015: ("6.0.9319.881", "Skype for Business Server 2015 CU13, KB3061064"),
    SfbVersion.V2019: ("7.0.2046.553", "Skype for Business Server 2019 CU8, KB4470124"),
    SfbVersion.SE: ("7.0.2046.820", "Skype for Business Server Subscription Edition RTM, KB5065372"),
}
SFB_HYBRID_APP_REPORTS = (
    "third-party summaries (Maxime Hiez, \u201cAugust 2025 update for Skype for Business Server\u201d; Windows Forum, "
    "\u201cAugust 2025: Dedicated Hybrid App for Skype for Business Hybrid\u201d) of Microsoft Tech Community's "
    "\u201cReleased: August 2025 Skype for Business Server Hotfix Updates\u201d, which this wizard could not read")


def _build(text: str) -> tuple[int, ...]:
    parts = re.findall(r"\d+", text)
    return tuple(int(p) for p in parts[:4]) if len(parts) >= 4 else ()


@declare("sfb-hybrid-app", Phase.HYBRID, "Dedicated Skype for Business hybrid application")
def rule_sfb_hybrid_app(ctx: RuleContext, spec: RuleSpec) -> list[ProbeResult]:
    """SfB Server with Exchange Online mailboxes: what is reported about the August 2025 application, labelled."""
    rule, phase, title = spec
    topology = ctx.topology
    if not (topology.sfb_on_prem and topology.exchange_online_mailboxes and topology.involves_tenant):
        return []
    version = topology.sfb_version
    reported = (f"Reported, not confirmed by a Microsoft text found here: the August 2025 hotfix updates add an "
                f"application the tenant owns, configured with ConfigureSkypeforBusinessHybridApplication.ps1 on a "
                f"Front End, in place of the shared {SFB_SERVICE_ID} principal for Skype for Business Server's access "
                "to Exchange Online mailboxes (archiving, calendar-based presence, photos); calls through the shared "
                f"principal reportedly fail after 15 October 2025. Source: {SFB_HYBRID_APP_REPORTS}. Which objects "
                "the script creates is unknown, so nothing is checked beyond the installed build.")
    fix = ("Read Microsoft's release notes (KB article) of the latest hotfix update for your version and follow them "
           "where they ask for ConfigureSkypeforBusinessHybridApplication.ps1.")
    if version is SfbVersion.V2013 or version is None:
        return [finding(rule, phase, Status.WARN, title,
                        f"Lync Server 2013 got no such update. {reported}", fix, tags=("sfb",))]
    minimum, update = SFB_HYBRID_APP_BUILDS[version]
    evidence: list[Evidence] = []
    behind: list[str] = []
    unknown: list[str] = []
    for sfb in ctx.collected.sfb:
        name = sfb.computer_fqdn or sfb.computer
        builds = [(_build(p.version), p.version) for p in sfb.patch_versions or () if _build(p.version)]
        if not builds:
            unknown.append(name)
            continue
        highest = max(builds)
        evidence.append(Evidence(name, highest[1]))
        if highest[0] < _build(minimum):
            behind.append(f"{name} ({highest[1]})")
    if behind:
        detail = (f"{', '.join(behind)} run a build below {minimum}, the first the summaries name for the "
                  f"application ({update}).")
    elif evidence:
        detail = f"Every collected Front End runs {minimum} ({update}) or later."
    else:
        detail = "The installed builds were not collected (Get-CsServerPatchVersion)."
    if unknown and evidence:
        detail += f" No build was collected for {', '.join(unknown)}."
    return [finding(rule, phase, Status.WARN, title, f"{detail} {reported}", fix, evidence=tuple(evidence),
                    tags=("sfb",))]


# ----------------------------------------------------------------------------------------------
# EWS access policies
# ----------------------------------------------------------------------------------------------
TEAMS_EWS_AGENT = "SchedulingService"
TEAMS_EXCHANGE_SUPPORT = ("Microsoft support, \u201cResolve interaction issues between Teams and Exchange Server\u201d "
                          "(https://learn.microsoft.com/troubleshoot/exchange/calendars/teams-exchange-interaction-"
                          "issue)")


def admits_teams(entries: tuple[str, ...]) -> bool:
    """Whether an EWS allow list (user-agent wildcards) admits the Teams scheduling service's agent."""
    sample = f"-{TEAMS_EWS_AGENT}-".lower()
    return any(fnmatchcase(sample, entry.strip().lower()) for entry in entries if entry.strip())


def _ews_policy_problems(where: str, policy: EwsPolicy, teams: bool) -> list[str]:
    problems = []
    if policy.enabled is False:
        problems.append(f"{where}: EwsEnabled is False, so every EWS client is refused")
    elif teams and policy.application_access_policy.lower() == "enforceallowlist" and not admits_teams(
            policy.allow_list):
        listed = ", ".join(policy.allow_list) or "(empty)"
        problems.append(f"{where}: EwsApplicationAccessPolicy EnforceAllowList with EwsAllowList {listed}, which "
                        f"does not admit *{TEAMS_EWS_AGENT}*")
    return problems


@declare("exchange-ews-access", Phase.PREREQUISITES, "EWS access on Exchange Server")
def rule_exchange_ews_access(ctx: RuleContext, spec: RuleSpec) -> list[ProbeResult]:
    """EwsEnabled must not be off, and an allow list must admit *SchedulingService* where Teams reaches mailboxes."""
    rule, phase, title = spec
    topology = ctx.topology
    if not (topology.exchange_on_prem and topology.exchange_has_oauth):
        return []
    exchange = ctx.collected.exchange
    if exchange is None:
        return _no_exchange(rule, phase, title)
    if exchange.organization_ews is None:
        why = ("Get-OrganizationConfig could not be read." if exchange.failed("Get-OrganizationConfig") else
               "The Exchange collector output predates this check (no EWS settings).")
        return [finding(rule, phase, Status.SKIP, title, why)]
    teams = topology.teams_users
    problems = _ews_policy_problems("the organisation", exchange.organization_ews, teams)
    for mailbox in exchange.cas_mailboxes or ():
        problems += _ews_policy_problems(f"mailbox {mailbox.address or mailbox.identity}", mailbox.policy, teams)
    evidence = [Evidence("organisation", _policy_text(exchange.organization_ews))]
    evidence += [Evidence(m.address or m.identity, _policy_text(m.policy)) for m in exchange.cas_mailboxes or ()]
    users = "Microsoft Teams (calendar, meetings, delegates) and " if teams else ""
    if problems:
        commands = []
        if exchange.organization_ews.enabled is False:
            commands.append(cmd.set_organization_ews(enabled=True) + " (after finding out why it was turned off)")
        agent = "*" + TEAMS_EWS_AGENT + "*"
        if teams:
            commands.append(cmd.set_organization_ews(allow_list_add=agent) + " where the organisation enforces "
                            "an allow list")
        commands += [cmd.set_mailbox_ews(m.address, enabled=True) if m.policy.enabled is False else
                     cmd.set_mailbox_ews(m.address, allow_list_add=agent)
                     for m in exchange.cas_mailboxes or () if _ews_policy_problems("", m.policy, teams) and m.address]
        return [finding(rule, phase, Status.FAIL, title,
                        "; ".join(problems) + f". {users}Skype for Business Server reach mailboxes on Exchange Server "
                        f"through EWS ({TEAMS_EXCHANGE_SUPPORT}; Microsoft Learn \u201cPlan to integrate Skype for "
                        "Business and Exchange\u201d).",
                        "In the Exchange Management Shell: " + "; ".join(commands),
                        evidence=tuple(evidence), tags=("exchange",))]
    checked = f" and {len(exchange.cas_mailboxes or ())} test mailbox(es)" if exchange.cas_mailboxes else ""
    allow = f"; an allow list, where used, admits *{TEAMS_EWS_AGENT}*" if teams else ""
    return [finding(rule, phase, Status.PASS, title,
                    f"EWS is not turned off for the organisation{checked}{allow}.", evidence=tuple(evidence),
                    tags=("exchange",))]


def _policy_text(policy: EwsPolicy) -> str:
    enabled = "not set" if policy.enabled is None else str(policy.enabled)
    text = f"EwsEnabled {enabled}; {policy.application_access_policy or 'no application access policy'}"
    if policy.allow_list:
        text += f"; allow {', '.join(policy.allow_list)}"
    if policy.allowed_app_ids is not None:
        text += f"; EwsAllowedAppIDs {', '.join(policy.allowed_app_ids) or '(none)'}"
    return text


# Exchange Online's EWS retirement, as the Exchange Team announced it (February and June 2026). 3RD-PARTY here:
# read in summaries that quote the posts (docs/facts/inside.md), so the texts say so.
EWS_UNSET_OFF = datetime(2026, 10, 1, tzinfo=UTC)
EWS_OFF_FOR_ALL = datetime(2027, 4, 1, tzinfo=UTC)
EWS_RETIREMENT_SOURCES = (
    "the Exchange Team's announcements of February and June 2026 as summarised by Petri (\u201cExchange Online EWS "
    "allow list\u201d) and Neowin, and message center post MC1227454 as republished; Microsoft's "
    "Set-OrganizationConfig reference describes EwsAllowedAppIDs")
EWS_RETIREMENT = (
    "EWS in Exchange Online is being retired: from 1 October 2026 a tenant whose EWSEnabled is not set is switched "
    "off, one that sets EWSEnabled $true with EWSAllowedAppIDs keeps only the listed applications, and from 1 April "
    "2027 EWS in Exchange Online is off for every tenant with no exceptions; Exchange Server is not affected "
    f"(third-party: {EWS_RETIREMENT_SOURCES})")


def _ews_clients(ctx: RuleContext) -> dict[str, str]:
    """App ID -> what in this topology calls EWS in Exchange Online with it."""
    clients: dict[str, str] = {}
    topology = ctx.topology
    if topology.exchange is ExchangeKind.HYBRID and ctx.collected.exchange is not None:
        app_id = dedicated_hybrid_app_id(ctx.collected.exchange, ctx.scenario.tenant_id)
        if app_id:
            clients[app_id] = "the dedicated Exchange hybrid application (free/busy, MailTips, photos)"
    if topology.sfb_on_prem:
        clients[SFB_SERVICE_ID] = ("Skype for Business Server (an inference: no Microsoft text names the application "
                                   "ID its EWS calls carry)")
    return clients


@declare("exo-ews-retirement", Phase.HYBRID, "EWS in Exchange Online (retirement)")
def rule_exo_ews_retirement(ctx: RuleContext, spec: RuleSpec) -> list[ProbeResult]:
    """Where this integration calls EWS in Exchange Online: does the tenant's setting keep it until April 2027?"""
    rule, phase, title = spec
    topology = ctx.topology
    if not (topology.exchange_online_mailboxes and (topology.sfb_on_prem or topology.exchange is ExchangeKind.HYBRID)):
        return []
    users = ("Skype for Business Server reaches Exchange Online mailboxes through EWS (contact list, conversation "
             "history, archiving, calendar-based presence)" if topology.sfb_on_prem else "")
    if topology.exchange is ExchangeKind.HYBRID:
        users += ("; " if users else "") + ("Exchange Server's free/busy, MailTips and photos towards Exchange Online "
                                            "mailboxes use EWS until its move to Microsoft Graph")
    meaning = f"{users}. {EWS_RETIREMENT}."
    if ctx.now >= EWS_OFF_FOR_ALL:
        return [finding(rule, phase, Status.FAIL, title, f"Since 1 April 2027 EWS in Exchange Online is off. {meaning}",
                        "Nothing in the tenant brings it back: the features above need Microsoft Graph-based "
                        "replacements (Exchange SE's Graph-based hybrid; for Skype for Business Server, Teams).",
                        tags=("tenant",))]
    exo = ctx.collected.exo
    if exo is None or exo.organization_ews is None:
        return [finding(rule, phase, Status.SKIP, title, f"The Exchange Online settings were not collected. {meaning}",
                        "Connect-ExchangeOnline, run exo-collect.ps1 and load exo-collected.json.")]
    policy = exo.organization_ews
    clients = _ews_clients(ctx)
    evidence = [Evidence("organisation", _policy_text(policy))]
    evidence += [Evidence(m.address or m.identity, _policy_text(m.policy)) for m in exo.cas_mailboxes]
    off_users = [m.address or m.identity for m in exo.cas_mailboxes if m.policy.enabled is False]
    wanted = ", ".join(sorted(set(policy.allowed_app_ids or ()) | set(clients)))
    allow = (f"{cmd.set_organization_ews(enabled=True, allowed_app_ids=wanted)} "
             "(Exchange Online PowerShell; the value replaces the list, so it keeps the IDs already there). Read "
             "Microsoft Learn 'Set-OrganizationConfig' first: with EwsEnabled True every application NOT in the "
             "list is blocked from EWS tenant-wide (backup, archiving, CRM…), so build the list from your EWS usage "
             "first, and if EWSEnabled was set to False on purpose, keep that decision unless it is revisited.")

    def result(status: Status, detail: str, remedy: str = "") -> list[ProbeResult]:
        return [finding(rule, phase, status, title, f"{detail} {meaning}", remedy, evidence=tuple(evidence),
                        tags=("tenant",))]

    if policy.enabled is False:
        return result(Status.FAIL, "EWSEnabled is False: Exchange Online refuses every EWS call.", allow)
    if off_users:
        return result(Status.FAIL, f"EwsEnabled is False for {', '.join(off_users)}: since April 2025 EWS needs both "
                      "the organisation and the mailbox to allow it (as third-party summaries of message center post "
                      "MC1015893 report).",
                      cmd.set_mailbox_ews(Placeholder("address"), enabled=True) + " (Exchange Online PowerShell)")
    if policy.enabled is None:
        late = ctx.now >= EWS_UNSET_OFF
        return result(Status.FAIL if late else Status.WARN,
                      "EWSEnabled is not set" + (", so the tenant is switched off as the retirement reaches it."
                                                 if late else "; it is switched off from 1 October 2026."), allow)
    if policy.allowed_app_ids is None:
        return result(Status.WARN, "EWSEnabled is True, but EWSAllowedAppIDs could not be read "
                      "(Get-OrganizationConfig -RetrieveEwsOperationAccessPolicy failed), so which applications keep "
                      "EWS is unknown.", "Update the ExchangeOnlineManagement module and run exo-collect.ps1 again.")
    missing = [app_id for app_id in clients if app_id not in policy.allowed_app_ids]
    if missing:
        names = "; ".join(f"{a} ({clients[a]})" for a in missing)
        return result(Status.FAIL, f"EWSEnabled is True but EWSAllowedAppIDs lacks {names}: these calls are refused.",
                      allow)
    if not clients:
        return result(Status.WARN, "The dedicated Exchange hybrid application is not configured, so its app ID "
                      "cannot be compared with EWSAllowedAppIDs.", HYBRID_APP_FIX)
    return result(Status.PASS, f"EWSEnabled is True and EWSAllowedAppIDs admits {', '.join(clients)}: these "
                  "calls keep working until 1 April 2027.")


# ----------------------------------------------------------------------------------------------
# The collection itself
# ----------------------------------------------------------------------------------------------
@declare("collection-health", Phase.PREREQUISITES, "Collected data")
def rule_collection_health(ctx: RuleContext, spec: RuleSpec) -> list[ProbeResult]:
    """Cmdlets that failed during collection, and data too old to trust, limit what the rules can say."""
    rule, phase, title = spec
    collections = ctx.collected.collections
    if not collections:
        return []
    failed = [(c.computer, e) for c in collections for e in c.errors]
    stale = [c for c in collections if ctx.now - c.collected_at > STALE_AFTER]
    evidence = tuple(Evidence(f"{type(c).__name__.removesuffix('Collection').lower()} {c.computer}",
                              c.collected_at.date().isoformat()) for c in collections)
    if failed or stale:
        parts = [f"on {computer}: {e.source} failed ({e.message})" for computer, e in failed]
        parts += [f"{c.source} was collected on {c.collected_at.date().isoformat()}" for c in stale]
        return [finding(rule, phase, Status.WARN, title, "; ".join(parts) + ".",
                        "Fix the access problem (rights, reachability) and run the collector again.",
                        evidence=evidence)]
    return [finding(rule, phase, Status.PASS, title, f"{len(collections)} collector files, no cmdlet failed.",
                    evidence=evidence)]


_PHASES = list(Phase)
RULES: tuple[DeclaredRule, ...] = tuple(sorted(DECLARED, key=lambda d: _PHASES.index(d.spec.phase)))
RULE_IDS: tuple[str, ...] = tuple(d.spec.id for d in RULES)


def run_rules(ctx: RuleContext, rules: tuple[Rule, ...] = RULES) -> list[ProbeResult]:
    """Every rule's findings, in rule order (phase order within the list is the caller's choice)."""
    results: list[ProbeResult] = []
    for rule in rules:
        results.extend(rule(ctx))
    return results
