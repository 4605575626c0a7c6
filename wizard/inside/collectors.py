"""Read-only collector scripts: one per shell, each writing one JSON file for `wizard analyze`.

The settings that break this integration live inside Exchange, SfB and the tenant, where no probe can
see them. These scripts read them with Get- cmdlets only and write exactly the shape that
wizard.inside.collected reads. They change nothing, never ask for a password and store none.
Scenario values enter only through psquote.literal.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from wizard.lifecycle import support_lines, support_warning
from wizard.playbook import psquote
from wizard.playbook.script_file import comment, title_line, write_scripts
from wizard.playbook.step import Shell
from wizard.policy import CLOUD_VOICEMAIL_APP_ID, EXCHANGE_SERVICE_ID, SFB_SERVICE_ID, TEAMS_SCHEDULER_APP_ID
from wizard.scenario import Scenario
from wizard.topology import SfbVersion, Topology

# The setting override that switches Exchange Server to the dedicated hybrid application, and the name prefix
# ConfigureExchangeHybridApplication.ps1 gives that application ("ExchangeServerApp-<organization GUID>"),
# both from microsoft/CSS-Exchange (Hybrid/ConfigureExchangeHybridApplication).
HYBRID_APP_OVERRIDE_SECTION = "ExchangeOnpremAsThirdPartyAppId"
HYBRID_APP_NAME_PREFIX = "ExchangeServerApp-"

# The service principals whose key credentials decide whether the tenant trusts on-premises tokens.
SERVICE_PRINCIPAL_IDS: tuple[str, ...] = (SFB_SERVICE_ID, EXCHANGE_SERVICE_ID, TEAMS_SCHEDULER_APP_ID,
                                          CLOUD_VOICEMAIL_APP_ID)

# Besides Get-* cmdlets, the only commands a collector may run (none of them changes anything;
# ConvertTo-Json/Out-File/Set-Content only ever touch the one output file).
READ_ONLY_HELPERS: frozenset[str] = frozenset({
    "Select-Object", "ForEach-Object", "Where-Object", "ConvertTo-Json", "Out-File", "Set-Content", "Get-Date",
    "hostname",
})
# .NET static members a collector may touch: writing the one output file, the host name, byte formatting.
READ_ONLY_STATIC_MEMBERS: frozenset[str] = frozenset({
    "[System.IO.File]::WriteAllText", "[System.Text.Encoding]::UTF8", "[System.Net.Dns]::GetHostEntry",
    "[System.BitConverter]::ToString",
})


@dataclass(frozen=True)
class CollectorScript:
    collector: str  # the "collector" value the script writes: exchange | sfb | graph | exo
    shell: Shell
    file_name: str
    output_name: str  # default output file; the SfB one carries the computer name
    where: str  # where and how to run it, for the runbook and the GUI
    text: str


COLLECTOR_FILE_NAMES = ("exchange-collect.ps1", "sfb-collect.ps1", "graph-collect.ps1", "exo-collect.ps1")


def collector_scripts(scenario: Scenario) -> list[CollectorScript]:
    """The collectors this scenario's topology needs, in the order to run them."""
    scenario.require_valid()
    topology = scenario.topology
    scripts = []
    if topology.exchange_on_prem:
        scripts.append(_exchange(scenario))
    if topology.sfb_on_prem:
        scripts.append(_sfb(scenario))
    if topology.involves_tenant:
        scripts.append(_graph(scenario))
    if topology.exchange_online_mailboxes:
        scripts.append(_exo(scenario))
    return scripts


def collector_places(topology: Topology) -> str:
    """Where this topology's collectors run, in words: 'Exchange, SfB Server and the tenant'."""
    places = [name for name, needed in (("Exchange", topology.exchange_on_prem or topology.exchange_online_mailboxes),
                                        ("SfB Server", topology.sfb_on_prem), ("the tenant", topology.involves_tenant))
              if needed]
    return ", ".join(places[:-1]) + " and " + places[-1] if len(places) > 1 else "".join(places)


