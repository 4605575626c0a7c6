"""Where each step comes from: the five seeds and the later Microsoft documents that changed them."""

from __future__ import annotations

SEED_000 = "seed 000: Plan to integrate Skype for Business and Exchange (Microsoft SfB Server docs)"
SEED_001 = ("seed 001: Configure Integration and OAuth between Skype for Business Online and Exchange Server "
            "(Microsoft docs, 2022)")
SEED_002 = ("seed 002: Integrate Exchange Server 2013 with Lync Server 2013, Skype for Business Online, or a Lync "
            "Server 2013 hybrid deployment (Microsoft support)")
SEED_003 = "seed 003: Lync Server 2013: Prerequisites for integrating with Exchange Server 2013 (TechNet)"
SEED_004 = "seed 004: Jeff Schertz, Exchange and Skype for Business Integration (2015), and its reader comments"

TEAMS_2025 = ("Microsoft docs: Configure Integration and OAuth between Microsoft Teams services and Exchange "
              "Server (2025 revision of seed 001)")
SFB_HYBRID_S2S = ("Microsoft docs: Configure server-to-server authentication for a Skype for Business Server hybrid "
                  "environment (configure-a-hybrid-environment.md, TechNet jj204990)")
OWA_IM = ("Microsoft docs: Integrating Lync Server 2013 and Outlook Web App 2013 (TechNet JJ688055), linked from "
          "seed 002 step 5")
OWA_2010 = ("Exchange 2010 Set-OwaVirtualDirectory help (InstantMessagingServerName / "
            "InstantMessagingCertificateThumbprint)")
OWA_EXO = ("Microsoft docs: Configure integration between on-premises Skype for Business Server and Outlook Web App "
           "(outlook-web-app.md)")
S2S_CERT = "Microsoft docs: Assign a server-to-server authentication certificate to Skype for Business Server"
EXCHANGE_AUTH_CERT = "Microsoft troubleshooting: Cannot access OWA or ECP if the OAuth certificate is expired"
PARTNER_APPS = ("Microsoft docs: Configure partner applications in Skype for Business Server and Exchange Server, "
                "and Configure an on-premises partner application")
EXCHANGE_HYBRID_OAUTH = ("Microsoft docs: Configure OAuth authentication between Exchange and Exchange Online "
                         "organizations (linked from seed 001 step 1)")
MSONLINE_RETIRED = ("Microsoft: Azure AD, Azure AD Preview and MSOnline PowerShell retirement (deprecated 30 March "
                    "2024, stopped working 30 March 2025)")
SFB_ONLINE_DNS = "Microsoft docs: External DNS records for Office 365 (Skype for Business Online values)"
EXO_DNS = "Microsoft docs: External DNS records for Office 365 (autodiscover CNAME for Exchange Online)"
EXSTORAGE_HELP = "Test-CsExStorageConnectivity cmdlet help (permissions; -Folder Dumpster tests the archiving store)"
