"""Unauthenticated OAuth challenges: who trusts whom, seen from outside without any credentials.

SfB's UCWA user resource answers 401 with `Bearer trusted_issuers="00000002-…@REALM"` once
New-CsPartnerApplication registered Exchange; Exchange's EWS and autodiscover.svc answer an empty
`Authorization: Bearer` with a Bearer challenge when they accept OAuth (x-ms-diagnostics
'oauth_not_available' when they do not: the 401 behind a failing Test-CsExStorageConnectivity), and
list SfB Server among the trusted issuers once Configure-EnterprisePartnerApplication.ps1 registered it
(`00000004-0000-0ff1-ce00-000000000000@<realm>`, as in Microsoft support's sample 401 in "Skype for
Business and Exchange integration fails if wildcards used in AcceptedDomains entries"). Whether
Exchange trusts the tenant (`00000001-…@<tenant ID>`) is judged where Microsoft 365 calls, at the
external EWS URL (wizard.probes.teams_exchange), so one missing trust is one finding.
"""

from __future__ import annotations

from urllib.parse import quote, urljoin

from wizard.playbook import commands as cmd
from wizard.policy import ACS_SERVICE_ID, EXCHANGE_SERVICE_ID, SFB_SERVICE_ID
from wizard.probes.autodiscover import probe_address
from wizard.probes.base import EXCHANGE, FRONT_END, BaseProbe, Finding, Net, failed, passed, warned
from wizard.probes.context import ProbeContext
from wizard.probes.formats.autodiscover import SOAP_ACTION, soap_request
from wizard.probes.formats.challenge import Challenge, bearer, parse_challenges
from wizard.probes.formats.diagnostics import INVALID_TENANT, WILDCARD_FIX, parse_diagnostics
from wizard.probes.formats.lyncdiscover import discovery_links
from wizard.probes.net.errors import BadDocumentError
from wizard.probes.net.http import HttpResponse
from wizard.probes.result import Evidence
from wizard.scenario import Scenario
from wizard.topology import Phase

AUTODISCOVER_ROOT = "/Autodiscover/AutodiscoverService.svc/root"
UCWA_USER_PATH = f"{AUTODISCOVER_ROOT}/oauth/user"
ONLINE_SUFFIX = ".online.lync.com"


def challenge_evidence(response: HttpResponse, challenge: Challenge | None, *, schemes: bool = False,
                       headers: tuple[str, ...] = ("X-MS-Server-Fqdn",)) -> list[Evidence]:
    """A 401's evidence: the answer, (the schemes offered,) the Bearer parameters, x-ms-diagnostics, and the
    named response headers that are present."""
    items = [Evidence("answer", f"HTTP {response.status} {response.reason}".rstrip())]
    if schemes:
        offered = [c.scheme for c in parse_challenges(response.header_all("WWW-Authenticate"))]
        items.append(Evidence("WWW-Authenticate schemes", ", ".join(offered) or "(none)"))
    if challenge is not None:
        items.append(Evidence("client_id", challenge.param("client_id") or "(none)"))
        items.append(Evidence("trusted_issuers", challenge.param("trusted_issuers") or "(none)"))
    for index, value in enumerate(response.header_all("x-ms-diagnostics")[:2], 1):
        items.append(Evidence("x-ms-diagnostics" if index == 1 else f"x-ms-diagnostics {index}", value))
    for name in headers:
        if response.header(name):
            items.append(Evidence(name, response.header(name) or ""))
    return items


def _exchange_issuers(scenario: Scenario) -> list[str]:
    """Issuers that mean 'this pool trusts Exchange': Exchange Server's own (the partner application) where
    mailboxes are on premises, the Microsoft STS (an OAuth server) where they are in Exchange Online; an
    Exchange hybrid has both kinds of mailbox."""
    topology = scenario.topology_or_default
    wanted = [EXCHANGE_SERVICE_ID] if topology.exchange_on_prem else []
    if topology.exchange_online_mailboxes:
        wanted.append(ACS_SERVICE_ID)
    return wanted


