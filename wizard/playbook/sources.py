"""Where each step comes from: the public documents it follows, by title and address.

An admin reads these in the runbook, the scripts and the window, so each names the document as its
publisher titles it, with its address where it is public. Where Microsoft has since changed a
procedure, the constant says which version a step follows.
"""

from __future__ import annotations

LEARN = "https://learn.microsoft.com"

# ----- the five documents the playbook started from -----

PLAN_INTEGRATION = ('Microsoft Learn, "Plan to integrate Skype for Business and Exchange" '
                    f"({LEARN}/skypeforbusiness/plan-your-deployment/integrate-with-exchange/integrate-with-exchange)")
SFB_ONLINE_EXCHANGE_OAUTH_2022 = (
    'Microsoft Learn, "Configure Integration and OAuth between Skype for Business Online and Exchange Server" '
    '(February 2022 version; since June 2025 the page is "Configure Integration and OAuth between Microsoft '
    f'Teams services and Exchange Server", {LEARN}/skypeforbusiness/deploy/integrate-with-exchange-server/'
    "oauth-with-online-and-on-premises)")
EXCHANGE_2013_INTEGRATION_KB = (
    'Microsoft support, "How to integrate Exchange Server 2013 with Lync Server 2013, Skype for Business Online, '
    'or a Lync Server 2013 hybrid deployment" (KB 2614242, https://support.microsoft.com/help/2614242)')
LYNC_2013_PREREQUISITES = (
    'Microsoft TechNet, "Lync Server 2013: Prerequisites for integrating with Exchange Server 2013" (JJ721919, '
    f"{LEARN}/previous-versions/office/lync-server-2013/"
    "lync-server-2013-prerequisites-for-integrating-with-exchange-server-2013)")
FIELD_GUIDE = ('Jeff Schertz, "Exchange and Skype for Business Integration" (2015, '
               "http://blog.schertz.name/2015/09/exchange-and-skype-for-business-integration/)")
FIELD_GUIDE_READERS = ("readers' comments on Jeff Schertz's \"Exchange and Skype for Business Integration\" (2015, "
                       "http://blog.schertz.name/2015/09/exchange-and-skype-for-business-integration/)")
FIELD_GUIDE_REPLY = ("Jeff Schertz's reply to a reader under \"Exchange and Skype for Business Integration\" (2015, "
                     "http://blog.schertz.name/2015/09/exchange-and-skype-for-business-integration/)")

# ----- later and more specific documents -----

TEAMS_2025 = ('Microsoft Learn, "Configure Integration and OAuth between Microsoft Teams services and Exchange '
              f'Server" (June 2025, {LEARN}/skypeforbusiness/deploy/integrate-with-exchange-server/'
              "oauth-with-online-and-on-premises)")
SFB_HYBRID_S2S = ('Microsoft Learn, "Configure server-to-server authentication for a Skype for Business Server '
                  f'hybrid environment" ({LEARN}/skypeforbusiness/manage/authentication/'
                  "configure-a-hybrid-environment)")
OWA_IM = ('Microsoft TechNet, "Integrating Lync Server 2013 and Outlook Web App 2013" (JJ688055, now under '
          f"{LEARN}/previous-versions)")
OWA_2010 = ('Microsoft Learn, "Set-OwaVirtualDirectory" (InstantMessagingServerName, '
            f"InstantMessagingCertificateThumbprint; {LEARN}/powershell/module/exchange/set-owavirtualdirectory)")
OWA_EXO = ('Microsoft Learn, "Configure integration between on-premises Skype for Business Server and Outlook Web '
           f'App" ({LEARN}/skypeforbusiness/deploy/integrate-with-exchange-server/outlook-web-app)')
S2S_CERT = ('Microsoft Learn, "Assign a server-to-server authentication certificate to Skype for Business Server" '
            f"({LEARN}/skypeforbusiness/manage/authentication/assign-a-server-to-server-certificate)")
EXCHANGE_AUTH_CERT = ('Microsoft Learn, "Maintain the Exchange Server OAuth certificate" '
                      f"({LEARN}/exchange/plan-and-deploy/integration-with-sharepoint-and-skype/maintain-oauth-certificate)"
                      '; Microsoft Learn troubleshooting, "Cannot access OWA or ECP if the OAuth certificate is '
                      f'expired" ({LEARN}/exchange/troubleshoot/administration/'
                      "cannot-access-owa-or-ecp-if-oauth-expired)")
PARTNER_APPS = ('Microsoft Learn, "Configure partner applications in Skype for Business Server and Exchange Server" '
                f"({LEARN}/skypeforbusiness/deploy/integrate-with-exchange-server/configure-partner-applications) and "
                '"Configure an on-premises partner application for Skype for Business Server" '
                f"({LEARN}/skypeforbusiness/manage/authentication/configure-an-on-premises-partner-app)")
EXCHANGE_HYBRID_OAUTH = ('Microsoft Learn, "Configure OAuth authentication between Exchange and Exchange Online '
                         f'organizations" ({LEARN}/exchange/configure-oauth-authentication-between-exchange-and-'
                         "exchange-online-organizations-exchange-2013-help)")
MSONLINE_RETIRED = (
    'Microsoft Learn, "What\'s new in Microsoft Entra" (MSOnline PowerShell retired and stopped working between '
    f"early April and late May 2025; AzureAD PowerShell retired in early July 2025; {LEARN}/entra/fundamentals/"
    'whats-new), and the Microsoft Entra blog, "Action required: MSOnline and AzureAD PowerShell retirement - '
    '2025 info and resources" (techcommunity.microsoft.com)')
