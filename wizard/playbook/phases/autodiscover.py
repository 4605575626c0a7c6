"""Autodiscover: the DNS records and Exchange's AutoDiscoverServiceInternalUri that SfB and clients follow.

Microsoft's "Plan to integrate Skype for Business and Exchange" and the Lync Server 2013 prerequisites
set the URI with Set-ClientAccessServer (Exchange 2010/2013); Exchange 2016, 2019 and SE use
Set-ClientAccessService. Jeff Schertz's field guide adds the CNAME and SRV records and the IIS reset. The SfB side
(ExchangeAutodiscoverUrl, .svc not .xml) belongs to the OAuth phase.
"""

from __future__ import annotations

from wizard.playbook import commands as cmd
from wizard.playbook import dns_records, sources
from wizard.playbook.changes import (
    IIS_NEEDS_RESET,
    Record,
    guarded,
    iis_reset_if_needed,
    leave_alone_if,
    stop,
    undo_recorded,
)
from wizard.playbook.phases.prerequisites import exchange_online_autodiscover
from wizard.playbook.snippets import block, q, zone_and_name
from wizard.playbook.step import Shell, Step
from wizard.settled import Settled
from wizard.topology import EXCHANGE_NAMES, ExchangeKind, Phase, Topology

PHASE = Phase.AUTODISCOVER


def client_access_noun(t: Topology) -> str:
    """ClientAccessServer for Exchange 2010/2013, ClientAccessService from Exchange 2016 on."""
    return "ClientAccessService" if t.uses_client_access_service else "ClientAccessServer"


def _zones(scenario: Settled) -> list[str]:
    return [scenario.smtp_domain, *scenario.sip_domains]


def cname_record(scenario: Settled) -> Step:
    fqdn = scenario.effective_autodiscover_fqdn
    target = scenario.exchange_service_fqdn
    zone, name = zone_and_name(fqdn, _zones(scenario))
    several = len(scenario.exchange_fqdns) > 1
    step_id = "autodiscover.dns-cname"
    return Step(
        id=step_id,
        phase=PHASE,
        title=f"Create the CNAME record {fqdn} -> {target}",
        why="Autodiscover-aware clients and Skype for Business look up the well-known autodiscover name; it must "
            "resolve to the Exchange server.",
        shell=Shell.DNS,
        command=dns_records.add_cname(step_id, zone, name, target),
        check=f"nslookup {fqdn} answers with {target} and lists {fqdn} under Aliases.",
        undo=dns_records.undo_cname(step_id),
        note=(f"It points at the load-balanced name {target}, which the Exchange servers "
              f"({', '.join(scenario.exchange_fqdns)}) share, not at one of them. " if several else "")
        + "If a record of that name already exists (the usual case), the script shows it, leaves it alone and "
          "does not record it, so the undo script leaves it too."
        + _public_zone_note(scenario.topology, target)
        + _cloud_note(scenario.topology),
        source=f"{sources.PLAN_INTEGRATION}; {sources.FIELD_GUIDE}" + _cloud_sources(scenario.topology),
    )


def srv_record(scenario: Settled) -> Step:
    domain = scenario.smtp_domain
    target = scenario.effective_autodiscover_fqdn
    zone, name = zone_and_name(f"_autodiscover._tcp.{domain}", [domain])
    step_id = "autodiscover.dns-srv"
    return Step(
        id=step_id,
        phase=PHASE,
        title=f"Create the SRV record _autodiscover._tcp.{domain} -> {target}:443",
        why="Clients that cannot use the autodiscover host name fall back to this service location record.",
        shell=Shell.DNS,
        command=dns_records.add_srv(step_id, zone, name, target, priority=0, weight=0, port=443),
        check=f"nslookup -q=srv _autodiscover._tcp.{domain} shows priority 0, weight 0, port 443, "
              f"svr hostname {target}.",
        undo=dns_records.undo_srv(step_id),
        note="Values as in Jeff Schertz's field guide (priority 0, weight 0, port 443, target the autodiscover "
             "name). RFC 2782 "
             "wants an SRV target with its own A record rather than a CNAME; Outlook accepts either."
             + _cloud_note(scenario.topology),
        source=sources.FIELD_GUIDE + _cloud_sources(scenario.topology),
    )


