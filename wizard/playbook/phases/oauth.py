"""OAuth configuration on the SfB side: where Exchange autodiscover is, and whom SfB trusts as token issuer.

Microsoft's "Plan to integrate Skype for Business and Exchange", the Lync Server 2013 prerequisites
and Jeff Schertz's field guide: Set-CsOAuthConfiguration -ExchangeAutodiscoverUrl with autodiscover.svc
(an .xml URL here is the field guide's code=50043). With Exchange Online the URL is Microsoft's
autodiscover-s, and SfB must also trust the Microsoft online STS (microsoft.sts) under the service
name 00000004-....
Exchange 2010 has no server-to-server OAuth: this phase then says what that costs and sets up OWA IM
the 2010 way.

Each setting is read first and changed only when it differs; the value it replaces is recorded, and undo
puts it back only while the setting still holds the value set here. microsoft.sts is shared with the other
hybrid workloads: an existing one that names this tenant is left alone, one that names another tenant is
re-pointed (with a warning showing the old URL, which is recorded).
"""

from __future__ import annotations

from dataclasses import replace

from wizard.features import unsupported
from wizard.playbook import cases, sources
from wizard.playbook import commands as cmd
from wizard.playbook.changes import Record, guarded, leave_alone_if, stop, undo_recorded
from wizard.playbook.owa import owa_steps
from wizard.playbook.psquote import array
from wizard.playbook.snippets import block, indent, q
from wizard.playbook.step import Shell, Step
from wizard.playbook.wellknown import ACS_METADATA_URL, EXCHANGE_SERVICE_ID, SFB_SERVICE_ID
from wizard.settled import Settled
from wizard.topology import ExchangeKind, ExchangeVersion, Phase, Topology

PHASE = Phase.OAUTH


_READ_CONFIGURATION = "Get-CsOAuthConfiguration -Identity global -ErrorAction Stop"
# Set-CsOAuthConfiguration's parameter for each property of the global OAuth configuration (commands.py's keywords).
_KEYWORDS = {"ExchangeAutodiscoverUrl": "exchange_autodiscover_url", "Realm": "realm", "ServiceName": "service_name"}


def _configuration_setting(step_id: str, setting: str, value: str, label: str) -> tuple[str, str]:
    """(setup, undo) for one property of the global OAuth configuration.

    Setup reads the current value, changes it only when it differs, reads it back and records the value it
    overwrote. Undo puts that value back (or clears the property when it was empty, which restores the
    default) only where the property still holds the value setup set.
    """
    record_type = f"CsOAuthConfiguration.{setting}"
    current = f"[string]({_READ_CONFIGURATION}).{setting}"
    keyword = _KEYWORDS[setting]
    setup = guarded(
        before=f"$prior = {current}",
        needed=f"$prior -ne {q(value)}",
        change=cmd.set_cs_oauth_configuration(**{keyword: value}),
        read_back=f"{current} -eq {q(value)}",
        failed=f"{label} is still not {value} after Set-CsOAuthConfiguration; check the output above.",
        record=Record(step_id, record_type, "changed", {"Identity": q("global"), "Value": q(value)},
                      {setting: "$prior"}),
        already=f"{label} is already {value}: nothing to change, nothing recorded.",
    )
    undo = undo_recorded(step_id, record_type, block(
        f"$current = {current}",
        leave_alone_if("$current -ne $entry.identity.Value", f"{label} was changed again since setup: left alone."),
        f"$value = $entry.prior.{setting}",
        "if (-not $value) { $value = $null }",
        stop(cmd.set_cs_oauth_configuration(**{keyword: cmd.Expr("$value")})),
        "if ($value) {",
        f"    Write-Host \"    {label} is $value again, as before setup.\"",
        "} else {",
        f"    Write-Host {q(f'    {label} is empty again, as before setup.')}",
        "}",
    ))
    return setup, undo


RECORD_NOTE = ("The script records the value it replaces; the undo script puts that value back (or clears it when it "
               "was empty) only while the setting still holds the value set here, and leaves it alone otherwise.")


