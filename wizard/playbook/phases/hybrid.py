"""Hybrid / online: keys uploaded to the tenant's service principals, the dedicated hybrid apps, routes to the cloud.

Exchange Server with Teams users (Microsoft's "Configure Integration and OAuth between Microsoft
Teams services and Exchange Server", June 2025) uploads the Exchange auth certificate to the
Skype for Business (00000004), Teams Scheduler and Cloud Voicemail principals with Microsoft Graph
(MSOnline stopped working in spring 2025), merging keys because Update-MgServicePrincipal
-KeyCredentials replaces the whole list. An Exchange hybrid gets the read-only check of its
dedicated Exchange hybrid application. SfB Server with the tenant uploads its OAuthTokenIssuer
certificate to 00000004 (and, with Exchange Online mailboxes, to Exchange's 00000002, as Microsoft's
hybrid procedure repeats it) and adds each pool's external web name as an SPN; with Exchange Online
mailboxes (all, or some in an Exchange hybrid) it shares the SIP address space with exap.um.outlook.com
and tests a cloud mailbox.

Each change is guarded, stops on failure, is read back and recorded (wizard.playbook.changes): a key
per service principal (AppId and thumbprint), each SPN added, the hosting provider created, the prior
AllowFederatedUsers value. Undo reverts only those entries; what was already in place is left alone.
The Graph script first checks that the .cer files the Exchange and SfB scripts export are here.
"""

from __future__ import annotations

from wizard.features import unsupported
from wizard.lifecycle import EXCHANGE_SUPPORT
from wizard.playbook import cases, sources
from wizard.playbook.changes import Record, guarded, leave_alone_if, stop, undo_recorded
from wizard.playbook.cloud_mailboxes import exchange_online_mailbox_test
from wizard.playbook.dedicated_hybrid_apps import exchange_hybrid_app, sfb_hybrid_app
from wizard.playbook.snippets import (
    block,
    graph_certificate_dates,
    graph_connect,
    graph_remove_certificate,
    graph_upload_certificate,
    if_,
    if_else,
    if_not,
    indent,
    q,
)
from wizard.playbook.step import Need, Shell, Step
from wizard.playbook.wellknown import (
    CLOUD_VOICEMAIL_APP_ID,
    EXCHANGE_ONLINE_UM_PROXY,
    EXCHANGE_SERVICE_ID,
    SFB_SERVICE_ID,
    TEAMS_SCHEDULER_APP_ID,
)
from wizard.settled import Settled
from wizard.topology import ExchangeVersion, Phase, Topology

SFB_ONLINE_PRINCIPAL = f"the legacy Skype for Business Online service principal ({SFB_SERVICE_ID})"
PHASE = Phase.HYBRID

EXCHANGE_CERT_FILE = "(Join-Path -Path $env:SYSTEMDRIVE -ChildPath 'OAuthConfig\\OAuthCert.cer')"
SFB_CERT_FILE = "(Join-Path -Path $env:SYSTEMDRIVE -ChildPath 'OAuthConfig\\SfbOAuthTokenIssuer.cer')"
EXCHANGE_APP_IDS = (SFB_SERVICE_ID, TEAMS_SCHEDULER_APP_ID, CLOUD_VOICEMAIL_APP_ID)
UPLOADABLE = (".cer", ".crt", ".pem")

MSONLINE_NOTE = (
    "Older versions of these procedures used MSOnline PowerShell (Connect-MsolService, *-MsolServicePrincipal*), "
    "which stopped working between early April and late May 2025; AzureAD PowerShell was retired in early July "
    "2025 (Microsoft Entra \"What's new\"). These steps use Microsoft Graph PowerShell instead.")


# Reference pages the hybrid steps rest on (candidates for wizard.playbook.sources).
SET_ACCESS_EDGE_HELP = ('Microsoft Learn, "Set-CsAccessEdgeConfiguration" (AllowFederatedUsers: whether internal '
                        "users may communicate with users from federated domains; one global collection of settings; "
                        "https://learn.microsoft.com/powershell/module/skypeforbusiness/set-csaccessedgeconfiguration)")