def current_internal_uri(scenario: Settled) -> Step:
    noun = client_access_noun(scenario.topology)
    return Step(
        id="autodiscover.internal-uri-current",
        phase=PHASE,
        title="Show the current AutoDiscoverServiceInternalUri",
        why="If the value is blank or still uses the server name, Exchange must be given the autodiscover URI "
            "before Skype for Business can be pointed at it.",
        shell=Shell.EXCHANGE,
        command=f"Get-{noun} | Select-Object -Property 'Name', 'AutoDiscoverServiceInternalUri' | Format-List",
        check="Each server shows AutoDiscoverServiceInternalUri (the next step records the old value for undo).",
        note=_version_note(scenario.topology),
        read_only=True,
        source=f"{sources.PLAN_INTEGRATION}; {sources.LYNC_2013_PREREQUISITES}; {sources.FIELD_GUIDE}",
    )


def _public_zone_note(t: Topology, target: str) -> str:
    """Where the public autodiscover record points: with a tenant, the internet must reach it, not the server name."""
    if not t.involves_tenant:
        return " Create the same record in the public zone for clients outside the network."
    return (" In the public zone the record must point at the name Exchange is published under on the internet "
            f"(the reverse proxy's or load balancer's external name), not at the internal server name {target}: "
            "the Microsoft cloud services reach autodiscover from the internet.")


def _cloud_note(t: Topology) -> str:
    """Why the autodiscover records stay on premises when mailboxes or users are also in the cloud."""
    note = ""
    if t.exchange is ExchangeKind.HYBRID:
        note += (" In an Exchange hybrid the autodiscover records keep pointing at Exchange Server, also for the "
                 "Exchange Online mailboxes: the on-premises autodiscover redirects them to Exchange Online, so "
                 "Skype for Business's ExchangeAutodiscoverUrl stays on premises too.")
    if t.teams_users and t.exchange_has_oauth:
        note += (" Teams finds an on-premises mailbox through Exchange Online's Autodiscover v2, which follows the "
                 "public autodiscover record to the on-premises autodiscover and then to the external EWS URL: "
                 "both must be reachable from the internet without pre-authentication (a reverse proxy login "
                 "page breaks Teams).")
    return note


def _cloud_sources(t: Topology) -> str:
    parts = []
    if t.exchange is ExchangeKind.HYBRID:
        parts.append(sources.EXCHANGE_HYBRID_PREREQUISITES)
    if t.teams_users and t.exchange_has_oauth:
        parts.append(sources.TEAMS_EXCHANGE_TROUBLESHOOT)
    return "".join(f"; {p}" for p in parts)


def _exchange(t: Topology) -> str:
    return EXCHANGE_NAMES[t.exchange_version] if t.exchange_version else t.exchange_name


def _version_note(t: Topology) -> str:
    if t.uses_client_access_service:
        return (f"{_exchange(t)} uses Get-/Set-ClientAccessService; the *-ClientAccessServer cmdlets that "
                "Microsoft's \"Plan to integrate Skype for Business and Exchange\" still shows are the Exchange "
                "2010/2013 names.")
    return (f"{_exchange(t)} uses Get-/Set-ClientAccessServer, as Microsoft's \"Plan to integrate Skype for "
            "Business and Exchange\" shows; from Exchange 2016 the cmdlets are *-ClientAccessService.")


