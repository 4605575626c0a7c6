"""The commands each playbook step runs, written out by hand: the reference the script tests compare with.

A script is one Write-Host banner plus the step's commands, step after step (undo: the steps that
have an undo, newest first). Values never add commands, so these lists hold for any valid scenario;
only the number of domains, servers and pools, and which optional values are set, change them.
"""

from __future__ import annotations

from wizard.playbook.step import Shell, Step
from wizard.scenario import Scenario

DNS_CNAME_ADD = ["Get-DnsServerResourceRecord", "Add-DnsServerResourceRecordCName"]
DNS_SRV_ADD = ["Get-DnsServerResourceRecord", "Where-Object", "Add-DnsServerResourceRecord"]
DNS_REMOVE = ["Get-DnsServerResourceRecord", "Where-Object", "Remove-DnsServerResourceRecord"]
GRAPH_CONNECT = ["Get-MgContext", "Connect-MgGraph"]
IIS_CERTIFICATE = ["Get-ExchangeCertificate", "Where-Object", "Sort-Object", "Select-Object"]
GRAPH_UPLOAD_LOOP = ["Get-MgServicePrincipal", "Get-MgServicePrincipal", "Where-Object", "Write-Host",
                     "Where-Object", "Get-Date", "Where-Object", "ForEach-Object", "Update-MgServicePrincipal",
                     "Write-Host"]
GRAPH_REMOVE_LOOP = ["Get-MgServicePrincipal", "Get-MgServicePrincipal", "Where-Object", "Where-Object",
                     "Where-Object", "ForEach-Object", "Update-MgServicePrincipal", "Write-Host"]
GRAPH_UPLOAD = [*GRAPH_CONNECT, "Join-Path", *GRAPH_UPLOAD_LOOP]
GRAPH_REMOVE = [*GRAPH_CONNECT, "Join-Path", *GRAPH_REMOVE_LOOP]