def test_addresses(scenario: Scenario) -> list[str]:
    """The test user's mailbox address: the SIP address of the scenario's test user (SIP = SMTP is the
    documented assumption of the integration), or none."""
    uri = scenario.test_sip_uri.strip()
    address = uri[4:] if uri.lower().startswith("sip:") else uri
    return [address.lower()] if "@" in address else []


def write_collectors(scenario: Scenario, out_dir: str | os.PathLike[str]) -> list[Path]:
    """Write every collector script through the one .ps1 writer (UTF-8 with BOM, CRLF, each file atomically)."""
    scripts = collector_scripts(scenario)  # render everything before writing anything
    return write_scripts(out_dir, {script.file_name: script.text for script in scripts})


# ----------------------------------------------------------------------------------------------
# PowerShell fragments
# ----------------------------------------------------------------------------------------------
def _iso(expr: str) -> str:
    """A date as ISO-8601 UTC text ('o' format), or $null; ConvertTo-Json's own date format differs
    between Windows PowerShell 5.1 (/Date(ms)/) and PowerShell 7, so dates are always made text."""
    return f"$(if ($null -ne {expr}) {{ ([datetime]{expr}).ToUniversalTime().ToString('o') }} else {{ $null }})"


def _header(title: str, shell: Shell, reads: str, output: str, needs: str, scenario: Scenario,  # noqa: PLR0917
            params: str = "") -> str:
    support = support_lines(scenario.topology)
    warning = support_warning(scenario.topology)
    opening = "\n".join([title_line(f"read-only collector, writes {output}"),
                         "# READ-ONLY: this script changes nothing; it never asks for a password and stores none.",
                         *(comment("\n".join(support), "Support:") if support else []),
                         *(comment(warning, "Warning:") if warning else [])])
    return f"""{opening}
<#
.SYNOPSIS
    {title}

.DESCRIPTION
    READ-ONLY: this script changes nothing. It runs only Get- cmdlets ({reads})
    and writes one file, {output}, next to the script (or to -OutFile).
    It never asks for a password and stores none; the file holds names, URLs, thumbprints,
    subjects and dates, never a private key.

    Run in: {shell.title}.
    Needs: {needs}.
    Then: python -m wizard analyze <the collected .json files> --scenario <your scenario file>

    Generated by sfb-exchange-wizard for {scenario.topology.label}.
#>
param([string]$OutFile = ''{params})

$ErrorActionPreference = 'Stop'
$problems = @()
"""


def _out_file(default_name_expr: str) -> str:
    return f"""if (-not $OutFile) {{
    $folder = $PSScriptRoot
    if (-not $folder) {{ $folder = (Get-Location).ProviderPath }}
    $OutFile = $folder + '\\' + {default_name_expr}
}}
"""


def _problem(source_expr: str) -> str:
    return f"$problems += [ordered]@{{ Source = {source_expr}; Message = [string]$_.Exception.Message }}"


def _write(result_lines: str, summary: str) -> str:
    return f"""
$result = [ordered]@{{
{result_lines}
}}
$json = ConvertTo-Json -InputObject $result -Depth 8
[System.IO.File]::WriteAllText($OutFile, $json, [System.Text.Encoding]::UTF8)
'Wrote ' + $OutFile + {summary}
"""


def _envelope(collector: str) -> str:
    return f"""    collector = {psquote.literal(collector)}
    schema_version = 2
    collected_at = (Get-Date).ToUniversalTime().ToString('o')
    computer = [string]$env:COMPUTERNAME"""


def _nullable_bool(expr: str) -> str:
    """$null stays $null (EwsEnabled 'not configured' differs from $false); anything else is a boolean."""
    return f"$(if ($null -eq {expr}) {{ $null }} else {{ [bool]{expr} }})"


