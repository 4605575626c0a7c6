"""Outlook Web App IM and presence with Lync/SfB Server pools (KB 2614242 step 5, TechNet JJ688055).

Exchange 2013 and later read the IM server and certificate from OWA's web.config; Exchange 2010
takes them as Set-OwaVirtualDirectory parameters. Both need OWA registered on the SfB side as a
trusted application unless SfB already knows the Exchange server from a SipName UM dial plan.

The trusted application pool is the name the Skype for Business pool sees OWA connect from: the
load-balanced Exchange name with two or more servers (each server one of its computers), or the only
server's name. OWA presents the IIS certificate that names it. Every change is guarded, read back and
recorded with the values it replaced; undo reverts only what the record lists: the trusted
application, computers and pool that setup created, the virtual directory and mailbox policy values it
changed, and web.config from the backup setup made, each only while it is still as setup left it.
"""

from __future__ import annotations

from wizard.playbook import sources
from wizard.playbook.changes import Record, guarded, leave_alone_if, left_alone, native, stop, undo_recorded
from wizard.playbook.snippets import block, indent, q
from wizard.playbook.step import Shell, Step
from wizard.settled import Settled
from wizard.topology import EXCHANGE_NAMES, ExchangeVersion, Phase, Topology

# Written without a space after & so that the runtime's exit-code check names appcmd.exe.
OWA_APP_POOL_RECYCLE = ("&\"$env:windir\\System32\\inetsrv\\appcmd.exe\" recycle apppool "
                        "'/apppool.name:MSExchangeOWAAppPool'")

_IS_OWA_APP = "$_.TrustedApplicationPoolFqdn -eq {pool} -and $_.ApplicationId -like '*OutlookWebApp'"

POOL_TYPE = "CsTrustedApplicationPool"
COMPUTER_TYPE = "CsTrustedApplicationComputer"
APPLICATION_TYPE = "CsTrustedApplication"
VDIR_TYPE = "OwaVirtualDirectory.InstantMessaging"
WEB_CONFIG_TYPE = "OwaWebConfig"
POLICY_TYPE = "OwaMailboxPolicy.InstantMessaging"

RECYCLE_FLAG = "$owaRecycleNeeded"

NEW_TRUSTED_POOL_HELP = ('Microsoft Learn, "New-CsTrustedApplicationPool" (-Site, -ComputerFqdn; '
                         f"{sources.LEARN}/powershell/module/skypeforbusiness/new-cstrustedapplicationpool)")


def _exchange(t: Topology) -> str:
    """The on-premises Exchange product's name ('Exchange Server Subscription Edition (SE)', ...)."""
    return EXCHANGE_NAMES[t.exchange_version] if t.exchange_version else t.exchange_name


def _recycle() -> str:
    """Recycle OWA's application pool (appcmd: its exit code is checked)."""
    return native(OWA_APP_POOL_RECYCLE)


# ----- Skype for Business: OWA as a trusted application -----

def _pool_layout(scenario: Settled) -> tuple[str, str, list[str]]:
    """(trusted application pool FQDN, its first computer or '', the other computers to add).

    With a load-balanced name the pool is that name and the first server its -ComputerFqdn (a pool created
    under a computer's own name cannot take more computers); with one server and no such name the pool is the server.
    """
    pool = scenario.exchange_service_fqdn
    servers = list(scenario.exchange_fqdns)
    if pool not in servers:
        return pool, servers[0], servers[1:]
    return pool, "", [s for s in servers if s != pool]


def _site_lookup(scenario: Settled, registrar: str) -> str:
    """Sets $siteId: New-CsTrustedApplicationPool -Site takes the SiteId of Get-CsSite, never the "site:" Identity."""
    if scenario.sfb_site:
        return block(f"$site = Get-CsSite -Identity {q(scenario.sfb_site)} -ErrorAction Stop",
                     "$siteId = [string]$site.SiteId")
    return block(
        f"$registrarPool = Get-CsPool -Identity {q(registrar)} -ErrorAction Stop",
        "$site = @(Get-CsSite -ErrorAction Stop | Where-Object { \"$($_.Identity)\" -eq \"$($registrarPool.Site)\" }) |",  # noqa: E501
        "    Select-Object -First 1",
        f"if (-not $site) {{ throw {q(f'The site of {registrar} was not found with Get-CsSite.')} }}",
        "$siteId = [string]$site.SiteId",
    )


