"""Partner applications: each side registers the other as a trusted OAuth partner.

On premises (Jeff Schertz's field guide, Microsoft's partner-application procedure): Exchange runs
Configure-EnterprisePartnerApplication.ps1 against the pool's metadata, SfB runs
New-CsPartnerApplication against Exchange's. Exchange Server with Teams users (Microsoft's June
2025 Teams procedure) gets the TeamsScheduler and CloudVoicemail applications and keeps the legacy
SfBOnline one with its linked mail user. The TeamsScheduler account needs New-MailUser
-ApplicationAccount (2025 updates): the script asks the cmdlet for it and warns instead of stopping,
and Exchange 2013, which never got it, gets a plain step saying what cannot be created. Whenever
SfB Server trusts the tenant (Exchange Online, an Exchange hybrid, or SfB Server with Teams) it also
trusts microsoft.exchange through the online STS, as Microsoft's hybrid server-to-server script
does. OWA IM's trusted application (KB 2614242) closes the on-premises case.
"""

from __future__ import annotations

from wizard.lifecycle import EXCHANGE_SUPPORT
from wizard.playbook import cases, sources
from wizard.playbook.owa import owa_steps
from wizard.playbook.phases.autodiscover import iis_reset
from wizard.playbook.snippets import block, if_, if_else, if_not, q
from wizard.playbook.step import Shell, Step
from wizard.playbook.wellknown import (
    CLOUD_VOICEMAIL_APP_ID,
    EXCHANGE_SERVICE_ID,
    SFB_SERVICE_ID,
    TEAMS_SCHEDULER_APP_ID,
)
from wizard.settled import Settled
from wizard.topology import ExchangeVersion, Phase, Topology

PHASE = Phase.PARTNER_APPLICATIONS

FIELD_GUIDE_SCRIPT_NOTE = (
    "The field guide prints '.\\Configure-EnterprisePartnerApplication.ps1 -AuthMetaDataUrlhttps://fe.jdskype.net/metadata/"
    "json/1′ -ApplicationType Lync\"', which does not run: the URL is glued to the parameter name with no opening "
    "quote, it ends in a typographic ′, and the stray \" opens a string that never closes, so PowerShell waits at "
    "the >> prompt (as its readers found). Microsoft's SfB docs wrap the whole line in double quotes, which only "
    "prints it. Here the script is called with & and its full path under $env:ExchangeInstallPath\\Scripts.")

LEGACY_NOTE = ("Microsoft's June 2025 Teams procedure no longer creates this account and the SfBOnline application, "
               "but tells you to keep them; this step creates them where they are missing so that out-of-office "
               "greetings work.")

DC_NOTE = ("-DomainController (when the scenario names a domain controller) makes Exchange create and read back "
           "the objects on one DC, so the next command finds them before AD replication.")


def metadata_check(step_id: str, shell: Shell, urls: list[str], who: str, source: str) -> Step:
    lines = [f"Invoke-RestMethod -Uri {q(url)} -UseBasicParsing | "
             "Format-List -Property 'issuer', 'realm', 'serviceName'" for url in urls]
    return Step(
        id=step_id,
        phase=PHASE,
        title=f"Fetch the {who} metadata document from this server",
        why="The partner application is created from this document and refreshed from it later; a TLS trust "
            "error or 404 here is exactly what the next command would fail with.",
        shell=shell,
        command=block(*lines),
        check=f"Each document shows issuer <service ID>@<realm>, the realm and serviceName ({who}).",
        note="PowerShell uses the same .NET trust store as the product: 'Could not establish trust relationship "
             "for the SSL/TLS secure channel' means the CA of the other server's certificate is not trusted "
             "here. A 404 means the URL is not the metadata endpoint (Exchange's needs /autodiscover/ in the "
             "path; the pool's is https://<pool FQDN>/metadata/json/1).",
        source=source,
    )