def judge_sfb_challenge(response: HttpResponse, scenario: Scenario) -> Finding:
    """Does a UCWA user-link answer show that SfB trusts Exchange tokens?"""
    challenge = bearer(parse_challenges(response.header_all("WWW-Authenticate")))
    evidence = challenge_evidence(response, challenge)
    realm = scenario.effective_realm
    register = ("On a Front End: " + cmd.new_cs_partner_application_exchange(scenario.exchange_metadata_url)
                + cmd.done_by(scenario, "partner-applications.sfb-trusts-exchange"))
    if response.status != 401 or challenge is None:
        return failed(f"{response.url} answered HTTP {response.status} without a Bearer challenge; the UCWA user "
                      "resource of a working pool asks for an OAuth token.",
                      "Check that the URL reaches the pool's web services (lyncdiscover / pool web FQDN).", *evidence)
    issuers = challenge.list_param("trusted_issuers")
    wanted_ids = _exchange_issuers(scenario)
    matching = [i for i in issuers if i.partition("@")[0].rstrip("/").lower() in wanted_ids]
    if not matching:
        return failed("The pool does not list Exchange among its trusted issuers "
                      f"({challenge.param('trusted_issuers') or 'none'}): no partner application for Exchange.",
                      f"{register}; then {cmd.set_cs_oauth_service_name()}.", *evidence)
    both_on_prem = scenario.topology_or_default.exchange_on_prem and scenario.topology_or_default.sfb_on_prem
    if both_on_prem and not any(
            i.partition("@")[2].lower() in (realm.lower(), "*") for i in matching):
        return failed(f"The pool trusts {', '.join(matching)}, but the realm should be {realm}: "
                      f"{EXCHANGE_SERVICE_ID}@{realm}.",
                      f"{cmd.set_cs_oauth_configuration(realm=realm)}{cmd.done_by(scenario, 'oauth.realm')} (or enter "
                      "the realm really used as the wizard's OAuth realm), then re-create the partner application: "
                      + register + ".", *evidence)
    client = challenge.param("client_id")
    if client and client.lower() != SFB_SERVICE_ID:
        return warned(f"The pool trusts Exchange but presents client_id {client}, not {SFB_SERVICE_ID}.",
                      cmd.set_cs_oauth_service_name() + cmd.done_by(scenario, "oauth.service-name"), *evidence)
    return passed(f"The pool trusts Exchange tokens ({', '.join(matching)}).", *evidence)


class SfbTrustsExchangeProbe(BaseProbe):
    """The pool's UCWA user resource lists Exchange in Bearer trusted_issuers."""

    phase = Phase.VERIFICATION
    caller = EXCHANGE

    def __init__(self, pool: str) -> None:
        self.pool = pool
        self.id = f"verification.sfb-trusts-exchange:{pool}"
        self.title = f"Pool {pool} trusts Exchange (partner application)"
        self.target = f"https://{pool}{UCWA_USER_PATH}"
        self.tags = ("oauth", "sfb", f"host:{pool}")

    def check(self, scenario: Scenario, ctx: ProbeContext) -> Finding:
        response = Net(ctx).http.fetch(self.target, headers={"Accept": "application/json"})
        return judge_sfb_challenge(response, scenario)


def _reaches_user_resource(response: HttpResponse, trail: tuple[Evidence, ...]) -> Finding:
    """The discovery chain ends at a UCWA user resource that asks for an OAuth token (on-premises pools:
    what the pool trusts is the pool check's finding, not repeated here)."""
    challenge = bearer(parse_challenges(response.header_all("WWW-Authenticate")))
    evidence = (*trail, *challenge_evidence(response, challenge))
    if response.status != 401 or challenge is None:
        return failed(f"{response.url} answered HTTP {response.status} without a Bearer challenge; the UCWA user "
                      "resource of a working pool asks for an OAuth token.",
                      "Check that lyncdiscover reaches the pool's external web services through the reverse proxy.",
                      *evidence)
    return passed(f"lyncdiscover leads to the UCWA user resource at {response.url}, which asks for an OAuth token "
                  "(what the pool trusts is checked for each pool).", *evidence)


class LyncdiscoverProbe(BaseProbe):
    """https://lyncdiscover.DOMAIN/ leads (following discovery redirects) to a user link that answers 401 Bearer.

    SfB Server's discovery: Microsoft's "External Domain Name System records for Microsoft 365" no longer
    lists lyncdiscover for Teams-only tenants, so the registry declares this check with SfB Server only.
    """

    phase = Phase.VERIFICATION

    def __init__(self, scenario: Scenario) -> None:
        self.id = "verification.lyncdiscover"
        self.title = "lyncdiscover leads to the UCWA user resource"
        self.target = f"https://lyncdiscover.{scenario.default_sip_domain}/"
        self.tags = ("oauth", "sfb", "discovery")

    def check(self, scenario: Scenario, ctx: ProbeContext) -> Finding:
        net = Net(ctx)
        url = self.target
        trail: list[Evidence] = []
        domain = scenario.default_sip_domain
        answer = net.dns.addresses(f"lyncdiscover.{domain}")
        trail.append(Evidence("lyncdiscover", answer.describe()))
        if answer.canonical.endswith(ONLINE_SUFFIX):
            # An alias of SfB Online: its certificate names the online host, not your domain, so clients
            # (and this check) ask that host directly for your domain.
            url = f"https://{answer.canonical}{AUTODISCOVER_ROOT}?originalDomain={quote(domain)}"
        for _ in range(ctx.settings.max_redirects + 1):
            response = net.http.fetch(url, headers={"Accept": "application/json"})
            if response.status != 200:
                raise BadDocumentError(f"{url} answered HTTP {response.status} {response.reason}".rstrip(), target=url)
            links = discovery_links(response.json("lyncdiscover document"), url)
            user, redirect = links.user, links.redirect
            trail.append(Evidence("discovery", f"{url} -> {'user link' if user else redirect or 'no links'}"))
            if user:
                challenge = net.http.fetch(urljoin(url, user), headers={"Accept": "application/json"})
                if scenario.topology_or_default.sfb_on_prem:
                    # The pool's own check judges what the pool trusts; here only the way there is in question.
                    return _reaches_user_resource(challenge, (*trail, Evidence("user link", user)))
                finding = judge_sfb_challenge(challenge, scenario)
                return Finding(finding.status, finding.detail, finding.remediation,
                               (*trail, Evidence("user link", user), *finding.evidence))
            if not redirect:
                return failed(f"{url} returned neither a user link nor a redirect.",
                              "Point lyncdiscover at the reverse proxy that publishes the pool's external web "
                              "services.", *trail)
            url = urljoin(url, redirect)
        return failed(f"lyncdiscover redirected more than {ctx.settings.max_redirects} times.",
                      "Fix the discovery redirects.", *trail)


