"""The dedicated hybrid applications that replace the shared Microsoft service principals (2025).

Exchange: since the April 2025 hotfix updates an Exchange hybrid uses an application the tenant
owns (ExchangeServerApp-<organisation GUID>) instead of the shared Office 365 Exchange Online
principal (00000002); EWS through the shared principal has been blocked since 31 October 2025.
The Hybrid Configuration Wizard or ConfigureExchangeHybridApplication.ps1 sets it up; the step here
only reads what HealthChecker reads (the evoSTS auth server's ApplicationIdentifier and the
ExchangeOnpremAsThirdPartyAppId setting override) and the RouteThroughMSGraph override of the later
script's Graph flow, so it never repeats the deprecated path. Since October 2026 the application also
needs Exchange Online's EWS allow list or the Graph flow; the step says so and on what it rests.

Skype for Business Server: an August 2025 update reportedly brings a dedicated application of its
own. No Microsoft text was found, so that step says what is reported and by whom, and runs nothing.
"""

from __future__ import annotations

from wizard.lifecycle import EXCHANGE_SUPPORT
from wizard.playbook import sources
from wizard.playbook.snippets import block
from wizard.playbook.step import Shell, Step
from wizard.playbook.wellknown import EXCHANGE_SERVICE_ID, SFB_SERVICE_ID
from wizard.topology import EXCHANGE_NAMES, ExchangeVersion, Phase, Topology

PHASE = Phase.HYBRID

EXCHANGE_APP_SCRIPT = "ConfigureExchangeHybridApplication.ps1"
SFB_APP_SCRIPT = "ConfigureSkypeforBusinessHybridApplication.ps1"
OVERRIDE_SECTION = "ExchangeOnpremAsThirdPartyAppId"

# Exchange versions that can run the dedicated application (Set-AuthServer -ApplicationIdentifier exists from the
# April 2025 hotfix update for 2016 CU23 and 2019 CU14/CU15, and in SE); 2010 and 2013 got no such update.
DEDICATED_APP_VERSIONS = (ExchangeVersion.V2016, ExchangeVersion.V2019, ExchangeVersion.SE)

RESET_SAFE_FORM = (f".\\{EXCHANGE_APP_SCRIPT} -ResetFirstPartyServicePrincipalKeyCredentials -CertificateInformation "
                   "<Exchange auth certificate thumbprint>")

RESET_KEYS_NOTE = (
    f"To remove the Exchange auth certificate from the shared principal, use the safe form {RESET_SAFE_FORM}: it "
    "removes that certificate and the expired ones only. Without -CertificateInformation the switch removes every "
    f"key credential of the Office 365 Exchange Online principal ({EXCHANGE_SERVICE_ID}), including the "
    "OAuthTokenIssuer certificate that Skype for Business Server's hybrid procedure uploads there, if it did.")

SHARED_PRINCIPAL_NOTE = (
    f"Do not restore free/busy, MailTips or photos by uploading the Exchange auth certificate to the shared Office "
    f"365 Exchange Online principal ({EXCHANGE_SERVICE_ID}), the fix older guides give: EWS through the shared "
    f"principal has been blocked since 31 October 2025. {RESET_KEYS_NOTE}")

GRAPH_OVERRIDE_SECTION = "RouteThroughMSGraph"

EWS_OR_GRAPH = (
    "From 1 October 2026 EWS in Exchange Online is being switched off tenant by tenant, except for the application "
    "IDs a tenant lists in EwsAllowedAppIDs with EwsEnabled $true (dates from third-party summaries of Microsoft's "
    "announcements; Get-OrganizationConfig | Format-List EwsEnabled in Exchange Online PowerShell shows your "
    "tenant's state). So the dedicated app's application ID must be in that list, or the Graph flow enabled. "
    "Add it with Set-OrganizationConfig -EwsAllowedAppIDs, keeping every ID already listed: an application not "
    "in the list is blocked.")

