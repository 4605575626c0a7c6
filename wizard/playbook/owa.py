"""Outlook Web App IM and presence with Lync/SfB Server pools (KB 2614242 step 5, TechNet JJ688055).

Exchange 2013 and later read the IM server and certificate from OWA's web.config; Exchange 2010
takes them as Set-OwaVirtualDirectory parameters. Both need OWA registered on the SfB side as a
trusted application unless SfB already knows the Exchange server from a SipName UM dial plan.
"""

from __future__ import annotations

from wizard.playbook import sources
from wizard.playbook.snippets import block, if_, if_not, iis_certificate, indent, q
from wizard.playbook.step import Shell, Step
from wizard.settled import Settled
from wizard.topology import EXCHANGE_NAMES, ExchangeVersion, Phase, Topology

OWA_APP_POOL_RECYCLE = ("& \"$env:windir\\System32\\inetsrv\\appcmd.exe\" recycle apppool "
                        "'/apppool.name:MSExchangeOWAAppPool'")

_IS_OWA_APP = "$_.TrustedApplicationPoolFqdn -eq {pool} -and $_.ApplicationId -like '*OutlookWebApp'"


def _exchange(t: Topology) -> str:
    """The on-premises Exchange product's name ('Exchange Server Subscription Edition (SE)', ...)."""
    return EXCHANGE_NAMES[t.exchange_version] if t.exchange_version else t.exchange_name


def trusted_application(scenario: Settled, phase: Phase) -> Step:
    t = scenario.topology
    owa_pool, *other_servers = scenario.exchange_fqdns
    registrar = scenario.pool_fqdns[0]
    site = q(scenario.sfb_site) if scenario.sfb_site else f"(Get-CsPool -Identity {q(registrar)}).Site"
    is_owa_app = _IS_OWA_APP.format(pool=q(owa_pool))
    create = block(
        if_not(f"Get-CsTrustedApplicationPool -Identity {q(owa_pool)} -ErrorAction SilentlyContinue",
               f"New-CsTrustedApplicationPool -Identity {q(owa_pool)} -Registrar {q(registrar)} -Site {site} "
               "-RequiresReplication $false"),
        *(if_not(f"Get-CsTrustedApplicationComputer -Identity {q(server)} -ErrorAction SilentlyContinue",
                 f"New-CsTrustedApplicationComputer -Identity {q(server)} -Pool {q(owa_pool)}")
          for server in other_servers),
        if_not(f"Get-CsTrustedApplication | Where-Object {{ {is_owa_app} }}",
               f"New-CsTrustedApplication -ApplicationId OutlookWebApp -TrustedApplicationPoolFqdn {q(owa_pool)} "
               "-Port 5199"),
        "Enable-CsTopology",
    )
    if t.exchange_has_um:
        command = block(
            "# Only when SfB does NOT already know this Exchange server from a SipName UM dial plan:",
            "# duplicate known-server entries stop OWA IM. Set this to $true in that case.",
            "$exchangeKnownFromUmDialPlan = $false",
            "if (-not $exchangeKnownFromUmDialPlan) {",
            indent(create),
            "}",
        )
        caveat = ("Only if the Exchange server is not auto-discovered: a server hosting a SipName UM dial plan is "
                  "already known to SfB, and adding it again breaks OWA IM. The script has a switch for that case.")
    else:
        command = create
        caveat = (f"{_exchange(t)} has no Unified Messaging, so SfB cannot have discovered it through a UM dial "
                  "plan: the trusted application is always needed.")
    undo = block(
        f"foreach ($application in @(Get-CsTrustedApplication | Where-Object {{ {is_owa_app} }})) {{",
        "    Remove-CsTrustedApplication -Identity $application.Identity -Confirm:$false",
        "}",
        if_(f"Get-CsTrustedApplicationPool -Identity {q(owa_pool)} -ErrorAction SilentlyContinue",
            f"Remove-CsTrustedApplicationPool -Identity {q(owa_pool)} -Confirm:$false"),
        "Enable-CsTopology",
    )
    return Step(
        id=f"{phase.value}.owa-trusted-application",
        phase=phase,
        title=f"Register OWA on {owa_pool} as a trusted application",
        why="Skype for Business accepts OWA's IM and presence connections (port 5199) only from a known server: "
            "a trusted application pool with the OutlookWebApp application.",
        shell=Shell.SFB,
        command=command,
        check=f"Get-CsTrustedApplication lists {owa_pool}/urn:application:outlookwebapp on port 5199; "
              "Enable-CsTopology reported no error.",
        undo=undo,
        note=caveat + (" The pool is named after the first Exchange server and the others are added as its "
                       "computers; use your OWA load-balanced name instead if you have one."
                       if other_servers else ""),
        source=f"{sources.EXCHANGE_2013_INTEGRATION_KB}; {sources.OWA_IM}",
    )


