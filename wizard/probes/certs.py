"""Server-to-server certificates: the SfB OAuthTokenIssuer rules and Exchange's Auth certificate.

Microsoft's "Plan to integrate Skype for Business and Exchange": any web server certificate can be
the OAuthTokenIssuer certificate provided the SIP domain is in its Subject, the key has at least
2048 bits, and the same certificate is configured on every Front End. The last rule is checked
from outside: the pool name resolves to every Front End's address, so each address is asked for the
pool's metadata document and the published keys compared.
"""

from __future__ import annotations

from wizard.playbook import commands as cmd
from wizard.playbook.commands import Placeholder
from wizard.policy import EXPIRY_WARNING_DAYS, MIN_RSA_KEY_BITS
from wizard.probes.base import (
    EXCHANGE,
    FRONT_END,
    BaseProbe,
    Finding,
    Net,
    default_remediation,
    failed,
    passed,
    warned,
)
from wizard.probes.context import ProbeContext
from wizard.probes.formats.certificate import CertificateFacts
from wizard.probes.metadata import fetch_metadata, metadata_404_fix
from wizard.probes.net.errors import NOT_YET_VALID_FIX, NetError
from wizard.probes.oauth_certificate import ChosenCertificate, chosen_certificate, expected_thumbprint
from wizard.probes.result import Evidence, Status
from wizard.scenario import Scenario
from wizard.topology import Phase
from wizard.words import counted

WEAK_HASHES = {"md5": Status.FAIL, "md2": Status.FAIL, "sha1": Status.WARN}

ASSIGN_OAUTH = (f"{cmd.set_cs_oauth_token_issuer(Placeholder('thumbprint'))} (or "
                f"{cmd.import_cs_oauth_token_issuer(Placeholder('file.pfx'), Placeholder('password'))}); "
                "run it once on one Front End, CMS replication distributes it.")
RENEW_EXCHANGE_AUTH = (
    "Create a new Exchange Auth certificate and make it current: "
    + "; ".join(cmd.renew_exchange_auth_certificate(Placeholder("thumbprint")))
    + "; restart MSExchangeServiceHost and the OWA/ECP app pools (or iisreset); re-run the "
    "Hybrid Configuration Wizard in a hybrid. MonitorExchangeAuthCertificate.ps1 (CSS-Exchange) can renew it "
    "automatically.")


class _OAuthRuleProbe(BaseProbe):
    """Shared frame: find the chosen certificate, then apply one rule to it."""

    phase = Phase.CERTIFICATES
    caller = EXCHANGE
    rule: str

    def __init__(self) -> None:
        self.id = f"certificates.oauth.{self.rule}"
        self.tags = ("certificate", "oauth")

    def check(self, scenario: Scenario, ctx: ProbeContext) -> Finding:
        chosen = chosen_certificate(scenario, ctx)
        if chosen.facts is None:
            return Finding(Status.SKIP, f"No OAuth certificate to judge: {chosen.problem}.", target=chosen.source)
        finding = self.judge(chosen.facts, scenario, ctx)
        source = Evidence("certificate", f"{chosen.facts.subject} ({chosen.source})")
        return Finding(finding.status, finding.detail, finding.remediation, (source, *finding.evidence),
                       target=chosen.source)

    def judge(self, cert: CertificateFacts, scenario: Scenario, ctx: ProbeContext) -> Finding:
        raise NotImplementedError


class OAuthCertificateSourceProbe(BaseProbe):
    """The certificate the admin named can be read (file, PFX password, or Windows store)."""

    phase = Phase.CERTIFICATES

    def __init__(self) -> None:
        self.id = "certificates.oauth.source"
        self.title = "The OAuthTokenIssuer certificate can be read"
        self.tags = ("certificate", "oauth")

    def check(self, scenario: Scenario, ctx: ProbeContext) -> Finding:
        chosen: ChosenCertificate = chosen_certificate(scenario, ctx)
        if chosen.failed_to_load:
            return Finding(Status.FAIL, f"Cannot read the OAuth certificate: {chosen.problem}.",
                           "Check the path and the PFX password, or export the certificate again: "
                           + cmd.export_cs_oauth_token_issuer("C:\\oAuth.cer"), target=chosen.source)
        if chosen.facts is None:
            return Finding(Status.ERROR if scenario.pool_fqdns else Status.SKIP,
                           f"{chosen.note} No OAuth certificate was found: {chosen.problem}.".strip(),
                           "Give the certificate file (.cer/.pfx) or make the pool's metadata reachable.",
                           target=chosen.source)
        evidence = (Evidence("source", chosen.source), *chosen.facts.evidence())
        if chosen.note:
            return Finding(Status.SKIP, chosen.note, "", evidence, target=chosen.source)
        return Finding(Status.PASS, f"Read {chosen.facts.subject} from {chosen.source}.", "", evidence,
                       target=chosen.source)


