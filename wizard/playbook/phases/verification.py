"""Verification: prove the pairing works end to end.

Jeff Schertz's field guide ends with Test-CsExStorageConnectivity (and its two classic failures,
code=50043 and code=5); Microsoft's Teams and Exchange Server article verifies by the features
themselves; OWA IM shows in its event log (Event 112).

Every step here only reads or tests (the storage test writes one item and deletes it again), so all of
them are read-only and verify mode exports them. The storage test first checks that this sign-in's
token holds the group the cmdlet needs, and the SfB script first checks that Exchange answers.
"""

from __future__ import annotations

from wizard.playbook import cases, sources
from wizard.playbook import commands as cmd
from wizard.playbook.phases.prerequisites import rtc_admins_in_token
from wizard.playbook.snippets import block, indent, q
from wizard.playbook.step import Need, Shell, Step
from wizard.playbook.wellknown import CLOUD_VOICEMAIL_APP_ID, SFB_SERVICE_ID, TEAMS_SCHEDULER_APP_ID
from wizard.settled import Mode, Settled
from wizard.topology import Phase, SfbKind

PHASE = Phase.VERIFICATION

SET_PARTNER_APPLICATION_HELP = ('Microsoft Learn, "Set-PartnerApplication" (-AuthMetadataUrl, -RefreshAuthMetadata; '
                                f"{sources.LEARN}/powershell/module/exchangepowershell/set-partnerapplication)")
SET_TRUSTED_APPLICATION_POOL_HELP = ('Microsoft Learn, "Set-CsTrustedApplicationPool" (-Registrar; '
                                     f"{sources.LEARN}/powershell/module/skypeforbusiness/"
                                     "set-cstrustedapplicationpool)")

def _pool_moves(scenario: Settled) -> str:
    """What to do when the pool that registered the partner applications is migrated or retired ("" if nothing)."""
    t = scenario.topology
    actions = []
    if cases.onprem_pair(t):
        actions.append(
            "point Exchange's partner application for Skype for Business at the new pool's metadata document: "
            "Set-PartnerApplication -Identity <name> -AuthMetadataUrl https://<new pool>/metadata/json/1 (<name> is "
            f"the application with ApplicationIdentifier {SFB_SERVICE_ID}, which Get-PartnerApplication lists), "
            "then Set-PartnerApplication -Identity <name> -RefreshAuthMetadata")
    if cases.owa_im_on_prem(t):
        actions.append(
            "move the OWA trusted application pool's registrar: Set-CsTrustedApplicationPool -Identity <trusted "
            "application pool> -Registrar <new pool> (the cmdlet's help warns that contacts attached to the "
            "application must then be moved with Move-CsApplicationEndpoint)")
    if not actions:
        return ""
    test = "the storage test" if t.exchange_has_oauth else "these verification steps"
    basis = ("Microsoft's cmdlet reference describes these parameters; no Microsoft procedure for moving the "
             "integration with a pool was found, so the order follows from the metadata URL naming the pool "
             "(Microsoft's partner-application procedure builds it from the pool's name)."
             if cases.onprem_pair(t) else
             "Microsoft's cmdlet reference describes the parameter; no Microsoft procedure for moving OWA's IM "
             "connection with a pool was found.")
    return (f"When the Front End pool the integration was set up with ({', '.join(scenario.pool_fqdns)}) is migrated "
            f"or retired: {'; '.join(actions)}; then run {test} again. {basis}")


def _pool_move_sources(scenario: Settled) -> str:
    t = scenario.topology
    return ((f"; {SET_PARTNER_APPLICATION_HELP}" if cases.onprem_pair(t) else "")
            + (f"; {SET_TRUSTED_APPLICATION_POOL_HELP}" if cases.owa_im_on_prem(t) else ""))


def exchange_trusts_sfb(scenario: Settled) -> Need:
    """SfB's storage test needs Exchange to trust SfB: not readable from SfB, so Exchange's metadata must answer."""
    url = scenario.exchange_metadata_url
    first = ("run exchange-verify.ps1 on an Exchange server first (Exchange must be set up by exchange-setup.ps1 and "
             "answer from here)" if scenario.mode is Mode.VERIFY else
             "run exchange-setup.ps1 on an Exchange server first (it registers Skype for Business as Exchange's "
             "partner application), and check that this server resolves the name and trusts Exchange's certificate")
    return Need(
        what=f"Exchange's auth metadata document {url} answers",
        condition=f"(Invoke-WebRequest -UseBasicParsing -Uri {q(url)} -ErrorAction Stop).StatusCode -eq 200",
        first=first,
    )