def virtual_directory(scenario: Settled, phase: Phase) -> Step:
    t = scenario.topology
    if t.exchange_version is ExchangeVersion.V2010:
        pool = scenario.pool_fqdns[0]
        command = block(
            iis_certificate(),
            "Get-OwaVirtualDirectory -Server $env:COMPUTERNAME | Set-OwaVirtualDirectory "
            f"-InstantMessagingEnabled $true -InstantMessagingType OCS -InstantMessagingServerName {q(pool)} "
            "-InstantMessagingCertificateThumbprint $imCertificate.Thumbprint",
            OWA_APP_POOL_RECYCLE,
        )
        note = ("Exchange 2010 takes the IM server and certificate as Set-OwaVirtualDirectory parameters (2013 and "
                "later use web.config instead). Run it on every Client Access server: each presents its own IIS "
                "certificate.")
        source = f"{sources.EXCHANGE_2013_INTEGRATION_KB}; {sources.OWA_2010}"
    else:
        command = ("Get-OwaVirtualDirectory | Set-OwaVirtualDirectory -InstantMessagingEnabled $true "
                   "-InstantMessagingType OCS")
        note = (f"{_exchange(t)} reads the IM server name and certificate from web.config (next step); the vdir "
                "parameters for them are Exchange 2010's.")
        source = f"{sources.EXCHANGE_2013_INTEGRATION_KB}; {sources.OWA_IM}"
    return Step(
        id=f"{phase.value}.owa-virtual-directory",
        phase=phase,
        title="Turn on OWA instant messaging with Lync/SfB (InstantMessagingType OCS)",
        why="OWA's default IM type is None; with IM enabled but not integrated OWA shows blank presence and an "
            "error.",
        shell=Shell.EXCHANGE,
        command=command,
        check="Get-OwaVirtualDirectory | Format-List -Property 'Server', 'InstantMessaging*' shows "
              "InstantMessagingEnabled True and InstantMessagingType Ocs.",
        undo=block(
            "Get-OwaVirtualDirectory | Where-Object { \"$($_.InstantMessagingType)\" -eq 'Ocs' } |",
            "    Set-OwaVirtualDirectory -InstantMessagingType None",
        ),
        note=note,
        source=source,
    )


def web_config(scenario: Settled, phase: Phase) -> Step:
    pool = scenario.pool_fqdns[0]
    path = "$webConfig = Join-Path -Path $env:ExchangeInstallPath -ChildPath 'ClientAccess\\Owa\\web.config'"
    load = block(path, "[xml]$config = Get-Content -Path $webConfig -Raw",
                 "$settings = $config.configuration.appSettings")
    command = block(
        iis_certificate(),
        load,
        "$wanted = [ordered]@{ IMCertificateThumbprint = $imCertificate.Thumbprint; IMServerName = " + q(pool) + " }",
        "foreach ($key in $wanted.Keys) {",
        "    $entry = @($settings.add | Where-Object { $_.key -eq $key }) | Select-Object -First 1",
        "    if ($entry) {",
        "        $entry.value = $wanted[$key]",
        "    } else {",
        "        $entry = $config.CreateElement('add')",
        "        $entry.SetAttribute('key', $key)",
        "        $entry.SetAttribute('value', $wanted[$key])",
        "        [void]$settings.AppendChild($entry)",
        "    }",
        "}",
        if_not("Test-Path -Path \"$webConfig.before-im\"",
               "Copy-Item -Path $webConfig -Destination \"$webConfig.before-im\""),
        "$config.Save($webConfig)",
        OWA_APP_POOL_RECYCLE,
    )
    undo = block(
        load,
        "$entries = @($settings.add | Where-Object { $_.key -in @('IMCertificateThumbprint', 'IMServerName') })",
        if_("$entries.Count -gt 0", block(
            "foreach ($entry in $entries) { [void]$entry.ParentNode.RemoveChild($entry) }",
            "$config.Save($webConfig)",
            OWA_APP_POOL_RECYCLE,
        )),
    )
    return Step(
        id=f"{phase.value}.owa-web-config",
        phase=phase,
        title=f"Give OWA the IM server {pool} and certificate in web.config",
        why="OWA on Exchange 2013 and later signs in to Skype for Business with the IMServerName and "
            "IMCertificateThumbprint keys of its web.config.",
        shell=Shell.EXCHANGE,
        command=command,
        check="appcmd prints '\"MSExchangeOWAAppPool\" successfully recycled'; web.config's appSettings holds "
              f"IMCertificateThumbprint and IMServerName = {pool}; Event 112 (MSExchange OWA) appears after the first "
              "OWA sign-in.",
        undo=undo,
        note="Run it on every Mailbox server: each has its own web.config and IIS certificate. The first run keeps "
             "a copy as web.config.before-im. A cumulative update rewrites web.config: run this step again after "
             "each one.",
        source=f"{sources.EXCHANGE_2013_INTEGRATION_KB}; {sources.OWA_IM}",
    )


def mailbox_policy(phase: Phase) -> Step:
    return Step(
        id=f"{phase.value}.owa-mailbox-policy",
        phase=phase,
        title="Allow IM in the Default OWA mailbox policy",
        why="Mailboxes get OWA IM only when their OWA mailbox policy allows it with the OCS type.",
        shell=Shell.EXCHANGE,
        command="Set-OwaMailboxPolicy -Identity Default -InstantMessagingEnabled $true -InstantMessagingType OCS",
        check="Get-OwaMailboxPolicy -Identity Default | Format-List -Property 'InstantMessaging*' shows Enabled True "
              "and type Ocs.",
        undo=if_("\"$((Get-OwaMailboxPolicy -Identity Default).InstantMessagingType)\" -eq 'Ocs'",
                 "Set-OwaMailboxPolicy -Identity Default -InstantMessagingType None"),
        note="Other OWA mailbox policies need the same: Get-OwaMailboxPolicy | Set-OwaMailboxPolicy "
             "-InstantMessagingEnabled $true -InstantMessagingType OCS.",
        source=f"{sources.EXCHANGE_2013_INTEGRATION_KB}; {sources.OWA_IM}",
    )


def owa_steps(scenario: Settled, phase: Phase) -> list[Step]:
    t = scenario.topology
    out = [trusted_application(scenario, phase), virtual_directory(scenario, phase)]
    if t.exchange_version is not ExchangeVersion.V2010:
        out.append(web_config(scenario, phase))
    out.append(mailbox_policy(phase))
    return out