def _create_trusted(scenario: Settled, step_id: str) -> str:
    owa_pool, first, others = _pool_layout(scenario)
    registrar = scenario.pool_fqdns[0]
    read_pool = f"Get-CsTrustedApplicationPool -Identity {q(owa_pool)} -ErrorAction SilentlyContinue"
    computer_fqdn = f" -ComputerFqdn {q(first)}" if first else ""
    pool = guarded(
        before=block(f"$trustedPool = {read_pool}",
                     "if ($trustedPool) {",
                     "    Write-Host \"    existing: trusted application pool $($trustedPool.PoolFqdn), registrar "
                     "$($trustedPool.Registrar), site $($trustedPool.SiteId)\"",
                     "} else {",
                     indent(_site_lookup(scenario, registrar)),
                     "}"),
        needed="-not $trustedPool",
        change=[f"New-CsTrustedApplicationPool -Identity {q(owa_pool)} -Registrar {q(registrar)} -Site $siteId"
                f"{computer_fqdn} -RequiresReplication $false", "Enable-CsTopology"],
        read_back=read_pool,
        record=Record(step_id, POOL_TYPE, "created",
                      {"PoolFqdn": q(owa_pool), "Registrar": q(registrar), "ComputerFqdn": q(first or owa_pool)}),
        already=f"The trusted application pool {owa_pool} exists: left as it is and not recorded (undo leaves it too).",
    )
    computers = [guarded(
        before=block(f"$computer = Get-CsTrustedApplicationComputer -Identity {q(server)} -ErrorAction SilentlyContinue",  # noqa: E501
                     f"if ($computer -and \"$($computer.Pool)\" -ne {q(owa_pool)}) {{",
                     f"    Write-Warning ({q(f'{server} is a trusted application computer of another pool:')} + "
                     "\" $($computer.Pool). Left as it is.\")",
                     "}"),
        needed="-not $computer",
        change=[f"New-CsTrustedApplicationComputer -Identity {q(server)} -Pool {q(owa_pool)}", "Enable-CsTopology"],
        read_back=f"Get-CsTrustedApplicationComputer -Identity {q(server)} -ErrorAction SilentlyContinue",
        record=Record(step_id, COMPUTER_TYPE, "created", {"Identity": q(server), "Pool": q(owa_pool)}),
        already=f"{server} is already a trusted application computer: left as it is and not recorded.",
    ) for server in others]
    is_owa_app = _IS_OWA_APP.format(pool=q(owa_pool))
    application = guarded(
        before=block(f"$owaApplication = @(Get-CsTrustedApplication -ErrorAction Stop | Where-Object {{ {is_owa_app} }})"),  # noqa: E501
        needed="$owaApplication.Count -eq 0",
        change=[f"New-CsTrustedApplication -ApplicationId OutlookWebApp -TrustedApplicationPoolFqdn {q(owa_pool)} "
                "-Port 5199", "Enable-CsTopology"],
        read_back=f"($owaApplication = @(Get-CsTrustedApplication -ErrorAction Stop | Where-Object {{ {is_owa_app} }}))"
                  ".Count -gt 0",
        record=Record(step_id, APPLICATION_TYPE, "created",
                      {"Identity": "[string]$owaApplication[0].Identity", "PoolFqdn": q(owa_pool), "Port": "5199"}),
        already=f"OWA is already a trusted application on {owa_pool}: left as it is and not recorded.",
    )
    return block(pool, *computers, application)


