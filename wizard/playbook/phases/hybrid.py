"""Hybrid / online: keys uploaded to the tenant's service principals, the dedicated hybrid apps, routes to the cloud.

Exchange Server with Teams users (Microsoft's "Configure Integration and OAuth between Microsoft
Teams services and Exchange Server", June 2025) uploads the Exchange auth certificate to the
Skype for Business (00000004), Teams Scheduler and Cloud Voicemail principals with Microsoft Graph
(MSOnline stopped working in spring 2025), merging keys because Update-MgServicePrincipal
-KeyCredentials replaces the whole list. An Exchange hybrid gets the read-only check of its
dedicated Exchange hybrid application. SfB Server with the tenant uploads its OAuthTokenIssuer
certificate to 00000004 (and, with Exchange Online mailboxes, to Exchange's 00000002, as Microsoft's
hybrid procedure repeats it) and adds its external web name as an SPN; with Exchange Online mailboxes
(all, or some in an Exchange hybrid) it shares the SIP address space with exap.um.outlook.com and
tests a cloud mailbox.
"""

from __future__ import annotations

from wizard.features import unsupported
from wizard.lifecycle import EXCHANGE_SUPPORT
from wizard.playbook import cases, sources
from wizard.playbook.cloud_mailboxes import exchange_online_mailbox_test
from wizard.playbook.dedicated_hybrid_apps import exchange_hybrid_app, sfb_hybrid_app
from wizard.playbook.snippets import (
    block,
    graph_certificate_dates,
    graph_connect,
    graph_remove_certificate,
    graph_upload_certificate,
    if_,
    if_not,
    q,
)
from wizard.playbook.step import Shell, Step
from wizard.playbook.wellknown import (
    CLOUD_VOICEMAIL_APP_ID,
    EXCHANGE_ONLINE_UM_PROXY,
    EXCHANGE_SERVICE_ID,
    SFB_SERVICE_ID,
    TEAMS_SCHEDULER_APP_ID,
)
from wizard.settled import Settled
from wizard.topology import ExchangeVersion, Phase, Topology

PHASE = Phase.HYBRID

EXCHANGE_CERT_FILE = "(Join-Path -Path $env:SYSTEMDRIVE -ChildPath 'OAuthConfig\\OAuthCert.cer')"
SFB_CERT_FILE = "(Join-Path -Path $env:SYSTEMDRIVE -ChildPath 'OAuthConfig\\SfbOAuthTokenIssuer.cer')"
EXCHANGE_APP_IDS = (SFB_SERVICE_ID, TEAMS_SCHEDULER_APP_ID, CLOUD_VOICEMAIL_APP_ID)
UPLOADABLE = (".cer", ".crt", ".pem")

MSONLINE_NOTE = (
    "Older versions of these procedures used MSOnline PowerShell (Connect-MsolService, *-MsolServicePrincipal*), "
    "which stopped working between early April and late May 2025; AzureAD PowerShell was retired in early July "
    "2025 (Microsoft Entra \"What's new\"). These steps use Microsoft Graph PowerShell instead.")

GRAPH_MERGE_NOTE = (
    "Update-MgServicePrincipal -KeyCredentials replaces the whole key list, so the script reads the existing keys "
    "(one principal at a time, the only way Graph returns their key material), keeps the unexpired ones, skips a "
    "principal that already has this certificate and adds it. The key is the certificate's raw bytes, which "
    "Graph PowerShell sends base64-encoded; Microsoft's 2025 text passes ASCII bytes of the base64 string instead.")

_EXPORT_FOLDER = block(
    "$folder = Join-Path -Path $env:SYSTEMDRIVE -ChildPath 'OAuthConfig'",
    if_not("Test-Path -Path $folder", "New-Item -ItemType Directory -Path $folder | Out-Null"),
)