def exchange_autodiscover_url(scenario: Settled) -> Step:
    url = scenario.oauth_autodiscover_url
    online = scenario.topology.exchange_online_only
    corrections = " ".join(scenario.corrections())
    note = ("For Exchange Online the URL is always Microsoft's autodiscover-s.outlook.com service."
            if online else
            "The URL must end in autodiscover.svc (the SOAP service), not autodiscover.xml (the file Exchange's "
            "own URI points to). Jeff Schertz's \"Exchange and Skype for Business Integration\" (2015) ties an .xml "
            "or empty value to Test-CsExStorageConnectivity failing with code=50043; no Microsoft document "
            "explains that code.")
    if corrections:
        note = f"{note} {corrections}"
    step_id = "oauth.exchange-autodiscover-url"
    command, undo = _configuration_setting(step_id, "ExchangeAutodiscoverUrl", url, "ExchangeAutodiscoverUrl")
    return Step(
        id=step_id,
        phase=PHASE,
        title=f"Tell Skype for Business where Exchange autodiscover is: {url}",
        why="Skype for Business finds each user's Exchange (EWS) endpoints through this URL before it can use "
            "server-to-server OAuth.",
        shell=Shell.SFB,
        command=command,
        check=f"Get-CsOAuthConfiguration shows ExchangeAutodiscoverUrl {url}.",
        undo=undo,
        note=f"{note} -Identity global is optional: there is only one, global, OAuth configuration. {RECORD_NOTE}",
        source=f"{sources.PLAN_INTEGRATION}; {sources.LYNC_2013_PREREQUISITES}; {sources.FIELD_GUIDE}"
        + (f"; {sources.SFB_HYBRID_S2S}" if online else ""),
    )


def realm(scenario: Settled) -> Step:
    value = scenario.oauth_realm
    step_id = "oauth.realm"
    command, undo = _configuration_setting(step_id, "Realm", value, "The OAuth realm")
    return Step(
        id=step_id,
        phase=PHASE,
        title=f"Set the OAuth realm to {value}",
        why="Without -Realm the realm is the default SIP domain; partners address Skype for Business as "
            f"{SFB_SERVICE_ID}@<realm>, so a different realm must be set explicitly.",
        shell=Shell.SFB,
        command=command,
        check=f"Get-CsOAuthConfiguration shows Realm {value}.",
        undo=undo,
        note=f"{RECORD_NOTE} An empty realm means the default SIP domain (Set-CsOAuthConfiguration's help).",
        source=sources.PARTNER_APPS,
    )


SET_OAUTH_SERVER_HELP = ('Microsoft Learn, "Set-CsOAuthServer" (-MetadataUrl; '
                         f"{sources.LEARN}/powershell/module/skypeforbusiness/set-csoauthserver)")


STS_STEP = "oauth.microsoft-sts"
STS_TYPE = "CsOAuthServer"
STS_URL_TYPE = "CsOAuthServer.MetadataUrl"
_READ_STS = "Get-CsOAuthServer -Identity microsoft.sts -ErrorAction SilentlyContinue"


def _same_tenant(url: str, references: list[str]) -> str:
    """Sets $sameTenant: does the existing microsoft.sts ($prior) already name this tenant's token service?

    The URL names the tenant by its ID or by any of its domains, so a URL that differs from ours may still be
    ours: when its tenant segment is none of the references the scenario knows, the tenant IDs that the two
    metadata documents give as their realm are compared.
    """
    return block(
        f"$sameTenant = $prior -eq {q(url)}",
        "if (-not $sameTenant -and $prior -match 'accesscontrol\\.windows\\.net/([^/]+)/') {",
        f"    $sameTenant = {array(references)} -contains $Matches[1]",
        "}",
        "if (-not $sameTenant) {",
        "    # One tenant answers under its ID and each of its domains: compare the tenant IDs the documents name.",
        f"    $ourTenant = [string](Invoke-RestMethod -Uri {q(url)} -ErrorAction Stop).realm",
        "    $priorTenant = ''",
        "    try {",
        "        $priorTenant = [string](Invoke-RestMethod -Uri $prior -ErrorAction Stop).realm",
        "    } catch {",
        "        $priorTenant = ''",
        "    }",
        "    $sameTenant = $ourTenant -and $priorTenant -eq $ourTenant",
        "}",
    )


