"""Prerequisites: both products running, the right people and records in place, the tenant reachable.

Microsoft's "Plan to integrate Skype for Business and Exchange" and the Lync Server 2013 prerequisites
open with "both must be fully installed and running"; KB 2614242 adds DNS, SIP addresses and
directory synchronisation per case; the code=5 failure in Jeff Schertz's field guide is a missing
RTCUniversalUserAdmins membership, checked here (in this sign-in's token) before verification needs it.

Read-only steps only read and show; the SIP proxy address and the DNS records are the only changes, made
through wizard.playbook.changes (guarded, read back, recorded) and undone only from the record.
"""

from __future__ import annotations

from wizard.playbook import cases, dns_records, sources
from wizard.playbook.changes import Record, guarded, leave_alone_if, stop, undo_recorded
from wizard.playbook.snippets import (
    block,
    graph_connect,
    if_else,
    q,
    zone_and_name,
)
from wizard.playbook.step import Shell, Step
from wizard.playbook.wellknown import EXCHANGE_ONLINE_AUTODISCOVER_TARGET, TEAMS_FEDERATION_SRV
from wizard.settled import Settled
from wizard.topology import EXCHANGE_NAMES, ExchangeVersion, Phase, SfbKind, SfbVersion, Topology

PHASE = Phase.PREREQUISITES

MSONLINE_NOTE = (
    "Microsoft's 2022 article \"Configure Integration and OAuth between Skype for Business Online and Exchange "
    "Server\" used the MSOnline module (Connect-MsolService, *-MsolServicePrincipal*). MSOnline PowerShell was "
    "retired and stopped working between early April and late May 2025, and AzureAD PowerShell was retired in "
    "early July 2025 (Microsoft Entra \"What's new\"). Microsoft's June 2025 revision, \"Configure Integration and "
    "OAuth between Microsoft Teams services and Exchange Server\", uses Microsoft Graph PowerShell, as these steps "
    "do.")


def _exchange_version_note(t: Topology) -> str:
    version = t.exchange_version
    if version is ExchangeVersion.V2010:
        return ("Exchange 2010 has no server-to-server OAuth: no partner applications, Unified Contact Store, "
                "high-resolution photos or archiving to Exchange (the feature table of earlier versions of "
                "Microsoft's \"Plan to integrate Skype for Business and Exchange\"; the current page no longer "
                "lists Exchange 2010).")
    if version is not None and t.exchange_2019_or_later:
        same = (" Exchange Server SE is the code of Exchange 2019 CU15 under a new name: the same commands as 2019."
                if version is ExchangeVersion.SE else "")
        return (f"{EXCHANGE_NAMES[version]} has no Unified Messaging: voice mail comes from Cloud Voicemail, which for "
                "Skype for Business Server users needs hybrid connectivity with Microsoft 365 (Microsoft Learn, "
                "\"Plan Cloud Voicemail service for on-premises users\"). It uses the *-ClientAccessService cmdlets "
                f"like Exchange 2016.{same}")
    if version is ExchangeVersion.V2016:
        return "Exchange 2016 uses the *-ClientAccessService cmdlets (2010/2013: *-ClientAccessServer)."
    return "Exchange 2013 uses the *-ClientAccessServer cmdlets, as Microsoft's 2013-era documents show."


def exchange_servers(t: Topology) -> Step:
    return Step(
        id="prerequisites.exchange-servers",
        phase=PHASE,
        title="List the Exchange servers and their versions",
        why="Integration can start only when Exchange is installed and running; the version decides the cmdlets "
            "(2016, 2019 and SE use *-ClientAccessService, 2010 has no server-to-server OAuth).",
        shell=Shell.EXCHANGE,
        command="Get-ExchangeServer | Format-Table -Property 'Name', 'AdminDisplayVersion', 'ServerRole' -AutoSize",
        check="Every Exchange server is listed; AdminDisplayVersion 14.x is Exchange 2010, 15.0 is 2013, 15.1 is "
              "2016, and 15.2 is 2019 or Exchange Server SE (SE keeps 15.2; third-party write-ups put its first "
              "build at 15.2.2562, and the wizard's Exchange build check tells the two apart).",
        note=_exchange_version_note(t),
        read_only=True,
        source=f"{sources.PLAN_INTEGRATION}; {sources.LYNC_2013_PREREQUISITES}",
    )