def export_exchange_certificate() -> Step:
    return Step(
        id="hybrid.export-exchange-auth-certificate",
        phase=PHASE,
        title="Export the Exchange auth certificate to C:\\OAuthConfig\\OAuthCert.cer",
        why="Teams and Cloud Voicemail must know the public key Exchange signs with; it is uploaded to their "
            "service principals in the next step.",
        shell=Shell.EXCHANGE,
        command=block(
            "$thumbprint = (Get-AuthConfig).CurrentCertificateThumbprint",
            _EXPORT_FOLDER,
            "$oAuthCert = Get-ChildItem -Path 'Cert:\\LocalMachine\\My' |",
            "    Where-Object { $_.Thumbprint -eq $thumbprint }",
            if_("-not $oAuthCert",
                "throw \"The Exchange auth certificate $thumbprint is not in this server's LocalMachine\\My store.\""),
            "$certBytes = $oAuthCert.Export([System.Security.Cryptography.X509Certificates.X509ContentType]::Cert)",
            "[System.IO.File]::WriteAllBytes((Join-Path -Path $folder -ChildPath 'OAuthCert.cer'), $certBytes)",
        ),
        check="C:\\OAuthConfig\\OAuthCert.cer exists; opening it shows the Microsoft Exchange Server Auth "
              "Certificate.",
        note="Microsoft's Teams procedure saves this as ExportAuthCert.ps1 and runs .\\ExportAuthCert.ps1; it is "
             "inline here, and matches the thumbprint exactly (-eq) rather than as a pattern (-match). Copy the "
             "file to the same path on the computer that runs the Graph script. The .cer holds only the public key.",
        source=sources.TEAMS_2025,
    )


def upload_exchange_certificate(scenario: Settled) -> Step:
    tenant = cases.tenant_reference(scenario)
    return Step(
        id="hybrid.upload-exchange-auth-certificate",
        phase=PHASE,
        title="Upload the Exchange auth certificate to the Teams Scheduler, Cloud Voicemail and legacy Skype for "
              "Business service principals",
        why="Teams and Cloud Voicemail accept Exchange's tokens, and Exchange accepts theirs, only when the tenant "
            "holds Exchange's auth certificate on their service principals.",
        shell=Shell.GRAPH,
        command=graph_upload_certificate(tenant, EXCHANGE_CERT_FILE, EXCHANGE_APP_IDS),
        check="Each principal reports 'certificate added' or 'already there'; the next step compares the dates.",
        undo=graph_remove_certificate(tenant, EXCHANGE_CERT_FILE, EXCHANGE_APP_IDS),
        note=f"{MSONLINE_NOTE} The 2022 Skype for Business Online procedure uploaded to {SFB_SERVICE_ID} only; the "
             f"June 2025 Teams procedure uploads to {CLOUD_VOICEMAIL_APP_ID} (Cloud Voicemail), "
             f"{TEAMS_SCHEDULER_APP_ID} (Teams Calendar Scheduler) and {SFB_SERVICE_ID} (the legacy Skype for "
             f"Business Online application, kept for out-of-office voicemail greetings). {GRAPH_MERGE_NOTE} "
             "Renewing the Exchange auth certificate means uploading the new one again.",
        source=f"{sources.TEAMS_2025}; {sources.MSONLINE_RETIRED}",
    )


def check_exchange_certificate(scenario: Settled) -> Step:
    return Step(
        id="hybrid.check-exchange-auth-certificate",
        phase=PHASE,
        title="Check the uploaded key's start and end dates against the certificate",
        why="Microsoft's Teams procedure verifies the upload by finding, on each principal, a key whose start and "
            "end dates match the Exchange OAuth certificate's.",
        shell=Shell.GRAPH,
        command=graph_certificate_dates(cases.tenant_reference(scenario), EXCHANGE_CERT_FILE, EXCHANGE_APP_IDS),
        check="Every principal has a row, and KeyStart/KeyEnd equal CertificateStart/CertificateEnd (UTC).",
        note="One table for the three principals instead of the procedure's three Get-MgServicePrincipal ... "
             "-Select keyCredentials | Format-List * commands; the 2022 version's Get-MsolServicePrincipalCredential "
             "no longer works (MSOnline is retired).",
        source=f"{sources.TEAMS_2025}; {sources.MSONLINE_RETIRED}",
    )


def _sfb_certificate_file(scenario: Settled) -> tuple[str, bool]:
    """The certificate file the upload uses: the scenario's, if it is a public certificate file, else the export."""
    path = scenario.oauth_certificate
    if path.lower().endswith(UPLOADABLE):
        return q(path), False
    return SFB_CERT_FILE, True


