"""Microsoft 365 (Teams, Exchange Online) reaching on-premises mailboxes, checked without credentials.

Microsoft's troubleshooting order (Microsoft support, "Resolve interaction issues between Teams and
Exchange Server"; Exchange Team blog, "Configuring Teams calendar access for Exchange on-premises
mailboxes", June 2020): Exchange Online's Autodiscover v2 for the user's address must lead, through
the on-premises autodiscover.json, to the on-premises external EWS URL; that URL must be reachable
from the internet without pre-authentication, and Exchange must trust the tenant's tokens
(`00000001-0000-0000-c000-000000000000@<tenant ID>` among the Bearer challenge's trusted_issuers).
Each step is a check of its own, so a broken step is one root cause and the later ones are blocked.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit

from wizard import where_to
from wizard.playbook import commands as cmd
from wizard.playbook.commands import Placeholder
from wizard.policy import ACS_SERVICE_ID
from wizard.probes.base import BaseProbe, Finding, Net, skipped
from wizard.probes.challenges import challenge_evidence
from wizard.probes.context import DEFAULT_AUTODISCOVER_V2_BASE_URL, ProbeContext
from wizard.probes.formats.autodiscover_v2 import NotAutodiscoverV2Error, autodiscover_v2_url, is_ews_url, parse_v2
from wizard.probes.formats.challenge import Challenge, bearer, parse_challenges
from wizard.probes.formats.diagnostics import (
    INVALID_TENANT,
    OAUTH_NOT_AVAILABLE,
    WILDCARD_FIX,
    Diagnostic,
    parse_diagnostics,
)
from wizard.probes.formats.tenant import tenant_from_openid
from wizard.probes.net.errors import BadDocumentError, NetError, NoAnswerError, NxDomainError
from wizard.probes.net.http import REDIRECT_STATUSES, HttpResponse
from wizard.probes.result import Cause, Evidence, Status
from wizard.scenario import Scenario
from wizard.topology import ExchangeKind, Phase

SUPPORT_ARTICLE = 'Microsoft support, "Resolve interaction issues between Teams and Exchange Server"'
TEAMS_BLOG = ('Exchange Team blog, "Configuring Teams calendar access for Exchange on-premises mailboxes" '
              "(June 2020)")
# Exchange Online's own hosts: an answer naming one of them means the mailbox is in Exchange Online.
EXCHANGE_ONLINE_HOSTS = ("outlook.office365.com", "outlook.office.com")
# Name suffixes no resolver on the internet answers for (RFC 6762 .local, RFC 8375 home.arpa, and the
# usual private choices): a URL with one of them cannot be reached by Microsoft 365.
INTERNAL_SUFFIXES = (".local", ".lan", ".internal", ".intranet", ".corp", ".home.arpa", ".localdomain")
# Where a sign-in page gives itself away in a URL: AD FS / Web Application Proxy, F5 APM, TMG, Entra
# application proxy, and the generic words of reverse-proxy login forms.
LOGIN_MARKERS = ("/adfs/ls", "/my.policy", "/cookieauth.dll", "login.microsoftonline.com", "/oauth2/authorize",
                 "/logon", "/login", "/signin", "/sign-in", "/auth/")
EWS_FIX_PUBLISH = ("Publish https://<external name>/EWS/ and /autodiscover/ to the internet with pass-through (no "
                   "pre-authentication) on the reverse proxy or Web Application Proxy, allow the Microsoft 365 "
                   "address ranges for Teams and Exchange Online, and check the EWS ExternalUrl: "
                   f"{cmd.show_ews_urls('Server', 'ExternalUrl', 'ExternalAuthenticationMethods')} "
                   f"({TEAMS_BLOG}: pre-authentication is not supported).")


def user_address(scenario: Scenario) -> str:
    """The test user's address: the SIP address, taken as the user's mail address ("" when none)."""
    uri = scenario.test_sip_uri.strip()
    address = uri[4:] if uri.lower().startswith("sip:") else uri
    return address if "@" in address else ""


def _no_address() -> Finding:
    return skipped(f"Not checked: the scenario names no test user: {where_to.give('test_sip_uri', 'sip:user@domain')} "
                   "(a user with an on-premises mailbox); Exchange Online's Autodiscover v2 is asked for that "
                   "address.")


def is_exchange_online(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return host in EXCHANGE_ONLINE_HOSTS


def _login_page(url: str) -> bool:
    lowered = url.lower()
    return any(marker in lowered for marker in LOGIN_MARKERS)


def _is_html(response: HttpResponse) -> bool:
    head = response.body.lstrip()[:200].lower()
    return response.content_type in ("text/html", "application/xhtml+xml") or head.startswith((b"<!doctype", b"<html"))


def _has_password_form(response: HttpResponse) -> bool:
    body = response.body[:65536].lower()
    return b"<form" in body and (b'type="password"' in body or b"type='password'" in body or b"type=password" in body)


@dataclass(frozen=True)
class Discovery:
    """Where Autodiscover v2 led for one address: the EWS URL and each hop on the way."""

    address: str
    ews_url: str
    hops: tuple[str, ...]  # "302 <url> -> <location>" and the final "200 <url>"
    answered_by_exchange_online: bool

    def evidence(self) -> list[Evidence]:
        return [Evidence("address", self.address), *(Evidence(f"hop {i}", h) for i, h in enumerate(self.hops, 1)),
                Evidence("EWS URL", self.ews_url)]


class DiscoveryError(Exception):
    """Autodiscover v2 led nowhere usable; the message says where it stopped (a finding, not a defect)."""

    def __init__(self, message: str, remediation: str, hops: tuple[str, ...], cause: Cause = Cause.FINDING) -> None:
        super().__init__(message)
        self.remediation = remediation
        self.hops = hops
        self.cause = cause


DISCOVERY_FIX = ("Make Exchange Online redirect the user to the on-premises autodiscover.json: the user must be a "
                 "mail user in Exchange Online (directory synchronisation, a hybrid configuration) whose on-premises "
                 "mailbox answers at https://autodiscover.<domain>/autodiscover/autodiscover.json from the internet; "
                 f"Invoke-RestMethod -Uri '<the first URL in the evidence>' -UserAgent Teams shows the answer "
                 f"({SUPPORT_ARTICLE}, step 2).")


def discover_ews(net: Net, base: str, address: str) -> Discovery:
    """Follow Autodiscover v2 from `base` for `address` hop by hop (each hop is judged, not just followed).

    Fetches go through the run's memo, so the EWS checks that call this again reuse the answers.
    """
    url = autodiscover_v2_url(base, address)
    hops: list[str] = []
    seen: set[str] = set()
    for _ in range(net.ctx.settings.max_redirects + 1):
        seen.add(url)
        response = net.http.fetch(url, headers={"Accept": "application/json", "User-Agent": "Teams"},
                                  follow_redirects=False)
        if response.status in REDIRECT_STATUSES and response.header("Location"):
            target = urljoin(url, response.header("Location") or "")
            hops.append(f"{response.status} {url} -> {target}")
            if _login_page(target):
                raise DiscoveryError(f"{url} redirects to a sign-in page ({target}): pre-authentication in front "
                                       "of autodiscover, which Microsoft 365 cannot pass.", EWS_FIX_PUBLISH,
                                       tuple(hops))
            if urlsplit(target).scheme != "https":
                raise DiscoveryError(f"{url} redirects to {target}, which is not an https:// URL; Microsoft 365 "
                                       "does not follow it.", DISCOVERY_FIX, tuple(hops), Cause.BAD_ANSWER)
            if target in seen:
                raise DiscoveryError(f"Autodiscover v2 redirects in a loop ({target} again).", DISCOVERY_FIX,
                                       tuple(hops), Cause.BAD_ANSWER)
            url = target
            continue
        hops.append(f"{response.status} {url}".rstrip())
        if response.status != 200 and "json" not in response.content_type:  # a JSON error document is read below
            raise DiscoveryError(f"{url} answered HTTP {response.status} {response.reason}".rstrip() + ", not an "
                                   "Autodiscover v2 document.", DISCOVERY_FIX, tuple(hops), Cause.BAD_ANSWER)
        if _is_html(response):
            how = "a sign-in page" if _has_password_form(response) else "an HTML page"
            raise DiscoveryError(f"{url} answered with {how}, not an Autodiscover v2 document (a reverse proxy or "
                                   "web site instead of Exchange).", EWS_FIX_PUBLISH, tuple(hops), Cause.BAD_ANSWER)
        try:
            answer = parse_v2(response.json("Autodiscover v2 document"))
        except NotAutodiscoverV2Error as exc:
            raise DiscoveryError(f"{url} answered JSON that is not an Autodiscover v2 document ({exc}).",
                                   DISCOVERY_FIX, tuple(hops), Cause.BAD_ANSWER) from None
        if answer.is_error:
            raise DiscoveryError(f"{url} answered with an error: {answer.error_code or 'no code'} "
                                   f"{answer.error_message}".rstrip() + ".", DISCOVERY_FIX, tuple(hops))
        if answer.protocol.lower() != "ews" or not is_ews_url(answer.url):
            raise DiscoveryError(f"{url} answered {answer.protocol} {answer.url}, not an EWS URL "
                                   "(https://<host>/EWS/Exchange.asmx).", DISCOVERY_FIX, tuple(hops),
                                   Cause.BAD_ANSWER)
        return Discovery(address, answer.url, tuple(hops), is_exchange_online(answer.url))
    raise DiscoveryError(f"Autodiscover v2 redirected more than {net.ctx.settings.max_redirects} times.",
                           DISCOVERY_FIX, tuple(hops), Cause.BAD_ANSWER)


def _base(ctx: ProbeContext) -> str:
    return ctx.settings.autodiscover_v2_base_url or DEFAULT_AUTODISCOVER_V2_BASE_URL


def _discovery_failed(problem: DiscoveryError, address: str, first: str) -> Finding:
    evidence = (Evidence("address", address), Evidence("asked", first),
                *(Evidence(f"hop {i}", h) for i, h in enumerate(problem.hops, 1)))
    return Finding(Status.FAIL, str(problem), problem.remediation, evidence, cause=problem.cause)


class TeamsAutodiscoverV2Probe(BaseProbe):
    """Exchange Online's autodiscover.json leads, for the test user, to the on-premises external EWS URL."""

    phase = Phase.VERIFICATION

    def __init__(self, scenario: Scenario) -> None:
        self.id = "verification.teams-autodiscover-v2"
        self.title = "Autodiscover v2 leads Microsoft 365 to the on-premises EWS URL"
        address = user_address(scenario) or "<test user>"
        self.target = autodiscover_v2_url(DEFAULT_AUTODISCOVER_V2_BASE_URL, address)
        self.tags = ("teams", "exchange", "autodiscover")

    def check(self, scenario: Scenario, ctx: ProbeContext) -> Finding:
        address = user_address(scenario)
        if not address:
            return _no_address()
        net = Net(ctx)
        first = autodiscover_v2_url(_base(ctx), address)
        try:
            found = discover_ews(net, _base(ctx), address)
        except DiscoveryError as problem:
            return _discovery_failed(problem, address, first)
        evidence = found.evidence()
        hybrid = scenario.topology_or_default.exchange is ExchangeKind.HYBRID
        if found.answered_by_exchange_online:
            if hybrid:
                return Finding(Status.PASS, f"{address} has its mailbox in Exchange Online ({found.ews_url}); the "
                               "on-premises EWS checks need a user with an on-premises mailbox as test user.",
                               evidence=tuple(evidence), target=first)
            return Finding(Status.FAIL, f"Exchange Online answers for {address} itself ({found.ews_url}) instead of "
                           "redirecting to the on-premises autodiscover.json: Exchange Online holds a mailbox for "
                           "this user, so Teams reads that one, not the on-premises mailbox.",
                           f"In Exchange Online, {cmd.show_recipient(address)} "
                           "should show a MailUser whose ExternalEmailAddress points on premises "
                           "(Exchange Online redirects mail users and answers for its own mailboxes: the Microsoft "
                           "Tech Community post 'Microsoft Teams and on-premises mailboxes: Part 2'). "
                           + DISCOVERY_FIX,
                           tuple(evidence), first, Cause.FINDING)
        host = (urlsplit(found.ews_url).hostname or "").lower()
        internal = host.endswith(INTERNAL_SUFFIXES) or "." not in host
        if not internal:
            try:
                net.dns.addresses(host)
            except (NxDomainError, NoAnswerError):
                internal = True
        if internal:
            return Finding(Status.FAIL, f"Autodiscover v2 leads to {found.ews_url}, a name Microsoft 365 cannot "
                           f"reach from the internet ({host} is an internal name or does not resolve): this is the "
                           "internal EWS URL, or the external one is not published.",
                           "Set the EWS ExternalUrl to the published name and make it resolve on the internet: "
                           + cmd.set_ews_external_url("<server>\\EWS (Default Web Site)",
                                                      "https://<external name>/EWS/Exchange.asmx")
                           + f" ({SUPPORT_ARTICLE}: the EWS URL must be the on-premises external EWS).",
                           tuple(evidence), first, Cause.FINDING)
        if host in {h.lower() for h in scenario.exchange_fqdns}:
            return Finding(Status.WARN, f"Autodiscover v2 leads to {found.ews_url}, the name of an Exchange server "
                           "in the scenario: Microsoft 365 needs the external EWS URL, reachable from the internet.",
                           "Check that this is the EWS ExternalUrl and that it is published to the internet "
                           f"({cmd.show_ews_urls()}).",
                           tuple(evidence), first, Cause.FINDING)
        return Finding(Status.PASS, f"Exchange Online leads {address} to the on-premises EWS URL {found.ews_url}.",
                       evidence=tuple(evidence), target=first)