class OAuthSubjectProbe(_OAuthRuleProbe):
    rule = "subject"
    title = "The OAuth certificate names the SIP domain in its Subject"

    def judge(self, cert: CertificateFacts, scenario: Scenario, ctx: ProbeContext) -> Finding:
        domain = scenario.default_sip_domain
        evidence = [Evidence("subject", cert.subject),
                    Evidence("subject alternative names", ", ".join(cert.san_dns) or "none")]
        if not cert.subject_mentions(domain):
            return failed(f"The Subject {cert.subject} does not include the SIP domain {domain} (Microsoft's "
                          "\"Plan to integrate Skype for Business and Exchange\": the certificate must include the "
                          "name of your SIP domain in the Subject field).",
                          "Use a certificate whose Subject names the SIP domain (the default SfB certificate with "
                          f"CN=<pool>.{domain} qualifies): " + ASSIGN_OAUTH, *evidence)
        others = [d for d in scenario.sip_domains[1:]
                  if not any(n.lower() == d or n.lower().endswith("." + d) for n in cert.san_dns)]
        if others:
            return warned(f"The Subject names {domain}, but the additional SIP domain(s) {', '.join(others)} are "
                          "not in the Subject Alternative Names.",
                          "Add the additional SIP domains to the certificate's SAN list when it is reissued.",
                          *evidence)
        return passed(f"The Subject {cert.subject} includes the SIP domain {domain}.", *evidence)


class OAuthKeySizeProbe(_OAuthRuleProbe):
    rule = "key-size"
    title = f"The OAuth certificate's key has at least {MIN_RSA_KEY_BITS} bits"

    def judge(self, cert: CertificateFacts, scenario: Scenario, ctx: ProbeContext) -> Finding:
        evidence = [Evidence("key", f"{cert.key_type} {cert.key_bits}-bit")]
        if cert.key_type != "RSA":
            return failed(f"The key is {cert.key_type}; Skype for Business OAuth needs an RSA key of at least "
                          f"{MIN_RSA_KEY_BITS} bits.",
                          f"Request an RSA {MIN_RSA_KEY_BITS}-bit (or larger) certificate; " + ASSIGN_OAUTH,
                          *evidence)
        if cert.key_bits < MIN_RSA_KEY_BITS:
            return failed(f"The key has {cert.key_bits} bits; Microsoft's \"Plan to integrate Skype for Business "
                          f"and Exchange\" requires at least {MIN_RSA_KEY_BITS}.",
                          f"Request a new certificate with a {MIN_RSA_KEY_BITS}-bit (or larger) RSA key; "
                          + ASSIGN_OAUTH,
                          *evidence)
        return passed(f"RSA {cert.key_bits}-bit key.", *evidence)