GRAPH_FLOW_NOTE = (
    f"The Graph flow: a later {EXCHANGE_APP_SCRIPT} than the April 2026 CSS-Exchange snapshot (Microsoft's script "
    "text) offers, after the dedicated application is set up and only with your consent, to create the setting "
    f"override EnableRouteThroughMSGraphFeature (Component SettingOverride, Section {GRAPH_OVERRIDE_SECTION}, "
    "Enabled=true), which routes these lookups through Microsoft Graph; it warns that this needs tenant-wide "
    "admin consent for all the application's required permissions, and it checks that Graph is reachable from "
    "the server first. That it needs Exchange SE with the May 2026 hotfix update, and that some lookups (cloud "
    "archive, most MailTips) stay on EWS, rests on third-party summaries, not on a Microsoft document read here.")

_EVO_STS = ("Get-AuthServer | Where-Object { $_.Type -eq 'AzureAD' } |\n"
            "    Format-List -Property 'Name', 'Type', 'Enabled', 'Realm', 'ApplicationIdentifier', 'DomainName'")
_OVERRIDE = ("Get-SettingOverride | Where-Object { $_.ComponentName -eq 'Global' -and $_.SectionName -eq "
             f"'{OVERRIDE_SECTION}' }} |\n"
             "    Format-List -Property 'Name', 'ComponentName', 'SectionName', 'Parameters', 'Server'")
_GRAPH_OVERRIDE = ("Get-SettingOverride | Where-Object { $_.ComponentName -eq 'SettingOverride' -and "
                   f"$_.SectionName -eq '{GRAPH_OVERRIDE_SECTION}' }} |\n"
                   "    Format-List -Property 'Name', 'ComponentName', 'SectionName', 'Parameters', 'Server'")


def exchange_hybrid_app(t: Topology) -> Step:
    """The read-only check of the dedicated Exchange hybrid application, or why this version cannot have one."""
    version = t.exchange_version
    if version is None:
        raise ValueError(f"{t.label} has no Exchange Server to hold a dedicated hybrid application")
    if version in DEDICATED_APP_VERSIONS:
        return _exchange_hybrid_app_check()
    return _exchange_hybrid_app_unavailable(t, version)


def _exchange_hybrid_app_check() -> Step:
    return Step(
        id="hybrid.dedicated-exchange-hybrid-app",
        phase=PHASE,
        title="Check the dedicated Exchange hybrid application (the tenant's own app, not the shared Exchange "
              "Online principal)",
        why="Since 31 October 2025 Exchange Server calls Exchange Online for free/busy, MailTips and photos only "
            "as the dedicated Exchange hybrid application, and from October 2026 (as third-party summaries of "
            "Microsoft's announcements date it) Exchange Online must also admit that application over EWS, unless "
            "the Graph flow is on. These read-only commands show whether "
            "Exchange uses the application and whether the Graph flow is on.",
        shell=Shell.EXCHANGE,
        command=block(_EVO_STS, _OVERRIDE, _GRAPH_OVERRIDE),
        check="The enabled AzureAD (evoSTS) auth server has an ApplicationIdentifier that is a GUID, the dedicated "
              f"app's application ID (not empty, not {EXCHANGE_SERVICE_ID}), and exactly one setting override "
              f"in Global / {OVERRIDE_SECTION} has Parameters Enabled=true (HealthChecker reports these two under "
              f"'Dedicated Exchange Hybrid Application'). The third command shows a SettingOverride / "
              f"{GRAPH_OVERRIDE_SECTION} override with Enabled=true where the Graph flow is on; without it the "
              f"lookups go over Exchange Online's EWS. {EWS_OR_GRAPH}",
        note="If either is missing, run the current Hybrid Configuration Wizard, or download "
             f"{EXCHANGE_APP_SCRIPT} from Microsoft's CSS-Exchange releases and run it on an Exchange server in "
             f"the Exchange Management Shell: .\\{EXCHANGE_APP_SCRIPT} -FullyConfigureExchangeHybridApplication "
             "creates the application in Entra ID, uploads the Auth Certificate to it, sets the auth server's "
             "ApplicationIdentifier and creates the setting override. Without Graph access from Exchange, run "
             "-CreateApplication -UpdateCertificate -CertificateMethod File -CertificateInformation <.cer> "
             "elsewhere, then -ConfigureAuthServer -EnableExchangeHybridApplicationOverride -CustomAppId -TenantId "
             "-RemoteRoutingDomain on Exchange. After renewing the Auth Certificate, run it with "
             "-UpdateCertificate. Every Exchange server needs the April 2025 hotfix update or later (2016 CU23, "
             "2019 CU14 or CU15) or Exchange SE; servers on older builds keep using the shared principal. "
             f"{GRAPH_FLOW_NOTE} {SHARED_PRINCIPAL_NOTE}",
        source=f"{sources.DEDICATED_EXCHANGE_HYBRID_APP}; {sources.CONFIGURE_EXCHANGE_HYBRID_APP}; "
               f"{sources.CONFIGURE_EXCHANGE_HYBRID_APP_GRAPH}; {sources.HEALTHCHECKER_HYBRID_APP}; "
               f"{sources.SET_AUTHSERVER_HELP}; {sources.SET_ORGANIZATION_CONFIG_EWS}; "
               f"{sources.EWS_RETIREMENT_REPORTS}; {sources.GRAPH_FLOW_REPORTS}",
        read_only=True,
    )