def online_sts(scenario: Settled) -> Step:
    tenant = cases.tenant_reference(scenario)
    url = ACS_METADATA_URL.format(tenant=tenant)
    references = [r for r in (scenario.tenant_id, scenario.tenant_domain) if r]
    warning = " + ".join((
        q("microsoft.sts points at another tenant's token service: "), "$prior",
        q(". Skype for Business Server then accepts that tenant's tokens and refuses this tenant's, which breaks "
          f"hybrid authentication. Re-pointing it to {url}; the old URL is recorded, and the undo script run with "
          "-RemoveSharedObjects puts it back.")))
    command = block(
        f"$sts = {_READ_STS}",
        "$prior = ''",
        "$sameTenant = $true",
        "if ($sts) {",
        "    $prior = [string]$sts.MetadataUrl",
        indent(_same_tenant(url, references)),
        "}",
        guarded(
            needed="-not $sts",
            change=f"New-CsOAuthServer -Identity microsoft.sts -MetadataUrl {q(url)}",
            read_back=_READ_STS,
            record=Record(STS_STEP, STS_TYPE, "created", {"Identity": q("microsoft.sts"), "MetadataUrl": q(url)},
                          shared=True),
            already="microsoft.sts exists already: not created, not recorded.",
        ),
        guarded(
            before=f"if ($sts -and -not $sameTenant) {{\n    Write-Warning ({warning})\n}}",
            needed="$sts -and -not $sameTenant",
            change=f"Set-CsOAuthServer -Identity microsoft.sts -MetadataUrl {q(url)}",
            read_back=f"[string](Get-CsOAuthServer -Identity microsoft.sts -ErrorAction Stop).MetadataUrl -eq {q(url)}",
            failed=f"microsoft.sts still does not point at {url} after Set-CsOAuthServer; check the output above.",
            record=Record(STS_STEP, STS_URL_TYPE, "changed", {"Identity": q("microsoft.sts"), "Value": q(url)},
                          {"MetadataUrl": "$prior"}, shared=True),
            already="microsoft.sts points at this tenant's token service: nothing to re-point.",
        ),
    )
    undo = block(
        undo_recorded(STS_STEP, STS_URL_TYPE, block(
            f"$sts = {_READ_STS}",
            leave_alone_if("-not $sts -or [string]$sts.MetadataUrl -ne $entry.identity.Value",
                           "microsoft.sts was changed again since setup re-pointed it: left alone."),
            "$value = [string]$entry.prior.MetadataUrl",
            stop("Set-CsOAuthServer -Identity microsoft.sts -MetadataUrl $value"),
            "Write-Host \"    microsoft.sts points at $value again, as before setup.\"",
        )),
        undo_recorded(STS_STEP, STS_TYPE, block(
            f"$sts = {_READ_STS}",
            leave_alone_if("-not $sts -or [string]$sts.MetadataUrl -ne $entry.identity.MetadataUrl",
                           "microsoft.sts is gone or was changed since setup created it: left alone."),
            stop("Remove-CsOAuthServer -Identity microsoft.sts -Confirm:$false"),
            "Write-Host '    microsoft.sts removed.'",
        )),
    )
    return Step(
        id=STS_STEP,
        phase=PHASE,
        title="Trust the Microsoft online token service (microsoft.sts)",
        why="In a hybrid or with Exchange Online, tokens from the online services are issued by Microsoft's STS; "
            "Skype for Business Server must trust it as an OAuth server.",
        shell=Shell.SFB,
        command=command,
        check=f"Get-CsOAuthServer -Identity microsoft.sts shows MetadataUrl {url}.",
        undo=undo,
        note=("Uses the tenant ID from the scenario. " if scenario.tenant_id else
              "No tenant ID in the scenario: the metadata URL uses the tenant domain, which the service accepts "
              "as well; the tenant ID is (Get-MgOrganization).Id in Microsoft Graph PowerShell, or the tenant "
              "field the wizard discovers. Microsoft's article takes it from Get-CsTenant, a cmdlet of the "
              "retired Skype for Business Online PowerShell connector. ")
        + "An existing microsoft.sts that already points at this tenant (by its ID or one of its domains: the "
          "script compares the tenant IDs the two metadata documents give as their realm) is left alone and not "
          "recorded. One that points at another tenant breaks hybrid authentication: the script warns, showing "
          "the old URL, re-points it with Set-CsOAuthServer -MetadataUrl and records the old URL. microsoft.sts is "
          "shared with every other hybrid workload, so the undo script reverts it (removes the one setup "
          "created, or puts the recorded URL back) only when run with -RemoveSharedObjects, and only while it is "
          "still as setup left it.",
        source=f"{sources.SFB_HYBRID_S2S}; {SET_OAUTH_SERVER_HELP}",
    )


def service_name() -> Step:
    step_id = "oauth.service-name"
    command, undo = _configuration_setting(step_id, "ServiceName", SFB_SERVICE_ID, "The OAuth service name")
    return Step(
        id=step_id,
        phase=PHASE,
        title=f"Set the OAuth service name to {SFB_SERVICE_ID}",
        why="The online services know Skype for Business by this well-known service principal ID; the "
            "on-premises pools must use the same one.",
        shell=Shell.SFB,
        command=command,
        check=f"Get-CsOAuthConfiguration shows ServiceName {SFB_SERVICE_ID}.",
        undo=undo,
        note=f"This is also the default value, so the script usually finds it set and changes nothing. {RECORD_NOTE}",
        source=sources.SFB_HYBRID_S2S,
    )