def export_sfb_certificate() -> Step:
    return Step(
        id="hybrid.export-sfb-oauth-certificate",
        phase=PHASE,
        title="Export the OAuthTokenIssuer certificate to C:\\OAuthConfig\\SfbOAuthTokenIssuer.cer",
        why="The Microsoft online STS must know the key Skype for Business Server signs with; the public "
            "certificate is uploaded in the next step.",
        shell=Shell.SFB,
        command=block(
            "$thumbprint = (Get-CsCertificate -Type OAuthTokenIssuer).Thumbprint",
            _EXPORT_FOLDER,
            "$certificate = Get-Item -Path \"Cert:\\LocalMachine\\My\\$thumbprint\"",
            "Export-Certificate -Cert $certificate -FilePath (Join-Path -Path $folder -ChildPath "
            "'SfbOAuthTokenIssuer.cer') -Type CERT | Out-Null",
        ),
        check="C:\\OAuthConfig\\SfbOAuthTokenIssuer.cer exists and shows the OAuthTokenIssuer certificate.",
        note="Copy the file to the same path on the computer that runs the Graph script. Only the public key is "
             "exported.",
        source=sources.SFB_HYBRID_S2S,
    )


def sfb_certificate_principals(t: Topology) -> tuple[str, ...]:
    """The principals that get the OAuthTokenIssuer key: 00000004, and 00000002 where mailboxes are in Exchange Online.

    Microsoft's hybrid server-to-server procedure repeats the upload for Exchange's principal; that principal only
    matters here when Skype for Business Server reaches mailboxes in Exchange Online.
    """
    if cases.sfb_server_with_exchange_online_mailboxes(t):
        return SFB_SERVICE_ID, EXCHANGE_SERVICE_ID
    return (SFB_SERVICE_ID,)


def upload_sfb_certificate(scenario: Settled) -> Step:
    tenant = cases.tenant_reference(scenario)
    path, exported = _sfb_certificate_file(scenario)
    principals = sfb_certificate_principals(scenario.topology)
    both = EXCHANGE_SERVICE_ID in principals
    where = (f"the Skype for Business ({SFB_SERVICE_ID}) and Exchange Online ({EXCHANGE_SERVICE_ID}) service "
             "principals" if both else f"the Skype for Business service principal ({SFB_SERVICE_ID})")
    exchange_note = (
        "Microsoft's procedure repeats the upload with the AppPrincipalId of Exchange (the page still says Exchange "
        "2013): this step does both, since mailboxes are in Exchange Online. The {EXCHANGE_SERVICE_ID} principal also "
        "holds Exchange's own keys: "
        "ConfigureExchangeHybridApplication.ps1 -ResetFirstPartyServicePrincipalKeyCredentials without "
        "-CertificateInformation removes every key there, this one included; use it only with "
        "-CertificateInformation <Exchange auth certificate thumbprint>, or upload this certificate again afterwards."
        if both else
        f"Microsoft's procedure repeats the upload for Exchange's principal ({EXCHANGE_SERVICE_ID}); this step "
        "does not, because every mailbox is on Exchange Server: Skype for Business Server reaches them through "
        "the Exchange partner application built from Exchange's metadata, not through Exchange Online (the "
        "wizard's reading; Microsoft's text gives no reason for the second upload). Add it if mailboxes move to "
        "Exchange Online.")
    return Step(
        id="hybrid.upload-sfb-oauth-certificate",
        phase=PHASE,
        title=f"Upload the OAuthTokenIssuer certificate to {where}",
        why="Exchange Online and the online services trust tokens from Skype for Business Server only when its "
            f"signing certificate is a key of {'these service principals' if both else 'the 00000004 principal'}.",
        shell=Shell.GRAPH,
        command=graph_upload_certificate(tenant, path, principals),
        check="The script reports 'certificate added' or 'already there'"
              + (" for each principal." if both else "."),
        undo=graph_remove_certificate(tenant, path, principals),
        note=("Uses the certificate exported in the previous step. " if exported else
              f"Uses the certificate file from the scenario ({scenario.oauth_certificate}). ")
        + f"{exchange_note} {MSONLINE_NOTE} {GRAPH_MERGE_NOTE}",
        source=f"{sources.SFB_HYBRID_S2S}; {sources.MSONLINE_RETIRED}"
        + (f"; {sources.CONFIGURE_EXCHANGE_HYBRID_APP}" if both else ""),
    )