def _exchange_hybrid_app_unavailable(t: Topology, version: ExchangeVersion) -> Step:
    support = EXCHANGE_SUPPORT[version]
    ended = f" (out of support since {support.end.day} {support.end:%B %Y})" if support.end else ""
    name = EXCHANGE_NAMES[version]
    return Step(
        id="hybrid.dedicated-exchange-hybrid-app",
        phase=PHASE,
        title=f"{t.exchange_name}: no dedicated Exchange hybrid application",
        why=f"The dedicated Exchange hybrid application needs the April 2025 hotfix update for Exchange 2016 CU23 or "
            f"2019 CU14/CU15, or Exchange SE; {name}{ended} has no such update. "
            "Without it, free/busy, MailTips and photos between on-premises and Exchange Online mailboxes stopped "
            "when EWS through the shared principal was blocked on 31 October 2025.",
        shell=Shell.BROWSER,
        command="",
        check="Nothing to run here. Keep hybrid servers on Exchange SE (or 2016/2019 with the April 2025 hotfix "
              "update or later) and set up the dedicated application with the Hybrid Configuration Wizard or "
              f"{EXCHANGE_APP_SCRIPT}.",
        note=SHARED_PRINCIPAL_NOTE,
        source=f"{sources.DEDICATED_EXCHANGE_HYBRID_APP}; {sources.SET_AUTHSERVER_HELP}",
        read_only=True,
    )


def sfb_hybrid_app() -> Step:
    """What is known of the SfB Server dedicated hybrid application, with what it rests on; no commands."""
    return Step(
        id="hybrid.dedicated-sfb-hybrid-app",
        phase=PHASE,
        title="Skype for Business Server's dedicated hybrid application (August 2025 update): what is known",
        why=f"Reports say the August 2025 Skype for Business Server updates replace the shared {SFB_SERVICE_ID} "
            "principal with an application the tenant owns for reaching Exchange Online mailboxes. No Microsoft "
            "text on it was found, so this wizard generates no commands for it.",
        shell=Shell.BROWSER,
        command="",
        check="Get-CsServerPatchVersion on each Front End shows the installed update; read Microsoft's release "
              "notes (KB article) of the August 2025 or later hotfix update for your version and follow them if "
              f"they ask for {SFB_APP_SCRIPT}.",
        note="What this rests on: third-party summaries of a Microsoft announcement that this wizard could not "
             "read. They say the August 2025 hotfix updates for Skype for Business Server 2015 (CU13), 2019 (CU8) "
             "and Subscription Edition (KB5065372) add a tenant-owned application, configured with "
             f"{SFB_APP_SCRIPT} on a Front End server, for archiving to Exchange Online, calendar-based presence "
             "and photos, and that calls through the shared principal fail after 15 October 2025. Which objects "
             "the script creates, and its parameters, are not known here (unverified). The steps above follow "
             "Microsoft's documented hybrid procedure with the shared principal.",
        source=f"{sources.SFB_DEDICATED_APP_REPORTS}; {sources.SFB_HYBRID_S2S}",
        read_only=True,
    )
