"""Certificates: the IIS certificate both sides must trust and the two server-to-server (OAuth) certificates.

Microsoft's "Plan to integrate Skype for Business and Exchange" and the Lync Server 2013
prerequisites: Exchange signs with its self-signed "Microsoft Exchange Server Auth Certificate"; SfB
uses a web server certificate as OAuthTokenIssuer (SIP domain in the subject, the same on all Front
Ends, 2048 bits or more). The readers' comments on Jeff Schertz's field guide show the failures when
TLS trust is missing. The two checks only read; assigning the OAuthTokenIssuer is guarded, read back and
recorded with the certificate it replaced, which the undo script puts back.
"""

from __future__ import annotations

from wizard.playbook import commands as cmd
from wizard.playbook import sources
from wizard.playbook.changes import Record, guarded, leave_alone_if, left_alone, stop, undo_recorded
from wizard.playbook.commands import Expr
from wizard.playbook.snippets import block, indent, q
from wizard.playbook.step import Shell, Step
from wizard.policy import MIN_RSA_KEY_BITS
from wizard.settled import Settled
from wizard.topology import Phase, Topology

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
        read_only=True,
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
        read_only=True,
        source=f"{sources.PLAN_INTEGRATION}; {sources.EXCHANGE_AUTH_CERT}",
    )


OAUTH_STEP = "certificates.sfb-oauth-token-issuer"
OAUTH_TYPE = "CsCertificate.OAuthTokenIssuer"
STAGE_CERTIFICATES = ('Microsoft Learn, "Stage AV and OAuth certificates in Skype for Business Server using -Roll in '
                      'Set-CsCertificate" (an OAuthTokenIssuer staged at least 24 hours ahead, as Exchange keeps key '
                      f"material longer; {sources.LEARN}/skypeforbusiness/manage/authentication/"
                      "stage-av-and-oauth-certificates)")


def current_token_issuer(variable: str = "$current") -> str:
    """The global OAuthTokenIssuer in effect now (the latest whose EffectiveDate has come) and any rolled successor
    still waiting for its date, read from the Central Management Store (what Set-CsCertificate -Identity global
    writes, so a read-back sees it at once). A failed read stops: guessing "none assigned" would replace one."""
    return block(
        "$assigned = @(Get-CsCertificate -Identity global -ErrorAction Stop | "
        "Where-Object { [string]$_.Use -eq 'OAuthTokenIssuer' })",
        "$now = Get-Date",
        f"{variable} = $assigned | Where-Object {{ -not $_.EffectiveDate -or $_.EffectiveDate -le $now }} |",
        "    Sort-Object -Property 'EffectiveDate' | Select-Object -Last 1",
        "$waiting = @($assigned | Where-Object { $_.EffectiveDate -gt $now })",
    )


def _refresh_exchange(t: Topology) -> str:
    """What to tell the admin after the signing certificate changed: Exchange Server re-reads SfB's metadata."""
    return (" Exchange trusts it once it has read this pool's metadata again: in the Exchange Management Shell run "
            + cmd.refresh_sfb_metadata() + "." if t.exchange_on_prem else "")


def _undo_token_issuer(t: Topology) -> str:
    first = ("Setup assigned the first OAuthTokenIssuer certificate; server-to-server authentication cannot work "
             "without one and its partners (Exchange, and the Microsoft 365 tenant in a hybrid) trust it now: left "
             "alone.")
    return undo_recorded(OAUTH_STEP, OAUTH_TYPE, block(
        current_token_issuer(),
        "if ([string]$current.Thumbprint -ne $entry.identity.Thumbprint -or $waiting.Count -gt 0) {",
        indent(left_alone("The OAuthTokenIssuer certificate is no longer the one setup assigned (or a rollover is "
                          "scheduled): left alone.")),
        "}",
        leave_alone_if("-not $entry.prior.Thumbprint", first),
        stop(cmd.set_cs_oauth_token_issuer(Expr("$entry.prior.Thumbprint"))),
        f"Write-Host ({q('    OAuthTokenIssuer is ')} + $entry.prior.Thumbprint + "
        f"{q(' again.' + _refresh_exchange(t))})",
    ))