def sfb_pools(scenario: Settled) -> Step:
    pools = ", ".join(scenario.pool_fqdns)
    return Step(
        id="prerequisites.sfb-pools",
        phase=PHASE,
        title="List the Front End pools and their sites",
        why="Each pool's FQDN gives the metadata URL Exchange trusts (https://<pool>/metadata/json/1), and its "
            "site is needed for the OWA trusted application pool.",
        shell=Shell.SFB,
        command="Get-CsPool | Where-Object { $_.Services -like '*UserServer*' } | Format-List -Property 'Site', 'Fqdn'",
        check=f"The pool(s) {pools} are listed with their site.",
        note=("On Lync Server 2013 this shell is the Lync Server Management Shell; the cmdlets are the same. "
              if scenario.topology.sfb_version is SfbVersion.V2013 else "")
        + "The *-CsOAuth*, *-CsPartnerApplication and Test-CsExStorageConnectivity cmdlets need Lync Server 2013 "
          "or later.",
        read_only=True,
        source=f"{sources.LYNC_2013_PREREQUISITES}; {sources.FIELD_GUIDE}",
    )


RTC_GROUP = "RTCUniversalUserAdmins"


def rtc_admins_in_token() -> str:
    """A PowerShell expression, true when this sign-in's token holds RTCUniversalUserAdmins or the Front End's
    local RTC Local User Administrators (Test-CsExStorageConnectivity's help: either group grants the permission).

    The token lists the groups of the sign-in, so a group the account joined since is missing until the admin
    signs out and in again. Reads only; a group SID that cannot be translated counts as no match.
    """
    return (
        "[bool](@([System.Security.Principal.WindowsIdentity]::GetCurrent().Groups | ForEach-Object {\n"
        "    try { $_.Translate([System.Security.Principal.NTAccount]).Value } catch { '' }\n"
        "}) | Where-Object { $_ -like '*\\RTCUniversalUserAdmins' -or $_ -like '*\\RTC Local User Administrators' })")


def _add_member_command(dc_fqdn: str) -> str:
    """PowerShell building, at run time, the exact Add-ADGroupMember line an AD administrator runs for this account."""
    server = f" -Server '{dc_fqdn}'" if dc_fqdn else ""
    return (f"{q(f'Add-ADGroupMember -Identity {q(RTC_GROUP)} -Members ' + chr(39))} + "
            "$env:USERNAME.Replace(\"'\", \"''\") + "
            f"{q(chr(39) + server)}")


STORAGE_TEST_SKIPPED = ("Until then the Exchange storage test at the end of this script (Test-CsExStorageConnectivity) "
                        "is skipped with this reason; no other step of this script needs this group.")


