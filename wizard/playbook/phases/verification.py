"""Verification: prove the pairing works end to end.

Jeff Schertz's field guide ends with Test-CsExStorageConnectivity (and its two classic failures,
code=50043 and code=5); Microsoft's Teams and Exchange Server article verifies by the features
themselves; OWA IM shows in its event log (Event 112).
"""

from __future__ import annotations

from wizard.playbook import cases, sources
from wizard.playbook.snippets import q
from wizard.playbook.step import Shell, Step
from wizard.playbook.wellknown import CLOUD_VOICEMAIL_APP_ID, SFB_SERVICE_ID, TEAMS_SCHEDULER_APP_ID
from wizard.settled import Settled
from wizard.topology import Phase, SfbKind

PHASE = Phase.VERIFICATION


def exchange_storage(scenario: Settled) -> Step:
    uri = scenario.test_sip_uri
    target = q(uri) if uri else "(Read-Host -Prompt 'SIP address of a test user with a mailbox (sip:user@domain)')"
    cloud_mailboxes = scenario.topology.exchange_online_mailboxes
    return Step(
        id="verification.exchange-storage",
        phase=PHASE,
        title=f"Test Skype for Business's access to {uri or 'a test user'}'s mailbox",
        why="Test-CsExStorageConnectivity writes an item to the user's Conversation History through the whole "
            "chain (autodiscover, OAuth, partner applications, EWS) and deletes it again.",
        shell=Shell.SFB,
        command=f"Test-CsExStorageConnectivity -SipUri {target} -Verbose",
        check="The cmdlet ends with 'Test passed'. Get-CsPartnerApplication and Get-CsOAuthConfiguration show "
              "what it used.",
        note="code=50043: no Microsoft document explains this code; Jeff Schertz's \"Exchange and Skype for "
             "Business Integration\" (2015) ties it to an ExchangeAutodiscoverUrl that is empty, wrong or ends in "
             ".xml (fix it in the OAuth phase). code=5: the account running the test is not in "
             "RTCUniversalUserAdmins (prerequisites), as the same article explains. A 401 means Exchange does not "
             "accept the token: partner application missing or disabled, or an auth certificate problem. Add "
             "-Folder Dumpster to test the archiving store. "
             + ("For Exchange Online mailboxes the readers' comments on that article report code=50043 while "
                "on-premises mailboxes pass, and one reader fixed it by uploading the OAuthTokenIssuer certificate "
                "to the tenant (the hybrid phase does that)." if cloud_mailboxes else "-Verbose is optional."),
        source=f"{sources.FIELD_GUIDE}; {sources.EXSTORAGE_HELP}"
        + (f"; {sources.FIELD_GUIDE_READERS}" if cloud_mailboxes else ""),
    )


def exchange_partner_applications() -> Step:
    return Step(
        id="verification.exchange-partner-applications",
        phase=PHASE,
        title="List Exchange's partner applications",
        why="Each partner application Exchange trusts, with its realm and state, in one table.",
        shell=Shell.EXCHANGE,
        command="Get-PartnerApplication | Format-Table -Property 'Name', 'ApplicationIdentifier', 'Realm', "
                "'Enabled', 'AuthMetadataUrl' -AutoSize",
        check="The applications created in the partner-applications phase are listed and Enabled.",
        source=f"{sources.FIELD_GUIDE}; {sources.PARTNER_APPS}",
    )


def owa_im_events() -> Step:
    return Step(
        id="verification.owa-im-events",
        phase=PHASE,
        title="Look for OWA's instant messaging sign-in events",
        why="OWA logs Event 112 (MSExchange OWA) when its IM connection to Skype for Business starts; errors "
            "there name a missing certificate or server name.",
        shell=Shell.EXCHANGE,
        command="Get-WinEvent -FilterHashtable @{ LogName = 'Application'; ProviderName = 'MSExchange OWA'; Id = 112 } "
                "-MaxEvents 5 -ErrorAction SilentlyContinue | Format-List -Property 'TimeCreated', 'Message'",
        check="A recent Event 112 appears after a user signs in to OWA; the user's presence shows in OWA.",
        note="No event yet: sign in to OWA first. Exchange 2013 and later also log to "
             "<ExchangeInstallPath>\\Logging\\OWA\\InstantMessaging.",
        source=sources.OWA_IM,
    )


