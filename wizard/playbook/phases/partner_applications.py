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

A partner application is found by its ApplicationIdentifier, not by a name someone may have chosen
differently. One that exists is shown and left alone, and not recorded; one the script creates is read
back and recorded, and undo removes only those, while they still are what setup created. The legacy
00000004 application, its account and microsoft.exchange are shared with other integrations: undo keeps
them unless setup created them and the admin passes -RemoveSharedObjects.
"""

from __future__ import annotations

from wizard.lifecycle import EXCHANGE_SUPPORT
from wizard.playbook import cases, sources
from wizard.playbook import commands as cmd
from wizard.playbook.changes import IIS_NEEDS_RESET, Record, guarded, leave_alone_if, left_alone, stop, undo_recorded
from wizard.playbook.owa import owa_steps
from wizard.playbook.phases.autodiscover import iis_reset
from wizard.playbook.psquote import array
from wizard.playbook.snippets import block, indent, q
from wizard.playbook.step import Need, Shell, Step
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

EXISTING_NOTE = ("One that already exists is shown and left as it is, and not recorded, so the undo script leaves it "
                 "too; the undo script removes only what this script created, and only while it is still as "
                 "created.")

SHARED_NOTE = ("It is shared with other integrations: the undo script removes what this script created only when run "
               "with -RemoveSharedObjects.")

DO_NOT_DELETE_LEGACY = (
    "Microsoft's June 2025 Teams procedure says not to delete the legacy SfBOnline application yet: out-of-office "
    "voicemail greetings still depend on it. So it, its account and the account's roles are shared: the undo script "
    "keeps them unless this script created them and it runs with -RemoveSharedObjects.")

PARTNER_TYPE = "PartnerApplication"
CS_PARTNER_TYPE = "CsPartnerApplication"
CS_TRUST_TYPE = "CsPartnerApplication.ApplicationTrustLevel"
MAIL_USER_TYPE = "MailUser"
HIDDEN_TYPE = "MailUser.HiddenFromAddressListsEnabled"
ASSIGNMENT_TYPE = "ManagementRoleAssignment"
ROLE_TYPE = "ManagementRole"


def _dc(dc: str) -> str:
    """-DomainController when the scenario names one (the hybrid form does not ask for it)."""
    return f" -DomainController {q(dc)}" if dc else ""


# ----- reading the other side's metadata document -----

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
        read_only=True,
    )


def _metadata_answers(url: str) -> str:
    """A read-only condition: the metadata document at `url` answers from this server."""
    return f"(Invoke-WebRequest -UseBasicParsing -Uri {q(url)} -ErrorAction Stop).StatusCode -eq 200"


def sfb_metadata_need(scenario: Settled) -> Need:
    """Exchange's partner step builds the application from the pool's metadata document: it must answer."""
    url = scenario.sfb_metadata_url
    return Need(
        what=f"Skype for Business's metadata document {url} answers",
        condition=_metadata_answers(url),
        first="check the Front End pool is running and has an OAuthTokenIssuer certificate (sfb-setup.ps1 assigns "
              "it), and that this server resolves the pool's name and trusts its certificate")


def exchange_metadata_need(scenario: Settled) -> Need:
    """SfB's partner step builds the application from Exchange's metadata document: it must answer."""
    url = scenario.exchange_metadata_url
    return Need(
        what=f"Exchange's auth metadata document {url} answers",
        condition=_metadata_answers(url),
        first=f"run {Shell.EXCHANGE.script_name} on an Exchange server first, and check that this server resolves "
              "the autodiscover name and trusts Exchange's certificate")


# ----- Exchange trusts Skype for Business Server -----

_IS_LYNC = f"$_.ApplicationIdentifier -eq {q(SFB_SERVICE_ID)} -and $_.AuthMetadataUrl"


def _show_exchange_applications(variable: str = "$found") -> str:
    return block(
        f"foreach ($application in {variable}) {{",
        "    Write-Host \"    existing: $($application.Name) ($($application.ApplicationIdentifier)), Enabled "
        "$($application.Enabled), AuthMetadataUrl '$($application.AuthMetadataUrl)'\"",
        "}",
    )


def _undo_exchange_application(step_id: str, dc: str = "", *, with_metadata: bool = False, reset: bool = False) -> str:
    """Remove each partner application `step_id` created, only while its name, identifier (and metadata URL) match."""
    condition = ("$_.Name -eq $entry.identity.Name -and $_.ApplicationIdentifier -eq $entry.identity.ApplicationIdentifier"  # noqa: E501
                 + (" -and $_.AuthMetadataUrl -eq $entry.identity.AuthMetadataUrl" if with_metadata else ""))
    done = ("Write-Host \"    partner application $($entry.identity.Name) removed; run iisreset /noforce on each Exchange "  # noqa: E501
            "server.\"" if reset else "Write-Host \"    partner application $($entry.identity.Name) removed.\"")
    return undo_recorded(step_id, PARTNER_TYPE, block(
        f"$application = @(Get-PartnerApplication{_dc(dc)} -ErrorAction Stop | Where-Object {{ {condition} }}) | "
        "Select-Object -First 1",
        leave_alone_if("-not $application",
                       "The partner application is gone or no longer as setup created it: left alone."),
        stop(f"Remove-PartnerApplication -Identity $application.Identity{_dc(dc)} -Confirm:$false"),
        done,
    ))


def exchange_trusts_sfb(scenario: Settled) -> Step:
    url = scenario.sfb_metadata_url
    urls = scenario.sfb_metadata_urls
    pools = scenario.pool_fqdns
    step_id = "partner-applications.exchange-trusts-sfb"
    other_url = (f"The partner application above reads Skype for Business's keys from another metadata URL than "
                 f"{', '.join(urls)}: check that it is a pool of this organisation.")
    command = block(
        f"$found = @(Get-PartnerApplication -ErrorAction Stop | Where-Object {{ {_IS_LYNC} }})",
        _show_exchange_applications(),
        f"if ($found.Count -gt 0 -and @($found | Where-Object {{ $_.AuthMetadataUrl -in {array(urls)} }}).Count -eq 0) {{",  # noqa: E501
        f"    Write-Warning {q(other_url)}",
        "}",
        guarded(
            needed="$found.Count -eq 0",
            change=block(
                "$script = Join-Path -Path $env:ExchangeInstallPath -ChildPath "
                "'Scripts\\Configure-EnterprisePartnerApplication.ps1'",
                f"& $script -AuthMetadataUrl {q(url)} -ApplicationType Lync",
                # The script's own cmdlets may not stop on failure: the read-back below is what proves it worked.
                "$created = Get-PartnerApplication",
            ),
            read_back=f"$application = @($created | Where-Object {{ $_.ApplicationIdentifier -eq {q(SFB_SERVICE_ID)} "
                      f"-and $_.AuthMetadataUrl -eq {q(url)} }}) | Select-Object -First 1",
            failed=f"Configure-EnterprisePartnerApplication.ps1 did not leave a partner application for {url}; "
                   "check its output above.",
            record=Record(step_id, PARTNER_TYPE, "created",
                          {"Name": "[string]$application.Name", "ApplicationIdentifier": q(SFB_SERVICE_ID),
                           "AuthMetadataUrl": q(url)}),
            already=f"Exchange already trusts Skype for Business ({SFB_SERVICE_ID}, listed above): left as it is "
                    "and not recorded (undo leaves it too).",
            after=IIS_NEEDS_RESET,
        ),
    )
    return Step(
        id=step_id,
        phase=PHASE,
        title=f"Register Skype for Business ({pools[0]}) as a partner application in Exchange",
        why="Exchange accepts OAuth tokens from Skype for Business only from a partner application built from "
            "the pool's metadata document.",
        shell=Shell.EXCHANGE,
        command=command,
        check="Get-PartnerApplication | Format-Table -Property 'Name', 'ApplicationIdentifier', 'Realm', 'Enabled', "
              f"'AuthMetadataUrl' lists an enabled application with AuthMetadataUrl {url}.",
        undo=_undo_exchange_application(step_id, with_metadata=True, reset=True),
        note=FIELD_GUIDE_SCRIPT_NOTE + " Run it once for the organisation: all pools share the OAuthTokenIssuer "
             "certificate and realm" + (f" (this uses {pools[0]} of {', '.join(pools)})" if len(pools) > 1 else "")
             + f". Exchange's partner application for Skype for Business Server is the one with ApplicationIdentifier "
               f"{SFB_SERVICE_ID} and an AuthMetadataUrl (the legacy SfBOnline application has the same identifier "
               "and no metadata URL). " + EXISTING_NOTE + " A newly created one makes the next step restart IIS. "
               "Any linked account the script makes stays after undo.",
        source=f"{sources.FIELD_GUIDE}; {sources.FIELD_GUIDE_READERS}; {sources.PARTNER_APPS}",
        needs=(sfb_metadata_need(scenario),),
    )


# ----- Skype for Business Server trusts Exchange Server -----

# Exchange Server's partner application in SfB: 00000002-… built from a metadata document, not microsoft.exchange
# (same identifier, trusted through the online STS).
_IS_EXCHANGE_SERVER = (f"$_.ApplicationIdentifier -eq {q(EXCHANGE_SERVICE_ID)} -and \"$($_.Identity)\" -ne "
                       "'microsoft.exchange' -and \"$($_.AuthToken)\" -notmatch 'UseOAuthServer'")
_READ_EXCHANGE = "Get-CsPartnerApplication -Identity Exchange -ErrorAction SilentlyContinue"


def sfb_trusts_exchange(scenario: Settled) -> Step:
    url = scenario.exchange_metadata_url
    step_id = "partner-applications.sfb-trusts-exchange"
    taken = ("A partner application named Exchange exists but is not Exchange Server's (ApplicationIdentifier "
             f"{EXCHANGE_SERVICE_ID}, built from a metadata document): not changed. Check it; remove or rename it if "
             "it is a leftover, then run this script again.")
    command = block(
        f"$found = @(Get-CsPartnerApplication -ErrorAction Stop | Where-Object {{ {_IS_EXCHANGE_SERVER} }})",
        "foreach ($application in $found) {",
        "    Write-Host \"    existing: $($application.Identity) ($($application.ApplicationIdentifier)), Enabled "
        "$($application.Enabled), $($application.AuthToken)\"",
        "}",
        f"if ($found.Count -eq 0 -and ({_READ_EXCHANGE})) {{",
        f"    throw {q(taken)}",
        "}",
        guarded(
            needed="$found.Count -eq 0",
            change=cmd.new_cs_partner_application_exchange(url),
            read_back=f"($application = {_READ_EXCHANGE}) -and $application.ApplicationIdentifier -eq "
                      f"{q(EXCHANGE_SERVICE_ID)}",
            record=Record(step_id, CS_PARTNER_TYPE, "created",
                          {"Identity": q("Exchange"), "ApplicationIdentifier": q(EXCHANGE_SERVICE_ID),
                           "MetadataUrl": q(url)}),
            already=f"Skype for Business already trusts Exchange Server ({EXCHANGE_SERVICE_ID}, listed above): left "
                    "as it is and not recorded (undo leaves it too).",
        ),
    )
    undo = undo_recorded(step_id, CS_PARTNER_TYPE, block(
        "$application = Get-CsPartnerApplication -Identity $entry.identity.Identity -ErrorAction SilentlyContinue",
        "$token = \"$($application.AuthToken) $($application.AuthToken.MetadataUrl)\"",
        "if (-not $application -or $application.ApplicationIdentifier -ne $entry.identity.ApplicationIdentifier -or "
        "$token.IndexOf([string]$entry.identity.MetadataUrl, [System.StringComparison]::OrdinalIgnoreCase) -lt 0) {",
        indent(left_alone("The Exchange partner application is gone or no longer reads the metadata setup gave it: "
                          "left alone.")),
        "}",
        stop("Remove-CsPartnerApplication -Identity $entry.identity.Identity -Confirm:$false"),
        "Write-Host '    the Exchange partner application setup created is removed.'",
    ))
    return Step(
        id=step_id,
        phase=PHASE,
        title="Register Exchange as a partner application in Skype for Business",
        why="Skype for Business accepts Exchange's tokens (and trusts it fully for mailbox work) only from a "
            "partner application built from Exchange's metadata document.",
        shell=Shell.SFB,
        command=command,
        check=f"Get-CsPartnerApplication -Identity Exchange shows ApplicationTrustLevel Full and MetadataUrl {url}.",
        undo=undo,
        note="'Cannot bind parameter MetadataUrl ... could not be downloaded' (reported by the field guide's readers) "
             "means this server cannot fetch the URL: TLS trust, DNS, a proxy, or a URL without /autodiscover/ (the "
             "New-CsPartnerApplication help example has that mistake); the script checks that the document answers "
             f"before it changes anything. Exchange Server's partner application is found by ApplicationIdentifier "
             f"{EXCHANGE_SERVICE_ID} (not microsoft.exchange, which has the same identifier and trusts the online "
             f"token service), whatever its name. {EXISTING_NOTE}",
        source=f"{sources.FIELD_GUIDE}; {sources.FIELD_GUIDE_READERS}; {sources.PARTNER_APPS}",
        needs=(exchange_metadata_need(scenario),),
    )


# ----- Exchange Server with Teams: the legacy SfBOnline application and its account -----

def _account(step_id: str, name: str, address: str, dc: str, *, shared: bool, create: str,
             missing: str = "") -> str:
    """Find the mail user `name`; create it where missing (`create` is the New-MailUser line, `missing` what to say
    when it cannot be created); hide it from the address lists where it is not hidden yet. Each change is read back
    and recorded with the value it replaced."""
    find = f"Get-MailUser -Identity {name}{_dc(dc)} -ErrorAction SilentlyContinue"
    created = guarded(
        needed="-not $user",
        change=create,
        read_back=f"$user = {find}",
        record=Record(step_id, MAIL_USER_TYPE, "created",
                      {"Name": q(name), "ExternalEmailAddress": q(address), "Guid": "[string]$user.Guid"},
                      shared=shared),
        already=f"The mail user {name} exists: left as it is and not recorded (undo leaves it too).",
    )
    hidden = guarded(
        before="$hidden = [bool]$user.HiddenFromAddressListsEnabled",
        needed="-not $hidden",
        change=f"Set-MailUser -Identity $user.Identity -HiddenFromAddressListsEnabled $true{_dc(dc)}",
        read_back=f"[bool](Get-MailUser -Identity $user.Identity{_dc(dc)} -ErrorAction Stop)."
                  "HiddenFromAddressListsEnabled",
        failed=f"{name} is still shown in the address lists after Set-MailUser; check the output above.",
        record=Record(step_id, HIDDEN_TYPE, "changed", {"Guid": "[string]$user.Guid", "Value": "$true"},
                      {"HiddenFromAddressListsEnabled": "$false"}, shared=shared),
        already=f"{name} is already hidden from the address lists: nothing to change.",
    )
    lines = [f"$user = {find}"]
    if missing:
        lines.append(block(
            f"if ($user -or {APPLICATION_ACCOUNT_GUARD}) {{",
            indent(created),
            "} else {",
            f"    Write-Warning {q(missing)}",
            "}",
        ))
    else:
        lines.append(created)
    lines.append(block("if ($user) {", indent(hidden), "}"))
    return block(*lines)


def _undo_account(step_id: str, dc: str) -> str:
    """Show the account again where setup hid it, and remove it where setup created it (newest first)."""
    read = f"$user = Get-MailUser -Identity $entry.identity.Guid{_dc(dc)} -ErrorAction SilentlyContinue"
    return block(
        undo_recorded(step_id, HIDDEN_TYPE, block(
            read,
            leave_alone_if("-not $user -or -not $user.HiddenFromAddressListsEnabled",
                           "The account is gone or shown in the address lists again: left alone."),
            stop(f"Set-MailUser -Identity $entry.identity.Guid -HiddenFromAddressListsEnabled $false{_dc(dc)}"),
            "Write-Host '    shown in the address lists again, as before setup.'",
        )),
        undo_recorded(step_id, MAIL_USER_TYPE, block(
            read,
            "if (-not $user -or (\"$($user.ExternalEmailAddress)\" -replace '^smtp:', '') -ne "
            "$entry.identity.ExternalEmailAddress) {",
            indent(left_alone("The mail user is gone or has another address since setup: left alone.")),
            "}",
            stop(f"Remove-MailUser -Identity $entry.identity.Guid{_dc(dc)} -Confirm:$false"),
            "Write-Host \"    mail user $($entry.identity.Name) removed.\"",
        )),
    )


def sfb_online_account(scenario: Settled) -> Step:
    dc = scenario.dc_fqdn
    address = f"SfBOnline-ApplicationAccount@{scenario.effective_verified_domain}"
    step_id = "partner-applications.sfb-online-account"
    create = (f"$user = New-MailUser -Name SfBOnline-ApplicationAccount -ExternalEmailAddress {q(address)}"
              f"{_dc(dc)}")
    return Step(
        id=step_id,
        phase=PHASE,
        title="Create the hidden mail user SfBOnline-ApplicationAccount (for the legacy application Teams still uses)",
        why="The legacy SfBOnline partner application, which Teams' out-of-office voicemail greetings still use, "
            "acts as this account in Exchange; it only needs to exist, hidden from the address lists.",
        shell=Shell.EXCHANGE,
        command=_account(step_id, "SfBOnline-ApplicationAccount", address, dc, shared=True, create=create),
        check="Get-MailUser -Identity SfBOnline-ApplicationAccount | Format-List -Property 'ExternalEmailAddress', "
              f"'HiddenFromAddressListsEnabled' shows {address} and True.",
        undo=_undo_account(step_id, dc),
        note=f"The address uses the verified domain {scenario.effective_verified_domain} (the primary SMTP domain "
             f"of the on-premises mailboxes). {DC_NOTE} {LEGACY_NOTE} An existing account is left as it is (only "
             "hidden from the address lists if it is not, which is recorded). " + DO_NOT_DELETE_LEGACY,
        source=f"{sources.SFB_ONLINE_EXCHANGE_OAUTH_2022}; {sources.TEAMS_2025}",
    )


def _role_assignment(step_id: str, role: str, account: str, dc: str, *, shared: bool) -> str:
    """Assign `role` to $user unless it has it; the created assignment is read back and recorded by its name."""
    read = f"@(Get-ManagementRoleAssignment -Role {role} -RoleAssignee $user.Identity{_dc(dc)} -ErrorAction SilentlyContinue)"  # noqa: E501
    return guarded(
        before=f"$assigned = {read}",
        needed="$assigned.Count -eq 0",
        change=f"$assignment = New-ManagementRoleAssignment -Role {role} -User $user.Identity{_dc(dc)}",
        read_back=f"{read}.Count -gt 0",
        record=Record(step_id, ASSIGNMENT_TYPE, "created",
                      {"Name": "[string]$assignment.Name", "Role": q(role), "User": "[string]$user.Guid"},
                      shared=shared),
        already=f"{account} already has the {role} role: left as it is and not recorded.",
    )


def _undo_role_assignments(step_id: str, dc: str) -> str:
    return undo_recorded(step_id, ASSIGNMENT_TYPE, block(
        f"$assignment = Get-ManagementRoleAssignment -Identity $entry.identity.Name{_dc(dc)} "
        "-ErrorAction SilentlyContinue",
        leave_alone_if("-not $assignment -or \"$($assignment.Role)\" -ne $entry.identity.Role",
                       "The role assignment is gone or changed since setup: left alone."),
        stop(f"Remove-ManagementRoleAssignment -Identity $entry.identity.Name{_dc(dc)} -Confirm:$false"),
        "Write-Host \"    role assignment $($entry.identity.Name) ($($entry.identity.Role)) removed.\"",
    ))


def sfb_online_roles(scenario: Settled) -> Step:
    dc = scenario.dc_fqdn
    step_id = "partner-applications.sfb-online-roles"
    account = "SfBOnline-ApplicationAccount"
    return Step(
        id=step_id,
        phase=PHASE,
        title="Give SfBOnline-ApplicationAccount the UserApplication and ArchiveApplication roles",
        why="These roles let the legacy Skype for Business Online application act on users' mailboxes and write "
            "archived conversations, as the procedure it comes from grants them.",
        shell=Shell.EXCHANGE,
        command=block(
            f"$user = Get-MailUser -Identity {account}{_dc(dc)} -ErrorAction Stop",
            _role_assignment(step_id, "UserApplication", account, dc, shared=True),
            _role_assignment(step_id, "ArchiveApplication", account, dc, shared=True),
        ),
        check="Get-ManagementRoleAssignment -RoleAssignee SfBOnline-ApplicationAccount lists UserApplication and "
              "ArchiveApplication.",
        undo=_undo_role_assignments(step_id, dc),
        note=f"{DC_NOTE} A role the account already has is left as it is and not recorded. " + DO_NOT_DELETE_LEGACY,
        source=f"{sources.SFB_ONLINE_EXCHANGE_OAUTH_2022}; {sources.TEAMS_2025}",
    )


def _exchange_application(step_id: str, name: str, app_id: str, dc: str, *, linked: bool, shared: bool,
                          match: str = "") -> str:
    """Create the partner application for `app_id` unless one exists (found by its identifier; `match` narrows it);
    with `linked`, $user is its linked account."""
    condition = f"$_.ApplicationIdentifier -eq {q(app_id)}" + (f" -and {match}" if match else "")
    new = cmd.new_partner_application(name, app_id, linked_account=cmd.Expr("$user.Identity") if linked else None)
    return block(
        f"$found = @(Get-PartnerApplication{_dc(dc)} -ErrorAction Stop | Where-Object {{ {condition} }})",
        _show_exchange_applications(),
        guarded(
            needed="$found.Count -eq 0",
            change=new + _dc(dc),
            read_back=f"@(Get-PartnerApplication{_dc(dc)} -ErrorAction Stop | Where-Object {{ $_.Name -eq {q(name)} "
                      f"-and $_.ApplicationIdentifier -eq {q(app_id)} }}).Count -gt 0",
            record=Record(step_id, PARTNER_TYPE, "created", {"Name": q(name), "ApplicationIdentifier": q(app_id)},
                          shared=shared),
            already=f"Exchange already has a partner application for {app_id} (listed above): left as it is and not "
                    "recorded (undo leaves it too).",
        ),
    )


def sfb_online_partner(scenario: Settled) -> Step:
    dc = scenario.dc_fqdn
    step_id = "partner-applications.sfb-online-partner"
    return Step(
        id=step_id,
        phase=PHASE,
        title=f"Create and enable the legacy SfBOnline partner application ({SFB_SERVICE_ID})",
        why="Exchange accepts tokens of the legacy Skype for Business Online application, which Teams still uses "
            "for out-of-office voicemail greetings, through this partner application acting as the linked account.",
        shell=Shell.EXCHANGE,
        command=block(
            f"$user = Get-MailUser -Identity SfBOnline-ApplicationAccount{_dc(dc)} -ErrorAction Stop",
            _exchange_application(step_id, "SfBOnline", SFB_SERVICE_ID, dc, linked=True, shared=True,
                                  match="-not $_.AuthMetadataUrl"),
        ),
        check=f"Get-PartnerApplication -Identity SfBOnline shows ApplicationIdentifier {SFB_SERVICE_ID} and "
              "Enabled True.",
        undo=_undo_exchange_application(step_id, dc),
        note=f"Microsoft's June 2025 Teams procedure calls {SFB_SERVICE_ID} the legacy Skype for Business Online "
             "application and adds TeamsScheduler and CloudVoicemail (next steps), but keeps this one: its "
             "caution says not to delete it yet, because out-of-office voicemail greetings still depend on it, "
             "and Microsoft will say when it is safe to remove. HealthChecker flags it as legacy only when neither "
             f"of the two new applications exists. It is found by ApplicationIdentifier {SFB_SERVICE_ID} without an "
             "AuthMetadataUrl (Skype for Business Server's partner application has the same identifier and a "
             f"metadata URL), whatever its name. {EXISTING_NOTE} {DO_NOT_DELETE_LEGACY}",
        source=f"{sources.SFB_ONLINE_EXCHANGE_OAUTH_2022}; {sources.TEAMS_2025}; {sources.HEALTHCHECKER_HYBRID_APP}",
    )


# ----- Exchange Server with Teams: the 2025 applications -----

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
    return f"$user = Get-MailUser -Identity TeamsScheduler{_dc(dc)} -ErrorAction SilentlyContinue"


def teams_scheduler_account(scenario: Settled) -> Step:
    if scenario.topology.exchange_version is ExchangeVersion.V2013:
        return _teams_scheduler_account_2013(scenario)
    dc = scenario.dc_fqdn
    address = f"TeamsScheduler-ApplicationAccount@{scenario.effective_verified_domain}"
    step_id = "partner-applications.teams-scheduler-account"
    create = f"$user = New-MailUser -Name TeamsScheduler -ApplicationAccount -ExternalEmailAddress {q(address)}{_dc(dc)}"  # noqa: E501
    return Step(
        id=step_id,
        phase=PHASE,
        title="Create the hidden TeamsScheduler application account (where this Exchange build can)",
        why="Since 2025 the Teams Calendar Scheduler Service has its own partner application, linked to this "
            "application account, hidden from the address lists.",
        shell=Shell.EXCHANGE,
        command=_account(step_id, "TeamsScheduler", address, dc, shared=False, create=create,
                         missing=NO_APPLICATION_ACCOUNT),
        check="Get-MailUser -Identity TeamsScheduler | Format-List -Property 'ExternalEmailAddress', "
              f"'HiddenFromAddressListsEnabled' shows {address} and True. A warning instead means this build "
              "lacks New-MailUser -ApplicationAccount.",
        undo=_undo_account(step_id, dc),
        note=f"{APPLICATION_ACCOUNT_NOTE} An existing TeamsScheduler account is left as it is, only hidden from the "
             "address lists where it is not yet (recorded, and shown again by the undo script). " + DC_NOTE,
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


_EXTRA_ENTRIES = "Where-Object { $_.Name -ne 'GetDelegate' }"


def teams_scheduler_role(scenario: Settled) -> Step:
    dc = scenario.dc_fqdn
    step_id = "partner-applications.teams-scheduler-role"
    read_role = f"Get-ManagementRole -Identity TeamsSchedulerRole{_dc(dc)} -ErrorAction SilentlyContinue"
    entries = f"Get-ManagementRoleEntry -Identity 'TeamsSchedulerRole\\*'{_dc(dc)} -ErrorAction Stop"
    untrimmed = ("TeamsSchedulerRole exists with entries other than GetDelegate: this script did not create it in this "
                 "run, so it is left as it is. Check it; remove it and run this script again to have it created.")
    create_role = guarded(
        before=f"$role = {read_role}",
        needed="-not $role",
        change=[f"New-ManagementRole -Name TeamsSchedulerRole -Parent UserApplication{_dc(dc)}",
                f"{entries} |\n    {_EXTRA_ENTRIES} |\n    Remove-ManagementRoleEntry{_dc(dc)} -Confirm:$false"],
        read_back=f"({read_role}) -and @({entries} | {_EXTRA_ENTRIES}).Count -eq 0",
        failed="TeamsSchedulerRole is missing or holds more than GetDelegate after the change; check the output above.",
        record=Record(step_id, ROLE_TYPE, "created", {"Name": q("TeamsSchedulerRole"), "Parent": q("UserApplication")}),
        already="TeamsSchedulerRole exists: left as it is and not recorded (undo leaves it too).",
    )
    command = block(
        _scheduler_user(dc),
        "if ($user) {",
        indent(block(
            create_role,
            f"if ($role -and @({entries} | {_EXTRA_ENTRIES}).Count -gt 0) {{",
            f"    Write-Warning {q(untrimmed)}",
            "}",
            _role_assignment(step_id, "TeamsSchedulerRole", "TeamsScheduler", dc, shared=False),
        )),
        "} else {",
        f"    Write-Warning {q(NO_SCHEDULER_ACCOUNT.format(what='TeamsSchedulerRole'))}",
        "}",
    )
    undo = block(
        _undo_role_assignments(step_id, dc),
        undo_recorded(step_id, ROLE_TYPE, block(
            f"$role = Get-ManagementRole -Identity $entry.identity.Name{_dc(dc)} -ErrorAction SilentlyContinue",
            f"$assigned = @(Get-ManagementRoleAssignment -Role $entry.identity.Name{_dc(dc)} "
            "-ErrorAction SilentlyContinue)",
            leave_alone_if("-not $role -or $assigned.Count -gt 0",
                           "The role is gone or assigned to someone since setup: left alone."),
            stop(f"Remove-ManagementRole -Identity $entry.identity.Name{_dc(dc)} -Confirm:$false"),
            "Write-Host '    TeamsSchedulerRole removed.'",
        )),
    )
    return Step(
        id=step_id,
        phase=PHASE,
        title="Give TeamsScheduler a role that can only read delegates (GetDelegate)",
        why="The scheduler needs only delegate information: a copy of UserApplication trimmed to GetDelegate "
            "grants exactly that.",
        shell=Shell.EXCHANGE,
        command=command,
        check="Get-ManagementRoleEntry -Identity 'TeamsSchedulerRole\\*' lists only GetDelegate; "
              "Get-ManagementRoleAssignment -Role TeamsSchedulerRole lists TeamsScheduler.",
        undo=undo,
        note="Runs only when the TeamsScheduler account exists (the previous step). The role is created and trimmed "
             "to GetDelegate in one change; an existing TeamsSchedulerRole is left as it is (with a warning when it "
             f"holds more than GetDelegate) and not recorded. {DC_NOTE}",
        source=sources.TEAMS_2025,
    )


def teams_partner_applications(scenario: Settled) -> Step:
    dc = scenario.dc_fqdn
    step_id = "partner-applications.teams-partner-applications"
    voicemail = _exchange_application(step_id, "CloudVoicemail", CLOUD_VOICEMAIL_APP_ID, dc, linked=False,
                                      shared=False)
    undo = _undo_exchange_application(step_id, dc)
    legacy = (f"The legacy SfBOnline ({SFB_SERVICE_ID}) application stays alongside (out-of-office voicemail "
              "greetings). Check Cloud Voicemail as the procedure does: call a user with an active out-of-office "
              "greeting from Teams; the out-of-office greeting plays only when CloudVoicemail works.")
    found = (f"Each application is found by its ApplicationIdentifier, whatever its name. {EXISTING_NOTE}")
    if scenario.topology.exchange_version is ExchangeVersion.V2013:
        return Step(
            id=step_id,
            phase=PHASE,
            title="Create the CloudVoicemail partner application (no TeamsScheduler on Exchange 2013)",
            why="Cloud Voicemail calls Exchange with its own application ID since 2025; Exchange accepts it only "
                "through this partner application, which needs no linked account.",
            shell=Shell.EXCHANGE,
            command=voicemail,
            check="Get-PartnerApplication -Identity CloudVoicemail shows ApplicationIdentifier "
                  f"{CLOUD_VOICEMAIL_APP_ID} and Enabled True.",
            undo=undo,
            note="The TeamsScheduler partner application needs the TeamsScheduler application account, which "
                 "Exchange 2013 cannot create (see that step). Microsoft's 2025 procedure covers supported Exchange "
                 "versions only, so that Cloud Voicemail uses this application with Exchange 2013 is not documented "
                 f"by Microsoft (New-PartnerApplication itself exists in Exchange 2013). {legacy} {found}",
            source=sources.TEAMS_2025,
        )
    scheduler = _exchange_application(step_id, "TeamsScheduler", TEAMS_SCHEDULER_APP_ID, dc, linked=True,
                                      shared=False)
    return Step(
        id=step_id,
        phase=PHASE,
        title="Create the TeamsScheduler and CloudVoicemail partner applications",
        why="The Teams Calendar Scheduler Service and Cloud Voicemail call Exchange with their own application "
            "IDs since 2025; Exchange accepts them only through these partner applications.",
        shell=Shell.EXCHANGE,
        command=block(
            _scheduler_user(dc),
            "if ($user) {",
            indent(scheduler),
            "} else {",
            f"    Write-Warning {q(NO_SCHEDULER_ACCOUNT.format(what='The TeamsScheduler partner application'))}",
            "}",
            voicemail,
        ),
        check="Get-PartnerApplication | Format-Table -Property 'Name', 'ApplicationIdentifier', 'Enabled' lists "
              f"TeamsScheduler ({TEAMS_SCHEDULER_APP_ID}) and CloudVoicemail ({CLOUD_VOICEMAIL_APP_ID}), enabled.",
        undo=undo,
        note="TeamsScheduler is created only when its application account exists (linked account); CloudVoicemail "
             f"needs none. {legacy} {found}",
        source=sources.TEAMS_2025,
    )


# ----- Skype for Business Server trusts Exchange Online (microsoft.exchange) -----

_READ_ONLINE = "Get-CsPartnerApplication -Identity microsoft.exchange -ErrorAction SilentlyContinue"


def sfb_trusts_exchange_online(t: Topology) -> Step:
    step_id = "partner-applications.sfb-trusts-exchange-online"
    beside = ("It sits beside the Exchange partner application of Exchange Server (built from its metadata "
              "document): Skype for Business Server reaches on-premises mailboxes through that one and Exchange "
              "Online ones through this one. " if t.exchange_on_prem else "")
    why_hybrid = ("Microsoft's hybrid server-to-server script creates it in every hybrid, also when all mailboxes "
                  "are on Exchange Server." if not t.exchange_online_mailboxes else
                  "Without it Exchange Online mailboxes cannot be reached from the pools.")
    other = (f"microsoft.exchange exists with another ApplicationIdentifier than {EXCHANGE_SERVICE_ID}: not changed. "
             "Microsoft's hybrid script replaces it; check what it is for, then remove it (Remove-CsPartnerApplication "
             "-Identity microsoft.exchange) and run this script again.")
    command = block(
        f"$exchange = {_READ_ONLINE}",
        "if ($exchange) {",
        "    Write-Host \"    existing: microsoft.exchange ($($exchange.ApplicationIdentifier)), "
        "ApplicationTrustLevel $($exchange.ApplicationTrustLevel), Enabled $($exchange.Enabled)\"",
        "}",
        f"if ($exchange -and $exchange.ApplicationIdentifier -ne {q(EXCHANGE_SERVICE_ID)}) {{",
        f"    throw {q(other)}",
        "}",
        guarded(
            needed="-not $exchange",
            change=cmd.new_cs_partner_application_exchange_online(),
            read_back=f"($exchange = {_READ_ONLINE}) -and $exchange.ApplicationIdentifier -eq {q(EXCHANGE_SERVICE_ID)}",
            record=Record(step_id, CS_PARTNER_TYPE, "created",
                          {"Identity": q("microsoft.exchange"), "ApplicationIdentifier": q(EXCHANGE_SERVICE_ID)},
                          shared=True),
            already="microsoft.exchange exists: not created again, not recorded.",
        ),
        guarded(
            before="$priorTrust = [string]$exchange.ApplicationTrustLevel",
            needed="$priorTrust -ne 'Full'",
            change=cmd.set_cs_partner_application("microsoft.exchange", full_trust=True),
            read_back=f"[string]({_READ_ONLINE}).ApplicationTrustLevel -eq 'Full'",
            failed="microsoft.exchange still lacks full trust after Set-CsPartnerApplication; check the output above.",
            record=Record(step_id, CS_TRUST_TYPE, "changed", {"Identity": q("microsoft.exchange"), "Value": q("Full")},
                          {"ApplicationTrustLevel": "$priorTrust"}, shared=True),
            already="microsoft.exchange has full trust: nothing to change.",
        ),
    )
    undo = block(
        undo_recorded(step_id, CS_TRUST_TYPE, block(
            f"$exchange = {_READ_ONLINE}",
            leave_alone_if("-not $exchange -or [string]$exchange.ApplicationTrustLevel -ne $entry.identity.Value",
                           "microsoft.exchange is gone or its trust level changed since setup: left alone."),
            stop("Set-CsPartnerApplication -Identity microsoft.exchange -ApplicationTrustLevel "
                 "$entry.prior.ApplicationTrustLevel"),
            "Write-Host \"    microsoft.exchange has trust level $($entry.prior.ApplicationTrustLevel) again.\"",
        )),
        undo_recorded(step_id, CS_PARTNER_TYPE, block(
            f"$exchange = {_READ_ONLINE}",
            leave_alone_if("-not $exchange -or "
                           "$exchange.ApplicationIdentifier -ne $entry.identity.ApplicationIdentifier",
                           "microsoft.exchange is gone or changed since setup: left alone."),
            stop("Remove-CsPartnerApplication -Identity microsoft.exchange -Confirm:$false"),
            "Write-Host '    microsoft.exchange removed.'",
        )),
    )
    return Step(
        id=step_id,
        phase=PHASE,
        title="Register Exchange Online (microsoft.exchange) as a partner application in Skype for Business",
        why="Skype for Business Server accepts Exchange Online's tokens, issued through the Microsoft online STS, "
            f"only from this partner application with full trust. {why_hybrid}",
        shell=Shell.SFB,
        command=command,
        check=f"Get-CsPartnerApplication -Identity microsoft.exchange shows ApplicationIdentifier "
              f"{EXCHANGE_SERVICE_ID} and ApplicationTrustLevel Full.",
        undo=undo,
        note=f"{beside}Needs the microsoft.sts OAuth server from the OAuth phase. Microsoft's script replaces an "
             "existing microsoft.exchange with another ApplicationIdentifier and sets a matching one to full trust "
             "with -UseOAuthServer. Here an existing one is shown and not recorded: one with another identifier "
             "stops the step (the admin decides whether to remove it); a matching one without full trust gets "
             "-ApplicationTrustLevel Full only (its previous level is recorded; how it gets its keys is left alone, "
             "so that undo can put back everything it changed). microsoft.exchange is shared with the other hybrid "
             "workloads: the undo script reverts it only with -RemoveSharedObjects, and only while it is still as "
             "setup left it. (New-/Set-CsPartnerApplication: the help lists Lync Server 2013 to Skype for Business "
             "Server 2019; SE is treated as 2019.)",
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