def rtc_user_admins(scenario: Settled) -> Step:
    group = q(RTC_GROUP)
    dc = scenario.dc_fqdn
    server = f" -Server {q(dc)}" if dc else ""
    not_member = (" is not a member of RTCUniversalUserAdmins, which Test-CsExStorageConnectivity needs (without it "
                  "the test fails with code=5). Ask an Active Directory administrator to add it: ")
    unknown = (" does not have RTCUniversalUserAdmins in this sign-in's token, and its membership could not be read "
               "here (no ActiveDirectory module, or no answer). If it is not a member, an Active Directory "
               "administrator adds it: ")
    then = ". Then sign out and in again (or open a new shell). "
    command = block(
        f"$inToken = {rtc_admins_in_token()}",
        '$account = "$env:USERDOMAIN\\$env:USERNAME"',
        if_else(
            "$inToken",
            "Write-Host \"$account has RTCUniversalUserAdmins (or RTC Local User Administrators) in this sign-in's "
            "token: the Exchange storage test can run.\"",
            block(
                "$memberInAd = $null",
                "if (Get-Module -ListAvailable -Name 'ActiveDirectory') {",
                "    try {",
                "        Import-Module -Name 'ActiveDirectory' -ErrorAction Stop",
                "        $me = [System.Security.Principal.WindowsIdentity]::GetCurrent().User",
                f"        $members = @(Get-ADGroupMember -Identity {group} -Recursive{server} -ErrorAction Stop)",
                "        $memberInAd = [bool]($members | Where-Object { $_.SID -eq $me })",
                "    } catch {",
                "        Write-Host \"    The members of RTCUniversalUserAdmins could not be read: "
                "$($_.Exception.Message)\"",
                "    }",
                "}",
                f"$addCommand = {_add_member_command(dc)}",
                "if ($memberInAd -eq $true) {",
                "    Write-Warning ($account + "
                + q(" is a member of RTCUniversalUserAdmins in Active Directory, but this sign-in's token was issued "
                    "before it joined: sign out and in again (or open a new shell) before the Exchange storage test. "
                    + STORAGE_TEST_SKIPPED) + ")",
                "} elseif ($memberInAd -eq $false) {",
                f"    Write-Warning ($account + {q(not_member)} + $addCommand + {q(then + STORAGE_TEST_SKIPPED)})",
                "} else {",
                f"    Write-Warning ($account + {q(unknown)} + $addCommand + "
                + q(". If it joined since this sign-in, sign out and in again (or open a new shell). "
                    + STORAGE_TEST_SKIPPED) + ")",
                "}",
            ),
        ),
    )
    return Step(
        id="prerequisites.rtc-universal-user-admins",
        phase=PHASE,
        title="Check that this sign-in holds RTCUniversalUserAdmins (for the storage test)",
        why="Test-CsExStorageConnectivity fails with 'ExCreateItem exchange operation failed, code=5' when the "
            "account running it is not in RTCUniversalUserAdmins, as Jeff Schertz's \"Exchange and Skype for Business "
            "Integration\" (2015) explains; Microsoft's help for the cmdlet names RTCUniversalUserAdmins or the "
            "local RTC Local User Administrators group.",
        shell=Shell.SFB,
        command=command,
        check="The step says the token holds the group; otherwise its warning names the Active Directory command "
              "to run or says to sign out and in again.",
        note="Read-only: the script never changes group membership. Adding the account is an Active Directory "
             "change that needs rights over the group (Skype for Business administrators often lack them), and a "
             "new membership counts only from the next sign-in, so a script that added it could not use it in the "
             "same session. The step reads this sign-in's token (its groups, by name) and, when the group is "
             "missing, asks Active Directory whether the account is a member"
             + (f" (through {dc})" if dc else "")
             + "; it never stops the script. The command in its warning names the account by its sign-in name; "
               "if the account is in another domain than the group, give its distinguished name instead.",
        read_only=True,
        source=f"{sources.FIELD_GUIDE}; {sources.EXSTORAGE_HELP}",
    )


# The Exchange 2010 prerequisite of OWA IM. The Microsoft Exchange Team Blog (27 September 2010) lists the package and
# the order of its parts; the hotfixes and its use with Lync Server come from third-party write-ups.
OWA_2010_WSP_SOURCES = (
    "the Microsoft Exchange Team Blog, 27 September 2010, on Outlook Web App and Office Communications Server 2007 "
    "R2 instant messaging (its \"Brief History\": CWAOWASSPMain.msi unpacks vcredist_x64.exe, UcmaRedist.msi and "
    "CWAOWASSP.msi, installed on the Client Access server; "
    "http://blogs.technet.com/b/exchange/archive/2010/09/27/3411184.aspx); third-party write-ups for the hotfixes "
    "and Lync Server pools (for example Johan Veldhuis, \"Make OCS client available in OWA\", January 2010, "
    "https://johanveldhuis.nl/make-ocs-client-available-in-owa/)")
_UNINSTALL_KEYS = ("@('HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\*', "
                   "'HKLM:\\SOFTWARE\\Wow6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\*')")
_OWA_IM_KEY = "'HKLM:\\SYSTEM\\CurrentControlSet\\Services\\MSExchange OWA\\InstantMessaging'"
_NO_UCWEB = ("This server does not register Microsoft.Rtc.Internal.Ucweb.dll as OWA's instant messaging component "
             f"(ImplementationDLLPath under {_OWA_IM_KEY.strip(chr(39))}): OWA will not sign users in to Skype for "
             "Business from here. Check that Exchange setup completed on this server.")