def exchange_trusts_sfb(scenario: Settled) -> Step:
    url = scenario.sfb_metadata_url
    exists = f"Get-PartnerApplication | Where-Object {{ $_.AuthMetadataUrl -eq {q(url)} }}"
    pools = scenario.pool_fqdns
    return Step(
        id="partner-applications.exchange-trusts-sfb",
        phase=PHASE,
        title=f"Register Skype for Business ({pools[0]}) as a partner application in Exchange",
        why="Exchange accepts OAuth tokens from Skype for Business only from a partner application built from "
            "the pool's metadata document.",
        shell=Shell.EXCHANGE,
        command=block(
            if_(exists, "Write-Host 'Exchange already has a partner application for this metadata URL.'"),
            "else {",
            "    $script = Join-Path -Path $env:ExchangeInstallPath -ChildPath "
            "'Scripts\\Configure-EnterprisePartnerApplication.ps1'",
            f"    & $script -AuthMetadataUrl {q(url)} -ApplicationType Lync",
            "}",
        ).replace("}\nelse {", "} else {"),
        check="Get-PartnerApplication | Format-Table -Property 'Name', 'ApplicationIdentifier', 'Realm', 'Enabled', "
              f"'AuthMetadataUrl' lists an enabled application with AuthMetadataUrl {url}.",
        undo=block(f"$application = {exists}",
                   if_("$application", "$application | Remove-PartnerApplication -Confirm:$false")),
        note=FIELD_GUIDE_SCRIPT_NOTE + " Run it once for the organisation: all pools share the OAuthTokenIssuer "
             "certificate and realm" + (f" (this uses {pools[0]} of {', '.join(pools)})" if len(pools) > 1 else "")
             + ". The undo script removes the partner application; the linked account the script made stays.",
        source=f"{sources.FIELD_GUIDE}; {sources.FIELD_GUIDE_READERS}; {sources.PARTNER_APPS}",
    )


def sfb_trusts_exchange(scenario: Settled) -> Step:
    url = scenario.exchange_metadata_url
    exists = "Get-CsPartnerApplication -Identity Exchange -ErrorAction SilentlyContinue"
    return Step(
        id="partner-applications.sfb-trusts-exchange",
        phase=PHASE,
        title="Register Exchange as a partner application in Skype for Business",
        why="Skype for Business accepts Exchange's tokens (and trusts it fully for mailbox work) only from a "
            "partner application built from Exchange's metadata document.",
        shell=Shell.SFB,
        command=if_not(
            exists, f"New-CsPartnerApplication -Identity Exchange -ApplicationTrustLevel Full -MetadataUrl {q(url)}"),
        check=f"Get-CsPartnerApplication -Identity Exchange shows ApplicationTrustLevel Full and MetadataUrl {url}.",
        undo=if_(exists, "Remove-CsPartnerApplication -Identity Exchange -Confirm:$false"),
        note="'Cannot bind parameter MetadataUrl ... could not be downloaded' (reported by the field guide's readers) "
             "means "
             "this server cannot fetch the URL: TLS trust, DNS, a proxy, or a URL without /autodiscover/ (the "
             "New-CsPartnerApplication help example has that mistake).",
        source=f"{sources.FIELD_GUIDE}; {sources.FIELD_GUIDE_READERS}; {sources.PARTNER_APPS}",
    )


def _dc(dc: str) -> str:
    """-DomainController when the scenario names one (the hybrid form does not ask for it)."""
    return f" -DomainController {q(dc)}" if dc else ""


def _user(name: str, dc: str, *, optional: bool = False) -> str:
    tail = " -ErrorAction SilentlyContinue" if optional else ""
    return f"$user = Get-MailUser -Identity {name}{_dc(dc)}{tail}"


def sfb_online_account(scenario: Settled) -> Step:
    dc = scenario.dc_fqdn
    address = f"SfBOnline-ApplicationAccount@{scenario.effective_verified_domain}"
    return Step(
        id="partner-applications.sfb-online-account",
        phase=PHASE,
        title="Create the hidden mail user SfBOnline-ApplicationAccount (for the legacy application Teams still uses)",
        why="The legacy SfBOnline partner application, which Teams' out-of-office voicemail greetings still use, "
            "acts as this account in Exchange; it only needs to exist, hidden from the address lists.",
        shell=Shell.EXCHANGE,
        command=block(
            _user("SfBOnline-ApplicationAccount", dc, optional=True),
            if_("-not $user",
                f"$user = New-MailUser -Name SfBOnline-ApplicationAccount -ExternalEmailAddress {q(address)}"
                f"{_dc(dc)}"),
            f"Set-MailUser -Identity $user.Identity -HiddenFromAddressListsEnabled $true{_dc(dc)}",
        ),
        check="Get-MailUser -Identity SfBOnline-ApplicationAccount | Format-List -Property 'ExternalEmailAddress', "
              f"'HiddenFromAddressListsEnabled' shows {address} and True.",
        undo=block(_user("SfBOnline-ApplicationAccount", dc, optional=True),
                   if_("$user", f"Remove-MailUser -Identity $user.Identity{_dc(dc)} -Confirm:$false")),
        note=f"The address uses the verified domain {scenario.effective_verified_domain} (the primary SMTP domain "
             f"of the on-premises mailboxes). {DC_NOTE} {LEGACY_NOTE}",
        source=f"{sources.SFB_ONLINE_EXCHANGE_OAUTH_2022}; {sources.TEAMS_2025}",
    )