def exchange_storage(scenario: Settled) -> Step:
    uri = scenario.test_sip_uri
    target: cmd.Value = uri if uri else cmd.Expr(
        "(Read-Host -Prompt 'SIP address of a test user with a mailbox (sip:user@domain)')")
    cloud_mailboxes = scenario.topology.exchange_online_mailboxes
    skipped = (
        "Skipped: this sign-in's token holds neither RTCUniversalUserAdmins nor RTC Local User Administrators, so "
        "Test-CsExStorageConnectivity would fail (code=5). If the account joined RTCUniversalUserAdmins since this "
        "sign-in, sign out and in again; otherwise ask an Active Directory admin to run: Add-ADGroupMember "
        "-Identity RTCUniversalUserAdmins -Members ")
    then = ", then sign out and in again. Then run this script again."
    command = block(
        f"$rtcAdmins = {rtc_admins_in_token()}",
        "if ($rtcAdmins) {",
        indent(cmd.ex_storage_connectivity(target)),
        "} else {",
        f"    Write-Warning ({q(skipped)} + $env:USERNAME + {q(then)})",
        "}",
    )
    needs = (exchange_trusts_sfb(scenario),) if cases.onprem_pair(scenario.topology) else ()
    return Step(
        id="verification.exchange-storage",
        phase=PHASE,
        title=f"Test Skype for Business's access to the mailbox of {uri or 'a test user'}",
        why="Test-CsExStorageConnectivity writes an item to the user's Conversation History through the whole "
            "chain (autodiscover, OAuth, partner applications, EWS); -DeleteItem deletes it again at the end.",
        shell=Shell.SFB,
        command=command,
        check="The cmdlet ends with 'Test passed'. Get-CsPartnerApplication and Get-CsOAuthConfiguration show "
              "what it used.",
        note=" ".join(part for part in (
            "Without -DeleteItem the test item stays in the mailbox (the cmdlet's help: the item is deleted only "
            "when -DeleteItem is present).",
            "code=50043: no Microsoft document explains this code; Jeff Schertz's \"Exchange and Skype for Business "
            "Integration\" (2015) ties it to an ExchangeAutodiscoverUrl that is empty, wrong or ends in .xml (fix it "
            "in the OAuth phase).",
            "code=5: the account running the test is not in RTCUniversalUserAdmins, as the same article explains; "
            "Microsoft's help for the cmdlet says an \"Access Denied\" error means the account is in neither "
            "RTCUniversalUserAdmins nor the local RTC Local User Administrators group. Group membership counts only "
            "from the next sign-in, so the script first reads this sign-in's groups and skips the test with a "
            "warning (sign out and in again, or the Active Directory command to add the account) instead of failing.",
            "A 401 means Exchange does not accept the token: partner application missing or disabled, or an auth "
            "certificate problem. Add -Folder Dumpster to test the archiving store.",
            "" if uri else "No test user in the scenario: the script asks for a SIP address.",
            "For Exchange Online mailboxes the readers' comments on that article report code=50043 while "
            "on-premises mailboxes pass, and one reader fixed it by uploading the OAuthTokenIssuer certificate to "
            "the tenant (the hybrid phase does that)." if cloud_mailboxes else "-Verbose is optional.",
            _pool_moves(scenario),
        ) if part),
        source=f"{sources.FIELD_GUIDE}; {sources.EXSTORAGE_HELP}"
        + (f"; {sources.FIELD_GUIDE_READERS}" if cloud_mailboxes else "")
        + (f"; {sources.PARTNER_APPS}" if cases.onprem_pair(scenario.topology) else "")
        + _pool_move_sources(scenario),
        read_only=True,
        needs=needs,
    )


def exchange_partner_applications(scenario: Settled) -> Step:
    moves = cases.onprem_pair(scenario.topology)
    return Step(
        id="verification.exchange-partner-applications",
        phase=PHASE,
        title="List Exchange's partner applications",
        why="Each partner application Exchange trusts, with its realm and state, in one table.",
        shell=Shell.EXCHANGE,
        command="Get-PartnerApplication | Format-Table -Property 'Name', 'ApplicationIdentifier', 'Realm', "
                "'Enabled', 'AuthMetadataUrl' -AutoSize",
        check="The applications created in the Partner applications step are listed and Enabled.",
        note=(f"The AuthMetadataUrl of the application with ApplicationIdentifier {SFB_SERVICE_ID} names the Front "
              "End pool whose metadata Exchange reads. When that pool is migrated or retired, point it at the new "
              "pool: Set-PartnerApplication -Identity <name> -AuthMetadataUrl https://<new pool>/metadata/json/1, "
              "then Set-PartnerApplication -Identity <name> -RefreshAuthMetadata, and run the storage test in the "
              "Skype for Business script again.") if moves else "",
        source=f"{sources.FIELD_GUIDE}; {sources.PARTNER_APPS}" + (f"; {SET_PARTNER_APPLICATION_HELP}" if moves
                                                                  else ""),
        read_only=True,
    )


def owa_im_events(scenario: Settled) -> Step:
    # With Exchange 2010 there is no storage test: the pool-move advice goes here.
    moves = "" if scenario.topology.exchange_has_oauth else _pool_moves(scenario)
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
             "<ExchangeInstallPath>\\Logging\\OWA\\InstantMessaging." + (f" {moves}" if moves else ""),
        source=sources.OWA_IM + (_pool_move_sources(scenario) if moves else ""),
        read_only=True,
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
        read_only=True,
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
        read_only=True,
    )


def steps(scenario: Settled) -> list[Step]:
    t = scenario.topology
    out: list[Step] = []
    if t.sfb_on_prem and t.exchange_has_oauth:
        out.append(exchange_storage(scenario))
    if cases.onprem_pair(t) or cases.exchange_with_sfb_online(t):
        out.append(exchange_partner_applications(scenario))
    if cases.owa_im_on_prem(t):
        out.append(owa_im_events(scenario))
    if cases.exchange_with_sfb_online(t):
        out.append(sfb_online_features(scenario))
    if t.sfb is SfbKind.TEAMS and not cases.exchange_with_sfb_online(t):
        out.append(online_features(scenario))
    return out