NEW_CS_HOSTING_PROVIDER_HELP = ('Microsoft Learn, "New-CsHostingProvider" (Identity, ProxyFqdn, '
                                "EnabledSharedAddressSpace, VerificationLevel; "
                                "https://learn.microsoft.com/powershell/module/skypeforbusiness/new-cshostingprovider)")
GRAPH_KEY_CREDENTIAL = ('Microsoft Learn, "keyCredential resource type" (customKeyIdentifier defaults to the '
                        "certificate's thumbprint; the key is returned only when one object is read with "
                        "$select=keyCredentials; https://learn.microsoft.com/graph/api/resources/keycredential)")

GRAPH_MERGE_NOTE = (
    "Update-MgServicePrincipal -KeyCredentials replaces the whole key list, so the script reads the existing keys "
    "(one principal at a time, the only way Graph returns their key material), keeps the unexpired ones as they "
    "are, leaves a principal that already has this certificate alone (not recorded, so undo leaves it too) and "
    "adds it elsewhere, reads the list back and records the principal's AppId with the certificate's thumbprint. "
    "Expired keys are dropped, as Microsoft's procedure does; the record lists their key IDs, and undo does not "
    "put them back. The undo script removes only the keys this step recorded, while they are still there, and "
    "keeps every other key. Every Graph call stops the script on failure (-ErrorAction Stop). The key is the "
    "certificate's raw bytes, which Graph PowerShell sends base64-encoded; Microsoft's 2025 text passes ASCII "
    "bytes of the base64 string instead.")

CERTIFICATE_FIRST = "and copy the file to the same path on this computer"


def exchange_certificate_need() -> Need:
    """The Graph steps read the .cer file exchange-setup.ps1 exports; it must have been copied here first."""
    return Need("the Exchange auth certificate file C:\\OAuthConfig\\OAuthCert.cer",
                f"Test-Path -LiteralPath {EXCHANGE_CERT_FILE}",
                f"run {Shell.EXCHANGE.script_name} on an Exchange server (it exports the file) {CERTIFICATE_FIRST}")


def _export_public_certificate(certificate: str, file_name: str, next_script: str) -> str:
    """Write `certificate`'s public part to C:\\OAuthConfig\\<file_name>, only when the file does not hold it yet.

    A local file with public data: nothing to record or undo, but the folder and the write are guarded and a
    failure stops the step.
    """
    return block(
        "$folder = Join-Path -Path $env:SYSTEMDRIVE -ChildPath 'OAuthConfig'",
        if_not("Test-Path -LiteralPath $folder",
               "New-Item -ItemType Directory -Path $folder -ErrorAction Stop | Out-Null"),
        f"$certificateFile = Join-Path -Path $folder -ChildPath {q(file_name)}",
        f"$certBytes = {certificate}.Export([System.Security.Cryptography.X509Certificates.X509ContentType]::Cert)",
        "$same = (Test-Path -LiteralPath $certificateFile) -and ([System.Convert]::ToBase64String("
        "[System.IO.File]::ReadAllBytes($certificateFile)) -eq [System.Convert]::ToBase64String($certBytes))",
        if_else("-not $same",
                block("[System.IO.File]::WriteAllBytes($certificateFile, $certBytes)",
                      f"Write-Host \"Exported the public certificate to $certificateFile; copy it to the same path on "
                      f"the computer that runs {next_script}.\""),
                "Write-Host \"$certificateFile already holds this certificate: not written again.\""),
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
            "$thumbprint = (Get-AuthConfig -ErrorAction Stop).CurrentCertificateThumbprint",
            if_("-not $thumbprint", "throw 'Get-AuthConfig shows no current auth certificate on this organisation.'"),
            "$oAuthCert = Get-ChildItem -Path 'Cert:\\LocalMachine\\My' -ErrorAction Stop |",
            "    Where-Object { $_.Thumbprint -eq $thumbprint }",
            if_("-not $oAuthCert",
                "throw \"The Exchange auth certificate $thumbprint is not in this server's LocalMachine\\My store.\""),
            _export_public_certificate("$oAuthCert", "OAuthCert.cer", Shell.GRAPH.script_name),
        ),
        check="C:\\OAuthConfig\\OAuthCert.cer exists; opening it shows the Microsoft Exchange Server Auth "
              "Certificate.",
        note="Microsoft's Teams procedure saves this as ExportAuthCert.ps1 and runs .\\ExportAuthCert.ps1; it is "
             "inline here, and matches the thumbprint exactly (-eq) rather than as a pattern (-match). The file is "
             "written only when it does not hold this certificate yet; it is a local file with the public key "
             "only, so it is not recorded and undo leaves it. Copy it to the same path on the computer that runs "
             f"{Shell.GRAPH.script_name}: that script checks for it before it changes anything.",
        source=sources.TEAMS_2025,
    )