def sfb_service_principal_name(scenario: Settled) -> Step:
    fqdn = scenario.pool_external_web_fqdns[0]
    tenant = cases.tenant_reference(scenario)
    spn = f"{SFB_SERVICE_ID}/{fqdn}"
    find = f"$principal = Get-MgServicePrincipal -Filter \"AppId eq '{SFB_SERVICE_ID}'\""
    present = f"@($principal.ServicePrincipalNames) -contains {q(spn)}"
    return Step(
        id="hybrid.sfb-service-principal-name",
        phase=PHASE,
        title=f"Add {spn} to the Skype for Business service principal",
        why="The online STS issues tokens for the pool's external web services only when that name is a service "
            "principal name of 00000004.",
        shell=Shell.GRAPH,
        command=block(graph_connect(tenant), find, if_not(present,
            f"Update-MgServicePrincipal -ServicePrincipalId $principal.Id -ServicePrincipalNames "
            f"(@($principal.ServicePrincipalNames) + {q(spn)})")),
        check=f"(Get-MgServicePrincipal -Filter \"AppId eq '{SFB_SERVICE_ID}'\").ServicePrincipalNames lists {spn}.",
        undo=block(graph_connect(tenant), find, if_(present,
            "Update-MgServicePrincipal -ServicePrincipalId $principal.Id -ServicePrincipalNames "
            f"@($principal.ServicePrincipalNames | Where-Object {{ $_ -ne {q(spn)} }})")),
        note="Graph equivalent of the documented $lyncSP.ServicePrincipalNames.Add(...) with Set-MsolServicePrincipal "
             "(MSOnline is retired). Hybrid modern authentication also adds the internal web services URL.",
        source=f"{sources.SFB_HYBRID_S2S}; {sources.MSONLINE_RETIRED}",
    )


def sfb_service_principal_name_missing() -> Step:
    return Step(
        id="hybrid.sfb-service-principal-name",
        phase=PHASE,
        title="Add the pool's external web services name to the Skype for Business service principal",
        why="The online STS issues tokens for the pool's external web services only when that name is a service "
            f"principal name of {SFB_SERVICE_ID}; the scenario does not name it yet.",
        shell=Shell.BROWSER,
        command="",
        check="Get-CsService -WebServer | Format-Table -Property 'PoolFqdn', 'ExternalFqdn' (SfB Management Shell) "
              "shows the external FQDN: enter it as 'Pool external web FQDN' and export again to get this step's "
              "Graph command.",
        source=sources.SFB_HYBRID_S2S,
    )


def exchange_online_principal(scenario: Settled) -> Step:
    return Step(
        id="hybrid.exchange-online-principal",
        phase=PHASE,
        title=f"Make sure the Exchange Online service principal ({EXCHANGE_SERVICE_ID}) is enabled",
        why="Skype for Business Server trusts microsoft.exchange through the online STS, which issues tokens "
            "for Exchange Online only while its service principal is enabled.",
        shell=Shell.GRAPH,
        command=block(
            graph_connect(cases.tenant_reference(scenario)),
            f"$principal = Get-MgServicePrincipal -Filter \"AppId eq '{EXCHANGE_SERVICE_ID}'\"",
            if_("-not $principal.AccountEnabled",
                "Update-MgServicePrincipal -ServicePrincipalId $principal.Id -AccountEnabled:$true"),
        ),
        check=f"(Get-MgServicePrincipal -Filter \"AppId eq '{EXCHANGE_SERVICE_ID}'\").AccountEnabled is True.",
        note="Graph equivalent of Set-MsolServicePrincipal -AppPrincipalId ... -AccountEnabled $true (MSOnline is "
             "retired). Not undone: disabling it would break Exchange Online itself.",
        source=f"{sources.SFB_HYBRID_S2S}; {sources.MSONLINE_RETIRED}",
    )


def exchange_online_hosting_provider() -> Step:
    exists = "Get-CsHostingProvider -Identity 'Exchange Online' -ErrorAction SilentlyContinue"
    return Step(
        id="hybrid.exchange-online-hosting-provider",
        phase=PHASE,
        title=f"Share the SIP address space with Exchange Online ({EXCHANGE_ONLINE_UM_PROXY})",
        why="Outlook on the web in Exchange Online shows IM and presence from the on-premises pools only through "
            "this hosting provider and federation on the Edge (a shared SIP address space).",
        shell=Shell.SFB,
        command=block(
            if_not(exists,
                   "New-CsHostingProvider -Identity 'Exchange Online' -Enabled $true -EnabledSharedAddressSpace $true "
                   f"-HostsOCSUsers $false -ProxyFqdn {q(EXCHANGE_ONLINE_UM_PROXY)} -IsLocal $false "
                   "-VerificationLevel UseSourceVerification"),
            "Set-CsAccessEdgeConfiguration -AllowFederatedUsers $true",
        ),
        check=f"Get-CsHostingProvider -Identity 'Exchange Online' shows ProxyFqdn {EXCHANGE_ONLINE_UM_PROXY}, "
              "Enabled and EnabledSharedAddressSpace True.",
        undo=if_(exists, "Remove-CsHostingProvider -Identity 'Exchange Online' -Confirm:$false"),
        note="Worldwide cloud value; 21Vianet uses exap.um.partner.outlook.cn and GCC High exap.um.office365.us. "
             "AllowFederatedUsers is not undone (other federation may need it).",
        source=sources.OWA_EXO,
    )