def _undo_trusted(step_id: str) -> str:
    """Remove what setup created, in order: the application, the computers it added, the pool; each publishes."""
    publish = stop("Enable-CsTopology")
    return block(
        undo_recorded(step_id, APPLICATION_TYPE, block(
            "$application = Get-CsTrustedApplication -Identity $entry.identity.Identity -ErrorAction SilentlyContinue",
            leave_alone_if("-not $application -or "
                           "\"$($application.TrustedApplicationPoolFqdn)\" -ne $entry.identity.PoolFqdn",
                           "OWA's trusted application is gone or moved since setup: left alone."),
            stop("Remove-CsTrustedApplication -Identity $entry.identity.Identity -Force"),
            publish,
            "Write-Host \"    trusted application $($entry.identity.Identity) removed.\"",
        )),
        undo_recorded(step_id, COMPUTER_TYPE, block(
            "$computer = Get-CsTrustedApplicationComputer -Identity $entry.identity.Identity -ErrorAction SilentlyContinue",  # noqa: E501
            leave_alone_if("-not $computer -or \"$($computer.Pool)\" -ne $entry.identity.Pool",
                           "The trusted application computer is gone or in another pool since setup: left alone."),
            stop("Remove-CsTrustedApplicationComputer -Identity $entry.identity.Identity -Force"),
            publish,
            "Write-Host \"    trusted application computer $($entry.identity.Identity) removed.\"",
        )),
        undo_recorded(step_id, POOL_TYPE, block(
            "$trustedPool = Get-CsTrustedApplicationPool -Identity $entry.identity.PoolFqdn -ErrorAction SilentlyContinue",  # noqa: E501
            "$applications = @(Get-CsTrustedApplication -ErrorAction Stop | Where-Object { "
            "$_.TrustedApplicationPoolFqdn -eq $entry.identity.PoolFqdn })",
            "$computers = @(Get-CsTrustedApplicationComputer -Pool $entry.identity.PoolFqdn -ErrorAction SilentlyContinue"  # noqa: E501
            " | Where-Object { \"$($_.Identity)\" -ne $entry.identity.ComputerFqdn })",
            "if (-not $trustedPool -or $applications.Count -gt 0 -or $computers.Count -gt 0) {",
            indent(left_alone("The trusted application pool is gone, or holds applications or computers setup did not "
                              "add (removing it would remove them too): left alone.")),
            "}",
            stop("Remove-CsTrustedApplicationPool -Identity $entry.identity.PoolFqdn -Force"),
            publish,
            "Write-Host \"    trusted application pool $($entry.identity.PoolFqdn) removed.\"",
        )),
    )


def trusted_application(scenario: Settled, phase: Phase) -> Step:
    t = scenario.topology
    owa_pool, first, others = _pool_layout(scenario)
    step_id = f"{phase.value}.owa-trusted-application"
    create = _create_trusted(scenario, step_id)
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
    site = (f"the site {scenario.sfb_site}" if scenario.sfb_site else f"the site of {scenario.pool_fqdns[0]}")
    layout = (f" With several Exchange servers the pool is their load-balanced name {owa_pool}, created with "
              f"-ComputerFqdn {first} (New-CsTrustedApplicationPool's help: a pool created under a computer's own name "
              f"cannot take more computers) and {', '.join(others)} added with New-CsTrustedApplicationComputer."
              if first else "")
    return Step(
        id=step_id,
        phase=phase,
        title=f"Register OWA on {owa_pool} as a trusted application",
        why="Skype for Business accepts OWA's IM and presence connections (port 5199) only from a known server: "
            "a trusted application pool with the OutlookWebApp application.",
        shell=Shell.SFB,
        command=command,
        check=f"Get-CsTrustedApplication lists {owa_pool}/urn:application:outlookwebapp on port 5199; "
              "Enable-CsTopology reported no error.",
        undo=_undo_trusted(step_id),
        note=caveat + layout + f" The pool goes into {site}: -Site takes that site's SiteId from Get-CsSite, not its "
             "\"site:\" Identity. Each change is published with Enable-CsTopology before it is recorded. A pool, "
             "computer or application that exists is left as it is and not recorded; the undo script removes only "
             "what this script created (application, computers, then pool, each published), and keeps a pool that "
             "holds applications or computers it did not add.",
        source=f"{sources.EXCHANGE_2013_INTEGRATION_KB}; {sources.OWA_IM}; {NEW_TRUSTED_POOL_HELP}",
    )


# ----- Exchange: the certificate OWA presents -----