class OAuthValidityProbe(_OAuthRuleProbe):
    rule = "validity"
    title = "The OAuth certificate is valid and not about to expire"

    def judge(self, cert: CertificateFacts, scenario: Scenario, ctx: ProbeContext) -> Finding:
        now = ctx.now()
        days = cert.days_left(now)
        evidence = [Evidence("valid", f"{cert.not_before:%Y-%m-%d %H:%M} to {cert.not_after:%Y-%m-%d %H:%M} UTC"),
                    Evidence("days left", f"{days:.0f}")]
        roll = cmd.set_cs_oauth_token_issuer(Placeholder("new thumbprint"), effective_date=Placeholder("date"))
        renew = f"Renew it and roll it in: {roll}"
        if scenario.topology_or_default.exchange_on_prem:
            renew += f"; then make Exchange re-read the pool's metadata: {cmd.refresh_sfb_metadata()}"
        renew += " (and upload it again to the tenant in a hybrid)."
        if cert.not_yet_valid_at(now):
            return failed(f"The OAuth certificate {cert.subject} is {cert.not_yet_valid_words()}: Exchange rejects "
                          "the server-to-server tokens signed with it until then.", NOT_YET_VALID_FIX, *evidence)
        if days < 0:
            return failed(f"The certificate expired on {cert.not_after:%Y-%m-%d} ({-days:.0f} days ago); "
                          "server-to-server OAuth tokens signed with it are rejected.", renew, *evidence)
        if days < EXPIRY_WARNING_DAYS:
            return warned(f"The certificate expires in {days:.0f} days ({cert.not_after:%Y-%m-%d}).", renew, *evidence)
        return passed(f"Valid until {cert.not_after:%Y-%m-%d} ({days:.0f} days).", *evidence)


class OAuthSignatureProbe(_OAuthRuleProbe):
    rule = "signature-hash"
    title = "The OAuth certificate is signed with a strong hash"

    def judge(self, cert: CertificateFacts, scenario: Scenario, ctx: ProbeContext) -> Finding:
        evidence = [Evidence("signature hash", cert.signature_hash or "n/a")]
        status = WEAK_HASHES.get(cert.signature_hash.lower())
        if status is not None:
            return Finding(status, f"The certificate is signed with {cert.signature_hash.upper()}, which is weak.",
                           "Reissue it signed with SHA-256; " + ASSIGN_OAUTH, tuple(evidence))
        return passed(f"Signed with {cert.signature_hash or 'an algorithm without a separate hash'}.", *evidence)


class OAuthSelfSignedProbe(_OAuthRuleProbe):
    rule = "issuer"
    title = "The OAuth certificate comes from a certificate authority"

    def judge(self, cert: CertificateFacts, scenario: Scenario, ctx: ProbeContext) -> Finding:
        evidence = [Evidence("issuer", cert.issuer)]
        if cert.self_signed:
            return warned("The certificate is self-signed; Microsoft's \"Plan to integrate Skype for Business and "
                          "Exchange\" expects a web server certificate such as the deployment's default SfB "
                          "certificate, which comes from its CA.",
                          "Use a CA-issued certificate (for example the default certificate): " + ASSIGN_OAUTH,
                          *evidence)
        return passed(f"Issued by {cert.issuer}.", *evidence)


class SameOnFrontEndsProbe(BaseProbe):
    """Every Front End of a pool publishes the same OAuth certificate (the third rule of "Plan to integrate")."""

    phase = Phase.CERTIFICATES
    caller = EXCHANGE

    def __init__(self, pool: str) -> None:
        self.pool = pool
        self.id = f"certificates.oauth.same-on-front-ends:{pool}"
        self.title = f"Every Front End of {pool} uses the same OAuth certificate"
        self.target = f"https://{pool}/metadata/json/1"
        self.tags = ("certificate", "oauth", f"host:{pool}")

    def check(self, scenario: Scenario, ctx: ProbeContext) -> Finding:
        net = Net(ctx)
        addresses = net.dns.addresses(self.pool).addresses
        published: dict[str, str] = {}
        evidence: list[Evidence] = []
        unreachable: list[tuple[str, NetError]] = []
        for address in addresses:
            try:
                document = fetch_metadata(net, self.target, address=address)
            except NetError as exc:
                unreachable.append((address, exc))
                evidence.append(Evidence(address, str(exc)))
                continue
            thumbprints = ", ".join(c.thumbprint for c in document.certificates) or "none"
            published[address] = thumbprints
            evidence.append(Evidence(address, thumbprints))
        chosen = chosen_certificate(scenario, ctx)
        distinct = set(published.values())
        if len(distinct) > 1:
            return failed(f"The Front Ends of {self.pool} publish different OAuth certificates: " +
                          "; ".join(f"{a}: {t}" for a, t in published.items()) + ".",
                          "Assign one certificate for the whole deployment (it is global, not per server): "
                          + ASSIGN_OAUTH + f" Then check each Front End with {cmd.get_cs_oauth_token_issuer()}.",
                          *evidence)
        if unreachable:
            first = unreachable[0][1]
            status = Status.FAIL if published or first.finding else Status.ERROR
            fix = metadata_404_fix(self.target) if "HTTP 404" in str(first) else default_remediation(first, self.caller)
            return Finding(status, f"Could not read the metadata from {', '.join(a for a, _ in unreachable)} "
                           f"({first}); every Front End must publish it.", fix, tuple(evidence),
                           cause=first.cause)  # a bad answer stays one, however many Front Ends gave it
        only = next(iter(distinct), "")
        wanted = expected_thumbprint(scenario, chosen)
        if wanted and wanted not in only.split(", "):
            return failed(f"Every Front End publishes {only}, but the chosen certificate is {wanted}.",
                          ASSIGN_OAUTH, *evidence)
        suffix = "" if len(addresses) > 1 else (
            " (the pool name has only one address; if the pool has several Front Ends, their addresses belong in DNS)")
        return passed(f"All {counted(len(published), 'Front End address', 'Front End addresses')} publish the same "
                          f"certificate {only}{suffix}.",
                      *evidence)