def upload_exchange_certificate(scenario: Settled) -> Step:
    tenant = cases.tenant_reference(scenario)
    step_id = "hybrid.upload-exchange-auth-certificate"
    return Step(
        id=step_id,
        phase=PHASE,
        title="Upload the Exchange auth certificate to the Teams Scheduler, Cloud Voicemail and legacy Skype for "
              "Business service principals",
        why="Teams and Cloud Voicemail accept Exchange's tokens, and Exchange accepts theirs, only when the tenant "
            "holds Exchange's auth certificate on their service principals.",
        shell=Shell.GRAPH,
        command=graph_upload_certificate(tenant, EXCHANGE_CERT_FILE, EXCHANGE_APP_IDS, step=step_id),
        check="Each principal reports 'certificate added' or 'already there'; the next step compares the dates.",
        undo=graph_remove_certificate(tenant, step_id),
        note=f"{MSONLINE_NOTE} The 2022 Skype for Business Online procedure uploaded to {SFB_SERVICE_ID} only; the "
             f"June 2025 Teams procedure uploads to {CLOUD_VOICEMAIL_APP_ID} (Cloud Voicemail), "
             f"{TEAMS_SCHEDULER_APP_ID} (Teams Calendar Scheduler) and {SFB_SERVICE_ID} (the legacy Skype for "
             f"Business Online application, kept for out-of-office voicemail greetings). {GRAPH_MERGE_NOTE} "
             "Renewing the Exchange auth certificate means uploading the new one again.",
        source=f"{sources.TEAMS_2025}; {sources.MSONLINE_RETIRED}; {GRAPH_KEY_CREDENTIAL}",
        needs=(exchange_certificate_need(),),
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
             "no longer works (MSOnline is retired). It only reads (it signs in with Application.Read.All when "
             "no Graph session is open).",
        source=f"{sources.TEAMS_2025}; {sources.MSONLINE_RETIRED}",
        read_only=True,
        needs=(exchange_certificate_need(),),
    )


def _sfb_certificate_file(scenario: Settled) -> tuple[str, bool]:
    """The certificate file the upload uses: the scenario's, if it is a public certificate file, else the export."""
    path = scenario.oauth_certificate
    if path.lower().endswith(UPLOADABLE):
        return q(path), False
    return SFB_CERT_FILE, True


def _sfb_certificate_need(scenario: Settled) -> Need:
    path, exported = _sfb_certificate_file(scenario)
    if exported:
        return Need("the OAuthTokenIssuer certificate file C:\\OAuthConfig\\SfbOAuthTokenIssuer.cer",
                    f"Test-Path -LiteralPath {path}",
                    f"run {Shell.SFB.script_name} on a Front End server (it exports the file) {CERTIFICATE_FIRST}")
    return Need(f"the OAuthTokenIssuer certificate file {scenario.oauth_certificate}", f"Test-Path -LiteralPath {path}",
                "copy the certificate file named in the scenario (its public part, .cer) to that path on this computer")


