"""Partner applications: both auth metadata documents download, parse and say what the other side expects.

Configure-EnterprisePartnerApplication.ps1 (on Exchange) downloads https://POOL/metadata/json/1 and
New-CsPartnerApplication (on the Front End) downloads Exchange's .../autodiscover/metadata/json/1;
a 404, an HTML page or an untrusted certificate on either URL is what breaks those commands.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from wizard.playbook import commands as cmd
from wizard.playbook.commands import Placeholder
from wizard.policy import EXCHANGE_SERVICE_ID, SFB_SERVICE_ID
from wizard.probes.base import EXCHANGE, FRONT_END, BaseProbe, Finding, Net, failed, passed, skipped, warned
from wizard.probes.context import ProbeContext
from wizard.probes.formats.auth_metadata import AuthMetadata, parse_auth_metadata
from wizard.probes.net.errors import NOT_YET_VALID_FIX, BadDocumentError, NetError
from wizard.probes.oauth_certificate import chosen_certificate, expected_thumbprint
from wizard.probes.result import Evidence, Status
from wizard.scenario import Scenario
from wizard.topology import Phase

if TYPE_CHECKING:
    from datetime import datetime

def metadata_404_fix(url: str) -> str:
    """What to check when a pool's metadata URL answers 404: the URL the check used, and where it is served."""
    return (f"The SfB metadata URL is {url}: the Front End pool's own name (not a Director, reverse proxy or "
            "Exchange name). Check that the name reaches the pool's internal web site (IIS 'Skype for Business "
            "Server Internal Web Site'), that the Front End service runs, and that an OAuthTokenIssuer certificate "
            f"is assigned ({cmd.get_cs_oauth_token_issuer()}). A reader of Jeff Schertz's \"Exchange and Skype for "
            "Business Integration\" (2015) reports the same 404 without an answer there; these causes are the "
            "wizard's own reading of how the metadata document is served.")


REFRESH_ON_EXCHANGE = f"make Exchange re-read the pool's metadata: {cmd.refresh_sfb_metadata()}"
ASSIGN_OAUTH_SHORT = f"{cmd.set_cs_oauth_token_issuer(Placeholder('thumbprint'))}, then {REFRESH_ON_EXCHANGE}."


def fetch_metadata(net: Net, url: str, *, address: str | None = None) -> AuthMetadata:
    """Download and parse one metadata document; HTTP errors become BadDocumentError with the status."""
    response = net.http.fetch(url, address=address, headers={"Accept": "application/json"})
    if response.status != 200:
        raise BadDocumentError(f"{url} answered HTTP {response.status} {response.reason}".rstrip()
                               + (" (at " + response.address + ")" if address else ""), target=url)
    return parse_auth_metadata(response.json("auth metadata document"), url)


def key_evidence(document: AuthMetadata, now: datetime | None = None) -> list[Evidence]:
    """What each published key is; with `now` (the run's clock), a key unusable at that moment says why."""
    items: list[Evidence] = []
    for index, key in enumerate(document.keys, 1):
        label = f"key {index}"
        if key.certificate is None:
            items.append(Evidence(label, key.problem or "unreadable"))
            continue
        cert = key.certificate
        items.append(Evidence(f"{label} subject", cert.subject))
        items.append(Evidence(f"{label} thumbprint", cert.thumbprint))
        items.append(Evidence(f"{label} key", f"{cert.key_type} {cert.key_bits}-bit"))
        problem = cert.validity_problem(now) if now is not None else ""
        items.append(Evidence(f"{label} valid", f"{cert.not_before:%Y-%m-%d} to {cert.not_after:%Y-%m-%d}"
                              + (f" ({problem})" if problem else "")))
        if key.x5t:
            verdict = "matches" if key.x5t_matches else "DOES NOT match"
            items.append(Evidence(f"{label} x5t", f"{key.x5t} ({verdict} the certificate)"))
    return items


def _key_problems(document: AuthMetadata) -> list[str]:
    problems = [f"key {i}: {k.problem}" for i, k in enumerate(document.keys, 1) if k.problem]
    if not document.certificates:
        problems.append("no signing certificate could be read from the document")
    return problems


