"""One home per command: every PowerShell command line a fix text or the rotation plan shows, built here.

The checks' fix texts (wizard.probes), the collected-data rules' fix texts (wizard.inside.rules) and the
certificate rotation plan (wizard.inside.rotation) show the admin commands to run. Each of those command
lines comes from one builder below, so the same command reads the same everywhere, and the playbook's
steps can call the same builders (the module docstring of each builder names the step that emits it).

Quoting. Every value goes through psquote.literal; nothing is quoted by hand. A builder argument is one of:

- ``str``: a value (a URL, a realm, a thumbprint, an application ID, a name): always a single-quoted literal.
- ``Expr``: a PowerShell expression written as it stands (``$_.Identity``, ``$newThumbprint``), for the
  rotation scripts and pipelines. Only code of this project builds one, never from a user or collected value.
- ``Placeholder``: a blank the admin fills in, shown as ``<name>`` without quotes so that it reads as a blank
  (``-Thumbprint <thumbprint>``). A command with a placeholder does not run as it stands: PowerShell rejects
  ``<``, which is the point. Where a placeholder sits inside a value (``https://<pool>/metadata/json/1``), the
  value is a plain ``str`` and is quoted like any other.

Words of a cmdlet's own vocabulary that never vary (-Identity global, -Type OAuthTokenIssuer,
-ApplicationTrustLevel Full, -ApplicationType Lync, -Service EWS, the partner application identities Exchange
and microsoft.exchange and the service MSExchangeServiceHost that Microsoft's procedures name) are written
bare, as Microsoft's documents write them.

Pointing at the playbook. `step_pointer()` names the exported script and the step in it that performs a
fix ("sfb-setup.ps1, step 7/12 'Register Exchange as a partner application in Skype for Business'"),
numbered as the exported script numbers its steps; "" when the scenario is incomplete or this topology's
bundle has no such step (for example a changing step in verify mode).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from wizard.playbook.psquote import literal
from wizard.playbook.step import Shell
from wizard.policy import EXCHANGE_SERVICE_ID, MIN_RSA_KEY_BITS, SFB_SERVICE_ID

if TYPE_CHECKING:
    from wizard.scenario import Scenario
    from wizard.settled import Settled


# ----------------------------------------------------------------------------------------------
# Arguments
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Expr:
    """A PowerShell expression used as it stands ($_.Identity, $newThumbprint): code of this project, never a value."""

    text: str

    def __post_init__(self) -> None:
        if not self.text or any(c in self.text for c in "\r\n;#"):
            raise ValueError(f"not a one-line PowerShell expression: {self.text!r}")


_PLACEHOLDER = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._\\-]*")


@dataclass(frozen=True)
class Placeholder:
    """A blank the admin fills in: shown as <name>, unquoted (see the module docstring)."""

    name: str

    def __post_init__(self) -> None:
        if not _PLACEHOLDER.fullmatch(self.name):
            raise ValueError(f"not a placeholder name: {self.name!r}")

    def __str__(self) -> str:
        return f"<{self.name}>"


Value = str | Expr | Placeholder


def arg(value: Value) -> str:
    """One argument: a literal for a value, the expression as is, or <name> for a placeholder."""
    if isinstance(value, Expr):
        return value.text
    if isinstance(value, Placeholder):
        return str(value)
    return literal(value)


def _args(values: Iterable[str]) -> str:
    """@('a', 'b'): an array of literals."""
    return "@(" + ", ".join(literal(v) for v in values) + ")"


def _switch(name: str, on: bool) -> str:
    return f" -{name}" if on else ""


def _bool(value: bool) -> str:
    return "$true" if value else "$false"


def show(command: str, *properties: str) -> str:
    """`command` | Format-List -Property 'A', 'B': a read-only look at some properties (no step needs a builder:
    each step's own Get- command is part of the step)."""
    if not properties:
        return f"{command} | Format-List"
    return f"{command} | Format-List -Property " + ", ".join(literal(p) for p in properties)


# ----------------------------------------------------------------------------------------------
# Skype for Business Server Management Shell
# ----------------------------------------------------------------------------------------------
def set_cs_oauth_configuration(*, exchange_autodiscover_url: Value | None = None, realm: Value | None = None,
                               service_name: Value | None = None,
                               client_authorization_oauth_server_identity: Value | None = None) -> str:
    """Set-CsOAuthConfiguration -Identity global with the given settings.

    Steps: oauth.exchange-autodiscover-url (-ExchangeAutodiscoverUrl), oauth.realm (-Realm), oauth.service-name
    (-ServiceName); collected-data advice: -ClientAuthorizationOAuthServerIdentity (evoSTS turns hybrid modern
    authentication on, '' turns it off).
    """
    parts = ["Set-CsOAuthConfiguration -Identity global"]
    if client_authorization_oauth_server_identity is not None:
        parts.append(f"-ClientAuthorizationOAuthServerIdentity {arg(client_authorization_oauth_server_identity)}")
    if exchange_autodiscover_url is not None:
        parts.append(f"-ExchangeAutodiscoverUrl {arg(exchange_autodiscover_url)}")
    if realm is not None:
        parts.append(f"-Realm {arg(realm)}")
    if service_name is not None:
        parts.append(f"-ServiceName {arg(service_name)}")
    if len(parts) == 1:
        raise ValueError("Set-CsOAuthConfiguration needs at least one setting")
    return " ".join(parts)


EVOSTS_METADATA_URL = "https://login.windows.net/common/FederationMetadata/2007-06/FederationMetadata.xml"


def new_cs_oauth_server_evosts() -> str:
    """The Azure AD OAuth server of hybrid modern authentication, as Microsoft's procedure creates it."""
    return (f"New-CsOAuthServer -Identity evoSTS -MetadataUrl {arg(EVOSTS_METADATA_URL)} "
            "-AcceptSecurityIdentifierInformation $true -Type AzureAD")


def set_cs_oauth_server_metadata_url(identity: Value, metadata_url: Value) -> str:
    return f"Set-CsOAuthServer -Identity {arg(identity)} -MetadataUrl {arg(metadata_url)}"


def set_cs_oauth_service_name() -> str:
    """Set-CsOAuthConfiguration -ServiceName 00000004-…, the well-known ID (step oauth.service-name)."""
    return set_cs_oauth_configuration(service_name=SFB_SERVICE_ID)


def new_cs_partner_application_exchange(metadata_url: Value) -> str:
    """SfB trusts Exchange Server, built from its metadata document (step partner-applications.sfb-trusts-exchange)."""
    return f"New-CsPartnerApplication -Identity Exchange -ApplicationTrustLevel Full -MetadataUrl {arg(metadata_url)}"


def new_cs_partner_application_exchange_online() -> str:
    """SfB trusts Exchange Online through the online STS (step partner-applications.sfb-trusts-exchange-online)."""
    return ("New-CsPartnerApplication -Identity microsoft.exchange -ApplicationIdentifier "
            f"{literal(EXCHANGE_SERVICE_ID)} -ApplicationTrustLevel Full -UseOAuthServer")


def set_cs_partner_application(identity: Value, *, enabled: bool | None = None, metadata_url: Value | None = None,
                               full_trust: bool = False) -> str:
    """Set-CsPartnerApplication: enable it, point it at a metadata URL (which downloads the document again), or
    give it full trust. The rotation plan's "re-read Exchange's metadata" step uses -MetadataUrl."""
    parts = [f"Set-CsPartnerApplication -Identity {arg(identity)}"]
    if enabled is not None:
        parts.append(f"-Enabled {_bool(enabled)}")
    if metadata_url is not None:
        parts.append(f"-MetadataUrl {arg(metadata_url)}")
    if full_trust:
        parts.append("-ApplicationTrustLevel Full")
    if len(parts) == 1:
        raise ValueError("Set-CsPartnerApplication needs at least one setting")
    return " ".join(parts)


def each_cs_partner_application(app_id: str, action: str) -> str:
    """Run `action` (which reads $_.Identity) for each SfB partner application with this ApplicationIdentifier:
    the partner application is found by its identifier, not by a name someone may have chosen differently."""
    return (f"Get-CsPartnerApplication | Where-Object {{ $_.ApplicationIdentifier -eq {literal(app_id)} }} | "
            f"ForEach-Object {{ {action} }}")


def get_cs_management_store_replication_status(replica: Value) -> str:
    """Whether one server has the Central Management Store's latest configuration (UpToDate True)."""
    return f"Get-CsManagementStoreReplicationStatus -ReplicaFqdn {arg(replica)}"


def invoke_cs_management_store_replication(replica: Value) -> str:
    """Replicate the Central Management Store's configuration to one server now."""
    return f"Invoke-CsManagementStoreReplication -ReplicaFqdn {arg(replica)}"


def set_cs_oauth_token_issuer(thumbprint: Value, *, effective_date: Value | None = None) -> str:
    """Assign (or, with an effective date, roll in) the global OAuthTokenIssuer certificate.

    Step certificates.sfb-oauth-token-issuer assigns it; the rotation plan rolls it with -EffectiveDate -Roll.
    """
    command = f"Set-CsCertificate -Identity global -Type OAuthTokenIssuer -Thumbprint {arg(thumbprint)}"
    if effective_date is not None:
        command += f" -EffectiveDate {arg(effective_date)} -Roll"
    return command


def import_cs_oauth_token_issuer(path: Value, password: Value) -> str:
    """Import a .pfx as the global OAuthTokenIssuer (Import-CsCertificate, CMS parameter set). No step emits it."""
    return f"Import-CsCertificate -Identity global -Type OAuthTokenIssuer -Path {arg(path)} -Password {arg(password)}"


def get_cs_oauth_token_issuer() -> str:
    """Show the OAuthTokenIssuer certificate this Front End uses (step certificates.sfb-oauth-token-issuer reads it)."""
    return "Get-CsCertificate -Type OAuthTokenIssuer"


def export_cs_oauth_token_issuer(path: Value) -> str:
    """Export the public part of the OAuthTokenIssuer certificate to a .cer file (as step
    hybrid.export-sfb-oauth-certificate does, to its own path)."""
    return (f"$thumbprint = ({get_cs_oauth_token_issuer()}).Thumbprint; Export-Certificate -Cert "
            f"(Get-Item -Path ('Cert:\\LocalMachine\\My\\' + $thumbprint)) -FilePath {arg(path)} -Type CERT")


def ex_storage_connectivity(sip_uri: Value) -> str:
    """Write a test item to the user's mailbox through the whole chain and delete it again (-DeleteItem).

    Step verification.exchange-storage runs the same test.
    """
    return f"Test-CsExStorageConnectivity -SipUri {arg(sip_uri)} -DeleteItem -Verbose"


# ----------------------------------------------------------------------------------------------
# Exchange Management Shell
# ----------------------------------------------------------------------------------------------
def configure_enterprise_partner_application(auth_metadata_url: Value) -> str:
    """Exchange trusts Skype for Business Server: Microsoft's script, called with & and its full path
    (step partner-applications.exchange-trusts-sfb)."""
    return ('& "$env:ExchangeInstallPath\\Scripts\\Configure-EnterprisePartnerApplication.ps1" '
            f"-AuthMetadataUrl {arg(auth_metadata_url)} -ApplicationType Lync")


def new_partner_application(name: str, app_id: str, *, linked_account: Value | None = None) -> str:
    """An enabled Exchange partner application for a well-known application ID (steps
    partner-applications.sfb-online-partner and partner-applications.teams-partner-applications)."""
    command = f"New-PartnerApplication -Name {literal(name)} -ApplicationIdentifier {literal(app_id)} -Enabled $true"
    if linked_account is not None:
        command += f" -LinkedAccount {arg(linked_account)}"
    return command


def set_partner_application(identity: Value | None = None, *, enabled: bool | None = None,
                            refresh_auth_metadata: bool = False) -> str:
    """Set-PartnerApplication; without an identity it takes the application from the pipeline.

    -RefreshAuthMetadata makes Exchange download the partner's metadata (its keys) now: the rotation plan's
    "re-read Skype for Business's metadata" step.
    """
    parts = ["Set-PartnerApplication"]
    if identity is not None:
        parts.append(f"-Identity {arg(identity)}")
    if enabled is not None:
        parts.append(f"-Enabled {_bool(enabled)}")
    if refresh_auth_metadata:
        parts.append("-RefreshAuthMetadata")
    if len(parts) == (2 if identity is not None else 1):
        raise ValueError("Set-PartnerApplication needs at least one setting")
    return " ".join(parts)


def each_partner_application(app_id: str, action: str, *, with_metadata_url: bool = False) -> str:
    """Pipe each Exchange partner application with this ApplicationIdentifier (optionally only those built from a
    metadata URL) into `action`, a command that takes the application from the pipeline."""
    condition = f"$_.ApplicationIdentifier -eq {literal(app_id)}" + (" -and $_.AuthMetadataUrl"
                                                                       if with_metadata_url else "")
    return f"Get-PartnerApplication | Where-Object {{ {condition} }} | {action}"


def refresh_sfb_metadata() -> str:
    """Make Exchange re-read Skype for Business Server's metadata (after its OAuthTokenIssuer changed)."""
    return each_partner_application(SFB_SERVICE_ID, set_partner_application(refresh_auth_metadata=True),
                                    with_metadata_url=True)


AUTH_CERTIFICATE_NAME = "Microsoft Exchange Server Auth Certificate"


def new_exchange_auth_certificate() -> str:
    """A new self-signed auth certificate as Exchange setup makes it (the rotation plan's first Exchange step)."""
    return (f"New-ExchangeCertificate -KeySize {MIN_RSA_KEY_BITS} -PrivateKeyExportable $true -SubjectName "
            f"{literal('cn=' + AUTH_CERTIFICATE_NAME)} -FriendlyName {literal(AUTH_CERTIFICATE_NAME)} -DomainName @()")


def set_auth_config_next_certificate(thumbprint: Value, *, force: bool = False) -> str:
    """Make a certificate Exchange's next auth certificate, effective now (-Force: without the 48-hour warning)."""
    return (f"Set-AuthConfig -NewCertificateThumbprint {arg(thumbprint)} -NewCertificateEffectiveDate (Get-Date)"
            + _switch("Force", force))


def set_auth_config_publish() -> str:
    """Publish the next auth certificate (it becomes the current one on every server)."""
    return "Set-AuthConfig -PublishCertificate"


def set_auth_config_clear_previous() -> str:
    """Stop accepting the previous auth certificate."""
    return "Set-AuthConfig -ClearPreviousCertificate"


def set_auth_config_service_name() -> str:
    """Exchange's well-known service name (Exchange sets it itself; no step emits it)."""
    return f"Set-AuthConfig -ServiceName {literal(EXCHANGE_SERVICE_ID)}"


def renew_exchange_auth_certificate(thumbprint: Value) -> list[str]:
    """The renewal sequence, in order: create, make next, publish, clear the previous one."""
    return [new_exchange_auth_certificate(), set_auth_config_next_certificate(thumbprint), set_auth_config_publish(),
            set_auth_config_clear_previous()]


CLIENT_ACCESS_NOUNS = ("ClientAccessService", "ClientAccessServer")


def set_autodiscover_internal_uri(noun: str, server: Value, uri: Value) -> str:
    """One server's AutoDiscoverServiceInternalUri (step autodiscover.internal-uri sets it on every server).

    `noun` is ClientAccessService (Exchange 2016 and later) or ClientAccessServer (2010/2013).
    """
    if noun not in CLIENT_ACCESS_NOUNS:
        raise ValueError(f"unknown client access noun {noun!r}")
    return f"Set-{noun} -Identity {arg(server)} -AutoDiscoverServiceInternalUri {arg(uri)}"


def restart_service_host(server: Value) -> str:
    """Restart MSExchangeServiceHost on one server (it copies and publishes the auth certificate)."""
    return f"Get-Service -ComputerName {arg(server)} -Name MSExchangeServiceHost | Restart-Service"


HYBRID_APP_SCRIPT = "ConfigureExchangeHybridApplication.ps1"
# The switches of Microsoft CSS-Exchange's script that the fix texts name (its documentation lists them).
HYBRID_APP_SWITCHES = ("FullyConfigureExchangeHybridApplication", "UpdateCertificate", "ConfigureAuthServer",
                       "EnableExchangeHybridApplicationOverride", "ResetFirstPartyServicePrincipalKeyCredentials")


def exchange_hybrid_application(*switches: str, custom_app_id: Value | None = None, tenant_id: Value | None = None,
                                certificate_information: Value | None = None) -> str:
    """Microsoft CSS-Exchange's ConfigureExchangeHybridApplication.ps1 from the current folder (downloaded from
    CSS-Exchange's releases); step hybrid.dedicated-exchange-hybrid-app names it in its note, never runs it."""
    unknown = [s for s in switches if s not in HYBRID_APP_SWITCHES]
    if unknown or not switches:
        raise ValueError(f"not a switch of {HYBRID_APP_SCRIPT}: {unknown or 'none given'}")
    parts = [f".\\{HYBRID_APP_SCRIPT}", *(f"-{s}" for s in switches)]
    if custom_app_id is not None:
        parts.append(f"-CustomAppId {arg(custom_app_id)}")
    if tenant_id is not None:
        parts.append(f"-TenantId {arg(tenant_id)}")
    if certificate_information is not None:
        parts.append(f"-CertificateInformation {arg(certificate_information)}")
    return " ".join(parts)


WEB_CERTIFICATE_TYPES = ("Default", "WebServicesInternal", "WebServicesExternal")


def set_cs_web_certificate(thumbprint: Value) -> str:
    """Bind a certificate to the Front End's default and web services uses (no step emits it)."""
    types = ", ".join(literal(t) for t in WEB_CERTIFICATE_TYPES)
    return f"Set-CsCertificate -Type {types} -Thumbprint {arg(thumbprint)}"


def enable_exchange_iis_certificate(thumbprint: Value) -> str:
    """Bind an Exchange certificate to IIS (no step emits it)."""
    return f"Enable-ExchangeCertificate -Thumbprint {arg(thumbprint)} -Services IIS"


def show_auth_servers(*properties: str) -> str:
    """Which auth servers (tenants) Exchange trusts."""
    return show("Get-AuthServer", *(properties or ("Name", "Type", "Realm", "Enabled", "AuthMetadataUrl")))


def show_ews_urls(*properties: str) -> str:
    """The EWS virtual directories' URLs and authentication."""
    return show("Get-WebServicesVirtualDirectory", *(properties or ("Server", "InternalUrl", "ExternalUrl")))


def show_recipient(address: Value) -> str:
    """What kind of recipient an address is and where its mail goes (Exchange Online PowerShell)."""
    return show(f"Get-Recipient -Identity {arg(address)}", "RecipientType*", "ExternalEmailAddress")


def set_ews_external_url(identity: Value, url: Value) -> str:
    """The EWS virtual directory's ExternalUrl (no step emits it)."""
    return f"Set-WebServicesVirtualDirectory -Identity {arg(identity)} -ExternalUrl {arg(url)}"


def disable_auth_server(identity: Value) -> str:
    """Turn off one auth server (the trust of another tenant; no step emits it)."""
    return f"Set-AuthServer -Identity {arg(identity)} -Enabled $false"


EXCHANGE_ONLINE_EWS = "https://outlook.office365.com/ews/exchange.asmx"


def oauth_connectivity(mailbox: Value) -> str:
    """Exchange Server's OAuth to Exchange Online's EWS, for one on-premises mailbox (no step emits it)."""
    return f"Test-OAuthConnectivity -Service EWS -TargetUri {literal(EXCHANGE_ONLINE_EWS)} -Mailbox {arg(mailbox)}"


def set_organization_ews(*, enabled: bool | None = None, allow_list_add: str | None = None,
                         allowed_app_ids: str | None = None) -> str:
    """Set-OrganizationConfig's EWS settings (Exchange Server or Exchange Online; no step emits it)."""
    parts = ["Set-OrganizationConfig"]
    if enabled is not None:
        parts.append(f"-EwsEnabled {_bool(enabled)}")
    if allow_list_add is not None:
        parts.append(f"-EwsAllowList @{{Add={literal(allow_list_add)}}}")
    if allowed_app_ids is not None:
        parts.append(f"-EwsAllowedAppIDs {literal(allowed_app_ids)}")
    if len(parts) == 1:
        raise ValueError("Set-OrganizationConfig needs at least one setting")
    return " ".join(parts)


def set_mailbox_ews(identity: Value, *, enabled: bool | None = None, allow_list_add: str | None = None) -> str:
    """Set-CASMailbox's EWS settings for one mailbox (no step emits it)."""
    parts = [f"Set-CASMailbox -Identity {arg(identity)}"]
    if enabled is not None:
        parts.append(f"-EwsEnabled {_bool(enabled)}")
    if allow_list_add is not None:
        parts.append(f"-EwsAllowList @{{Add={literal(allow_list_add)}}}")
    if len(parts) == 1:
        raise ValueError("Set-CASMailbox needs at least one setting")
    return " ".join(parts)


# ----------------------------------------------------------------------------------------------
# Microsoft Graph PowerShell
# ----------------------------------------------------------------------------------------------
def get_service_principal(app_id: str) -> str:
    """The tenant's service principal of a well-known application, by AppId.

    The OData filter's string is quoted as OData quotes it (a quote doubled, like PowerShell), and the filter as a
    whole is then one PowerShell literal.
    """
    return f"Get-MgServicePrincipal -Filter {literal(f'AppId eq {literal(app_id)}')}"


def add_service_principal_names(names: Sequence[str], principal: str = "$principal") -> str:
    """Add names to $principal's service principal names, keeping the existing ones: -ServicePrincipalNames
    replaces the whole list (step hybrid.sfb-service-principal-name adds the pool's external web name to 00000004)."""
    if not names:
        raise ValueError("no service principal names to add")
    return (f"Update-MgServicePrincipal -ServicePrincipalId {principal}.Id -ServicePrincipalNames "
            f"(@({principal}.ServicePrincipalNames) + {_args(names)})")


# ----------------------------------------------------------------------------------------------
# DNS server (DnsServer module)
# ----------------------------------------------------------------------------------------------
def add_dns_cname(zone: str, name: str, target: str) -> str:
    """name.zone CNAME target (step autodiscover.dns-cname creates the autodiscover alias this way)."""
    return (f"Add-DnsServerResourceRecordCName -ZoneName {literal(zone)} -Name {literal(name)} "
            f"-HostNameAlias {literal(target)}")


def add_dns_srv(zone: str, name: str, target: str, *, priority: int, weight: int, port: int) -> str:
    """An SRV record (step autodiscover.dns-srv creates _autodiscover._tcp this way)."""
    return (f"Add-DnsServerResourceRecord -ZoneName {literal(zone)} -Srv -Name {literal(name)} -DomainName "
            f"{literal(target)} -Priority {int(priority)} -Weight {int(weight)} -Port {int(port)}")


# ----------------------------------------------------------------------------------------------
# Pointing at the step that performs a fix
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class StepPlace:
    """Where a step sits in the exported bundle: its script, its number there and the script's step count."""

    step_id: str
    script: str
    number: int
    total: int
    title: str

    def __str__(self) -> str:
        return f"{self.script}, step {self.number}/{self.total} '{self.title}'"


def step_places(scenario: Scenario | Settled) -> dict[str, StepPlace]:
    """Every scripted step of the scenario's bundle by id, numbered as the exported scripts number them (the
    steps of one shell in playbook order); {} when the scenario is incomplete or invalid."""
    from wizard.playbook.export import exported_steps
    from wizard.playbook.script_order import script_name
    from wizard.scenario import ScenarioInvalid
    from wizard.settled import Settled

    try:
        settled = scenario if isinstance(scenario, Settled) else scenario.settle()
    except ScenarioInvalid:
        return {}
    by_shell: dict[Shell, list[str]] = {}
    titles: dict[str, str] = {}
    for step in exported_steps(settled):
        if step.shell is Shell.BROWSER:
            continue
        by_shell.setdefault(step.shell, []).append(step.id)
        titles[step.id] = step.title
    places: dict[str, StepPlace] = {}
    for shell, ids in by_shell.items():
        script = script_name(settled.mode, shell)
        for number, step_id in enumerate(ids, 1):
            places[step_id] = StepPlace(step_id, script, number, len(ids), titles[step_id])
    return places


def step_pointer(scenario: Scenario | Settled, step_id: str) -> str:
    """"sfb-setup.ps1, step 7/12 '<title>'" for the step that performs a fix, or "" when the scenario is
    incomplete or this topology's bundle has no such (scripted) step."""
    place = step_places(scenario).get(step_id)
    return str(place) if place else ""


def done_by(scenario: Scenario | Settled, step_id: str) -> str:
    """" (sfb-setup.ps1, step 7/12 '<title>', does this)" to append to a fix text, or ""."""
    pointer = step_pointer(scenario, step_id)
    return f" ({pointer}, does this)" if pointer else ""
