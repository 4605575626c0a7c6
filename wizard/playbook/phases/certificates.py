"""Certificates: the IIS certificate both sides must trust and the two server-to-server (OAuth) certificates.

Microsoft's "Plan to integrate Skype for Business and Exchange" and the Lync Server 2013
prerequisites: Exchange signs with its self-signed "Microsoft Exchange Server Auth Certificate"; SfB
uses a web server certificate as OAuthTokenIssuer (SIP domain in the subject, the same on all Front
Ends, 2048 bits or more). The readers' comments on Jeff Schertz's field guide show the failures when
TLS trust is missing.
"""

from __future__ import annotations

from wizard.playbook import sources
from wizard.playbook.snippets import block, if_, q
from wizard.playbook.step import Shell, Step
from wizard.policy import MIN_RSA_KEY_BITS
from wizard.settled import Settled
from wizard.topology import Phase

PHASE = Phase.CERTIFICATES

AUTH_RENEWAL_NOTE = (
    "If it has expired or is missing, create a new one and publish it: New-ExchangeCertificate -KeySize "
    f"{MIN_RSA_KEY_BITS} "
    "-PrivateKeyExportable $true -SubjectName 'cn=Microsoft Exchange Server Auth Certificate' -FriendlyName "
    "'Microsoft Exchange Server Auth Certificate' -DomainName @(); Set-AuthConfig -NewCertificateThumbprint "
    "<thumbprint> -NewCertificateEffectiveDate (Get-Date); Set-AuthConfig -PublishCertificate; Set-AuthConfig "
    "-ClearPreviousCertificate; then restart MSExchangeServiceHost and the OWA/ECP application pools. Publication "
    "can take up to an hour. In an Exchange hybrid the new certificate must also reach the dedicated Exchange "
    "hybrid application: run ConfigureExchangeHybridApplication.ps1 -UpdateCertificate (Microsoft CSS-Exchange) "
    "or the current Hybrid Configuration Wizard, not an upload to the shared Exchange Online principal. Microsoft's "
    "MonitorExchangeAuthCertificate.ps1 (CSS-Exchange) renews and publishes the certificate itself for you.")


def exchange_iis_certificate(scenario: Settled) -> Step:
    names = [scenario.effective_autodiscover_fqdn, *scenario.exchange_fqdns]
    return Step(
        id="certificates.exchange-iis",
        phase=PHASE,
        title="Check the certificate Exchange uses for IIS",
        why="Skype for Business fetches autodiscover and the Exchange metadata over TLS: the IIS certificate must "
            "name the autodiscover host and come from a CA the Front End servers trust.",
        shell=Shell.EXCHANGE,
        command="Get-ExchangeCertificate | Select-Object -Property 'Subject', 'Services', 'CertificateDomains', "
                "'Issuer', 'NotAfter' | Format-List",
        check=f"The certificate whose Services include IIS lists {', '.join(dict.fromkeys(names))} in "
              "CertificateDomains, is issued by a CA (not self-signed) and has not expired.",
        note="Self-signed certificates are not valid for this integration (Jeff Schertz's reply to a reader "
             "under \"Exchange and Skype for Business Integration\", 2015). 'Could not establish trust "
             "relationship for the SSL/TLS secure channel', which several readers of that article report, means "
             "the other server does not trust this certificate's CA: install its root and intermediate "
             "certificates there.",
        source=f"{sources.FIELD_GUIDE_REPLY}; {sources.FIELD_GUIDE_READERS}",
    )


def exchange_auth_certificate() -> Step:
    return Step(
        id="certificates.exchange-auth",
        phase=PHASE,
        title="Check the Exchange server-to-server (Auth) certificate",
        why="Exchange signs its OAuth tokens with the 'Microsoft Exchange Server Auth Certificate'; if it has "
            "expired, partner applications and OWA/ECP stop working.",
        shell=Shell.EXCHANGE,
        command="Get-ExchangeCertificate -Thumbprint (Get-AuthConfig).CurrentCertificateThumbprint | "
                "Format-List -Property 'FriendlyName', 'Subject', 'NotBefore', 'NotAfter', 'Thumbprint'",
        check="FriendlyName is Microsoft Exchange Server Auth Certificate and NotAfter is in the future.",
        note=AUTH_RENEWAL_NOTE,
        source=f"{sources.PLAN_INTEGRATION}; {sources.EXCHANGE_AUTH_CERT}",
    )


def sfb_oauth_certificate(scenario: Settled) -> Step:
    thumbprint = scenario.oauth_certificate_thumbprint
    current = "$current = Get-CsCertificate -Type OAuthTokenIssuer -ErrorAction SilentlyContinue"
    if thumbprint:
        command = block(current, if_(
            f"-not $current -or $current.Thumbprint -ne {q(thumbprint)}",
            f"Set-CsCertificate -Identity global -Type OAuthTokenIssuer -Thumbprint {q(thumbprint)}"))
        title = f"Assign certificate {thumbprint} as the OAuthTokenIssuer"
        how = "Uses the thumbprint from the scenario."
    else:
        command = block(current, if_("-not $current", block(
            "$thumbprint = (Get-CsCertificate -Type Default).Thumbprint",
            "Set-CsCertificate -Identity global -Type OAuthTokenIssuer -Thumbprint $thumbprint")))
        title = "Assign an OAuthTokenIssuer certificate (the default certificate if none is assigned)"
        how = ("No thumbprint in the scenario: an existing OAuthTokenIssuer is kept, else the Default certificate "
               "is used.")
    domain = scenario.default_sip_domain
    return Step(
        id="certificates.sfb-oauth-token-issuer",
        phase=PHASE,
        title=title,
        why="Skype for Business signs its server-to-server tokens with the OAuthTokenIssuer certificate; Exchange "
            "(and, in a hybrid, the Microsoft online STS) trusts that certificate.",
        shell=Shell.SFB,
        command=command,
        check=f"Get-CsCertificate -Type OAuthTokenIssuer shows a certificate whose Subject names {domain}, with a "
              f"key of {MIN_RSA_KEY_BITS} bits or more and NotAfter in the future.",
        note=f"{how} Run it once on one Front End: the Central Management Store replicates the global "
             "certificate to all Front End servers. To replace a certificate in use, roll it over with "
             "Set-CsCertificate -EffectiveDate ... -Roll. Not undone by the undo script (other integrations use "
             "the same certificate).",
        source=f"{sources.PLAN_INTEGRATION}; {sources.LYNC_2013_PREREQUISITES}; {sources.S2S_CERT}",
    )


def steps(scenario: Settled) -> list[Step]:
    t = scenario.topology
    out: list[Step] = []
    if t.exchange_on_prem:
        out.append(exchange_iis_certificate(scenario))
        if t.exchange_has_oauth:
            out.append(exchange_auth_certificate())
    if t.sfb_on_prem and t.exchange_has_oauth:
        out.append(sfb_oauth_certificate(scenario))
    return out