def exchange_trusts_online(scenario: Settled) -> Step:
    domain = scenario.effective_verified_domain
    hybrid = scenario.topology.exchange is ExchangeKind.HYBRID
    return Step(
        id="oauth.exchange-online-oauth",
        phase=PHASE,
        title="Check that Exchange already trusts the Microsoft online token service",
        why="Microsoft's \"Configure Integration and OAuth between Microsoft Teams services and Exchange Server\" "
            "starts from OAuth between Exchange Server and Exchange Online: the partner applications of the next "
            "phase are only honoured through that auth server.",
        shell=Shell.EXCHANGE,
        command=block(
            "Get-AuthServer | Format-Table -Property 'Name', 'AuthMetadataUrl', 'Enabled' -AutoSize",
            f"Get-PartnerApplication | Where-Object {{ $_.ApplicationIdentifier -eq {q(EXCHANGE_SERVICE_ID)} }} |",
            "    Format-Table -Property 'Name', 'Realm', 'Enabled' -AutoSize",
        ),
        check="An enabled auth server points at your tenant (evoSTS, or WindowsAzureACS on older setups), and the "
              f"{EXCHANGE_SERVICE_ID} partner application with an empty Realm is enabled.",
        note="The Hybrid Configuration Wizard sets this up (Exchange 2013 CU5 and later); Microsoft's \"Configure "
             "OAuth authentication between Exchange and Exchange Online organizations\" is the manual procedure. "
             + ("Since the April 2025 hotfix updates an Exchange hybrid calls Exchange Online through the tenant's "
                "own dedicated Exchange hybrid application: EWS through the shared Exchange Online principal "
                f"({EXCHANGE_SERVICE_ID}) has been blocked since 31 October 2025, so do not restore free/busy by "
                "uploading the auth certificate to that principal; run the current Hybrid Configuration Wizard or "
                "ConfigureExchangeHybridApplication.ps1 (Microsoft CSS-Exchange) instead (the hybrid phase checks "
                "it)." if hybrid else
                f"That procedure names the tenant in the auth server's metadata URL by a verified domain, here "
                f"{domain}."),
        source=f"{sources.TEAMS_2025}; {sources.EXCHANGE_HYBRID_OAUTH}",
        read_only=True,
    )


def lost_to_exchange_2010(t: Topology) -> list[str]:
    """Features this topology lacks with Exchange 2010 but would have with Exchange 2013 (not those lost for other
    reasons, such as Cloud Voicemail without hybrid connectivity)."""
    with_2013 = {f.feature for f in unsupported(replace(t, exchange_version=ExchangeVersion.V2013))}
    return [f.feature for f in unsupported(t) if f.feature not in with_2013]


def exchange_2010_without_oauth(scenario: Settled) -> Step:
    names = "; ".join(lost_to_exchange_2010(scenario.topology)) or "none"
    return Step(
        id="oauth.exchange-2010-no-oauth",
        phase=PHASE,
        title="Exchange 2010: no server-to-server OAuth, so no partner applications",
        why="Exchange 2010 has no OAuth partner applications, so Skype for Business cannot act on mailboxes "
            f"server-to-server. Features lost for {scenario.topology.label}: {names}.",
        shell=Shell.BROWSER,
        command="",
        check="Nothing to run. The features above need Exchange 2013 or later (the feature table of earlier "
              "versions of Microsoft's \"Plan to integrate Skype for Business and Exchange\").",
        note="Clients still use Exchange 2010 directly (Outlook presence, free/busy, meetings). Upgrading "
             "Exchange adds the lost features; this wizard then produces the OAuth steps.",
        source=sources.PLAN_INTEGRATION,
        read_only=True,
    )


def steps(scenario: Settled) -> list[Step]:
    t = scenario.topology
    out: list[Step] = []
    if cases.exchange_2010(t):
        out.append(exchange_2010_without_oauth(scenario))
        if t.sfb_on_prem:
            # Topology.applies() keeps the partner-applications phase away from Exchange 2010, so its OWA
            # trusted-application steps (no OAuth involved) live here.
            out += owa_steps(scenario, PHASE)
        return out
    if cases.exchange_with_sfb_online(t):
        out.append(exchange_trusts_online(scenario))
    if not t.sfb_on_prem:
        return out
    out.append(exchange_autodiscover_url(scenario))
    if scenario.oauth_realm and scenario.oauth_realm != scenario.default_sip_domain:
        out.append(realm(scenario))
    if cases.sfb_server_trusts_tenant(t):
        out += [online_sts(scenario), service_name()]
    return out