def on_prem_ews(net: Net, ctx: ProbeContext, scenario: Scenario) -> Discovery | Finding:
    """The on-premises EWS URL Autodiscover v2 gives the test user, or why there is none to check."""
    address = user_address(scenario)
    if not address:
        return _no_address()
    try:
        found = discover_ews(net, _base(ctx), address)
    except DiscoveryError:
        return skipped("Not checked: Autodiscover v2 gave no EWS URL for the test user (see its check).")
    if found.answered_by_exchange_online:
        return skipped(f"Not checked: {address} has its mailbox in Exchange Online; choose a test user with an "
                       "on-premises mailbox to check on-premises EWS.", *found.evidence())
    return found


def ews_challenge(net: Net, url: str) -> HttpResponse:
    """What the EWS URL answers to an empty Bearer token, as Teams' first call would see it (no redirects)."""
    return net.http.fetch(url, method="POST", headers={"Authorization": "Bearer",
                                                       "Content-Type": "text/xml; charset=utf-8"},
                          follow_redirects=False)


@dataclass(frozen=True)
class EwsAnswer:
    """What the external EWS URL answered to an empty Bearer token, with its evidence."""

    url: str
    response: HttpResponse
    challenge: Challenge | None
    evidence: tuple[Evidence, ...]


def ews_answer(net: Net, ctx: ProbeContext, scenario: Scenario) -> Finding | EwsAnswer:
    """Find the external EWS URL through Autodiscover v2 and ask it; a Finding when the URL is not found."""
    found = on_prem_ews(net, ctx, scenario)
    if isinstance(found, Finding):
        return found
    response = ews_challenge(net, found.ews_url)
    challenge = bearer(parse_challenges(response.header_all("WWW-Authenticate")))
    evidence = challenge_evidence(response, challenge, schemes=True, headers=("Location",))
    return EwsAnswer(found.ews_url, response, challenge, tuple(evidence))