def export_sfb_certificate() -> Step:
    return Step(
        id="hybrid.export-sfb-oauth-certificate",
        phase=PHASE,
        title="Export the OAuthTokenIssuer certificate to C:\\OAuthConfig\\SfbOAuthTokenIssuer.cer",
        why="The Microsoft online STS must know the key Skype for Business Server signs with; the public "
            "certificate is uploaded in the next step.",
        shell=Shell.SFB,
        command=block(
            "$thumbprints = @((Get-CsCertificate -Type OAuthTokenIssuer -ErrorAction Stop).Thumbprint)",
            if_("$thumbprints.Count -eq 0", "throw 'Get-CsCertificate shows no OAuthTokenIssuer certificate.'"),
            if_("$thumbprints.Count -gt 1",
                "Write-Warning \"Several OAuthTokenIssuer certificates ($($thumbprints -join ', ')): exporting "
                "$($thumbprints[0]); upload the other one too once its roll takes effect.\""),
            "$certificate = Get-Item -LiteralPath ('Cert:\\LocalMachine\\My\\' + $thumbprints[0]) -ErrorAction Stop",
            _export_public_certificate("$certificate", "SfbOAuthTokenIssuer.cer", Shell.GRAPH.script_name),
        ),
        check="C:\\OAuthConfig\\SfbOAuthTokenIssuer.cer exists and shows the OAuthTokenIssuer certificate.",
        note="Only the public key is exported, and only when the file does not hold this certificate yet; a local "
             "file is not recorded and undo leaves it. Copy it to the same path on the computer that runs "
             f"{Shell.GRAPH.script_name}: that script checks for it before it changes anything.",
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
    step_id = "hybrid.upload-sfb-oauth-certificate"
    where = (f"the Skype for Business ({SFB_SERVICE_ID}) and Exchange Online ({EXCHANGE_SERVICE_ID}) service "
             "principals" if both else f"the Skype for Business service principal ({SFB_SERVICE_ID})")
    exchange_note = (
        "Microsoft's procedure repeats the upload with the AppPrincipalId of Exchange (the page still says Exchange "
        f"2013): this step does both, since mailboxes are in Exchange Online. The {EXCHANGE_SERVICE_ID} principal also "
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
        id=step_id,
        phase=PHASE,
        title=f"Upload the OAuthTokenIssuer certificate to {where}",
        why="Exchange Online and the online services trust tokens from Skype for Business Server only when its "
            f"signing certificate is a key of {'these service principals' if both else SFB_ONLINE_PRINCIPAL}.",
        shell=Shell.GRAPH,
        command=graph_upload_certificate(tenant, path, principals, step=step_id),
        check="The script reports 'certificate added' or 'already there'"
              + (" for each principal." if both else "."),
        undo=graph_remove_certificate(tenant, step_id),
        note=(f"Uses the certificate {Shell.SFB.script_name} exports. " if exported else
              f"Uses the certificate file from the scenario ({scenario.oauth_certificate}). ")
        + f"{exchange_note} {MSONLINE_NOTE} {GRAPH_MERGE_NOTE}",
        source=f"{sources.SFB_HYBRID_S2S}; {sources.MSONLINE_RETIRED}; {GRAPH_KEY_CREDENTIAL}"
        + (f"; {sources.CONFIGURE_EXCHANGE_HYBRID_APP}" if both else ""),
        needs=(_sfb_certificate_need(scenario),),
    )


SPN_TYPE = "ServicePrincipalName"


def sfb_service_principal_name(scenario: Settled) -> Step:
    tenant = cases.tenant_reference(scenario)
    step_id = "hybrid.sfb-service-principal-name"
    spns = [f"{SFB_SERVICE_ID}/{fqdn}" for fqdn in scenario.pool_external_web_fqdns]
    find = block(f"$principal = Get-MgServicePrincipal -Filter \"AppId eq '{SFB_SERVICE_ID}'\" -ErrorAction Stop",
                 if_("-not $principal", f"throw 'No service principal with AppId {SFB_SERVICE_ID} in this tenant.'"))
    names = "@((Get-MgServicePrincipal -ServicePrincipalId $principal.Id -ErrorAction Stop).ServicePrincipalNames)"
    add = guarded(
        before=f"$names = {names}",
        needed="$names -notcontains $spn",
        change="Update-MgServicePrincipal -ServicePrincipalId $principal.Id -ServicePrincipalNames @($names + $spn)",
        read_back=f"{names} -contains $spn",
        failed="The name is not among the service principal names after the update; check the output above.",
        record=Record(step_id, SPN_TYPE, "added", {"AppId": q(SFB_SERVICE_ID), "Name": "$spn"}, shared=True),
        already="    already a service principal name: left as it is and not recorded (undo leaves it too).",
        after="Write-Host \"    added $spn\"",
    )
    command = block(
        graph_connect(tenant), find,
        f"foreach ($spn in @({', '.join(q(s) for s in spns)})) {{",
        indent(block("Write-Host \"${spn}:\"", add)),
        "}",
    )
    undo = block(graph_connect(tenant), undo_recorded(step_id, SPN_TYPE, block(
        "$principal = Get-MgServicePrincipal -Filter \"AppId eq '$($entry.identity.AppId)'\" -ErrorAction Stop",
        leave_alone_if("-not $principal -or @($principal.ServicePrincipalNames) -notcontains $entry.identity.Name",
                       "The service principal name setup added is no longer there: left alone."),
        stop("Update-MgServicePrincipal -ServicePrincipalId $principal.Id -ServicePrincipalNames "
             "@($principal.ServicePrincipalNames | Where-Object { $_ -ne $entry.identity.Name })"),
        f"if ({names} -contains $entry.identity.Name) {{",
        "    throw 'The service principal name is still there after the update; check the output above.'",
        "}",
        "Write-Host \"    removed $($entry.identity.Name)\"",
    )))
    several = len(spns) > 1
    return Step(
        id=step_id,
        phase=PHASE,
        title=(f"Add the pools' external web services names ({', '.join(spns)}) to the Skype for Business service "
               "principal" if several else f"Add {spns[0]} to the Skype for Business service principal"),
        why="The online STS issues tokens for a pool's external web services only when that name is a service "
            f"principal name of {SFB_SERVICE_ID}"
            + (": one per pool." if several else "."),
        shell=Shell.GRAPH,
        command=command,
        check=f"(Get-MgServicePrincipal -Filter \"AppId eq '{SFB_SERVICE_ID}'\").ServicePrincipalNames lists "
              + ", ".join(spns) + ".",
        undo=undo,
        note="Graph equivalent of the documented $lyncSP.ServicePrincipalNames.Add(...) with Set-MsolServicePrincipal "
             "(MSOnline is retired). -ServicePrincipalNames replaces the whole list, so each name is added to the "
             "list as it is read just before; a name already there is left alone and not recorded. Each added name "
             "is recorded as shared: hybrid modern authentication relies on the same names, so the undo script "
             "removes them only with -RemoveSharedObjects, and only while they are still there. Hybrid modern "
             "authentication also adds the internal web services URL.",
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


ACCOUNT_ENABLED_TYPE = "ServicePrincipal.AccountEnabled"


def exchange_online_principal(scenario: Settled) -> Step:
    tenant = cases.tenant_reference(scenario)
    step_id = "hybrid.exchange-online-principal"
    principal = "Get-MgServicePrincipal -Filter \"AppId eq '{}'\" -ErrorAction Stop"
    command = block(
        graph_connect(tenant),
        guarded(
            before=block(f"$principal = {principal.format(EXCHANGE_SERVICE_ID)}",
                         if_("-not $principal",
                             f"throw 'No service principal with AppId {EXCHANGE_SERVICE_ID} in this tenant.'"),
                         "$prior = [bool]$principal.AccountEnabled",
                         "Write-Host \"AccountEnabled of the Exchange Online service principal: $prior\""),
            needed="-not $prior",
            change="Update-MgServicePrincipal -ServicePrincipalId $principal.Id -AccountEnabled:$true",
            read_back="(Get-MgServicePrincipal -ServicePrincipalId $principal.Id -ErrorAction Stop).AccountEnabled",
            failed="The Exchange Online service principal is still disabled after the update.",
            record=Record(step_id, ACCOUNT_ENABLED_TYPE, "changed",
                          {"AppId": q(EXCHANGE_SERVICE_ID), "Value": "$true"}, {"AccountEnabled": "$prior"},
                          shared=True),
            already="Already enabled: nothing to change (not recorded).",
        ),
    )
    undo = block(graph_connect(tenant), undo_recorded(step_id, ACCOUNT_ENABLED_TYPE, block(
        f"$principal = {principal.format('$($entry.identity.AppId)')}",
        leave_alone_if("-not $principal -or -not $principal.AccountEnabled -or [bool]$entry.prior.AccountEnabled",
                       "The Exchange Online service principal is not as setup left it: left alone."),
        "Write-Warning 'Disabling the Exchange Online service principal again, as it was before setup: Exchange "
        "Online stops issuing tokens for it.'",
        stop("Update-MgServicePrincipal -ServicePrincipalId $principal.Id -AccountEnabled:$false"),
    )))
    return Step(
        id=step_id,
        phase=PHASE,
        title=f"Make sure the Exchange Online service principal ({EXCHANGE_SERVICE_ID}) is enabled",
        why="Skype for Business Server trusts microsoft.exchange through the online STS, which issues tokens "
            "for Exchange Online only while its service principal is enabled.",
        shell=Shell.GRAPH,
        command=command,
        check=f"(Get-MgServicePrincipal -Filter \"AppId eq '{EXCHANGE_SERVICE_ID}'\").AccountEnabled is True.",
        undo=undo,
        note="Graph equivalent of Set-MsolServicePrincipal -AppPrincipalId ... -AccountEnabled $true (MSOnline is "
             "retired). It changes something only where the principal was disabled, and records that. The "
             "principal is Exchange Online's own, so the undo script disables it again only with "
             "-RemoveSharedObjects, and only while it is still enabled.",
        source=f"{sources.SFB_HYBRID_S2S}; {sources.MSONLINE_RETIRED}",
    )


HOSTING_PROVIDER_TYPE = "CsHostingProvider"
FEDERATION_TYPE = "CsAccessEdgeConfiguration.AllowFederatedUsers"
HOSTING_PROVIDER = "Exchange Online"

FEDERATION_WARNING = (
    "AllowFederatedUsers is an organisation-wide Access Edge setting: turning it on lets every user of this "
    "organisation communicate with users of federated domains (subject to the allowed and blocked domain lists "
    "and the external access policies), not only with Exchange Online.")


def exchange_online_hosting_provider() -> Step:
    step_id = "hybrid.exchange-online-hosting-provider"
    proxy = q(EXCHANGE_ONLINE_UM_PROXY)
    name = q(HOSTING_PROVIDER)
    provider = guarded(
        before=block(
            "$providers = @(Get-CsHostingProvider -ErrorAction Stop |",
            f"    Where-Object {{ [string]$_.Identity -eq {name} -or [string]$_.ProxyFqdn -eq {proxy} }})",
            "foreach ($existing in $providers) {",
            "    Write-Host \"    existing hosting provider: $($existing.Identity) -> $($existing.ProxyFqdn), Enabled "
            "$($existing.Enabled), EnabledSharedAddressSpace $($existing.EnabledSharedAddressSpace)\"",
            "}",
        ),
        needed="$providers.Count -eq 0",
        change=(f"New-CsHostingProvider -Identity {name} -Enabled $true -EnabledSharedAddressSpace $true "
                f"-HostsOCSUsers $false -ProxyFqdn {proxy} -IsLocal $false -VerificationLevel UseSourceVerification"),
        read_back=f"Get-CsHostingProvider -Identity {name} -ErrorAction SilentlyContinue",
        record=Record(step_id, HOSTING_PROVIDER_TYPE, "created", {"Identity": name, "ProxyFqdn": proxy}),
        already="A hosting provider for Exchange Online already exists: left as it is and not recorded (undo leaves "
                "it too).",
    )
    unlike = (f"No existing hosting provider has ProxyFqdn {EXCHANGE_ONLINE_UM_PROXY} with Enabled and "
              "EnabledSharedAddressSpace True; check the one shown above.")
    mismatch = if_(
        f"$providers.Count -gt 0 -and -not ($providers | Where-Object {{ [string]$_.ProxyFqdn -eq {proxy} -and "
        "$_.Enabled -and $_.EnabledSharedAddressSpace })",
        f"Write-Warning {q(unlike)}")
    federation = guarded(
        before=block(
            "$prior = [bool](Get-CsAccessEdgeConfiguration -Identity global -ErrorAction Stop).AllowFederatedUsers",
            "Write-Host \"AllowFederatedUsers (Access Edge, whole organisation) is $prior.\"",
            if_("-not $prior", f"Write-Warning {q(FEDERATION_WARNING)}"),
        ),
        needed="-not $prior",
        change="Set-CsAccessEdgeConfiguration -Identity global -AllowFederatedUsers $true",
        read_back="(Get-CsAccessEdgeConfiguration -Identity global -ErrorAction Stop).AllowFederatedUsers",
        failed="AllowFederatedUsers is not True after the change; check the output above.",
        record=Record(step_id, FEDERATION_TYPE, "changed", {"Identity": q("global"), "Value": "$true"},
                      {"AllowFederatedUsers": "$prior"}, shared=True),
        already="AllowFederatedUsers is already True: nothing to change (not recorded).",
    )
    undo = block(
        undo_recorded(step_id, FEDERATION_TYPE, block(
            "$current = [bool](Get-CsAccessEdgeConfiguration -Identity global -ErrorAction Stop).AllowFederatedUsers",
            leave_alone_if("-not $current", "AllowFederatedUsers is no longer True: left alone."),
            "Write-Warning 'Setting AllowFederatedUsers back to False ends federation for the whole organisation, "
            "including federation configured since setup.'",
            stop("Set-CsAccessEdgeConfiguration -Identity global -AllowFederatedUsers "
                 "([bool]$entry.prior.AllowFederatedUsers)"),
        )),
        undo_recorded(step_id, HOSTING_PROVIDER_TYPE, block(
            "$provider = Get-CsHostingProvider -Identity $entry.identity.Identity -ErrorAction SilentlyContinue",
            leave_alone_if("-not $provider -or [string]$provider.ProxyFqdn -ne $entry.identity.ProxyFqdn",
                           "The hosting provider is no longer there as setup created it: left alone."),
            stop("Remove-CsHostingProvider -Identity $entry.identity.Identity -Confirm:$false"),
        )),
    )
    return Step(
        id=step_id,
        phase=PHASE,
        title=f"Share the SIP address space with Exchange Online ({EXCHANGE_ONLINE_UM_PROXY})",
        why="Outlook on the web in Exchange Online shows IM and presence from the on-premises pools only through "
            "this hosting provider and federation on the Edge (a shared SIP address space).",
        shell=Shell.SFB,
        command=block(provider, mismatch, federation),
        check=f"Get-CsHostingProvider -Identity 'Exchange Online' shows ProxyFqdn {EXCHANGE_ONLINE_UM_PROXY}, "
              "Enabled and EnabledSharedAddressSpace True; Get-CsAccessEdgeConfiguration shows AllowFederatedUsers "
              "True.",
        undo=undo,
        note="Worldwide cloud value; 21Vianet uses exap.um.partner.outlook.cn and GCC High exap.um.office365.us. "
             "A hosting provider named Exchange Online, or any with this proxy FQDN, is left as it is and not "
             "recorded; the undo script removes only one this step created. "
             f"{FEDERATION_WARNING} The script shows the current value and changes it only when it is False; the "
             "previous value is recorded as shared, so the undo script puts it back only with "
             "-RemoveSharedObjects, and only while it is still True.",
        source=f"{sources.OWA_EXO}; {NEW_CS_HOSTING_PROVIDER_HELP}; {SET_ACCESS_EDGE_HELP}",
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
        read_only=True,
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
        read_only=True,
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