def owa_ucma(t: Topology) -> Step:
    if t.exchange_version is ExchangeVersion.V2010:
        return _owa_web_service_provider()
    command = block(
        f"$im = Get-ItemProperty -Path {_OWA_IM_KEY} -Name 'ImplementationDLLPath' -ErrorAction SilentlyContinue",
        if_else(
            "$im -and \"$($im.ImplementationDLLPath)\" -like '*Microsoft.Rtc.Internal.Ucweb.dll'",
            "Write-Host \"OWA's instant messaging component is registered: $($im.ImplementationDLLPath)\"",
            f"Write-Warning {q(_NO_UCWEB)}",
        ),
    )
    return Step(
        id="prerequisites.owa-ucma",
        phase=PHASE,
        title="Check that OWA's instant messaging component is registered",
        why="OWA signs users in to Lync/SfB through the instant messaging component that Exchange 2013 and later "
            "have built in (Microsoft.Rtc.Internal.Ucweb.dll): nothing to download, unlike Exchange 2010; the "
            "registry value shows it is registered.",
        shell=Shell.EXCHANGE,
        command=command,
        check="ImplementationDLLPath ends with Microsoft.Rtc.Internal.Ucweb.dll (check every Mailbox server).",
        note="Read-only: a missing value is reported and the script goes on.",
        read_only=True,
        source=sources.OWA_IM,
    )


def _owa_web_service_provider() -> Step:
    products = "@(Get-ItemProperty -Path $uninstallKeys -ErrorAction SilentlyContinue | Where-Object { " \
               "$_.DisplayName -like '*Web Service Provider*' -or $_.DisplayName -like " \
               "'*Unified Communications Managed API 2.0*' })"
    missing = ("Microsoft Office Communications Server 2007 R2 Web Service Provider is not installed on this "
               "server: Outlook Web App 2010 cannot offer instant messaging from here. Install it on every Client "
               "Access server: CWAOWASSPMain.msi unpacks vcredist_x64.exe, UcmaRedist.msi and CWAOWASSP.msi (into "
               "C:\\Web Service Provider Installer Package by default); install those three in that order, then "
               "the UcmaRedist.msp and CWAOWASSP.msp hotfixes, and run this script again.")
    command = block(
        f"$uninstallKeys = {_UNINSTALL_KEYS}",
        f"$products = {products}",
        "$products | Format-Table -Property 'DisplayName', 'DisplayVersion' -AutoSize",
        if_else(
            "$products | Where-Object { $_.DisplayName -like '*Web Service Provider*' }",
            "Write-Host 'The Office Communications Server 2007 R2 Web Service Provider is installed on this server.'",
            f"Write-Warning {q(missing)}",
        ),
    )
    return Step(
        id="prerequisites.owa-ucma",
        phase=PHASE,
        title="Check that the OCS 2007 R2 Web Service Provider is installed (OWA 2010 instant messaging)",
        why="Exchange 2010 has no instant messaging component of its own: Outlook Web App 2010 reaches Lync/SfB "
            "through the Microsoft Office Communications Server 2007 R2 Web Service Provider (with the Unified "
            "Communications Managed API 2.0 runtime it brings), installed on each Client Access server. Exchange "
            "2013 and later have it built in.",
        shell=Shell.EXCHANGE,
        command=command,
        check="The list shows a product whose name contains 'Web Service Provider' and the UCMA 2.0 runtime on "
              "every Client Access server.",
        note="Read-only: it reads the installed programs (the Uninstall registry keys) and warns when the Web "
             "Service Provider is missing; it stops nothing. The package, its parts and their order come from "
             + OWA_2010_WSP_SOURCES + "; no current Microsoft Learn page describes it.",
        read_only=True,
        source=f"{OWA_2010_WSP_SOURCES}; {sources.OWA_2010}",
    )