SFB_ERA_CHECKS = ("conversation history from mobile clients shows in Outlook's Conversation History folder; "
                  "archived chats land in the on-premises mailbox's Purges folder (EWSEditor shows it)")


def sfb_online_features(scenario: Settled) -> Step:
    sfb_users = scenario.topology.sfb_on_prem
    base = ("The Teams Calendar shows the user's on-premises meetings; a Teams call to a user with an active "
            "Out of Office voicemail greeting plays that greeting and the voicemail arrives in the mailbox")
    check = (f"{base}; for the Skype for Business Server users: {SFB_ERA_CHECKS}." if sfb_users else f"{base}.")
    era = ("The conversation-history and Purges checks are Skype for Business ones: they apply to the Skype for "
           "Business Server users here, not to Teams users (\"How Exchange and Microsoft Teams interact\": retention "
           "uses a shadow mailbox for the online user)." if sfb_users else
           "Microsoft's article also lists two checks that come from its Skype for Business Online version: "
           "conversation history from mobile clients in Outlook's Conversation History folder, and archived "
           "chats in the Purges folder. They do not apply to Teams-only users, who have no Skype for Business "
           "client and whose Teams chats are retained in the cloud (\"How Exchange and Microsoft Teams interact\": "
           "retention uses a shadow mailbox for the online user), so they are left out here.")
    return Step(
        id="verification.sfb-online-features",
        phase=PHASE,
        title="Check the features that depend on OAuth with Microsoft Teams",
        why="Microsoft's \"Configure Integration and OAuth between Microsoft Teams services and Exchange Server\" "
            "verifies success by the features (Cloud Voicemail's Out of Office greeting, conversation history, "
            "archiving); the Teams calendar it enables needs the same OAuth trust.",
        shell=Shell.BROWSER,
        command="",
        check=check,
        note=f"{era} A network trace of the OAuth handshake shows issuers such as {TEAMS_SCHEDULER_APP_ID}@<realm>, "
             f"{CLOUD_VOICEMAIL_APP_ID}@<realm> or the legacy {SFB_SERVICE_ID}@<realm>, and no user name or "
             "password. Microsoft's 2022 version of the article (for Skype for Business Online) checked only "
             "the greeting, conversation history and archiving.",
        source=f"{sources.TEAMS_2025}; {sources.SFB_ONLINE_EXCHANGE_OAUTH_2022}; {sources.TEAMS_EXCHANGE_INTERACT}",
    )


def online_features(scenario: Settled) -> Step:
    return Step(
        id="verification.online-features",
        phase=PHASE,
        title="Check presence and meetings in Outlook and Outlook on the web",
        why="The features of the integration are what users see: presence, IM from mail, online meetings.",
        shell=Shell.BROWSER,
        command="",
        check="In Outlook and Outlook on the web, contacts show presence and the meeting form offers an online "
              "meeting.",
        source=sources.PLAN_INTEGRATION,
    )


def steps(scenario: Settled) -> list[Step]:
    t = scenario.topology
    out: list[Step] = []
    if t.sfb_on_prem and t.exchange_has_oauth:
        out.append(exchange_storage(scenario))
    if cases.onprem_pair(t) or cases.exchange_with_sfb_online(t):
        out.append(exchange_partner_applications())
    if cases.owa_im_on_prem(t):
        out.append(owa_im_events())
    if cases.exchange_with_sfb_online(t):
        out.append(sfb_online_features(scenario))
    if t.sfb is SfbKind.TEAMS and not cases.exchange_with_sfb_online(t):
        out.append(online_features(scenario))
    return out
