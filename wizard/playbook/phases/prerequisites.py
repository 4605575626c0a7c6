"""Prerequisites: both products running, the right people and records in place, the tenant reachable.

Seeds 000 and 003 open with "both must be fully installed and running"; seed 002 adds DNS, SIP
addresses and directory synchronisation per case; seed 004's code=5 failure is a missing
RTCUniversalUserAdmins membership, fixed here before verification needs it.
"""

from __future__ import annotations

from wizard.playbook import cases, sources
from wizard.playbook.snippets import (
    block,
    dns_add_cname,
    dns_add_srv,
    dns_remove_cname,
    dns_remove_srv,
    graph_connect,
    if_,
    if_not,
    q,
    zone_and_name,
)
from wizard.playbook.step import Shell, Step
from wizard.playbook.wellknown import EXCHANGE_ONLINE_AUTODISCOVER_TARGET, SFB_ONLINE_RECORDS
from wizard.scenario import Scenario
from wizard.topology import ExchangeKind, ExchangeVersion, Phase, SfbKind, SfbVersion, Topology

PHASE = Phase.PREREQUISITES

MSONLINE_NOTE = (
    "Seed 001 uses the MSOnline module (Connect-MsolService, *-MsolServicePrincipal*). MSOnline was retired: "
    "deprecated on 30 March 2024, it stopped working on 30 March 2025. These steps use Microsoft Graph "
    "PowerShell instead.")


def _exchange_version_note(t: Topology) -> str:
    version = t.exchange_version
    if version is ExchangeVersion.V2010:
        return ("Exchange 2010 has no server-to-server OAuth: no partner applications, Unified Contact Store, "
                "high-resolution photos or archiving to Exchange (feature table, seed 000).")
    if version is ExchangeVersion.V2019:
        return ("Exchange 2019 has no Unified Messaging: voice mail comes from Cloud Voicemail. It uses the "
                "*-ClientAccessService cmdlets like Exchange 2016.")
    if version is ExchangeVersion.V2016:
        return "Exchange 2016 uses the *-ClientAccessService cmdlets (2010/2013: *-ClientAccessServer)."
    return "Exchange 2013 uses the *-ClientAccessServer cmdlets, as in the seeds."


def exchange_servers(t: Topology) -> Step:
    return Step(
        id="prerequisites.exchange-servers",
        phase=PHASE,
        title="List the Exchange servers and their versions",
        why="Integration can start only when Exchange is installed and running; the version decides the cmdlets "
            "(2016 and later use *-ClientAccessService, 2010 has no server-to-server OAuth).",
        shell=Shell.EXCHANGE,
        command="Get-ExchangeServer | Format-Table -Property 'Name', 'AdminDisplayVersion', 'ServerRole' -AutoSize",
        check="Every Exchange server is listed; AdminDisplayVersion 14.x is Exchange 2010, 15.0 is 2013, 15.1 is "
              "2016 and 15.2 is 2019.",
        note=_exchange_version_note(t),
        source=f"{sources.SEED_000}; {sources.SEED_003}",
    )


def sfb_pools(scenario: Scenario) -> Step:
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
        source=f"{sources.SEED_003}; {sources.SEED_004}",
    )


def rtc_user_admins() -> Step:
    group = q("RTCUniversalUserAdmins")
    return Step(
        id="prerequisites.rtc-universal-user-admins",
        phase=PHASE,
        title="Put the account that runs the tests in RTCUniversalUserAdmins",
        why="Test-CsExStorageConnectivity fails with 'ExCreateItem exchange operation failed, code=5' when the "
            "account running it is not in RTCUniversalUserAdmins (seed 004).",
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
        source=f"{sources.SEED_004}; {sources.EXSTORAGE_HELP}",
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


def lync_dns_on_prem(scenario: Scenario) -> Step:
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
        note="Read-only: a missing record is reported and the script goes on.",
        source=sources.SEED_002,
    )


def sfb_online_dns(scenario: Scenario, domain: str) -> Step:
    adds, removes = [], []
    for name, rr_type, target, priority, weight, port in SFB_ONLINE_RECORDS:
        if rr_type == "CName":
            adds.append(dns_add_cname(domain, name, target))
            removes.append(dns_remove_cname(domain, name, target))
        else:
            adds.append(dns_add_srv(domain, name, target, priority=priority, weight=weight, port=port))
            removes.append(dns_remove_srv(domain, name, target, port=port))
    return Step(
        id=f"prerequisites.sfb-online-dns.{domain}",
        phase=PHASE,
        title=f"Point the Skype for Business records of {domain} at Skype for Business Online",
        why="With Skype for Business Online only, every Lync/SfB DNS record must point to the online service so "
            "Outlook, OWA and clients find the user's server.",
        shell=Shell.DNS,
        command=block(*adds),
        check=f"Resolve-DnsName -Name {q('_sip._tls.' + domain)} -Type SRV answers 100 1 443 sipdir.online.lync.com; "
              f"lyncdiscover.{domain} is a CNAME for webdir.online.lync.com.",
        undo=block(*reversed(removes)),
        note="The DnsServer cmdlets reach Windows DNS servers only; if the public zone is hosted elsewhere, create "
             "the same records at that DNS host. Existing records of the same name are left alone.",
        source=f"{sources.SEED_002}; {sources.SFB_ONLINE_DNS}",
    )