def exchange_2010_online(scenario: Settled) -> Step:
    t = scenario.topology
    lost = "; ".join(f.feature for f in unsupported(t)) or "none"
    support = EXCHANGE_SUPPORT[ExchangeVersion.V2010]
    ended = f"{support.end.day} {support.end:%B %Y}" if support.end else ""
    online = [side for side, present in (("Microsoft Teams", t.teams_users),
                                         ("the Exchange Online mailboxes of the hybrid", cases.exchange_hybrid(t)))
              if present]
    return Step(
        id="hybrid.exchange-2010-online",
        phase=PHASE,
        title=f"Exchange 2010 with {' and '.join(online)}: nothing to pair",
        why="Exchange 2010 has no server-to-server OAuth, so the partner applications and certificate uploads of "
            "\"Configure Integration and OAuth between Microsoft Teams services and Exchange Server\" and the "
            f"dedicated Exchange hybrid application do not apply. Not available here: {lost}.",
        shell=Shell.BROWSER,
        command="",
        check="Nothing to run; Outlook, free/busy and meeting features work through the clients (feature table). "
              "Teams calendar access to on-premises mailboxes needs Exchange 2016 CU3 or later.",
        note=f"Exchange 2010 has been out of support since {ended}; Microsoft's Teams procedure applies to supported "
             "Exchange Server versions only. Moving the remaining mailboxes to Exchange SE (or to Exchange Online) "
             "brings the OAuth steps back into this playbook.",
        source=f"{sources.PLAN_INTEGRATION}; {sources.TEAMS_2025}; {sources.DEDICATED_EXCHANGE_HYBRID_APP}",
    )


def same_tenant(scenario: Settled) -> Step:
    return Step(
        id="hybrid.same-tenant",
        phase=PHASE,
        title="Exchange Online and Microsoft Teams: integrated by the service",
        why="Both services run in the same tenant, which pairs them itself; there are no partner applications "
            "or certificates to configure.",
        shell=Shell.BROWSER,
        command="",
        check=f"Users of {scenario.tenant_domain} are licensed for Exchange Online and Teams, the Calendar app is "
              "in their Teams app setup policy, and Teams shows their Exchange Online calendar.",
        note="Skype for Business Online, the service this step used to name, was retired on 31 July 2021; its users "
             "are Teams users.",
        source=f"{sources.PLAN_INTEGRATION}; {sources.TEAMS_EXCHANGE_INTERACT}",
    )


def steps(scenario: Settled) -> list[Step]:
    t = scenario.topology
    out: list[Step] = []
    if cases.exchange_server_with_teams(t):
        out += [export_exchange_certificate(), upload_exchange_certificate(scenario),
                check_exchange_certificate(scenario)]
    if cases.exchange_hybrid(t) and t.exchange_has_oauth:
        out.append(exchange_hybrid_app(t))
    if cases.sfb_server_trusts_tenant(t):
        if _sfb_certificate_file(scenario)[1]:
            out.append(export_sfb_certificate())
        out.append(upload_sfb_certificate(scenario))
        out.append(sfb_service_principal_name(scenario) if scenario.pool_external_web_fqdns
                   else sfb_service_principal_name_missing())
    if cases.sfb_trusts_exchange_online(t):
        out.append(exchange_online_principal(scenario))
    if cases.sfb_server_with_exchange_online_mailboxes(t):
        out.append(exchange_online_hosting_provider())
        if t.exchange_has_oauth:
            out.append(sfb_hybrid_app())
    if cases.exchange_hybrid_with_sfb_server(t):
        out.append(exchange_online_mailbox_test())
    if cases.exchange_2010(t) and t.involves_tenant:
        out.append(exchange_2010_online(scenario))
    if cases.exchange_online_with_teams(t):
        out.append(same_tenant(scenario))
    return out