def _role_assignment(role: str, user: str, dc: str) -> tuple[str, str]:
    exists = f"Get-ManagementRoleAssignment -Role {role} -RoleAssignee {user}{_dc(dc)} -ErrorAction SilentlyContinue"
    add = if_not(exists, f"New-ManagementRoleAssignment -Role {role} -User {user}{_dc(dc)}")
    remove = block(f"$assignment = {exists}",
                   if_("$assignment", "$assignment | Remove-ManagementRoleAssignment -Confirm:$false"))
    return add, remove


def sfb_online_roles(scenario: Settled) -> Step:
    dc = scenario.dc_fqdn
    user_app = _role_assignment("UserApplication", "$user.Identity", dc)
    archive_app = _role_assignment("ArchiveApplication", "$user.Identity", dc)
    return Step(
        id="partner-applications.sfb-online-roles",
        phase=PHASE,
        title="Give SfBOnline-ApplicationAccount the UserApplication and ArchiveApplication roles",
        why="These roles let the legacy Skype for Business Online application act on users' mailboxes and write "
            "archived conversations, as the procedure it comes from grants them.",
        shell=Shell.EXCHANGE,
        command=block(_user("SfBOnline-ApplicationAccount", dc), user_app[0], archive_app[0]),
        check="Get-ManagementRoleAssignment -RoleAssignee SfBOnline-ApplicationAccount lists UserApplication and "
              "ArchiveApplication.",
        undo=block(_user("SfBOnline-ApplicationAccount", dc, optional=True),
                   if_("$user", block(archive_app[1], user_app[1]))),
        note=DC_NOTE,
        source=f"{sources.SFB_ONLINE_EXCHANGE_OAUTH_2022}; {sources.TEAMS_2025}",
    )


def sfb_online_partner(scenario: Settled) -> Step:
    dc = scenario.dc_fqdn
    exists = "Get-PartnerApplication -Identity SfBOnline -ErrorAction SilentlyContinue"
    return Step(
        id="partner-applications.sfb-online-partner",
        phase=PHASE,
        title=f"Create and enable the legacy SfBOnline partner application ({SFB_SERVICE_ID})",
        why="Exchange accepts tokens of the legacy Skype for Business Online application, which Teams still uses "
            "for out-of-office voicemail greetings, through this partner application acting as the linked account.",
        shell=Shell.EXCHANGE,
        command=if_not(exists, block(
            _user("SfBOnline-ApplicationAccount", dc),
            f"New-PartnerApplication -Name SfBOnline -ApplicationIdentifier {SFB_SERVICE_ID} -Enabled $true "
            "-LinkedAccount $user.Identity")),
        check=f"Get-PartnerApplication -Identity SfBOnline shows ApplicationIdentifier {SFB_SERVICE_ID} and "
              "Enabled True.",
        undo=if_(exists, "Remove-PartnerApplication -Identity SfBOnline -Confirm:$false"),
        note=f"Microsoft's June 2025 Teams procedure calls {SFB_SERVICE_ID} the legacy Skype for Business Online "
             "application and adds TeamsScheduler and CloudVoicemail (next steps), but keeps this one: its "
             "caution says not to delete it yet, because out-of-office voicemail greetings still depend on it, "
             "and Microsoft will say when it is safe to remove. HealthChecker flags it as legacy only when neither "
             "of the two new applications exists.",
        source=f"{sources.SFB_ONLINE_EXCHANGE_OAUTH_2022}; {sources.TEAMS_2025}; {sources.HEALTHCHECKER_HYBRID_APP}",
    )


APPLICATION_ACCOUNT_GUARD = "(Get-Command -Name New-MailUser).Parameters.ContainsKey('ApplicationAccount')"

NO_APPLICATION_ACCOUNT = (
    "This Exchange build has no New-MailUser -ApplicationAccount: the TeamsScheduler account is not created and the "
    "TeamsScheduler role and partner application are skipped. Install the current Exchange update, then run this "
    "script again.")

NO_SCHEDULER_ACCOUNT = ("{what} is skipped: there is no TeamsScheduler mail user (the account step cannot create it "
                        "on this Exchange build).")