def _ews_fields(source: str, indent: str) -> str:
    lines = [f"EwsEnabled = {_nullable_bool(source + '.EwsEnabled')}",
             f"EwsApplicationAccessPolicy = [string]{source}.EwsApplicationAccessPolicy",
             f"EwsAllowList = @({source}.EwsAllowList | ForEach-Object {{ [string]$_ }})",
             f"EwsBlockList = @({source}.EwsBlockList | ForEach-Object {{ [string]$_ }})"]
    return "\n".join(indent + line for line in lines)


def _ews_reads(addresses: list[str], *, cloud: bool = False) -> str:
    """Get-OrganizationConfig's EWS settings and Get-CASMailbox for the test users (read-only, either side).

    Exchange Online lists EwsAllowedAppIDs only with -RetrieveEwsOperationAccessPolicy (Set-OrganizationConfig's
    reference); where the switch is unknown the settings are read without it and the list is marked unread.
    """
    if cloud:
        organization = f"""$organization = $null
$appIdsRead = $false
try {{
    $organization = Get-OrganizationConfig -RetrieveEwsOperationAccessPolicy
    $appIdsRead = $true
}} catch {{
    {_problem("'Get-OrganizationConfig -RetrieveEwsOperationAccessPolicy'")}
    try {{
        $organization = Get-OrganizationConfig
    }} catch {{
        {_problem("'Get-OrganizationConfig'")}
    }}
}}
$organizationEws = $null
if ($null -ne $organization) {{
    $organizationEws = [ordered]@{{
{_ews_fields('$organization', '        ')}
        EwsAllowedAppIDs = @($organization.EwsAllowedAppIDs | ForEach-Object {{ [string]$_ }})
        EwsAllowedAppIDsRead = $appIdsRead
    }}
}}
"""
    else:
        organization = f"""$organizationEws = $null
try {{
    $organization = Get-OrganizationConfig
    $organizationEws = [ordered]@{{
{_ews_fields('$organization', '        ')}
    }}
}} catch {{
    {_problem("'Get-OrganizationConfig'")}
}}
"""
    return organization + f"""
# The test users' own EWS settings; a mailbox that is not on this side is skipped, not an error.
$testMailboxes = {psquote.array(addresses)}
$casMailboxes = @()
foreach ($address in $testMailboxes) {{
    try {{
        $mailbox = @(Get-CASMailbox -Identity $address -ErrorAction SilentlyContinue) | Select-Object -First 1
        if ($null -ne $mailbox) {{
            $casMailboxes += [ordered]@{{
                Identity = [string]$mailbox.Identity
                PrimarySmtpAddress = [string]$mailbox.PrimarySmtpAddress
{_ews_fields('$mailbox', '                ')}
            }}
        }}
    }} catch {{
        {_problem("'Get-CASMailbox ' + $address")}
    }}
}}
"""


