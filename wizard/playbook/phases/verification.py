"""Verification: prove the pairing works end to end.

Seed 004 ends with Test-CsExStorageConnectivity (and its two classic failures, code=50043 and
code=5); seed 001 verifies by the features themselves; OWA IM shows in its event log (Event 112).
"""

from __future__ import annotations

from wizard.playbook import cases, sources
from wizard.playbook.snippets import q
from wizard.playbook.step import Shell, Step
from wizard.policy import SFB_SERVICE_ID
from wizard.scenario import Scenario
from wizard.topology import ExchangeKind, Phase, SfbKind

PHASE = Phase.VERIFICATION


def exchange_storage(scenario: Scenario) -> Step:
    uri = scenario.test_sip_uri
    target = q(uri) if uri else "(Read-Host -Prompt 'SIP address of a test user with a mailbox (sip:user@domain)')"
    online = scenario.topology.exchange is ExchangeKind.ONLINE
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
        note="code=50043: ExchangeAutodiscoverUrl is empty, wrong or ends in .xml (fix it in the OAuth phase). "
             "code=5: the account running the test is not in RTCUniversalUserAdmins (prerequisites). A 401 "
             "means Exchange does not accept the token: partner application missing or disabled, or an auth "
             "certificate problem. Add -Folder Dumpster to test the archiving store. "
             + ("For Exchange Online mailboxes, code=50043 also appears until the OAuthTokenIssuer certificate is "
                "uploaded to the tenant (seed 004, comment 3)." if online else "-Verbose is optional."),
        source=f"{sources.SEED_004}; {sources.EXSTORAGE_HELP}",
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
        source=f"{sources.SEED_004}; {sources.PARTNER_APPS}",
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


def sfb_online_features(scenario: Scenario) -> Step:
    return Step(
        id="verification.sfb-online-features",
        phase=PHASE,
        title="Check the features that depend on OAuth with the online service",
        why="Seed 001 verifies success by the features: voicemail greetings, conversation history and archiving "
            "all need the OAuth trust to work.",
        shell=Shell.BROWSER,
        command="",
        check="A Cloud Voicemail user can change the voicemail greeting; conversation history from mobile "
              "clients shows in Outlook's Conversation History folder; archived chats land in the on-premises "
              "mailbox's Purges folder (EWSEditor shows it).",
        note=f"A network trace of the OAuth handshake shows the issuer {SFB_SERVICE_ID}@<realm> "
             "and no user name or password.",
        source=sources.SEED_001,
    )


def online_features(scenario: Scenario) -> Step:
    return Step(
        id="verification.online-features",
        phase=PHASE,
        title="Check presence and meetings in Outlook and Outlook on the web",
        why="The features of the integration are what users see: presence, IM from mail, online meetings.",
        shell=Shell.BROWSER,
        command="",
        check="In Outlook and Outlook on the web, contacts show presence and the meeting form offers an online "
              "meeting.",
        source=sources.SEED_000,
    )


def steps(scenario: Scenario) -> list[Step]:
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