class SfbMetadataProbe(BaseProbe):
    """https://POOL/metadata/json/1: issuer 00000004-…@REALM, serviceName, readable certificates."""

    phase = Phase.PARTNER_APPLICATIONS
    caller = EXCHANGE  # Exchange downloads this document

    def __init__(self, pool: str) -> None:
        self.pool = pool
        self.id = f"partner-applications.sfb-metadata:{pool}"
        self.title = f"Pool {pool} publishes its auth metadata document"
        self.target = f"https://{pool}/metadata/json/1"
        self.tags = ("metadata", "sfb", f"host:{pool}")

    def on_error(self, exc: NetError) -> Finding:
        finding = super().on_error(exc)
        if "HTTP 404" in str(exc):
            return Finding(Status.FAIL, f"{exc}: Exchange cannot download the SfB metadata, so "
                           "Configure-EnterprisePartnerApplication.ps1 fails.", metadata_404_fix(self.target))
        return finding

    def check(self, scenario: Scenario, ctx: ProbeContext) -> Finding:
        document = fetch_metadata(Net(ctx), self.target)
        realm = scenario.effective_realm
        expected = f"{SFB_SERVICE_ID}@{realm}"
        evidence = [Evidence("issuer", document.issuer), Evidence("realm", str(document.realm)),
                    Evidence("serviceName", document.service_name), *key_evidence(document, ctx.now())]
        problems = []
        if document.service_name.lower() != SFB_SERVICE_ID:
            problems.append(f"serviceName is {document.service_name or '(empty)'}, not {SFB_SERVICE_ID}")
        if document.issuer_id.lower() != SFB_SERVICE_ID or document.issuer_realm.lower() != realm.lower():
            problems.append(f"issuer is {document.issuer or '(empty)'}, expected {expected}")
        if document.realm is not None and document.realm.lower() != realm.lower():
            problems.append(f"realm is {document.realm}, expected {realm} (the default SIP domain unless "
                            "an OAuth realm is set)")
        key_problems = _key_problems(document)
        if problems:
            return failed("; ".join(problems + key_problems) + ".",
                          f"Set the SfB OAuth realm and service name: {cmd.set_cs_oauth_configuration(realm=realm)}"
                          f"{cmd.done_by(scenario, 'oauth.realm')}; {cmd.set_cs_oauth_service_name()}"
                          f"{cmd.done_by(scenario, 'oauth.service-name')} (or enter the realm the pool really uses as "
                          "the wizard's OAuth realm), then re-run Configure-EnterprisePartnerApplication.ps1 on "
                          "Exchange.", *evidence)
        if key_problems:
            return failed("; ".join(key_problems) + ".",
                          "Assign a valid OAuthTokenIssuer certificate: "
                          f"{cmd.set_cs_oauth_token_issuer(Placeholder('thumbprint'))}.", *evidence)
        return passed(f"The pool publishes issuer {document.issuer} with {len(document.certificates)} "
                      "readable signing certificate(s).", *evidence)