# ----------------------------------------------------------------------------------------------
# Exchange Management Shell
# ----------------------------------------------------------------------------------------------
def _exchange(scenario: Scenario) -> CollectorScript:
    topology = scenario.topology
    client_access = "Get-ClientAccessService" if topology.uses_client_access_service else "Get-ClientAccessServer"
    reads = "Get-ExchangeServer, " + (
        "Get-AuthConfig, Get-PartnerApplication, Get-AuthServer, Get-SettingOverride, " if topology.exchange_has_oauth
        else "") + (f"{client_access}, Get-WebServicesVirtualDirectory, Get-ExchangeCertificate, "
                    "Get-OrganizationConfig, Get-CASMailbox")
    text = _header(
        "Read-only collector: the Exchange side of the Skype for Business / Lync integration.",
        Shell.EXCHANGE, reads, "exchange-collected.json",
        "membership of View-Only Organization Management (or Organization Management)", scenario)
    text += _out_file("'exchange-collected.json'")
    text += f"""$expectedServers = {psquote.array(scenario.exchange_fqdns)}

$servers = @()
try {{
    $servers = @(Get-ExchangeServer | Where-Object {{ -not $_.IsEdgeServer }} | ForEach-Object {{
        [ordered]@{{
            Name = [string]$_.Name
            Fqdn = [string]$_.Fqdn
            AdminDisplayVersion = [string]$_.AdminDisplayVersion
            ServerRole = [string]$_.ServerRole
        }}
    }})
}} catch {{
    {_problem("'Get-ExchangeServer'")}
}}

$authConfig = $null
$partnerApplications = @()
"""
    if topology.exchange_has_oauth:
        text += f"""try {{
    $config = Get-AuthConfig
    $authConfig = [ordered]@{{
        CurrentCertificateThumbprint = [string]$config.CurrentCertificateThumbprint
        NextCertificateThumbprint = [string]$config.NextCertificateThumbprint
        NextCertificateEffectiveDate = {_iso('$config.NextCertificateEffectiveDate')}
        PreviousCertificateThumbprint = [string]$config.PreviousCertificateThumbprint
        Realm = [string]$config.Realm
        ServiceName = [string]$config.ServiceName
    }}
}} catch {{
    {_problem("'Get-AuthConfig'")}
}}

try {{
    $partnerApplications = @(Get-PartnerApplication | ForEach-Object {{
        [ordered]@{{
            Name = [string]$_.Name
            Identity = [string]$_.Identity
            ApplicationIdentifier = [string]$_.ApplicationIdentifier
            Enabled = [bool]$_.Enabled
            AuthMetadataUrl = [string]$_.AuthMetadataUrl
            Realm = [string]$_.Realm
            LinkedAccount = [string]$_.LinkedAccount
            UseAuthServer = [bool]$_.UseAuthServer
        }}
    }})
}} catch {{
    {_problem("'Get-PartnerApplication'")}
}}

# The dedicated Exchange hybrid application: the enabled AzureAD (evoSTS) auth server names its app ID, and a
# global setting override ({HYBRID_APP_OVERRIDE_SECTION}) switches Exchange to it.
$authServers = @()
try {{
    $authServers = @(Get-AuthServer | ForEach-Object {{
        [ordered]@{{
            Name = [string]$_.Name
            Type = [string]$_.Type
            ApplicationIdentifier = [string]$_.ApplicationIdentifier
            Realm = [string]$_.Realm
            Enabled = [bool]$_.Enabled
            AuthMetadataUrl = [string]$_.AuthMetadataUrl
            DomainName = @($_.DomainName | ForEach-Object {{ [string]$_ }})
        }}
    }})
}} catch {{
    {_problem("'Get-AuthServer'")}
}}

$settingOverrides = @()
try {{
    $settingOverrides = @(Get-SettingOverride |
        Where-Object {{ [string]$_.SectionName -eq {psquote.literal(HYBRID_APP_OVERRIDE_SECTION)} }} | ForEach-Object {{
        [ordered]@{{
            Name = [string]$_.Name
            ComponentName = [string]$_.ComponentName
            SectionName = [string]$_.SectionName
            Parameters = @($_.Parameters | ForEach-Object {{ [string]$_ }})
            Server = (@($_.Server | ForEach-Object {{ [string]$_ }}) -join ', ')
        }}
    }})
}} catch {{
    {_problem("'Get-SettingOverride'")}
}}
"""
    else:
        text += "$authServers = $null\n$settingOverrides = $null\n"
    text += f"""
$clientAccess = @()
try {{
    $clientAccess = @({client_access} | ForEach-Object {{
        [ordered]@{{
            Name = [string]$_.Name
            Fqdn = [string]$_.Fqdn
            AutoDiscoverServiceInternalUri = [string]$_.AutoDiscoverServiceInternalUri
        }}
    }})
}} catch {{
    {_problem(psquote.literal(client_access))}
}}

# The EWS URLs as Active Directory holds them (-ADPropertiesOnly: no IIS metabase read on each server); Teams
# needs the external ones as SPNs of the Exchange service principal in the tenant.
$webServices = @()
try {{
    $webServices = @(Get-WebServicesVirtualDirectory -ADPropertiesOnly | ForEach-Object {{
        [ordered]@{{
            Server = [string]$_.Server
            Identity = [string]$_.Identity
            InternalUrl = [string]$_.InternalUrl
            ExternalUrl = [string]$_.ExternalUrl
        }}
    }})
}} catch {{
    {_problem("'Get-WebServicesVirtualDirectory'")}
}}

# Every server gets its own Get-ExchangeCertificate: the auth certificate must exist on each one.
$serverNames = @($servers | ForEach-Object {{ $_.Fqdn }} | Where-Object {{ $_ }})
foreach ($name in $expectedServers) {{
    if ($serverNames -notcontains $name) {{ $serverNames += $name }}
}}
$certificates = @()
foreach ($server in $serverNames) {{
    try {{
        $certificates += @(Get-ExchangeCertificate -Server $server | ForEach-Object {{
            [ordered]@{{
                Server = [string]$server
                Thumbprint = [string]$_.Thumbprint
                Subject = [string]$_.Subject
                Issuer = [string]$_.Issuer
                FriendlyName = [string]$_.FriendlyName
                PublicKeySize = [int]$_.PublicKeySize
                NotBefore = {_iso('$_.NotBefore')}
                NotAfter = {_iso('$_.NotAfter')}
                Services = [string]$_.Services
            }}
        }})
    }} catch {{
        {_problem("'Get-ExchangeCertificate -Server ' + $server")}
    }}
}}
{_ews_reads(test_addresses(scenario))}"""
    text += _write(
        _envelope("exchange") + """
    exchange_servers = $servers
    auth_config = $authConfig
    partner_applications = $partnerApplications
    auth_servers = $authServers
    setting_overrides = $settingOverrides
    client_access = $clientAccess
    web_services = $webServices
    certificates = $certificates
    organization_config = $organizationEws
    cas_mailboxes = $casMailboxes
    errors = $problems""",
        "' (' + $certificates.Count + ' certificates; ' + $problems.Count + ' cmdlets failed)'")
    return CollectorScript(
        "exchange", Shell.EXCHANGE, "exchange-collect.ps1", "exchange-collected.json",
        "Run once in the Exchange Management Shell; it reads every Exchange server's certificates remotely.", text)