class ExchangeAuthCertificateProbe(BaseProbe):
    """The Exchange Auth certificate in Exchange's metadata is valid: when it expires OAuth silently breaks."""

    phase = Phase.CERTIFICATES
    caller = FRONT_END

    def __init__(self, scenario: Scenario) -> None:
        self.id = "certificates.exchange-auth"
        self.title = "The Exchange Auth certificate is valid"
        self.target = scenario.exchange_metadata_url
        self.tags = ("certificate", "exchange")

    def check(self, scenario: Scenario, ctx: ProbeContext) -> Finding:
        document = fetch_metadata(Net(ctx), self.target)
        now = ctx.now()
        if not document.certificates:
            return failed("Exchange's metadata publishes no readable certificate.", RENEW_EXCHANGE_AUTH)
        evidence: list[Evidence] = []
        for cert in document.certificates:
            evidence += cert.evidence(prefix=cert.thumbprint[:8])
        usable = [c for c in document.certificates if c.valid_at(now)]
        early = sorted((c for c in document.certificates if c.not_yet_valid_at(now)), key=lambda c: c.not_before)
        if not usable and early:
            first = early[0]
            return failed(f"The Exchange Auth certificate ({first.subject}, {first.thumbprint}) is "
                          f"{first.not_yet_valid_words()}. Until then OAuth between Exchange and Skype for Business "
                          "(and OWA/ECP) fails: the tokens Exchange signs with it are rejected.",
                          NOT_YET_VALID_FIX + " Or replace it now. " + RENEW_EXCHANGE_AUTH,
                          *evidence)
        current = max(usable or document.certificates, key=lambda c: c.not_after)
        days = current.days_left(now)
        evidence.append(Evidence("days left", f"{days:.0f}"))
        if days < 0:
            return failed(f"The Exchange Auth certificate ({current.subject}) expired on "
                          f"{current.not_after:%Y-%m-%d}. OAuth between Exchange and Skype for Business (and "
                          "OWA/ECP) silently stops working.", RENEW_EXCHANGE_AUTH, *evidence)
        if days < EXPIRY_WARNING_DAYS:
            return warned(f"The Exchange Auth certificate expires in {days:.0f} days "
                          f"({current.not_after:%Y-%m-%d}).", RENEW_EXCHANGE_AUTH, *evidence)
        if early:
            return warned(f"The Exchange Auth certificate is valid until {current.not_after:%Y-%m-%d}, but Exchange "
                          f"also publishes {early[0].thumbprint}, which is {early[0].not_yet_valid_words()}; if it "
                          "becomes the current certificate before then, OAuth fails.",
                          "Check Get-AuthConfig (NextCertificateThumbprint, NextCertificateEffectiveDate): the "
                          "effective date must not be before the next certificate's start date. " + NOT_YET_VALID_FIX,
                          *evidence)
        return passed(f"The Exchange Auth certificate is valid until {current.not_after:%Y-%m-%d}.", *evidence)


RULES: tuple[type[_OAuthRuleProbe], ...] = (  # classes: the registry reads each one's rule and title
    OAuthSubjectProbe, OAuthKeySizeProbe, OAuthValidityProbe, OAuthSignatureProbe, OAuthSelfSignedProbe)
