"""OAuth configuration on the SfB side: where Exchange autodiscover is, and whom SfB trusts as token issuer.

Microsoft's "Plan to integrate Skype for Business and Exchange", the Lync Server 2013 prerequisites
and Jeff Schertz's field guide: Set-CsOAuthConfiguration -ExchangeAutodiscoverUrl with autodiscover.svc
(an .xml URL here is the field guide's code=50043). With Exchange Online the URL is Microsoft's
autodiscover-s, and SfB must also trust the Microsoft online STS (microsoft.sts) under the service
name 00000004-....
Exchange 2010 has no server-to-server OAuth: this phase then says what that costs and sets up OWA IM
the 2010 way.
"""

from __future__ import annotations

from dataclasses import replace

from wizard.features import unsupported
from wizard.playbook import cases, sources
from wizard.playbook.owa import owa_steps
from wizard.playbook.snippets import block, if_, if_not, q
from wizard.playbook.step import Shell, Step
from wizard.playbook.wellknown import ACS_METADATA_URL, EXCHANGE_SERVICE_ID, SFB_SERVICE_ID
from wizard.settled import Settled
from wizard.topology import ExchangeKind, ExchangeVersion, Phase, Topology

PHASE = Phase.OAUTH


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
    return Step(
        id="oauth.exchange-autodiscover-url",
        phase=PHASE,
        title=f"Tell Skype for Business where Exchange autodiscover is: {url}",
        why="Skype for Business finds each user's Exchange (EWS) endpoints through this URL before it can use "
            "server-to-server OAuth.",
        shell=Shell.SFB,
        command=f"Set-CsOAuthConfiguration -Identity global -ExchangeAutodiscoverUrl {q(url)}",
        check=f"Get-CsOAuthConfiguration shows ExchangeAutodiscoverUrl {url}.",
        undo=if_(f"(Get-CsOAuthConfiguration -Identity global).ExchangeAutodiscoverUrl -eq {q(url)}",
                 "Set-CsOAuthConfiguration -Identity global -ExchangeAutodiscoverUrl $null"),
        note=note + " -Identity global is optional: there is only one, global, OAuth configuration.",
        source=f"{sources.PLAN_INTEGRATION}; {sources.LYNC_2013_PREREQUISITES}; {sources.FIELD_GUIDE}"
        + (f"; {sources.SFB_HYBRID_S2S}" if online else ""),
    )


def realm(scenario: Settled) -> Step:
    value = scenario.oauth_realm
    return Step(
        id="oauth.realm",
        phase=PHASE,
        title=f"Set the OAuth realm to {value}",
        why="Without -Realm the realm is the default SIP domain; partners address Skype for Business as "
            f"{SFB_SERVICE_ID}@<realm>, so a different realm must be set explicitly.",
        shell=Shell.SFB,
        command=f"Set-CsOAuthConfiguration -Identity global -Realm {q(value)}",
        check=f"Get-CsOAuthConfiguration shows Realm {value}.",
        undo=if_(f"(Get-CsOAuthConfiguration -Identity global).Realm -eq {q(value)}",
                 f"Set-CsOAuthConfiguration -Identity global -Realm {q(scenario.default_sip_domain)}"),
        note="The undo script sets the realm back to the default SIP domain.",
        source=sources.PARTNER_APPS,
    )


def online_sts(scenario: Settled) -> Step:
    tenant = cases.tenant_reference(scenario)
    url = ACS_METADATA_URL.format(tenant=tenant)
    exists = "Get-CsOAuthServer -Identity microsoft.sts -ErrorAction SilentlyContinue"
    return Step(
        id="oauth.microsoft-sts",
        phase=PHASE,
        title="Trust the Microsoft online token service (microsoft.sts)",
        why="In a hybrid or with Exchange Online, tokens from the online services are issued by Microsoft's STS; "
            "Skype for Business Server must trust it as an OAuth server.",
        shell=Shell.SFB,
        command=if_not(exists, f"New-CsOAuthServer -Identity microsoft.sts -MetadataUrl {q(url)}"),
        check=f"Get-CsOAuthServer -Identity microsoft.sts shows MetadataUrl {url}.",
        undo=if_(exists, "Remove-CsOAuthServer -Identity microsoft.sts -Confirm:$false"),
        note=("Uses the tenant ID from the scenario." if scenario.tenant_id else
              "No tenant ID in the scenario: the metadata URL uses the tenant domain, which the service accepts "
              "as well; the tenant ID is (Get-MgOrganization).Id in Microsoft Graph PowerShell, or the tenant "
              "field the wizard discovers. Microsoft's article takes it from Get-CsTenant, a cmdlet of the "
              "retired Skype for Business Online PowerShell connector."),
        source=sources.SFB_HYBRID_S2S,
    )


def service_name() -> Step:
    return Step(
        id="oauth.service-name",
        phase=PHASE,
        title=f"Set the OAuth service name to {SFB_SERVICE_ID}",
        why="The online services know Skype for Business by this well-known service principal ID; the "
            "on-premises pools must use the same one.",
        shell=Shell.SFB,
        command=f"Set-CsOAuthConfiguration -Identity global -ServiceName {SFB_SERVICE_ID}",
        check=f"Get-CsOAuthConfiguration shows ServiceName {SFB_SERVICE_ID}.",
        note="This is also the default value; not undone.",
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