# ----------------------------------------------------------------------------------------------
# Skype for Business Server Management Shell
# ----------------------------------------------------------------------------------------------
def _sfb_certificate(scope: str) -> str:
    key_size = ("$(try { [int](Get-Item -Path ('Cert:\\LocalMachine\\My\\' + $_.Thumbprint)).PublicKey.Key.KeySize }"
                " catch { $null })") if scope == "local" else "$null"
    return f"""[ordered]@{{
            Scope = {psquote.literal(scope)}
            Computer = $computerFqdn
            Thumbprint = [string]$_.Thumbprint
            Subject = [string]$_.Subject
            Issuer = [string]$_.Issuer
            AlternativeNames = @($_.AlternativeNames | ForEach-Object {{ [string]$_ }})
            KeySize = {key_size}
            NotBefore = {_iso('$_.NotBefore')}
            NotAfter = {_iso('$_.NotAfter')}
            EffectiveDate = {_iso('$_.EffectiveDate')}
            PreviousThumbprint = [string]$_.PreviousThumbprint
        }}"""


def _sfb(scenario: Scenario) -> CollectorScript:
    topology = scenario.topology
    reads_patch_version = (topology.exchange_online_mailboxes and topology.involves_tenant
                           and topology.sfb_version is not SfbVersion.V2013)  # no such cmdlet in Lync Server 2013
    text = _header(
        "Read-only collector: the Skype for Business / Lync Server side of the Exchange integration.",
        Shell.SFB, "Get-CsOAuthConfiguration, Get-CsPartnerApplication, Get-CsOAuthServer, Get-CsPool, "
        "Get-CsCertificate, " + ("Get-CsServerPatchVersion, " if reads_patch_version else "")
        + "Get-Item on Cert:\\LocalMachine\\My", "sfb-collected-<COMPUTER>.json",
        "membership of RTCUniversalReadOnlyAdmins (or CsAdministrator); run it on EVERY Front End server, "
        "because Get-CsCertificate only sees the computer it runs on", scenario)
    text += _out_file("'sfb-collected-' + $env:COMPUTERNAME + '.json'")
    text += f"""
$computerFqdn = [string]$env:COMPUTERNAME
try {{
    $computerFqdn = [string][System.Net.Dns]::GetHostEntry([string]$env:COMPUTERNAME).HostName
}} catch {{
    {_problem("'host name lookup'")}
}}

$oauthConfiguration = $null
try {{
    $config = Get-CsOAuthConfiguration -Identity 'global'
    $oauthConfiguration = [ordered]@{{
        Identity = [string]$config.Identity
        Realm = [string]$config.Realm
        ServiceName = [string]$config.ServiceName
        ExchangeAutodiscoverUrl = [string]$config.ExchangeAutodiscoverUrl
        ExchangeAutodiscoverAllowedDomains = [string]$config.ExchangeAutodiscoverAllowedDomains
        ClientAuthorizationOAuthServerIdentity = [string]$config.ClientAuthorizationOAuthServerIdentity
    }}
}} catch {{
    {_problem("'Get-CsOAuthConfiguration'")}
}}

$partnerApplications = @()
try {{
    $partnerApplications = @(Get-CsPartnerApplication | ForEach-Object {{
        [ordered]@{{
            Identity = [string]$_.Identity
            Name = [string]$_.Name
            ApplicationIdentifier = [string]$_.ApplicationIdentifier
            Enabled = [bool]$_.Enabled
            MetadataUrl = [string]$_.AuthToken.MetadataUrl
            AuthToken = [string]$_.AuthToken
            Realm = [string]$_.Realm
            ApplicationTrustLevel = [string]$_.ApplicationTrustLevel
        }}
    }})
}} catch {{
    {_problem("'Get-CsPartnerApplication'")}
}}

$oauthServers = @()
try {{
    $oauthServers = @(Get-CsOAuthServer | ForEach-Object {{
        [ordered]@{{
            Identity = [string]$_.Identity
            MetadataUrl = [string]$_.MetadataUrl
            IssuerIdentifier = [string]$_.IssuerIdentifier
            Realm = [string]$_.Realm
            Type = [string]$_.Type
        }}
    }})
}} catch {{
    {_problem("'Get-CsOAuthServer'")}
}}

$pools = @()
try {{
    $pools = @(Get-CsPool | Where-Object {{ [string]$_.Services -like '*UserServer*' }} | ForEach-Object {{
        [ordered]@{{
            Fqdn = [string]$_.Fqdn
            Site = [string]$_.Site
            Computers = @($_.Computers | ForEach-Object {{ [string]$_ }})
        }}
    }})
}} catch {{
    {_problem("'Get-CsPool'")}
}}

# The certificate this Front End signs with, and the global (CMS) setting it should match.
$tokenIssuer = @()
try {{
    $tokenIssuer += @(Get-CsCertificate -Type OAuthTokenIssuer | ForEach-Object {{
        {_sfb_certificate("local")}
    }})
}} catch {{
    {_problem("'Get-CsCertificate -Type OAuthTokenIssuer'")}
}}
try {{
    $tokenIssuer += @(Get-CsCertificate -Identity 'global' | Where-Object {{ [string]$_.Use -eq 'OAuthTokenIssuer' }} |
        ForEach-Object {{
        {_sfb_certificate("global")}
    }})
}} catch {{
    {_problem("'Get-CsCertificate -Identity global'")}
}}
"""
    if reads_patch_version:
        text += f"""
# The installed builds: the dedicated SfB hybrid application needs the August 2025 hotfix or later.
$patchVersions = @()
try {{
    $patchVersions = @(Get-CsServerPatchVersion | ForEach-Object {{
        [ordered]@{{
            ComponentName = [string]$_.ComponentName
            Version = [string]$_.Version
        }}
    }})
}} catch {{
    {_problem("'Get-CsServerPatchVersion'")}
}}
"""
    text += _write(
        _envelope("sfb") + """
    computer_fqdn = $computerFqdn
    oauth_configuration = $oauthConfiguration
    partner_applications = $partnerApplications
    oauth_servers = $oauthServers
    pools = $pools
    oauth_token_issuer = $tokenIssuer""" + ("""
    patch_versions = $patchVersions""" if reads_patch_version else "") + """
    errors = $problems""",
        "' (' + $tokenIssuer.Count + ' OAuthTokenIssuer entries; ' + $problems.Count + ' cmdlets failed)'")
    return CollectorScript(
        "sfb", Shell.SFB, "sfb-collect.ps1", "sfb-collected-<COMPUTER>.json",
        "Run on every Front End server in the Skype for Business Server Management Shell: the OAuthTokenIssuer "
        "certificate is read from the computer the script runs on.", text)