def im_certificate(fqdn: str, variable: str = "$imCertificate") -> str:
    """Pick the CA-issued, unexpired IIS certificate whose CertificateDomains hold `fqdn` (or a wildcard for it),
    most recently issued first; none stops the step naming the FQDN."""
    missing = (f"No CA-issued, unexpired certificate bound to IIS on this Exchange server names {fqdn} (or a "
               f"matching wildcard): OWA presents it to Skype for Business as the trusted application pool {fqdn}, "
               "so it must. Enable such a certificate for IIS (Enable-ExchangeCertificate -Services IIS), then run "
               "this script again.")
    return block(
        f"$imFqdn = {q(fqdn)}",
        f"{variable} = @(Get-ExchangeCertificate -ErrorAction Stop | Where-Object {{",
        "    \"$($_.Services)\" -match 'IIS' -and -not $_.IsSelfSigned -and $_.NotAfter -gt (Get-Date) -and",
        "    @($_.CertificateDomains | Where-Object {",
        "        $name = \"$_\"",
        "        $name -eq $imFqdn -or ($name.StartsWith('*.') -and $imFqdn.EndsWith($name.Substring(1)) -and",
        "            $imFqdn.Split('.').Count -eq $name.Split('.').Count)",
        "    }).Count -gt 0",
        "}) | Sort-Object -Property 'NotBefore' -Descending | Select-Object -First 1",
        f"if (-not {variable}) {{ throw {q(missing)} }}",
        f"Write-Host \"    IM certificate: $({variable}.Thumbprint) ($({variable}.Subject), valid until "
        f"$({variable}.NotAfter))\"",
    )


CERTIFICATE_NOTE = ("The certificate is the CA-issued, unexpired IIS certificate of this server whose names "
                    "(CertificateDomains) include {fqdn}, the name of the trusted application pool OWA connects as "
                    "(or a wildcard for it), most recently issued first; without one the step stops and names it.")


# ----- Exchange: the OWA virtual directory -----