def lync_dns_on_prem(scenario: Settled) -> Step:
    hybrid = scenario.topology.sfb is SfbKind.HYBRID
    lines = []
    for domain in scenario.sip_domains:
        lines.append(f"Resolve-DnsName -Name {q('_sipfederationtls._tcp.' + domain)} -Type SRV -ErrorAction Continue")
        lines.append(f"Resolve-DnsName -Name {q('lyncdiscover.' + domain)} -ErrorAction Continue")
        lines.append(f"Resolve-DnsName -Name {q('lyncdiscoverinternal.' + domain)} -ErrorAction Continue")
    return Step(
        id="prerequisites.lync-dns",
        phase=PHASE,
        title="Check the Lync/SfB discovery and federation records point on premises",
        why="OWA finds the user's Lync/SfB server through these records; with Lync/SfB Server (also in a hybrid) "
            "they must point to the on-premises deployment.",
        shell=Shell.DNS,
        command=block(*lines),
        check="_sipfederationtls._tcp answers with your Edge (port 5061); lyncdiscover and lyncdiscoverinternal "
              "resolve to your reverse proxy and internal web services, not to *.online.lync.com.",
        note="Read-only: a missing record is reported and the script goes on."
        + (" In a hybrid with Teams, a public lyncdiscover record that points somewhere other than Microsoft 365 "
           "is also what keeps Microsoft from setting the whole tenant to TeamsOnly when it is provisioned again "
           "(Microsoft Learn, \"Configure hybrid connectivity between Skype for Business Server and Teams\")."
           if hybrid else ""),
        read_only=True,
        source=sources.EXCHANGE_2013_INTEGRATION_KB + (f"; {sources.SFB_HYBRID_DNS}" if hybrid else ""),
    )


def teams_federation_dns(domain: str) -> Step:
    """The one public record Microsoft still lists for a Teams-only tenant: SIP federation."""
    name, target, priority, weight, port = TEAMS_FEDERATION_SRV
    step_id = f"prerequisites.teams-federation-dns.{domain}"
    return Step(
        id=step_id,
        phase=PHASE,
        title=f"Point the SIP federation record of {domain} at Microsoft Teams",
        why="With Teams only, federated organisations find the domain's users through this SRV record. Microsoft "
            "lists no other Skype for Business record for Teams-only tenants today.",
        shell=Shell.DNS,
        command=dns_records.add_srv(step_id, domain, name, target, priority=priority, weight=weight, port=port),
        check=f"Resolve-DnsName -Name {q(name + '.' + domain)} -Type SRV answers {priority} {weight} {port} "
              f"{target}.",
        undo=dns_records.undo_srv(step_id),
        note="The retired Skype for Business Online also needed lyncdiscover and sip CNAMEs and a _sip._tls SRV "
             "record (KB 2614242); Microsoft's \"External Domain Name System records for Microsoft 365\" no "
             "longer lists them for Teams-only tenants (its 2022 version still named lyncdiscover for management "
             "cmdlets and _sip._tls for Skype for Business phones used with Teams). Existing records of that kind "
             "are left alone. The DnsServer cmdlets reach Windows DNS servers only; if the public zone is hosted "
             "elsewhere, create the record at that DNS host.",
        source=f"{sources.TEAMS_DNS}; {sources.EXCHANGE_2013_INTEGRATION_KB}",
    )


def exchange_online_autodiscover(scenario: Settled, phase: Phase) -> Step:
    zone, name = zone_and_name(f"autodiscover.{scenario.smtp_domain}", [scenario.smtp_domain])
    step_id = f"{phase.value}.exchange-online-autodiscover-dns"
    return Step(
        id=step_id,
        phase=phase,
        title=f"Point autodiscover.{scenario.smtp_domain} at Exchange Online",
        why="Outlook and the Lync/SfB clients find the Exchange Online mailbox through the autodiscover record of "
            "the SMTP domain.",
        shell=Shell.DNS,
        command=dns_records.add_cname(step_id, zone, name, EXCHANGE_ONLINE_AUTODISCOVER_TARGET),
        check=f"Resolve-DnsName -Name {q('autodiscover.' + scenario.smtp_domain)} shows a CNAME for "
              f"{EXCHANGE_ONLINE_AUTODISCOVER_TARGET}.",
        undo=dns_records.undo_cname(step_id),
        note="Create it in the public zone (at your DNS host if it is not a Windows DNS server).",
        source=sources.EXO_DNS,
    )