# ----------------------------------------------------------------------------------------------
# Microsoft Graph PowerShell
# ----------------------------------------------------------------------------------------------
def _key_credentials(owner: str) -> str:
    return f"""@({owner}.KeyCredentials | ForEach-Object {{
                    $key = $_
                    $identifier = ''
                    try {{
                        $identifier = [System.BitConverter]::ToString([byte[]]$key.CustomKeyIdentifier) -replace '-', ''
                    }} catch {{
                        $identifier = ''
                    }}
                    [ordered]@{{
                        KeyId = [string]$key.KeyId
                        Type = [string]$key.Type
                        Usage = [string]$key.Usage
                        DisplayName = [string]$key.DisplayName
                        CustomKeyIdentifier = $identifier
                        StartDateTime = {_iso('$key.StartDateTime')}
                        EndDateTime = {_iso('$key.EndDateTime')}
                    }}
                }})"""


def _graph_hybrid_app() -> str:
    """The dedicated Exchange hybrid application: the tenant-owned app that holds the Exchange auth certificate
    as a key credential, found by the name ConfigureExchangeHybridApplication.ps1 gives it or by
    -ExchangeHybridAppId."""
    name_filter = psquote.literal(f"startswith(displayName,'{HYBRID_APP_NAME_PREFIX}')")
    return f"""
$applicationProperties = @('id', 'appId', 'displayName', 'keyCredentials')
$found = @()
try {{
    $found = @(Get-MgApplication -Filter {name_filter} -Property $applicationProperties -All)
}} catch {{
    {_problem("'Get-MgApplication'")}
}}
foreach ($hybridAppId in $ExchangeHybridAppId) {{
    if (@($found | Where-Object {{ $_.AppId -eq $hybridAppId }}).Count -eq 0) {{
        try {{
            $found += @(Get-MgApplication -Filter ("appId eq '" + $hybridAppId + "'") -Property $applicationProperties)
        }} catch {{
            {_problem("'Get-MgApplication ' + $hybridAppId")}
        }}
    }}
}}
$applications = @()
foreach ($app in $found) {{
    $applications += [ordered]@{{
        AppId = [string]$app.AppId
        Id = [string]$app.Id
        DisplayName = [string]$app.DisplayName
        KeyCredentials = {_key_credentials('$app')}
    }}
}}
"""