def set_internal_uri(scenario: Settled) -> Step:
    noun = client_access_noun(scenario.topology)
    uri = scenario.autodiscover_internal_uri
    step_id = "autodiscover.internal-uri"
    record_type = f"{noun}.AutoDiscoverServiceInternalUri"
    command = block(
        f"foreach ($server in @(Get-{noun} -ErrorAction Stop)) {{",
        "    $name = [string]$server.Name",
        "    $prior = [string]$server.AutoDiscoverServiceInternalUri",
        "    " + guarded(
            needed=f"$prior -ne {q(uri)}",
            change=cmd.set_autodiscover_internal_uri(noun, cmd.Expr("$name"), uri),
            read_back=f"[string](Get-{noun} -Identity $name -ErrorAction Stop).AutoDiscoverServiceInternalUri "
                      f"-eq {q(uri)}",
            record=Record(step_id, record_type, "changed", {"Server": "$name", "Value": q(uri)},
                          {"AutoDiscoverServiceInternalUri": "$prior"}),
            already=f"already {uri}: nothing to change.",
            after=IIS_NEEDS_RESET,
        ).replace("\n", "\n    "),
        "}",
    )
    undo = undo_recorded(step_id, record_type, block(
        f"$current = [string](Get-{noun} -Identity $entry.identity.Server -ErrorAction Stop)."
        "AutoDiscoverServiceInternalUri",
        leave_alone_if("$current -ne $entry.identity.Value",
                       "AutoDiscoverServiceInternalUri was changed again since setup: left alone."),
        "$value = $entry.prior.AutoDiscoverServiceInternalUri",
        "if (-not $value) { $value = $null }",
        stop(cmd.set_autodiscover_internal_uri(noun, cmd.Expr("$entry.identity.Server"), cmd.Expr("$value"))),
        "Write-Host \"    $($entry.identity.Server): AutoDiscoverServiceInternalUri is '$value' again; run "
        "iisreset /noforce on it.\"",
    ))
    return Step(
        id=step_id,
        phase=PHASE,
        title=f"Set AutoDiscoverServiceInternalUri to {uri}",
        why="Exchange hands this URI to domain-joined clients and Skype for Business; it must use the "
            "autodiscover name that the certificate and DNS cover.",
        shell=Shell.EXCHANGE,
        command=command,
        undo=undo,
        check=f"Get-{noun} | Select-Object -Property 'Name', 'AutoDiscoverServiceInternalUri' shows {uri} for "
              "every server.",
        note="Exchange's own URI ends in autodiscover.xml; Skype for Business needs autodiscover.svc (set in the "
             "OAuth phase). Each server's previous value is recorded, and the undo script puts it back where the "
             "value is still the one set here. "
             + _version_note(scenario.topology),
        source=f"{sources.PLAN_INTEGRATION}; {sources.LYNC_2013_PREREQUISITES}; {sources.FIELD_GUIDE}",
    )


def iis_reset(step_id: str, phase: Phase, scenario: Settled, reason: str, source: str) -> Step:
    servers = scenario.exchange_fqdns
    return Step(
        id=step_id,
        phase=phase,
        title="Restart IIS on the Exchange server",
        why=reason,
        shell=Shell.EXCHANGE,
        command=iis_reset_if_needed(),
        check="iisreset prints 'Internet services successfully restarted'.",
        note="The script restarts IIS only when one of its steps changed something IIS must reload, so running it "
             "again restarts nothing. /noforce does not kill worker processes that do not stop in time (Jeff "
             "Schertz's field guide recommends it in production). Run it on every Exchange server"
             + (f": {', '.join(servers)}." if len(servers) > 1 else "."),
        source=source,
    )


def steps(scenario: Settled) -> list[Step]:
    t = scenario.topology
    out: list[Step] = []
    if t.exchange_on_prem:
        if scenario.effective_autodiscover_fqdn not in scenario.exchange_fqdns:
            out.append(cname_record(scenario))
        out += [
            srv_record(scenario),
            current_internal_uri(scenario),
            set_internal_uri(scenario),
            iis_reset("autodiscover.iisreset", PHASE, scenario,
                      "Restarting IIS applies the new autodiscover URI at once.", sources.FIELD_GUIDE),
        ]
    elif t.exchange_online_only:
        out.append(exchange_online_autodiscover(scenario, PHASE))
    return out