def exchange_online_autodiscover(scenario: Scenario, phase: Phase) -> Step:
    zone, name = zone_and_name(f"autodiscover.{scenario.smtp_domain}", [scenario.smtp_domain])
    return Step(
        id=f"{phase.value}.exchange-online-autodiscover-dns",
        phase=phase,
        title=f"Point autodiscover.{scenario.smtp_domain} at Exchange Online",
        why="Outlook and the Lync/SfB clients find the Exchange Online mailbox through the autodiscover record of "
            "the SMTP domain.",
        shell=Shell.DNS,
        command=dns_add_cname(zone, name, EXCHANGE_ONLINE_AUTODISCOVER_TARGET),
        check=f"Resolve-DnsName -Name {q('autodiscover.' + scenario.smtp_domain)} shows a CNAME for "
              f"{EXCHANGE_ONLINE_AUTODISCOVER_TARGET}.",
        undo=dns_remove_cname(zone, name, EXCHANGE_ONLINE_AUTODISCOVER_TARGET),
        note="Create it in the public zone (at your DNS host if it is not a Windows DNS server).",
        source=sources.EXO_DNS,
    )


def graph_session(scenario: Scenario) -> Step:
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
        source=f"{sources.SEED_001}; {sources.MSONLINE_RETIRED}",
    )


def directory_sync(scenario: Scenario) -> Step:
    return Step(
        id="prerequisites.directory-sync",
        phase=PHASE,
        title="Check that directory synchronisation is on",
        why="Seed 002 requires directory synchronisation whenever on-premises users meet the online service: it "
            "carries the MAIL and SIP address attributes each side needs.",
        shell=Shell.GRAPH,
        command=block(
            graph_connect(cases.tenant_reference(scenario), ("Application.ReadWrite.All", "Organization.Read.All")),
            "Get-MgOrganization | Format-List -Property 'DisplayName', 'OnPremisesSyncEnabled', "
            "'OnPremisesLastSyncDateTime'",
        ),
        check="OnPremisesSyncEnabled is True and OnPremisesLastSyncDateTime is recent.",
        note=MSONLINE_NOTE,
        source=sources.SEED_002,
    )


def sip_proxy_address(scenario: Scenario) -> Step:
    sip = scenario.test_sip_uri
    mailbox = sip.removeprefix("sip:")
    find = f"$mailbox = Get-Mailbox -Identity {q(mailbox)}"
    has_address = f"$mailbox.EmailAddresses | Where-Object {{ \"$_\" -eq {q(sip)} }}"
    return Step(
        id="prerequisites.sip-proxy-address",
        phase=PHASE,
        title=f"Add {sip} to the mailbox's proxy addresses",
        why="With Skype for Business Online only, Exchange reads the user's SIP address from proxyAddresses; "
            "without it OWA cannot connect to Skype for Business.",
        shell=Shell.EXCHANGE,
        command=block(find, if_not(has_address,
                                   f"Set-Mailbox -Identity {q(mailbox)} -EmailAddresses @{{ Add = {q(sip)} }}")),
        check=f"(Get-Mailbox -Identity {q(mailbox)}).EmailAddresses lists {sip}.",
        undo=block(find, if_(has_address,
                             f"Set-Mailbox -Identity {q(mailbox)} -EmailAddresses @{{ Remove = {q(sip)} }}")),
        note="Shown for the test user; every Skype for Business Online user needs the same sip: address (the "
             "e-mail address with a sip: prefix). Directory synchronisation carries it to the tenant.",
        source=sources.SEED_002,
    )


def steps(scenario: Scenario) -> list[Step]:
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
        out += [sfb_online_dns(scenario, domain) for domain in scenario.sip_domains]
    if t.exchange is ExchangeKind.ONLINE and not t.applies(Phase.AUTODISCOVER):
        out.append(exchange_online_autodiscover(scenario, PHASE))
    if cases.needs_directory_sync(t):
        out += [graph_session(scenario), directory_sync(scenario)]
    if t.exchange_on_prem and t.sfb is SfbKind.TEAMS and scenario.test_sip_uri:
        out.append(sip_proxy_address(scenario))
    return out