def _graph(scenario: Scenario) -> CollectorScript:
    reads_hybrid_app = scenario.topology.exchange_on_prem and scenario.topology.exchange_has_oauth
    text = _header(
        "Read-only collector: the tenant's service principals that must trust the on-premises certificates.",
        Shell.GRAPH, "Get-MgContext, Get-MgServicePrincipal" + (", Get-MgApplication" if reads_hybrid_app else ""),
        "graph-collected.json",
        "Microsoft.Graph.Applications, and a session opened beforehand with "
        "Connect-MgGraph -Scopes Application.Read.All (the script itself never signs in)"
        + ("; -ExchangeHybridAppId <app ID> also reads a dedicated Exchange hybrid application that does not "
           f"carry the {HYBRID_APP_NAME_PREFIX} name (the ApplicationIdentifier of the evoSTS auth server)"
           if reads_hybrid_app else ""),
        scenario, ",\n      [string[]]$ExchangeHybridAppId = @()" if reads_hybrid_app else "")
    text += _out_file("'graph-collected.json'")
    text += f"""
$context = Get-MgContext
if ($null -eq $context) {{
    throw ('Not connected to Microsoft Graph. Run Connect-MgGraph -Scopes Application.Read.All first, ' +
        'then run this script again.')
}}
$appIds = {psquote.array(SERVICE_PRINCIPAL_IDS)}
$properties = @('id', 'appId', 'displayName', 'accountEnabled', 'servicePrincipalNames', 'keyCredentials')

$principals = @()
foreach ($appId in $appIds) {{
    try {{
        $filter = "AppId eq '" + $appId + "'"
        $sp = @(Get-MgServicePrincipal -Filter $filter -Property $properties) | Select-Object -First 1
        if ($null -eq $sp) {{
            $principals += [ordered]@{{
                AppId = $appId
                Found = $false
                Id = ''
                DisplayName = ''
                AccountEnabled = $null
                ServicePrincipalNames = @()
                KeyCredentials = @()
            }}
        }} else {{
            $principals += [ordered]@{{
                AppId = [string]$sp.AppId
                Found = $true
                Id = [string]$sp.Id
                DisplayName = [string]$sp.DisplayName
                AccountEnabled = $sp.AccountEnabled
                ServicePrincipalNames = @($sp.ServicePrincipalNames | ForEach-Object {{ [string]$_ }})
                KeyCredentials = {_key_credentials('$sp')}
            }}
        }}
    }} catch {{
        {_problem("'Get-MgServicePrincipal ' + $appId")}
    }}
}}
"""
    if reads_hybrid_app:
        text += _graph_hybrid_app()
    text += _write(
        _envelope("graph") + """
    tenant_id = [string]$context.TenantId
    service_principals = $principals""" + ("""
    applications = $applications""" if reads_hybrid_app else "") + """
    errors = $problems""",
        "' (' + $principals.Count + ' service principals; ' + $problems.Count + ' cmdlets failed)'")
    return CollectorScript(
        "graph", Shell.GRAPH, "graph-collect.ps1", "graph-collected.json",
        "Run once on any workstation with Microsoft Graph PowerShell, after Connect-MgGraph -Scopes "
        "Application.Read.All.", text)