class TeamsEwsBearerProbe(BaseProbe):
    """The external EWS URL asks for an OAuth token (401 Bearer), not for a sign-in at a reverse proxy."""

    phase = Phase.VERIFICATION

    def __init__(self, scenario: Scenario) -> None:
        self.id = "verification.teams-ews-bearer"
        self.title = "On-premises EWS asks Microsoft 365 for an OAuth token (no pre-authentication)"
        self.target = "https://<external EWS name>/EWS/Exchange.asmx"
        self.tags = ("teams", "exchange", "oauth")

    def check(self, scenario: Scenario, ctx: ProbeContext) -> Finding:
        answer = ews_answer(Net(ctx), ctx, scenario)
        if isinstance(answer, Finding):
            return answer
        url, response, challenge, evidence = answer.url, answer.response, answer.challenge, answer.evidence
        location = urljoin(url, response.header("Location") or "") if response.header("Location") else ""
        if response.status in REDIRECT_STATUSES and location:
            login = " a sign-in page at" if _login_page(location) else ""
            parts = urlsplit(location)
            return Finding(Status.FAIL, f"{url} answers HTTP {response.status} and sends Microsoft 365 to{login} "
                           f"{parts.scheme}://{parts.netloc}{parts.path} (the full Location is in the evidence). "
                           "That is pre-authentication (AD FS / Web Application Proxy or a reverse proxy login) in "
                           "front of EWS; Teams' back end cannot sign in there, so it cannot reach "
                           "on-premises mailboxes.", EWS_FIX_PUBLISH, evidence, url, Cause.FINDING)
        if response.status == 200 and _is_html(response):
            how = "a sign-in form" if _has_password_form(response) else "an HTML page"
            return Finding(Status.FAIL, f"{url} answers an unauthenticated EWS request with {how} (HTTP 200) instead "
                           "of 401: a reverse proxy or pre-authentication page stands in front of EWS.",
                           EWS_FIX_PUBLISH, evidence, url, Cause.FINDING)
        if response.status == 401 and challenge is not None:
            return Finding(Status.PASS, f"{url} answers with 401 and a Bearer challenge, as Exchange does for "
                           "Microsoft 365's OAuth calls.", evidence=evidence, target=url)
        if response.status == 401:
            return Finding(Status.FAIL, f"{url} asks for authentication but offers no Bearer (OAuth) scheme: a "
                           "reverse proxy that rewrites the challenge, or OAuth not enabled on the EWS virtual "
                           "directory.",
                           f"Check {cmd.show_ews_urls('OAuthAuthentication', 'ExternalAuthenticationMethods')} "
                           "(OAuth must be on), and that the "
                           "reverse proxy passes Exchange's WWW-Authenticate headers through. " + EWS_FIX_PUBLISH,
                           evidence, url, Cause.FINDING)
        return Finding(Status.FAIL, f"{url} answered HTTP {response.status} {response.reason}".rstrip() + ", not the "
                       "401 Bearer challenge of Exchange Web Services.", EWS_FIX_PUBLISH, evidence, url,
                       Cause.BAD_ANSWER)

    def on_error(self, exc: NetError) -> Finding:
        return _about_the_ews_url(super().on_error(exc))