class ExchangeAcceptsOAuthProbe(BaseProbe):
    """EWS or autodiscover.svc answers an empty 'Authorization: Bearer' with a Bearer challenge."""

    phase = Phase.VERIFICATION
    caller = FRONT_END

    def __init__(self, scenario: Scenario, kind: str) -> None:
        self.kind = kind
        self.id = f"verification.exchange-oauth.{kind}"
        if kind == "ews":
            host = scenario.exchange_fqdns[0] if scenario.exchange_fqdns else scenario.effective_autodiscover_fqdn
            self.target = f"https://{host}/EWS/Exchange.asmx"
            self.title = "Exchange Web Services accept OAuth"
        else:
            self.target = scenario.oauth_autodiscover_url
            self.title = "Exchange autodiscover.svc accepts OAuth"
        self.tags = ("oauth", "exchange")

    def check(self, scenario: Scenario, ctx: ProbeContext) -> Finding:
        headers = {"Authorization": "Bearer", "Content-Type": "text/xml; charset=utf-8"}
        body = None
        if self.kind == "autodiscover":
            headers["SOAPAction"] = f'"{SOAP_ACTION}"'
            body = soap_request(probe_address(scenario), self.target)
        response = Net(ctx).http.fetch(self.target, method="POST", headers=headers, body=body)
        challenge = bearer(parse_challenges(response.header_all("WWW-Authenticate")))
        evidence = challenge_evidence(response, challenge)
        diagnostics = " ".join(response.header_all("x-ms-diagnostics"))
        metadata = scenario.sfb_metadata_url or "https://<pool>/metadata/json/1"
        enable = ("On Exchange, register SfB: " + cmd.configure_enterprise_partner_application(metadata)
                  + cmd.done_by(scenario, "partner-applications.exchange-trusts-sfb")
                  + "; check Get-AuthConfig and the Exchange Auth certificate; then iisreset.")
        if "oauth_not_available" in diagnostics:
            return failed(f"{self.target} does not accept OAuth tokens ({diagnostics}); Test-CsExStorageConnectivity "
                          "fails with 401.", enable, *evidence)
        invalid_tenant = next((d for d in parse_diagnostics(response.header_all("x-ms-diagnostics"))
                               if d.category.lower() == INVALID_TENANT or d.code == "2000004"), None)
        if invalid_tenant is not None:
            return failed(f"{self.target}: {invalid_tenant.words()}", WILDCARD_FIX, *evidence)
        if response.status != 401 or challenge is None:
            return failed(f"{self.target} answered HTTP {response.status} without a Bearer challenge: OAuth is not "
                          "offered there.", enable, *evidence)
        if scenario.topology_or_default.sfb_on_prem:
            sfb = [i for i in challenge.list_param("trusted_issuers")
                   if i.partition("@")[0].strip().lower() == SFB_SERVICE_ID]
            if not sfb:
                # Microsoft's one published sample lists SfB Server here; no document says every Exchange does,
                # so its absence is worth a look, not a verdict (Test-CsExStorageConnectivity is the proof).
                return warned(f"{self.target} offers OAuth, but its trusted issuers "
                              f"({challenge.param('trusted_issuers') or 'none'}) do not include Skype for Business "
                              f"Server ({SFB_SERVICE_ID}@{scenario.effective_realm}), which Microsoft support's "
                              "sample challenge (\"Skype for Business and Exchange integration fails if wildcards used "
                              "in AcceptedDomains entries\") shows once Exchange has a partner application for SfB. "
                              "If Test-CsExStorageConnectivity fails with 401, Exchange does not trust the pool.",
                              enable, *evidence)
            return passed(f"{self.target} offers Bearer (OAuth) authentication and trusts Skype for Business Server "
                          f"({', '.join(sfb)}).", *evidence)
        return passed(f"{self.target} offers Bearer (OAuth) authentication.", *evidence)