# step id -> (setup commands, undo commands or None when the step has no undo)
STEP_COMMANDS: dict[str, tuple[list[str], list[str] | None]] = {
    "prerequisites.exchange-servers": (["Get-ExchangeServer", "Format-Table"], None),
    "prerequisites.sfb-pools": (["Get-CsPool", "Where-Object", "Format-List"], None),
    "prerequisites.rtc-universal-user-admins": (
        ["Import-Module", "Get-ADGroupMember", "Where-Object", "Add-ADGroupMember"], None),
    "prerequisites.owa-ucma": (["Get-ItemProperty"], None),
    "prerequisites.exchange-online-autodiscover-dns": (DNS_CNAME_ADD, DNS_REMOVE),
    "prerequisites.graph-session": (
        ["Get-Module", "Install-Module", "Get-Module", "Install-Module", *GRAPH_CONNECT], None),
    "prerequisites.directory-sync": ([*GRAPH_CONNECT, "Get-MgOrganization", "Format-List"], None),
    "prerequisites.sip-proxy-address": (["Get-Mailbox", "Where-Object", "Set-Mailbox"],
                                        ["Get-Mailbox", "Where-Object", "Set-Mailbox"]),
    "certificates.exchange-iis": (["Get-ExchangeCertificate", "Select-Object", "Format-List"], None),
    "certificates.exchange-auth": (["Get-ExchangeCertificate", "Get-AuthConfig", "Format-List"], None),
    "autodiscover.dns-cname": (DNS_CNAME_ADD, DNS_REMOVE),
    "autodiscover.dns-srv": (DNS_SRV_ADD, DNS_REMOVE),
    "autodiscover.exchange-online-autodiscover-dns": (DNS_CNAME_ADD, DNS_REMOVE),
    "autodiscover.iisreset": (["iisreset"], None),
    "oauth.exchange-autodiscover-url": (["Set-CsOAuthConfiguration"],
                                        ["Get-CsOAuthConfiguration", "Set-CsOAuthConfiguration"]),
    "oauth.exchange-online-oauth": (
        ["Get-AuthServer", "Format-Table", "Get-PartnerApplication", "Where-Object", "Format-Table"], None),
    "oauth.microsoft-sts": (["Get-CsOAuthServer", "New-CsOAuthServer"], ["Get-CsOAuthServer", "Remove-CsOAuthServer"]),
    "oauth.service-name": (["Set-CsOAuthConfiguration"], None),
    "partner-applications.exchange-trusts-sfb": (
        ["Get-PartnerApplication", "Where-Object", "Write-Host", "Join-Path"],
        ["Get-PartnerApplication", "Where-Object", "Remove-PartnerApplication"]),
    "partner-applications.iisreset": (["iisreset"], None),
    "partner-applications.exchange-metadata": (["Invoke-RestMethod", "Format-List"], None),
    "partner-applications.sfb-trusts-exchange": (
        ["Get-CsPartnerApplication", "New-CsPartnerApplication"],
        ["Get-CsPartnerApplication", "Remove-CsPartnerApplication"]),
    "partner-applications.sfb-online-account": (
        ["Get-MailUser", "New-MailUser", "Set-MailUser"], ["Get-MailUser", "Remove-MailUser"]),
    "partner-applications.sfb-online-roles": (
        ["Get-MailUser", "Get-ManagementRoleAssignment", "New-ManagementRoleAssignment",
         "Get-ManagementRoleAssignment", "New-ManagementRoleAssignment"],
        ["Get-MailUser", "Get-ManagementRoleAssignment", "Remove-ManagementRoleAssignment",
         "Get-ManagementRoleAssignment", "Remove-ManagementRoleAssignment"]),
    "partner-applications.sfb-online-partner": (
        ["Get-PartnerApplication", "Get-MailUser", "New-PartnerApplication"],
        ["Get-PartnerApplication", "Remove-PartnerApplication"]),
    "partner-applications.teams-scheduler-account": (
        ["Get-MailUser", "Get-Command", "New-MailUser", "Write-Warning", "Set-MailUser"],
        ["Get-MailUser", "Remove-MailUser"]),
    "partner-applications.teams-scheduler-role": (
        ["Get-MailUser", "Get-ManagementRole", "New-ManagementRole", "Get-ManagementRoleEntry", "Where-Object",
         "Remove-ManagementRoleEntry", "Get-ManagementRoleAssignment", "New-ManagementRoleAssignment",
         "Write-Warning"],
        ["Get-MailUser", "Get-ManagementRoleAssignment", "Remove-ManagementRoleAssignment", "Get-ManagementRole",
         "Remove-ManagementRole"]),
    "partner-applications.teams-partner-applications": (
        ["Get-PartnerApplication", "Get-MailUser", "New-PartnerApplication", "Write-Warning", "Get-PartnerApplication",
         "New-PartnerApplication"],
        ["Get-PartnerApplication", "Remove-PartnerApplication", "Get-PartnerApplication", "Remove-PartnerApplication"]),
    "partner-applications.sfb-trusts-exchange-online": (
        ["Get-CsPartnerApplication", "Remove-CsPartnerApplication", "Set-CsPartnerApplication",
         "New-CsPartnerApplication"],
        ["Get-CsPartnerApplication", "Remove-CsPartnerApplication"]),
    "hybrid.export-exchange-auth-certificate": (
        ["Get-AuthConfig", "Join-Path", "Test-Path", "New-Item", "Out-Null", "Get-ChildItem", "Where-Object",
         "Join-Path"], None),
    "hybrid.upload-exchange-auth-certificate": (GRAPH_UPLOAD, GRAPH_REMOVE),
    "hybrid.check-exchange-auth-certificate": (
        [*GRAPH_CONNECT, "Join-Path", "Get-MgServicePrincipal", "Get-MgServicePrincipal", "Where-Object",
         "Select-Object", "Write-Warning", "Format-Table"], None),
    "hybrid.export-sfb-oauth-certificate": (
        ["Get-CsCertificate", "Join-Path", "Test-Path", "New-Item", "Out-Null", "Get-Item", "Export-Certificate",
         "Join-Path", "Out-Null"], None),
    "oauth.realm": (["Set-CsOAuthConfiguration"], ["Get-CsOAuthConfiguration", "Set-CsOAuthConfiguration"]),
    "hybrid.sfb-service-principal-name": (
        [*GRAPH_CONNECT, "Get-MgServicePrincipal", "Update-MgServicePrincipal"],
        [*GRAPH_CONNECT, "Get-MgServicePrincipal", "Update-MgServicePrincipal", "Where-Object"]),
    "hybrid.exchange-online-principal": ([*GRAPH_CONNECT, "Get-MgServicePrincipal", "Update-MgServicePrincipal"],
                                         None),
    "hybrid.exchange-online-hosting-provider": (
        ["Get-CsHostingProvider", "New-CsHostingProvider", "Set-CsAccessEdgeConfiguration"],
        ["Get-CsHostingProvider", "Remove-CsHostingProvider"]),
    "hybrid.dedicated-exchange-hybrid-app": (
        ["Get-AuthServer", "Where-Object", "Format-List", "Get-SettingOverride", "Where-Object", "Format-List",
         "Get-SettingOverride", "Where-Object", "Format-List"], None),
    "hybrid.exchange-online-mailbox-test": (["Test-CsExStorageConnectivity", "Read-Host"], None),
    "verification.exchange-storage": (["Test-CsExStorageConnectivity"], None),
    "verification.exchange-partner-applications": (["Get-PartnerApplication", "Format-Table"], None),
    "verification.owa-im-events": (["Get-WinEvent", "Format-List"], None),
}