# ----------------------------------------------------------------------------------------------
# Exchange Online PowerShell
# ----------------------------------------------------------------------------------------------
def _exo(scenario: Scenario) -> CollectorScript:
    text = _header(
        "Read-only collector: Exchange Online's EWS settings (EWSEnabled, EWSAllowedAppIDs) before the EWS "
        "retirement.", Shell.EXO, "Get-ConnectionInformation, Get-OrganizationConfig, Get-CASMailbox",
        "exo-collected.json",
        "the ExchangeOnlineManagement module (3.0 or later) and a session opened beforehand with "
        "Connect-ExchangeOnline (the script itself never signs in); the View-Only Configuration role is enough",
        scenario)
    text += _out_file("'exo-collected.json'")
    text += f"""
$connection = @(Get-ConnectionInformation |
    Where-Object {{ [string]$_.State -eq 'Connected' -and -not $_.IsEopSession }}) | Select-Object -First 1
if ($null -eq $connection) {{
    throw 'Not connected to Exchange Online. Run Connect-ExchangeOnline first, then run this script again.'
}}

{_ews_reads(test_addresses(scenario), cloud=True)}"""
    text += _write(
        _envelope("exo") + """
    tenant_id = [string]$connection.TenantID
    organization_config = $organizationEws
    cas_mailboxes = $casMailboxes
    errors = $problems""",
        "' (' + $casMailboxes.Count + ' test mailboxes; ' + $problems.Count + ' cmdlets failed)'")
    return CollectorScript(
        "exo", Shell.EXO, "exo-collect.ps1", "exo-collected.json",
        "Run once on any workstation with Exchange Online PowerShell, after Connect-ExchangeOnline.", text)