def _about_the_ews_url(finding: Finding) -> Finding:
    return Finding(finding.status, f"{finding.detail} (the EWS URL Autodiscover v2 gave the test user; Microsoft 365 "
                   "calls it from the internet).", finding.remediation, finding.evidence, finding.target,
                   finding.cause)


def scenario_or_discovered_tenant(net: Net, ctx: ProbeContext, scenario: Scenario) -> tuple[str, str]:
    """(tenant ID, how it is known): the scenario's, or the one the tenant check finds from the tenant domain.

    The OpenID request is the tenant check's own (same URL and headers), so the run's memo answers it.
    """
    if scenario.tenant_id:
        return scenario.tenant_id.lower(), "the scenario's tenant ID"
    if not scenario.tenant_domain:
        return "", ""
    base = ctx.settings.login_base_url.rstrip("/")
    url = f"{base}/{quote(scenario.tenant_domain)}/.well-known/openid-configuration"
    response = net.http.fetch(url, headers={"Accept": "application/json"})
    if response.status != 200:
        return "", ""
    facts = tenant_from_openid(response.json())
    if facts is None:
        raise BadDocumentError(f"{url} has no tenant id in issuer or token_endpoint", target=url)
    return facts.tenant_id.lower(), f"found from {scenario.tenant_domain}"