_OWA_TRUSTED_UNDO = ["Get-CsTrustedApplication", "Where-Object", "Remove-CsTrustedApplication",
                     "Get-CsTrustedApplicationPool", "Remove-CsTrustedApplicationPool", "Enable-CsTopology"]
_OWA_VDIR_UNDO = ["Get-OwaVirtualDirectory", "Where-Object", "Set-OwaVirtualDirectory"]
_OWA_WEB_CONFIG = (
    [*IIS_CERTIFICATE, "Join-Path", "Get-Content", "Where-Object", "Select-Object", "Test-Path", "Copy-Item"],
    ["Join-Path", "Get-Content", "Where-Object"])
_OWA_POLICY = (["Set-OwaMailboxPolicy"], ["Get-OwaMailboxPolicy", "Set-OwaMailboxPolicy"])


def expected_step_commands(step: Step, scenario: Scenario) -> tuple[list[str], list[str] | None]:
    """Setup and undo command names for one step; version-dependent steps are spelled out here."""
    t = scenario.topology
    noun = "ClientAccessService" if t.uses_client_access_service else "ClientAccessServer"
    kind = step.id.split(".", 1)[1]
    if step.shell is Shell.BROWSER:
        return [], None
    if step.id == "prerequisites.lync-dns":
        return ["Resolve-DnsName"] * (3 * len(scenario.sip_domains)), None
    if step.id.startswith("prerequisites.teams-federation-dns."):
        return DNS_SRV_ADD, DNS_REMOVE
    if step.id == "certificates.sfb-oauth-token-issuer":
        if scenario.oauth_certificate_thumbprint:
            return ["Get-CsCertificate", "Set-CsCertificate"], None
        return ["Get-CsCertificate", "Get-CsCertificate", "Set-CsCertificate"], None
    if step.id == "verification.exchange-storage" and not scenario.test_sip_uri:
        return ["Test-CsExStorageConnectivity", "Read-Host"], None
    if step.id == "partner-applications.sfb-metadata":
        return ["Invoke-RestMethod", "Format-List"] * len(scenario.pool_fqdns), None
    if step.id == "hybrid.upload-sfb-oauth-certificate":
        uses_file = scenario.oauth_certificate.lower().endswith((".cer", ".crt", ".pem"))
        path = [] if uses_file else ["Join-Path"]
        return ([*GRAPH_CONNECT, *path, *GRAPH_UPLOAD_LOOP], [*GRAPH_CONNECT, *path, *GRAPH_REMOVE_LOOP])
    if step.id == "partner-applications.teams-partner-applications" and t.exchange_version == "2013":
        return ["Get-PartnerApplication", "New-PartnerApplication"], ["Get-PartnerApplication",
                                                                      "Remove-PartnerApplication"]
    if kind == "internal-uri-current":
        return [f"Get-{noun}", "Select-Object", "Format-List"], None
    if kind == "internal-uri":
        return [f"Get-{noun}", f"Set-{noun}"], None
    if kind == "owa-trusted-application":
        site = [] if scenario.sfb_site else ["Get-CsPool"]
        computers = ["Get-CsTrustedApplicationComputer", "New-CsTrustedApplicationComputer"] * (
            len(scenario.exchange_fqdns) - 1)
        return (["Get-CsTrustedApplicationPool", "New-CsTrustedApplicationPool", *site, *computers,
                 "Get-CsTrustedApplication", "Where-Object", "New-CsTrustedApplication", "Enable-CsTopology"],
                _OWA_TRUSTED_UNDO)
    if kind == "owa-virtual-directory":
        if t.exchange_version == "2010":
            return [*IIS_CERTIFICATE, "Get-OwaVirtualDirectory", "Set-OwaVirtualDirectory"], _OWA_VDIR_UNDO
        return ["Get-OwaVirtualDirectory", "Set-OwaVirtualDirectory"], _OWA_VDIR_UNDO
    if kind == "owa-web-config":
        return _OWA_WEB_CONFIG
    if kind == "owa-mailbox-policy":
        return _OWA_POLICY
    return STEP_COMMANDS[step.id]


def expected_script(steps: list[Step], scenario: Scenario, shell: Shell, *, undo: bool) -> list[str]:
    mine = [s for s in steps if s.shell is shell]
    names: list[str] = []
    for step in reversed(mine) if undo else mine:
        setup, reverse = expected_step_commands(step, scenario)
        if undo:
            assert (reverse is None) == (not step.undo), f"{step.id}: undo presence differs from expectation"
            if reverse is None:
                continue
        names += ["Write-Host", *(reverse if undo else setup)]
    return names