def virtual_directory(scenario: Settled, phase: Phase) -> Step:
    t = scenario.topology
    step_id = f"{phase.value}.owa-virtual-directory"
    v2010 = t.exchange_version is ExchangeVersion.V2010
    pool = scenario.pool_fqdns[0]
    fqdn = scenario.exchange_service_fqdn
    prior = {"InstantMessagingEnabled": "$priorEnabled", "InstantMessagingType": "$priorType"}
    identity = {"Identity": "$identity", "Type": q("Ocs")}
    needed = "-not $priorEnabled -or $priorType -ne 'Ocs'"
    change = "Set-OwaVirtualDirectory -Identity $identity -InstantMessagingEnabled $true -InstantMessagingType Ocs"
    read_back = ("($check = Get-OwaVirtualDirectory -Identity $identity -ErrorAction Stop).InstantMessagingEnabled "
                 "-and \"$($check.InstantMessagingType)\" -eq 'Ocs'")
    befores = ["$identity = [string]$directory.Identity", "$priorEnabled = [bool]$directory.InstantMessagingEnabled",
               "$priorType = [string]$directory.InstantMessagingType"]
    if v2010:
        befores += ["$priorServer = [string]$directory.InstantMessagingServerName",
                    "$priorThumbprint = [string]$directory.InstantMessagingCertificateThumbprint"]
        prior |= {"InstantMessagingServerName": "$priorServer",
                  "InstantMessagingCertificateThumbprint": "$priorThumbprint"}
        identity |= {"ServerName": q(pool), "Thumbprint": "$imCertificate.Thumbprint"}
        needed += f" -or $priorServer -ne {q(pool)} -or $priorThumbprint -ne $imCertificate.Thumbprint"
        change += (f" -InstantMessagingServerName {q(pool)} -InstantMessagingCertificateThumbprint "
                   "$imCertificate.Thumbprint")
        read_back += (f" -and [string]$check.InstantMessagingServerName -eq {q(pool)} -and "
                      "[string]$check.InstantMessagingCertificateThumbprint -eq $imCertificate.Thumbprint")
    each = guarded(
        before=block(*befores),
        needed=needed,
        change=change,
        read_back=read_back,
        failed="The OWA virtual directory's IM settings are not as set after Set-OwaVirtualDirectory; check the "
               "output above.",
        record=Record(step_id, VDIR_TYPE, "changed", identity, prior),
        already="The OWA virtual directory already has these IM settings: nothing to change.",
        after=f"{RECYCLE_FLAG} = $true" if v2010 else "",
    )
    directories = "Get-OwaVirtualDirectory -Server $env:COMPUTERNAME -ErrorAction Stop" if v2010 else \
        "Get-OwaVirtualDirectory -ErrorAction Stop"
    lines = [im_certificate(fqdn)] if v2010 else []
    if v2010:
        lines.append(f"{RECYCLE_FLAG} = $false")
    lines += [f"foreach ($directory in @({directories})) {{", "    Write-Host \"    $($directory.Identity):\"",
              indent(each), "}"]
    if v2010:
        lines += [f"if ({RECYCLE_FLAG}) {{", indent(_recycle()), "}"]
    undo_check = ("if (-not $directory -or -not $directory.InstantMessagingEnabled -or "
                  "\"$($directory.InstantMessagingType)\" -ne $entry.identity.Type"
                  + (" -or [string]$directory.InstantMessagingServerName -ne $entry.identity.ServerName -or "
                     "[string]$directory.InstantMessagingCertificateThumbprint -ne $entry.identity.Thumbprint"
                     if v2010 else "") + ") {")
    restore = ("Set-OwaVirtualDirectory -Identity $entry.identity.Identity -InstantMessagingEnabled "
               "([bool]$entry.prior.InstantMessagingEnabled) -InstantMessagingType $entry.prior.InstantMessagingType")
    undo_lines = [
        "$directory = Get-OwaVirtualDirectory -Identity $entry.identity.Identity -ErrorAction SilentlyContinue",
        undo_check,
        indent(left_alone("The OWA virtual directory's IM settings changed since setup: left alone.")),
        "}",
    ]
    if v2010:
        undo_lines += ["$server = [string]$entry.prior.InstantMessagingServerName",
                       "if (-not $server) { $server = $null }",
                       "$thumbprint = [string]$entry.prior.InstantMessagingCertificateThumbprint",
                       "if (-not $thumbprint) { $thumbprint = $null }"]
        restore += " -InstantMessagingServerName $server -InstantMessagingCertificateThumbprint $thumbprint"
    undo_lines += [stop(restore),
                   "Write-Host \"    $($entry.identity.Identity): IM settings as before setup.\""]
    if v2010:
        undo_lines.append(_recycle())
    undo = undo_recorded(step_id, VDIR_TYPE, block(*undo_lines))
    if v2010:
        note = ("Exchange 2010 takes the IM server and certificate as Set-OwaVirtualDirectory parameters (2013 and "
                "later use web.config instead). Run it on every Client Access server: each presents its own IIS "
                f"certificate. {CERTIFICATE_NOTE.format(fqdn=fqdn)} OWA's application pool is recycled only when a "
                "setting changed.")
        source = f"{sources.EXCHANGE_2013_INTEGRATION_KB}; {sources.OWA_2010}"
    else:
        note = (f"{_exchange(t)} reads the IM server name and certificate from web.config (next step); the vdir "
                "parameters for them are Exchange 2010's.")
        source = f"{sources.EXCHANGE_2013_INTEGRATION_KB}; {sources.OWA_IM}"
    note += (" Each virtual directory's previous IM values are recorded; the undo script puts them back where the "
             "directory still has the values set here, and leaves it alone otherwise.")
    return Step(
        id=step_id,
        phase=phase,
        title="Turn on OWA instant messaging with Lync/SfB (InstantMessagingType OCS)",
        why="OWA's default IM type is None; with IM enabled but not integrated OWA shows blank presence and an "
            "error.",
        shell=Shell.EXCHANGE,
        command=block(*lines),
        check="Get-OwaVirtualDirectory | Format-List -Property 'Server', 'InstantMessaging*' shows "
              "InstantMessagingEnabled True and InstantMessagingType Ocs.",
        undo=undo,
        note=note,
        source=source,
    )


# ----- Exchange 2013 and later: web.config -----

_IM_KEYS = ("IMCertificateThumbprint", "IMServerName")


def _im_value(document: str, key: str) -> str:
    """The value of appSettings' `key` in the XML document `document` ('' when absent)."""
    return (f"[string](@({document}.configuration.appSettings.add | Where-Object {{ $_.key -eq {q(key)} }}) | "
            "Select-Object -First 1).value")