HCW_FIX = ("Let Exchange trust the tenant: run the current Hybrid Configuration Wizard and choose the full hybrid "
           f"configuration (it configures OAuth between Exchange Online and Exchange Server; {TEAMS_BLOG}), or "
           "configure OAuth by hand as Microsoft Learn 'Configure OAuth authentication between Exchange and "
           f"Exchange Online organizations' describes; {cmd.show_auth_servers()} shows which tenant Exchange trusts, "
           f"and {cmd.oauth_connectivity(Placeholder('on-premises mailbox'))} tests it.")


def _issuer_tenants(challenge: Challenge) -> list[tuple[str, str]]:
    """(service id, realm) for each trusted issuer."""
    pairs = []
    for issuer in challenge.list_param("trusted_issuers"):
        service, _, realm = issuer.partition("@")
        pairs.append((service.strip().lower(), realm.strip().lower()))
    return pairs


class TeamsEwsIssuersProbe(BaseProbe):
    """The external EWS Bearer challenge lists 00000001-0000-0000-c000-000000000000@<tenant ID>."""

    phase = Phase.VERIFICATION

    def __init__(self, scenario: Scenario) -> None:
        self.id = "verification.teams-ews-issuers"
        self.title = "On-premises EWS trusts the tenant's tokens"
        self.target = "https://<external EWS name>/EWS/Exchange.asmx"
        self.tags = ("teams", "exchange", "oauth", "tenant")

    def check(self, scenario: Scenario, ctx: ProbeContext) -> Finding:
        net = Net(ctx)
        answer = ews_answer(net, ctx, scenario)
        if isinstance(answer, Finding):
            return answer
        url, response, challenge = answer.url, answer.response, answer.challenge
        evidence = list(answer.evidence)
        if response.status != 401 or challenge is None:
            return skipped(f"Not checked: {url} sent no Bearer challenge (see the pre-authentication check).",
                           *evidence)
        diagnostics = parse_diagnostics(response.header_all("x-ms-diagnostics"))
        problem = _diagnostics_problem(diagnostics)
        if problem is not None:
            words, fix = problem
            return Finding(Status.FAIL, f"{url}: {words}", fix, tuple(evidence), url, Cause.FINDING)
        tenant, how = scenario_or_discovered_tenant(net, ctx, scenario)
        if not tenant:
            return skipped("Not checked: the tenant ID is not known (enter the tenant ID or the tenant domain).",
                           *evidence)
        evidence.append(Evidence("tenant ID", f"{tenant} ({how})"))
        wanted = f"{ACS_SERVICE_ID}@{tenant}"
        issuers = _issuer_tenants(challenge)
        sts = [realm for service, realm in issuers if service == ACS_SERVICE_ID]
        if tenant in sts:
            return Finding(Status.PASS, f"{url} trusts tokens of tenant {tenant} ({wanted}).",
                           evidence=tuple(evidence), target=url)
        if "*" in sts:
            return Finding(Status.WARN, f"{url} lists {ACS_SERVICE_ID}@* (any tenant), not {wanted}; Microsoft's "
                           "Teams connectivity test expects the tenant ID itself.", HCW_FIX, tuple(evidence), url,
                           Cause.FINDING)
        others = [realm for realm in sts if realm]
        if others:
            return Finding(Status.FAIL, f"{url} trusts tokens of another tenant ({', '.join(others)}), not of tenant "
                           f"{tenant}: Exchange's OAuth trust was set up with another tenant (a test or former "
                           f"tenant), so Microsoft 365 calls for {tenant} are refused.",
                           "Remove or disable the auth server of the other tenant ("
                           f"{cmd.show_auth_servers('Name', 'Realm', 'Enabled')}; "
                           f"{cmd.disable_auth_server(Placeholder('name'))}) and connect this tenant. "
                           + HCW_FIX, tuple(evidence), url, Cause.FINDING)
        listed = challenge.param("trusted_issuers") or "none"
        return Finding(Status.FAIL, f"The Bearer challenge of {url} does not list {wanted} among its trusted issuers "
                       f"({listed}): Exchange does not trust the tenant's tokens, so Teams cannot read on-premises "
                       "mailboxes (the Remote Connectivity Analyzer's Teams test reports 'The Bearer response header "
                       "did not contain the expected trusted issuer').", HCW_FIX, tuple(evidence), url,
                       Cause.FINDING)

    def on_error(self, exc: NetError) -> Finding:
        return _about_the_ews_url(super().on_error(exc))


def _diagnostics_problem(diagnostics: list[Diagnostic]) -> tuple[str, str] | None:
    """A diagnostic that by itself says Exchange will refuse Microsoft 365's tokens: (words, fix)."""
    for diagnostic in diagnostics:
        category = diagnostic.category.lower()
        if category == INVALID_TENANT or diagnostic.code == "2000004":
            # Microsoft ties 2000004 to wildcard accepted domains for SfB Server's calls only; for Microsoft
            # 365's the tenant Exchange trusts is as likely, so both are named.
            return diagnostic.words(), (f"{WILDCARD_FIX} No Microsoft text ties this code to Teams' calls: also "
                                        f"check which tenant Exchange trusts ({cmd.show_auth_servers()}) and the "
                                        "accepted domains for "
                                        "the tenant's domain.")
        if category == OAUTH_NOT_AVAILABLE or diagnostic.code == "4000000":
            return diagnostic.words(), HCW_FIX
    return None