APPLICATION_ACCOUNT_NOTE = (
    "New-MailUser -ApplicationAccount comes with the 2025 Exchange updates (Exchange SE, or the latest 2016/2019 "
    "updates); the published cmdlet help does not list it yet. The script asks the cmdlet whether it has the "
    "parameter: on an older build it warns, creates nothing and goes on (the role and the TeamsScheduler partner "
    "application are skipped with a warning too, CloudVoicemail is still created); update Exchange and run it again.")


def _scheduler_user(dc: str) -> str:
    return _user("TeamsScheduler", dc, optional=True)


def teams_scheduler_account(scenario: Settled) -> Step:
    if scenario.topology.exchange_version is ExchangeVersion.V2013:
        return _teams_scheduler_account_2013(scenario)
    dc = scenario.dc_fqdn
    address = f"TeamsScheduler-ApplicationAccount@{scenario.effective_verified_domain}"
    return Step(
        id="partner-applications.teams-scheduler-account",
        phase=PHASE,
        title="Create the hidden TeamsScheduler application account (where this Exchange build can)",
        why="Since 2025 the Teams Calendar Scheduler Service has its own partner application, linked to this "
            "application account, hidden from the address lists.",
        shell=Shell.EXCHANGE,
        command=block(
            _scheduler_user(dc),
            if_("-not $user", if_else(
                APPLICATION_ACCOUNT_GUARD,
                f"$user = New-MailUser -Name TeamsScheduler -ApplicationAccount -ExternalEmailAddress {q(address)}"
                f"{_dc(dc)}",
                f"Write-Warning {q(NO_APPLICATION_ACCOUNT)}")),
            if_("$user", f"Set-MailUser -Identity $user.Identity -HiddenFromAddressListsEnabled $true{_dc(dc)}"),
        ),
        check="Get-MailUser -Identity TeamsScheduler | Format-List -Property 'ExternalEmailAddress', "
              f"'HiddenFromAddressListsEnabled' shows {address} and True. A warning instead means this build "
              "lacks New-MailUser -ApplicationAccount.",
        undo=block(_scheduler_user(dc),
                   if_("$user", f"Remove-MailUser -Identity $user.Identity{_dc(dc)} -Confirm:$false")),
        note=f"{APPLICATION_ACCOUNT_NOTE} {DC_NOTE}",
        source=sources.TEAMS_2025,
    )


def _teams_scheduler_account_2013(scenario: Settled) -> Step:
    support = EXCHANGE_SUPPORT[ExchangeVersion.V2013]
    ended = f" (out of support since {support.end.day} {support.end:%B %Y})" if support.end else ""
    return Step(
        id="partner-applications.teams-scheduler-account",
        phase=PHASE,
        title="Exchange 2013: the TeamsScheduler application account cannot be created",
        why="Microsoft's June 2025 Teams procedure links the TeamsScheduler partner application to a mail user made "
            f"with New-MailUser -ApplicationAccount, a parameter of the 2025 Exchange updates; Exchange 2013{ended} "
            "got none, so neither the account, its TeamsSchedulerRole nor the TeamsScheduler partner application "
            "is created here. The other steps of the script run as usual.",
        shell=Shell.BROWSER,
        command="",
        check="Nothing to run. Get-Command -Name New-MailUser -Syntax on Exchange 2013 shows no -ApplicationAccount. "
              "Microsoft's procedure gives this account to the Teams scheduling application for calendar delegation; "
              "for that, move the mailboxes to Exchange SE or Exchange Online.",
        note="The procedure says it applies to \"any supported version of Exchange Server\"; its earlier version "
             "for the retired Skype for Business Online, written for Exchange Server 2013 through 2019, had only "
             "the SfBOnline "
             "application that the steps above create. CloudVoicemail needs no linked account and is still created.",
        source=f"{sources.TEAMS_2025}; {sources.SFB_ONLINE_EXCHANGE_OAUTH_2022}",
    )