def web_config(scenario: Settled, phase: Phase) -> Step:
    pool = scenario.pool_fqdns[0]
    fqdn = scenario.exchange_service_fqdn
    step_id = f"{phase.value}.owa-web-config"
    path = "$webConfig = Join-Path -Path $env:ExchangeInstallPath -ChildPath 'ClientAccess\\Owa\\web.config'"
    before = block(
        path,
        "[xml]$config = Get-Content -LiteralPath $webConfig -Raw -ErrorAction Stop",
        "$settings = $config.configuration.appSettings",
        "$wanted = [ordered]@{ IMCertificateThumbprint = $imCertificate.Thumbprint; IMServerName = " + q(pool) + " }",
        *(f"$prior{key} = {_im_value('$config', key)}" for key in _IM_KEYS),
        "$needed = $priorIMCertificateThumbprint -ne $wanted.IMCertificateThumbprint -or $priorIMServerName -ne "
        "$wanted.IMServerName",
        "$backup = $webConfig + '.before-im-' + (Get-Date -Format 'yyyyMMdd-HHmmss')",
    )
    edit = block(
        "foreach ($key in $wanted.Keys) {",
        "    $node = @($settings.add | Where-Object { $_.key -eq $key }) | Select-Object -First 1",
        "    if ($node) {",
        "        $node.value = $wanted[$key]",
        "    } else {",
        "        $node = $config.CreateElement('add')",
        "        $node.SetAttribute('key', $key)",
        "        $node.SetAttribute('value', $wanted[$key])",
        "        [void]$settings.AppendChild($node)",
        "    }",
        "}",
        "$config.Save($webConfig)",
        # read the file back (this line gets -ErrorAction Stop); the read-back condition checks it
        "$written = Get-Content -LiteralPath $webConfig -Raw",
    )
    read_back = " -and ".join(f"{_im_value('([xml]$written)', key)} -eq $wanted.{key}" for key in _IM_KEYS)
    command = block(
        im_certificate(fqdn),
        guarded(
            before=before,
            needed="$needed",
            change=["Copy-Item -LiteralPath $webConfig -Destination $backup", edit],
            read_back=read_back,
            failed="web.config does not hold the IM settings after the write; the previous file is the backup "
                   "named above.",
            record=Record(step_id, WEB_CONFIG_TYPE, "changed",
                          {"Path": "$webConfig", "Backup": "$backup", "IMServerName": "$wanted.IMServerName",
                           "IMCertificateThumbprint": "$wanted.IMCertificateThumbprint"},
                          {"IMServerName": "$priorIMServerName",
                           "IMCertificateThumbprint": "$priorIMCertificateThumbprint"}),
            already="web.config already holds this IM server and certificate: not written, OWA not recycled.",
            after=block("Write-Host \"    web.config written; the previous one is $backup\"", _recycle()),
        ),
    )
    undo = undo_recorded(step_id, WEB_CONFIG_TYPE, block(
        "$webConfig = [string]$entry.identity.Path",
        "[xml]$current = Get-Content -LiteralPath $webConfig -Raw -ErrorAction Stop",
        "$unchanged = " + " -and ".join(f"{_im_value('$current', key)} -eq $entry.identity.{key}" for key in _IM_KEYS),
        "if (-not $unchanged -or -not (Test-Path -LiteralPath $entry.identity.Backup)) {",
        indent(left_alone("web.config no longer holds the IM settings setup wrote (a cumulative update or someone "
                          "changed it), or the backup is gone: left alone.")),
        "}",
        "$undone = $webConfig + '.before-undo-' + (Get-Date -Format 'yyyyMMdd-HHmmss')",
        stop("Copy-Item -LiteralPath $webConfig -Destination $undone"),
        stop("Copy-Item -LiteralPath $entry.identity.Backup -Destination $webConfig -Force"),
        _recycle(),
        "Write-Host \"    web.config restored from $($entry.identity.Backup) (the one setup left is $undone).\"",
    ))
    return Step(
        id=step_id,
        phase=phase,
        title=f"Give OWA the IM server {pool} and certificate in web.config",
        why="OWA on Exchange 2013 and later signs in to Skype for Business with the IMServerName and "
            "IMCertificateThumbprint keys of its web.config.",
        shell=Shell.EXCHANGE,
        command=command,
        check="appcmd prints '\"MSExchangeOWAAppPool\" successfully recycled' (only when web.config changed); "
              f"web.config's appSettings holds IMCertificateThumbprint and IMServerName = {pool}; Event 112 "
              "(MSExchange OWA) appears after the first OWA sign-in.",
        undo=undo,
        note="Run it on every Mailbox server: each has its own web.config and IIS certificate. "
             f"{CERTIFICATE_NOTE.format(fqdn=fqdn)} When web.config already holds these values nothing is written "
             "and OWA is not recycled. Otherwise the script copies it to web.config.before-im-<date and time> beside "
             "it, records that backup and the previous values, writes, reads the file back and only then recycles "
             "OWA's application pool. The undo script restores the recorded backup (keeping the current file as "
             "web.config.before-undo-<date and time>) only while web.config still holds what setup wrote, and "
             "recycles OWA. A cumulative update rewrites web.config: run this step again after each one.",
        source=f"{sources.EXCHANGE_2013_INTEGRATION_KB}; {sources.OWA_IM}",
    )