GRAPH_MODULES = ("Microsoft.Graph.Applications", "Microsoft.Graph.Identity.DirectoryManagement")


def graph_session(scenario: Settled) -> Step:
    tenant = cases.tenant_reference(scenario)
    modules = ", ".join(q(m) for m in GRAPH_MODULES)
    command = block(
        f"$missing = @({modules} | Where-Object {{ -not (Get-Module -ListAvailable -Name $_) }})",
        "if ($missing.Count -gt 0) {",
        "    throw ('Microsoft Graph PowerShell is not installed for this account (missing: ' + ($missing -join ', ') "
        "+ '). Install it, then run this script again: ' + \"Install-Module -Name '\" + ($missing -join \"', '\") + "
        "\"' -Scope CurrentUser\")",
        "}",
        graph_connect(tenant, ("Application.ReadWrite.All", "Organization.Read.All")),
    )
    return Step(
        id="prerequisites.graph-session",
        phase=PHASE,
        title=f"Connect to Microsoft Graph for the tenant {tenant}",
        why="The tenant-side steps (directory sync check, certificate upload to the service principals) run "
            "through Microsoft Graph PowerShell as a tenant administrator.",
        shell=Shell.GRAPH,
        command=command,
        check="Get-MgContext shows the tenant and the scopes Application.ReadWrite.All and Organization.Read.All.",
        note="The script installs nothing: when a Microsoft Graph module is missing it stops and names the "
             "Install-Module command to run (installing software is the admin's decision). Signing in "
             "(Connect-MgGraph) changes nothing in the tenant. " + MSONLINE_NOTE,
        read_only=True,
        source=f"{sources.TEAMS_2025}; {sources.MSONLINE_RETIRED}",
    )


def directory_sync(scenario: Settled) -> Step:
    return Step(
        id="prerequisites.directory-sync",
        phase=PHASE,
        title="Check that directory synchronisation is on",
        why="KB 2614242 requires directory synchronisation whenever on-premises users meet the online service, "
            "and Microsoft's \"Configure hybrid connectivity between Skype for Business Server and Teams\" requires "
            "every Skype for Business user to be synchronised: it carries the mail and SIP address attributes each "
            "side needs.",
        shell=Shell.GRAPH,
        command=block(
            graph_connect(cases.tenant_reference(scenario), ("Application.ReadWrite.All", "Organization.Read.All")),
            "Get-MgOrganization | Format-List -Property 'DisplayName', 'OnPremisesSyncEnabled', "
            "'OnPremisesLastSyncDateTime'",
        ),
        check="OnPremisesSyncEnabled is True and OnPremisesLastSyncDateTime is recent.",
        note=MSONLINE_NOTE,
        read_only=True,
        source=f"{sources.EXCHANGE_2013_INTEGRATION_KB}; {sources.SFB_HYBRID_DNS}",
    )


SIP_PROXY_TYPE = "Mailbox.EmailAddresses"


