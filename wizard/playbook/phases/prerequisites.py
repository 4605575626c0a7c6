"""Prerequisites: both products running, the right people and records in place, the tenant reachable.

Microsoft's "Plan to integrate Skype for Business and Exchange" and the Lync Server 2013 prerequisites
open with "both must be fully installed and running"; KB 2614242 adds DNS, SIP addresses and
directory synchronisation per case; the code=5 failure in Jeff Schertz's field guide is a missing
RTCUniversalUserAdmins membership, fixed here before verification needs it.
"""

from __future__ import annotations

from wizard.playbook import cases, dns_records, sources
from wizard.playbook.snippets import (
    block,
    graph_connect,
    if_,
    if_not,
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
        source=f"{sources.LYNC_2013_PREREQUISITES}; {sources.FIELD_GUIDE}",
    )


def rtc_user_admins() -> Step:
    group = q("RTCUniversalUserAdmins")
    return Step(
        id="prerequisites.rtc-universal-user-admins",
        phase=PHASE,
        title="Put the account that runs the tests in RTCUniversalUserAdmins",
        why="Test-CsExStorageConnectivity fails with 'ExCreateItem exchange operation failed, code=5' when the "
            "account running it is not in RTCUniversalUserAdmins, as Jeff Schertz's \"Exchange and Skype for Business "
            "Integration\" (2015) explains.",
        shell=Shell.SFB,
        command=block(
            "Import-Module -Name 'ActiveDirectory'",
            if_not(f"Get-ADGroupMember -Identity {group} -Recursive | "
                   "Where-Object { $_.SamAccountName -eq $env:USERNAME }",
                   f"Add-ADGroupMember -Identity {group} -Members $env:USERNAME"),
        ),
        check="After signing out and in again, 'whoami /groups' lists RTCUniversalUserAdmins.",
        note="Group membership takes effect at the next sign-in. Not undone by the undo script: the wizard cannot "
             "tell whether the account was a member before.",
        source=f"{sources.FIELD_GUIDE}; {sources.EXSTORAGE_HELP}",
    )


def owa_ucma() -> Step:
    return Step(
        id="prerequisites.owa-ucma",
        phase=PHASE,
        title="Check that OWA's instant messaging component is installed",
        why="OWA signs users in to Lync/SfB through the UCMA runtime that Exchange 2013 and later install; the "
            "registry value shows it is there.",
        shell=Shell.EXCHANGE,
        command="Get-ItemProperty -Path 'HKLM:\\SYSTEM\\CurrentControlSet\\Services\\MSExchange OWA\\InstantMessaging' "
                "-Name 'ImplementationDLLPath'",
        check="ImplementationDLLPath ends with Microsoft.Rtc.Internal.Ucweb.dll (check every Mailbox server).",
        source=sources.OWA_IM,
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


def graph_session(scenario: Settled) -> Step:
    tenant = cases.tenant_reference(scenario)
    modules = ("Microsoft.Graph.Applications", "Microsoft.Graph.Identity.DirectoryManagement")
    installs = [if_not(f"Get-Module -ListAvailable -Name {q(m)}", f"Install-Module -Name {q(m)} -Scope CurrentUser")
                for m in modules]
    return Step(
        id="prerequisites.graph-session",
        phase=PHASE,
        title=f"Connect to Microsoft Graph for the tenant {tenant}",
        why="The tenant-side steps (directory sync check, certificate upload to the service principals) run "
            "through Microsoft Graph PowerShell as a tenant administrator.",
        shell=Shell.GRAPH,
        command=block(*installs, graph_connect(tenant, ("Application.ReadWrite.All", "Organization.Read.All"))),
        check="Get-MgContext shows the tenant and the scopes Application.ReadWrite.All and Organization.Read.All.",
        note=MSONLINE_NOTE,
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
        source=f"{sources.EXCHANGE_2013_INTEGRATION_KB}; {sources.SFB_HYBRID_DNS}",
    )


def sip_proxy_address(scenario: Settled) -> Step:
    sip = scenario.test_sip_uri
    mailbox = sip.removeprefix("sip:")
    find = f"$mailbox = Get-Mailbox -Identity {q(mailbox)}"
    has_address = f"$mailbox.EmailAddresses | Where-Object {{ \"$_\" -eq {q(sip)} }}"
    return Step(
        id="prerequisites.sip-proxy-address",
        phase=PHASE,
        title=f"Add {sip} to the mailbox's proxy addresses",
        why="KB 2614242 has Exchange read an online user's SIP address from proxyAddresses (then for Skype for "
            "Business Online, now Teams); presence and IM in Outlook match users by that address.",
        shell=Shell.EXCHANGE,
        command=block(find, if_not(has_address,
                                   f"Set-Mailbox -Identity {q(mailbox)} -EmailAddresses @{{ Add = {q(sip)} }}")),
        check=f"(Get-Mailbox -Identity {q(mailbox)}).EmailAddresses lists {sip}.",
        undo=block(find, if_(has_address,
                             f"Set-Mailbox -Identity {q(mailbox)} -EmailAddresses @{{ Remove = {q(sip)} }}")),
        note="Shown for the test user; every Teams user with an on-premises mailbox needs the same sip: address "
             "(the e-mail address with a sip: prefix). Directory synchronisation carries it to the tenant. The "
             "requirement comes from the Skype for Business Online years; no current Microsoft document for Teams "
             "restates it, and an existing SIP address is never changed.",
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
            out.append(rtc_user_admins())
        out.append(lync_dns_on_prem(scenario))
    if cases.owa_im_on_prem(t) and t.exchange_version is not ExchangeVersion.V2010:
        out.append(owa_ucma())
    if t.sfb is SfbKind.TEAMS:
        out += [teams_federation_dns(domain) for domain in scenario.sip_domains]
    if t.exchange_online_only and not t.applies(Phase.AUTODISCOVER):
        out.append(exchange_online_autodiscover(scenario, PHASE))
    if cases.needs_directory_sync(t):
        out += [graph_session(scenario), directory_sync(scenario)]
    if t.exchange_on_prem and t.sfb is SfbKind.TEAMS and scenario.test_sip_uri:
        out.append(sip_proxy_address(scenario))
    return out