def teams_scheduler_role(scenario: Settled) -> Step:
    dc = scenario.dc_fqdn
    assignment = _role_assignment("TeamsSchedulerRole", "$user.Identity", dc)
    role_exists = "Get-ManagementRole -Identity TeamsSchedulerRole -ErrorAction SilentlyContinue"
    return Step(
        id="partner-applications.teams-scheduler-role",
        phase=PHASE,
        title="Give TeamsScheduler a role that can only read delegates (GetDelegate)",
        why="The scheduler needs only delegate information: a copy of UserApplication trimmed to GetDelegate "
            "grants exactly that.",
        shell=Shell.EXCHANGE,
        command=block(
            _scheduler_user(dc),
            if_else("$user", block(
                if_not(role_exists, f"New-ManagementRole -Name TeamsSchedulerRole -Parent UserApplication{_dc(dc)}"),
                f"Get-ManagementRoleEntry -Identity 'TeamsSchedulerRole\\*'{_dc(dc)} |",
                "    Where-Object { $_.Name -ne 'GetDelegate' } |",
                f"    Remove-ManagementRoleEntry{_dc(dc)} -Confirm:$false",
                assignment[0]),
                f"Write-Warning {q(NO_SCHEDULER_ACCOUNT.format(what='TeamsSchedulerRole'))}"),
        ),
        check="Get-ManagementRoleEntry -Identity 'TeamsSchedulerRole\\*' lists only GetDelegate; "
              "Get-ManagementRoleAssignment -Role TeamsSchedulerRole lists TeamsScheduler.",
        undo=block(
            _scheduler_user(dc),
            if_("$user", assignment[1]),
            if_(role_exists, "Remove-ManagementRole -Identity TeamsSchedulerRole -Confirm:$false"),
        ),
        note=f"Runs only when the TeamsScheduler account exists (the previous step). {DC_NOTE}",
        source=sources.TEAMS_2025,
    )


def teams_partner_applications(scenario: Settled) -> Step:
    dc = scenario.dc_fqdn
    scheduler = "Get-PartnerApplication -Identity TeamsScheduler -ErrorAction SilentlyContinue"
    voicemail = "Get-PartnerApplication -Identity CloudVoicemail -ErrorAction SilentlyContinue"
    create_voicemail = if_not(voicemail, f"New-PartnerApplication -Name CloudVoicemail -ApplicationIdentifier "
                                         f"{CLOUD_VOICEMAIL_APP_ID} -Enabled $true")
    undo_voicemail = if_(voicemail, "Remove-PartnerApplication -Identity CloudVoicemail -Confirm:$false")
    legacy = (f"The legacy SfBOnline ({SFB_SERVICE_ID}) application stays alongside (out-of-office voicemail "
              "greetings). Check Cloud Voicemail as the procedure does: call a user with an active out-of-office "
              "greeting from Teams; the out-of-office greeting plays only when CloudVoicemail works.")
    if scenario.topology.exchange_version is ExchangeVersion.V2013:
        return Step(
            id="partner-applications.teams-partner-applications",
            phase=PHASE,
            title="Create the CloudVoicemail partner application (no TeamsScheduler on Exchange 2013)",
            why="Cloud Voicemail calls Exchange with its own application ID since 2025; Exchange accepts it only "
                "through this partner application, which needs no linked account.",
            shell=Shell.EXCHANGE,
            command=create_voicemail,
            check="Get-PartnerApplication -Identity CloudVoicemail shows ApplicationIdentifier "
                  f"{CLOUD_VOICEMAIL_APP_ID} and Enabled True.",
            undo=undo_voicemail,
            note="The TeamsScheduler partner application needs the TeamsScheduler application account, which "
                 "Exchange 2013 cannot create (see that step). Microsoft's 2025 procedure covers supported Exchange "
                 "versions only, so that Cloud Voicemail uses this application with Exchange 2013 is not documented "
                 f"by Microsoft (New-PartnerApplication itself exists in Exchange 2013). {legacy}",
            source=sources.TEAMS_2025,
        )
    return Step(
        id="partner-applications.teams-partner-applications",
        phase=PHASE,
        title="Create the TeamsScheduler and CloudVoicemail partner applications",
        why="The Teams Calendar Scheduler Service and Cloud Voicemail call Exchange with their own application "
            "IDs since 2025; Exchange accepts them only through these partner applications.",
        shell=Shell.EXCHANGE,
        command=block(
            if_not(scheduler, block(
                _scheduler_user(dc),
                if_else("$user",
                        f"New-PartnerApplication -Name TeamsScheduler -ApplicationIdentifier {TEAMS_SCHEDULER_APP_ID} "
                        "-Enabled $true -LinkedAccount $user.Identity",
                        f"Write-Warning {q(NO_SCHEDULER_ACCOUNT.format(what='The TeamsScheduler partner application'))}"
                        ))),
            create_voicemail,
        ),
        check="Get-PartnerApplication | Format-Table -Property 'Name', 'ApplicationIdentifier', 'Enabled' lists "
              f"TeamsScheduler ({TEAMS_SCHEDULER_APP_ID}) and CloudVoicemail ({CLOUD_VOICEMAIL_APP_ID}), enabled.",
        undo=block(
            undo_voicemail,
            if_(scheduler, "Remove-PartnerApplication -Identity TeamsScheduler -Confirm:$false"),
        ),
        note="TeamsScheduler is created only when its application account exists (linked account); CloudVoicemail "
             f"needs none. {legacy}",
        source=sources.TEAMS_2025,
    )