class SfbMetadataCertificateProbe(BaseProbe):
    """The certificate the pool publishes is the OAuth certificate the admin chose (file or thumbprint)."""

    phase = Phase.PARTNER_APPLICATIONS
    caller = EXCHANGE

    def __init__(self, pool: str) -> None:
        self.pool = pool
        self.id = f"partner-applications.sfb-certificate:{pool}"
        self.title = f"Pool {pool} publishes the chosen OAuth certificate"
        self.target = f"https://{pool}/metadata/json/1"
        self.tags = ("metadata", "certificate", f"host:{pool}")

    def check(self, scenario: Scenario, ctx: ProbeContext) -> Finding:
        if not (scenario.oauth_certificate or scenario.oauth_certificate_thumbprint):
            return skipped("No OAuth certificate file or thumbprint was given; the certificate the pool publishes is "
                           "checked under Certificates.")
        chosen = chosen_certificate(scenario, ctx)
        wanted = expected_thumbprint(scenario, chosen)
        if not wanted:
            return Finding(Status.SKIP, f"The chosen OAuth certificate could not be read: {chosen.problem}.")
        document = fetch_metadata(Net(ctx), self.target)
        published = [c.thumbprint for c in document.certificates]
        evidence = [Evidence("chosen certificate", f"{wanted} ({chosen.source})"),
                    Evidence("published", ", ".join(published) or "none")]
        if wanted in published:
            cert = document.certificates[published.index(wanted)]
            problem = cert.validity_problem(ctx.now())
            if problem:
                return failed(f"The pool publishes the chosen certificate {wanted}, but it is {problem}: Exchange "
                              "rejects the tokens the pool signs with it.",
                              NOT_YET_VALID_FIX if cert.not_yet_valid_at(ctx.now()) else
                              "Renew the OAuthTokenIssuer certificate and assign it: " + ASSIGN_OAUTH_SHORT, *evidence)
            return passed(f"The pool publishes the chosen certificate {wanted}.", *evidence)
        step = (cmd.done_by(scenario, "certificates.sfb-oauth-token-issuer")
                if wanted.upper() == scenario.oauth_certificate_thumbprint.upper() else "")
        return failed(f"The pool publishes {', '.join(published) or 'no certificate'}, not the chosen OAuth "
                      f"certificate {wanted}.",
                      f"Assign the chosen certificate: {cmd.set_cs_oauth_token_issuer(wanted)}{step} (or choose the "
                      f"certificate the pool really uses), then {REFRESH_ON_EXCHANGE} so it learns the new key.",
                      *evidence)


class ExchangeMetadataProbe(BaseProbe):
    """Exchange's .../autodiscover/metadata/json/1: serviceName 00000002-…, readable auth certificate(s)."""

    phase = Phase.PARTNER_APPLICATIONS
    caller = FRONT_END  # New-CsPartnerApplication runs on the Front End and downloads this

    def __init__(self, scenario: Scenario) -> None:
        self.id = "partner-applications.exchange-metadata"
        self.title = "Exchange publishes its auth metadata document"
        self.target = scenario.exchange_metadata_url
        self.tags = ("metadata", "exchange")

    def on_error(self, exc: NetError) -> Finding:
        finding = super().on_error(exc)
        hint = (" New-CsPartnerApplication reports this as 'The metadata document could not be downloaded from "
                "the URL in the MetadataUrl parameter or downloaded data is not a valid metadata document'.")
        return Finding(finding.status, finding.detail + hint, finding.remediation + (
            " The URL must include /autodiscover: https://autodiscover.<domain>/autodiscover/metadata/json/1."
            if "404" in str(exc) else ""), cause=finding.cause)

    def check(self, scenario: Scenario, ctx: ProbeContext) -> Finding:
        document = fetch_metadata(Net(ctx), self.target)
        evidence = [Evidence("issuer", document.issuer), Evidence("realm", repr(document.realm or "")),
                    Evidence("serviceName", document.service_name), *key_evidence(document, ctx.now())]
        evidence += [Evidence(f"endpoint {i}", e) for i, e in enumerate(document.endpoints[:3], 1)]
        problems = []
        if document.service_name.lower() != EXCHANGE_SERVICE_ID:
            problems.append(f"serviceName is {document.service_name or '(empty)'}, not {EXCHANGE_SERVICE_ID} "
                            "(is this URL really Exchange?)")
        problems += _key_problems(document)
        if problems:
            return failed("; ".join(problems) + ".",
                          "Point the URL at Exchange's autodiscover virtual directory and publish the auth "
                          f"certificate: {cmd.set_auth_config_publish()}; then iisreset.", *evidence)
        realm = (document.realm or document.issuer_realm or "").strip()
        ours = {d.lower() for d in [*scenario.sip_domains, scenario.smtp_domain, scenario.effective_realm] if d}
        if realm and realm != "*" and realm.lower() not in ours:
            return warned(f"Exchange's auth realm is {realm}, which is none of this deployment's domains.",
                          f"Check {cmd.show('Get-AuthConfig', 'Realm')}; clear or correct it with Set-AuthConfig "
                          "-Realm.",
                          *evidence)
        shown = realm if realm else "empty"
        return passed(f"Exchange publishes serviceName {EXCHANGE_SERVICE_ID} (realm {shown}) with "
                      f"{len(document.certificates)} readable certificate(s).", *evidence)