# ----- Exchange: the OWA mailbox policy -----

def mailbox_policy(phase: Phase) -> Step:
    step_id = f"{phase.value}.owa-mailbox-policy"
    read = "Get-OwaMailboxPolicy -Identity Default -ErrorAction Stop"
    command = guarded(
        before=block(f"$policy = {read}", "$priorEnabled = [bool]$policy.InstantMessagingEnabled",
                     "$priorType = [string]$policy.InstantMessagingType"),
        needed="-not $priorEnabled -or $priorType -ne 'Ocs'",
        change="Set-OwaMailboxPolicy -Identity Default -InstantMessagingEnabled $true -InstantMessagingType Ocs",
        read_back=f"($check = {read}).InstantMessagingEnabled -and \"$($check.InstantMessagingType)\" -eq 'Ocs'",
        failed="The Default OWA mailbox policy's IM settings are not as set after Set-OwaMailboxPolicy; check the "
               "output above.",
        record=Record(step_id, POLICY_TYPE, "changed", {"Identity": "[string]$policy.Identity", "Type": q("Ocs")},
                      {"InstantMessagingEnabled": "$priorEnabled", "InstantMessagingType": "$priorType"}),
        already="The Default OWA mailbox policy already allows IM with the OCS type: nothing to change.",
    )
    undo = undo_recorded(step_id, POLICY_TYPE, block(
        "$policy = Get-OwaMailboxPolicy -Identity $entry.identity.Identity -ErrorAction SilentlyContinue",
        "if (-not $policy -or -not $policy.InstantMessagingEnabled -or \"$($policy.InstantMessagingType)\" -ne "
        "$entry.identity.Type) {",
        indent(left_alone("The OWA mailbox policy's IM settings changed since setup: left alone.")),
        "}",
        stop("Set-OwaMailboxPolicy -Identity $entry.identity.Identity -InstantMessagingEnabled "
             "([bool]$entry.prior.InstantMessagingEnabled) -InstantMessagingType $entry.prior.InstantMessagingType"),
        "Write-Host \"    $($entry.identity.Identity): IM settings as before setup.\"",
    ))
    return Step(
        id=step_id,
        phase=phase,
        title="Allow IM in the Default OWA mailbox policy",
        why="Mailboxes get OWA IM only when their OWA mailbox policy allows it with the OCS type.",
        shell=Shell.EXCHANGE,
        command=command,
        check="Get-OwaMailboxPolicy -Identity Default | Format-List -Property 'InstantMessaging*' shows Enabled True "
              "and type Ocs.",
        undo=undo,
        note="Other OWA mailbox policies need the same: Get-OwaMailboxPolicy | Set-OwaMailboxPolicy "
             "-InstantMessagingEnabled $true -InstantMessagingType OCS. The policy's previous IM values are recorded; "
             "the undo script puts them back while the policy still has the values set here.",
        source=f"{sources.EXCHANGE_2013_INTEGRATION_KB}; {sources.OWA_IM}",
    )


def owa_steps(scenario: Settled, phase: Phase) -> list[Step]:
    t = scenario.topology
    out = [trusted_application(scenario, phase), virtual_directory(scenario, phase)]
    if t.exchange_version is not ExchangeVersion.V2010:
        out.append(web_config(scenario, phase))
    out.append(mailbox_policy(phase))
    return out