def sfb_trusts_exchange_online(t: Topology) -> Step:
    exists = "Get-CsPartnerApplication -Identity microsoft.exchange -ErrorAction SilentlyContinue"
    beside = ("It sits beside the Exchange partner application of Exchange Server (built from its metadata "
              "document): Skype for Business Server reaches on-premises mailboxes through that one and Exchange "
              "Online ones through this one. " if t.exchange_on_prem else "")
    why_hybrid = ("Microsoft's hybrid server-to-server script creates it in every hybrid, also when all mailboxes "
                  "are on Exchange Server." if not t.exchange_online_mailboxes else
                  "Without it Exchange Online mailboxes cannot be reached from the pools.")
    return Step(
        id="partner-applications.sfb-trusts-exchange-online",
        phase=PHASE,
        title="Register Exchange Online (microsoft.exchange) as a partner application in Skype for Business",
        why="Skype for Business Server accepts Exchange Online's tokens, issued through the Microsoft online STS, "
            f"only from this partner application with full trust. {why_hybrid}",
        shell=Shell.SFB,
        command=block(
            f"$exchange = {exists}",
            if_(f"$exchange -and $exchange.ApplicationIdentifier -ne {q(EXCHANGE_SERVICE_ID)}", block(
                "Remove-CsPartnerApplication -Identity microsoft.exchange -Confirm:$false",
                "$exchange = $null")),
            if_("$exchange", "Set-CsPartnerApplication -Identity microsoft.exchange -ApplicationTrustLevel Full "
                             "-UseOAuthServer"),
            "else {",
            f"    New-CsPartnerApplication -Identity microsoft.exchange -ApplicationIdentifier {EXCHANGE_SERVICE_ID} "
            "-ApplicationTrustLevel Full -UseOAuthServer",
            "}",
        ).replace("}\nelse {", "} else {"),
        check=f"Get-CsPartnerApplication -Identity microsoft.exchange shows ApplicationIdentifier "
              f"{EXCHANGE_SERVICE_ID}, ApplicationTrustLevel Full and UseOAuthServer True.",
        undo=if_(exists, "Remove-CsPartnerApplication -Identity microsoft.exchange -Confirm:$false"),
        note=f"{beside}Needs the microsoft.sts OAuth server from the OAuth phase. The script is Microsoft's: an "
             "existing microsoft.exchange with another ApplicationIdentifier is replaced, a matching one set to "
             "full trust with -UseOAuthServer (New-/Set-CsPartnerApplication: the help lists Lync Server 2013 to "
             "Skype for Business Server 2019; SE is treated as 2019).",
        source=f"{sources.SFB_HYBRID_S2S}; {sources.NEW_CS_PARTNER_APPLICATION_HELP}",
    )


def steps(scenario: Settled) -> list[Step]:
    t = scenario.topology
    out: list[Step] = []
    if cases.onprem_pair(t):
        out += [
            metadata_check("partner-applications.sfb-metadata", Shell.EXCHANGE, scenario.sfb_metadata_urls,
                           "Skype for Business", sources.FIELD_GUIDE),
            exchange_trusts_sfb(scenario),
            iis_reset("partner-applications.iisreset", PHASE, scenario,
                      "Exchange loads new partner applications when IIS restarts.", sources.FIELD_GUIDE),
            metadata_check("partner-applications.exchange-metadata", Shell.SFB, [scenario.exchange_metadata_url],
                           "Exchange", sources.FIELD_GUIDE),
            sfb_trusts_exchange(scenario),
            *owa_steps(scenario, PHASE),
        ]
    if cases.exchange_server_with_teams(t):
        out += [
            sfb_online_account(scenario),
            sfb_online_roles(scenario),
            sfb_online_partner(scenario),
            teams_scheduler_account(scenario),
            *([] if t.exchange_version is ExchangeVersion.V2013 else [teams_scheduler_role(scenario)]),
            teams_partner_applications(scenario),
        ]
    if cases.sfb_trusts_exchange_online(t):
        out.append(sfb_trusts_exchange_online(t))
    return out