def sip_proxy_address(scenario: Settled) -> Step:
    sip = scenario.test_sip_uri
    smtp = scenario.test_mailbox_address
    step_id = "prerequisites.sip-proxy-address"
    dc = f" -DomainController {q(scenario.dc_fqdn)}" if scenario.dc_fqdn else ""
    get = f"Get-Mailbox -Identity {q(smtp)}{dc}"
    has_sip = f"Where-Object {{ \"$_\" -eq {q(sip)} }}"
    not_found = (f"No mailbox has the address {smtp}: check the test user's mailbox (SMTP address) in the wizard; "
                 "nothing was changed.")
    command = block(
        guarded(
            before=block(
                f"$mailbox = {get} -ErrorAction SilentlyContinue",
                f"if (-not $mailbox) {{ throw {q(not_found)} }}",
                "$sipAddresses = @($mailbox.EmailAddresses | Where-Object { \"$_\" -like 'sip:*' })",
            ),
            needed="$sipAddresses.Count -eq 0",
            change=f"Set-Mailbox -Identity {q(smtp)} -EmailAddresses @{{ Add = {q(sip)} }}{dc}",
            read_back=f"@(({get} -ErrorAction Stop).EmailAddresses | {has_sip}).Count -gt 0",
            record=Record(step_id, SIP_PROXY_TYPE, "added", {"Mailbox": q(smtp), "Address": q(sip)}),
            already=f"The mailbox {smtp} already has a SIP address: left as it is and not recorded (undo leaves it "
                    "too).",
            failed=f"{sip} is not among the mailbox's addresses after the change; check the output above.",
        ),
        f"if ($sipAddresses | Where-Object {{ \"$_\" -ne {q(sip)} }}) {{",
        f"    Write-Warning ('The mailbox''s SIP address is ' + ($sipAddresses -join ', ') + {q(f', not {sip}: ')} + "
        + q("presence in Outlook matches the user by that address; change it by hand if it is wrong.") + ")",
        "}",
    )
    undo = undo_recorded(step_id, SIP_PROXY_TYPE, block(
        f"$mailbox = Get-Mailbox -Identity $entry.identity.Mailbox{dc} -ErrorAction SilentlyContinue",
        leave_alone_if("-not ($mailbox.EmailAddresses | Where-Object { \"$_\" -eq $entry.identity.Address })",
                       "The mailbox no longer has the SIP address setup added: left alone."),
        stop(f"Set-Mailbox -Identity $entry.identity.Mailbox -EmailAddresses @{{ Remove = $entry.identity.Address }}"
             f"{dc}"),
        "Write-Host \"    removed $($entry.identity.Address) from $($entry.identity.Mailbox)\"",
    ))
    split = smtp.lower() != sip.removeprefix("sip:").lower()
    return Step(
        id=step_id,
        phase=PHASE,
        title=f"Add {sip} to the proxy addresses of the mailbox {smtp}",
        why="KB 2614242 has Exchange read an online user's SIP address from proxyAddresses (then for Skype for "
            "Business Online, now Teams); presence and IM in Outlook match users by that address.",
        shell=Shell.EXCHANGE,
        command=command,
        check=f"({get}).EmailAddresses lists {sip}.",
        undo=undo,
        note="The mailbox is found by its SMTP address"
             + (f" ({smtp}; the SIP address is in another domain, so it cannot find the mailbox)" if split else "")
             + ". The address is added only when the mailbox has no SIP address yet; an existing SIP address is "
               "never changed (the script warns when it differs). The added address is recorded, and the undo "
               "script removes only that address, while the mailbox still has it."
             + (f" Both the change and its read-back use the domain controller {scenario.dc_fqdn}."
                if scenario.dc_fqdn else "")
             + " Shown for the test user; every Teams user with an on-premises mailbox needs the same kind of "
               "sip: address. Directory synchronisation carries it to the tenant. The requirement comes from the "
               "Skype for Business Online years; no current Microsoft document for Teams restates it.",
        source=sources.EXCHANGE_2013_INTEGRATION_KB,
    )


def steps(scenario: Settled) -> list[Step]:
    t = scenario.topology
    out: list[Step] = []
    if t.exchange_on_prem:
        out.append(exchange_servers(t))
    if t.sfb_on_prem:
        out.append(sfb_pools(scenario))
        if t.exchange_has_oauth:
            out.append(rtc_user_admins(scenario))
        out.append(lync_dns_on_prem(scenario))
    if cases.owa_im_on_prem(t):
        out.append(owa_ucma(t))
    if t.sfb is SfbKind.TEAMS:
        out += [teams_federation_dns(domain) for domain in scenario.sip_domains]
    if t.exchange_online_only and not t.applies(Phase.AUTODISCOVER):
        out.append(exchange_online_autodiscover(scenario, PHASE))
    if cases.needs_directory_sync(t):
        out += [graph_session(scenario), directory_sync(scenario)]
    if t.exchange_on_prem and t.sfb is SfbKind.TEAMS and scenario.test_sip_uri:
        out.append(sip_proxy_address(scenario))
    return out