def sfb_oauth_certificate(scenario: Settled) -> Step:
    t = scenario.topology
    thumbprint = scenario.oauth_certificate_thumbprint
    value = q(thumbprint) if thumbprint else "$thumbprint"
    before = [current_token_issuer(), "$priorThumbprint = [string]$current.Thumbprint",
              "Write-Host 'OAuthTokenIssuer certificates before this step (global setting):'",
              "$assigned | Format-List -Property 'Thumbprint', 'Subject', 'NotAfter', 'EffectiveDate'"]
    if thumbprint:
        needed = f"$waiting.Count -eq 0 -and [string]$current.Thumbprint -ne {value}"
        title = f"Assign certificate {thumbprint} as the OAuthTokenIssuer"
        how = ("Uses the thumbprint from the scenario; a different certificate in use is replaced at once, and the "
               "one it replaced is recorded.")
        replaced = block(
            "if ($priorThumbprint) {",
            f"    Write-Warning ({q('Replaced the OAuthTokenIssuer certificate ')} + $priorThumbprint + "
            + q(f" with {thumbprint} at once." + _refresh_exchange(t)
                + (" The hybrid phase uploads the new certificate to the tenant." if t.involves_tenant else ""))
            + ")",
            "}",
        )
    else:
        no_default = ("No OAuthTokenIssuer certificate is assigned and this Front End has no Default certificate to "
                      "use: assign one as Microsoft Learn's \"Assign a server-to-server authentication certificate "
                      "to Skype for Business Server\" describes, then run this script again.")
        before += [
            "if (-not $current) {",
            "    $thumbprint = [string](@(Get-CsCertificate -Type Default -ErrorAction SilentlyContinue) | "
            "Select-Object -First 1).Thumbprint",
            f"    if (-not $thumbprint) {{ throw {q(no_default)} }}",
            "}",
        ]
        needed = "-not $current -and $waiting.Count -eq 0"
        title = "Assign an OAuthTokenIssuer certificate (the default certificate if none is assigned)"
        how = ("No thumbprint in the scenario: an existing OAuthTokenIssuer is kept, else the Default certificate "
               "is used.")
        replaced = ""
    change = cmd.set_cs_oauth_token_issuer(thumbprint if thumbprint else Expr(value))
    command = block(
        guarded(
            before=block(*before),
            needed=needed,
            change=change,
            read_back=f"@(Get-CsCertificate -Identity global -ErrorAction Stop | Where-Object {{ [string]$_.Use -eq "
                      f"'OAuthTokenIssuer' -and $_.Thumbprint -eq {value} }}).Count -gt 0",
            record=Record(OAUTH_STEP, OAUTH_TYPE, "changed", {"Thumbprint": value},
                          {"Thumbprint": "$priorThumbprint"}),
            already="The OAuthTokenIssuer assignment is left as it is and not recorded (undo leaves it too).",
            failed="The global OAuthTokenIssuer does not show the certificate after Set-CsCertificate; check the "
                   "output above.",
            after=replaced or "",
        ),
        "if ($waiting.Count -gt 0) {",
        "    Write-Warning ('A rollover to ' + (@($waiting | ForEach-Object { $_.Thumbprint }) -join ', ') + "
        + q(" is scheduled (Set-CsCertificate -Roll -EffectiveDate): this step changes nothing until it has taken "
            "effect; run the script again then.") + ")",
        "}",
    )
    domain = scenario.default_sip_domain
    return Step(
        id=OAUTH_STEP,
        phase=PHASE,
        title=title,
        why="Skype for Business signs its server-to-server tokens with the OAuthTokenIssuer certificate; Exchange "
            "(and, in a hybrid, the Microsoft online STS) trusts that certificate.",
        shell=Shell.SFB,
        command=command,
        check=f"Get-CsCertificate -Type OAuthTokenIssuer shows a certificate whose Subject names {domain}, with a "
              f"key of {MIN_RSA_KEY_BITS} bits or more and NotAfter in the future.",
        undo=_undo_token_issuer(t),
        note=f"{how} Run it once on one Front End: the Central Management Store replicates the global "
             "certificate to all Front End servers (the script reads the global setting, so its read-back does not "
             "wait for replication; Get-CsCertificate -Type OAuthTokenIssuer on another Front End shows it once "
             "replicated). Set-CsCertificate without -Roll makes the certificate the current one at once (Skype for "
             "Business keeps the one before as the previous certificate). To replace a certificate partners already "
             "trust, Microsoft stages the new one instead: Set-CsCertificate -Identity global -Type OAuthTokenIssuer "
             "-Thumbprint <new> -EffectiveDate <date> -Roll, at least 24 hours ahead, because Exchange keeps the "
             "key material longer; while such a rollover is scheduled this step changes nothing. The undo script "
             "puts the recorded previous certificate back only while the one setup assigned is still current, "
             "and leaves a first assignment alone (server-to-server authentication needs a certificate).",
        source=f"{sources.PLAN_INTEGRATION}; {sources.LYNC_2013_PREREQUISITES}; {sources.S2S_CERT}; "
               f"{STAGE_CERTIFICATES}",
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