TEAMS_DNS = ('Microsoft Learn, "External Domain Name System records for Microsoft 365" (October 2024: for '
             "Teams-only tenants, the _sipfederationtls._tcp SRV record only; "
             f"{LEARN}/microsoft-365/enterprise/external-domain-name-system-records)")
SFB_HYBRID_DNS = ('Microsoft Learn, "Configure hybrid connectivity between Skype for Business Server and Teams", '
                  '"DNS implications for on-premises organizations that become hybrid" '
                  f"({LEARN}/skypeforbusiness/hybrid/configure-hybrid-connectivity)")
CLOUD_VOICEMAIL_PLAN = ('Microsoft Learn, "Plan Cloud Voicemail service for on-premises users" '
                        f"({LEARN}/skypeforbusiness/hybrid/plan-cloud-voicemail)")
EXO_DNS = ('Microsoft Learn, "External Domain Name System records for Microsoft 365" (the autodiscover CNAME for '
           f"Exchange Online; {LEARN}/microsoft-365/enterprise/external-domain-name-system-records)")
EXSTORAGE_HELP = ('Microsoft Learn, "Test-CsExStorageConnectivity" (permissions; -Folder Dumpster tests the '
                  f"archiving store; {LEARN}/powershell/module/skype/test-csexstorageconnectivity)")

# ----- Exchange hybrid, Teams and the dedicated hybrid applications (appended by the topology steps) -----

DEDICATED_EXCHANGE_HYBRID_APP = ('Microsoft Learn, "Deploy dedicated Exchange hybrid app" (EWS through the shared '
                                 "service principal permanently blocked since 31 October 2025; "
                                 f"{LEARN}/exchange/hybrid-deployment/deploy-dedicated-hybrid-app)")
CONFIGURE_EXCHANGE_HYBRID_APP = ('Microsoft CSS-Exchange, "ConfigureExchangeHybridApplication" (script and parameters; '
                                 "https://github.com/microsoft/CSS-Exchange/blob/main/docs/Hybrid/"
                                 "ConfigureExchangeHybridApplication.md)")
CONFIGURE_EXCHANGE_HYBRID_APP_GRAPH = (
    'Microsoft CSS-Exchange, ConfigureExchangeHybridApplication.ps1, a version later than the April 2026 main branch '
    "(the EnableRouteThroughMSGraphFeature setting override; https://github.com/microsoft/CSS-Exchange/releases)")
GRAPH_FLOW_REPORTS = ("third-party runbooks and update summaries on the Graph flow of the dedicated Exchange hybrid "
                      "application (Exchange SE with the May 2026 hotfix update); no Microsoft text on the builds "
                      "was read")
SET_ORGANIZATION_CONFIG_EWS = ('Microsoft Learn, "Set-OrganizationConfig" (EwsEnabled, EwsAllowedAppIDs: applications '
                               f"not listed are blocked; {LEARN}/powershell/module/exchangepowershell/"
                               "set-organizationconfig)")
EWS_RETIREMENT_REPORTS = ("third-party summaries of Microsoft's EWS retirement announcements for Exchange Online "
                          "(message center post MC1227454, February 2026, and the June 2026 EWSAllowedAppIDs update, "
                          "as republished)")
HEALTHCHECKER_HYBRID_APP = ('Microsoft CSS-Exchange HealthChecker, "Dedicated Exchange Hybrid Application" check '
                            "(https://github.com/microsoft/CSS-Exchange/blob/main/docs/Diagnostics/HealthChecker/"
                            "ExchangeHybridApplicationCheck.md)")
SET_AUTHSERVER_HELP = ('Microsoft Learn, "Set-AuthServer" (-ApplicationIdentifier: April 18, 2025 hotfix update for '
                       f"Exchange 2019 CU15 and 2016 CU23, and Exchange SE; {LEARN}/powershell/module/"
                       "exchangepowershell/set-authserver)")
SFB_DEDICATED_APP_REPORTS = ("third-party summaries of the August 2025 Skype for Business Server hotfix updates (for "
                             'example windowsforum.com, "August 2025 Dedicated Hybrid App for Skype for Business '
                             'Hybrid: Act by Oct 15"); no Microsoft text on it was found')
TEAMS_EXCHANGE_INTERACT = ('Microsoft Learn, "How Exchange and Microsoft Teams interact" '
                           f"({LEARN}/microsoftteams/exchange-teams-interact)")
TEAMS_EXCHANGE_TROUBLESHOOT = ('Microsoft support, "Resolve interaction issues between Teams and Exchange Server" '
                               "(Autodiscover v2 to the on-premises external EWS URL, no pre-authentication)")
EXCHANGE_HYBRID_PREREQUISITES = ('Microsoft Learn, "Hybrid deployment prerequisites" (the autodiscover record '
                                 f"points at Exchange Server; {LEARN}/exchange/hybrid-deployment-prerequisites)")
NEW_CS_PARTNER_APPLICATION_HELP = ('Microsoft Learn, "New-CsPartnerApplication" (the UseOAuthServer parameter set; '
                                   f"{LEARN}/powershell/module/skypeforbusiness/new-cspartnerapplication)")
