"""The prerequisites and certificates phases are safe on a production organisation (read from the generated
scripts, parsed with tree-sitter).

Each test would have caught one defect of the earlier scripts: the SfB script ran Add-ADGroupMember (AD rights SfB
admins often lack, and a membership the same session's token cannot use, so the storage test failed or the script
stopped at step 2); the Graph script ran Install-Module; with Teams and Exchange Server the mailbox was looked up by
its SIP address, which in a split SIP/SMTP organisation finds nothing, and its undo removed the address whether or
not setup had added it; Exchange 2010's OWA IM prerequisite (the OCS 2007 R2 Web Service Provider) was neither
checked nor stated; the OAuthTokenIssuer assignment kept no record of the certificate it replaced; the checks
were not marked read-only, so verify mode dropped them.
"""

from __future__ import annotations

from typing import Any

import pytest
from tree_sitter import Node

from tests.playbook.playbook_scenarios import ALL_TOPOLOGIES, scenario_for, topology_id
from tests.playbook.test_script_safety import SPLIT_ORGANISATION
from tests.pwsh import _parser, body_command_names, parse
from tests.script_safety import setup_violations, step_changes, undo_violations
from wizard.playbook.build import build_playbook
from wizard.playbook.export import bundle_files, exported_steps, render_script
from wizard.playbook.phases import prerequisites
from wizard.playbook.phases.verification import exchange_storage
from wizard.playbook.step import Shell, Step
from wizard.scenario import Scenario
from wizard.settled import Mode

SFB_SERVER = ("server", "2019", "server", "2019")
TEAMS = ("server", "2019", "online", "")  # Exchange Server with Teams: the SIP proxy address step
TENANT = ("server", "2019", "hybrid", "2019")  # the Graph session
READ_ONLY = {"prerequisites.exchange-servers", "prerequisites.sfb-pools", "prerequisites.rtc-universal-user-admins",
             "prerequisites.lync-dns", "prerequisites.owa-ucma", "prerequisites.graph-session",
             "prerequisites.directory-sync", "certificates.exchange-iis", "certificates.exchange-auth"}
CHANGING = ("Set-", "Add-", "New-", "Remove-", "Install-", "Enable-", "Disable-", "Update-")


# ----- reading the scripts -----

def _text(source: bytes, node: Node) -> str:
    return source[node.start_byte:node.end_byte].decode("utf-8")


def commands(text: str, name: str) -> list[list[str]]:
    """Each call of `name` as its elements (parameters and arguments, as written)."""
    source = text.encode("utf-8")
    found: list[list[str]] = []
    stack = [_parser().parse(source).root_node]
    while stack:
        node = stack.pop()
        stack.extend(reversed(node.children))
        if node.type != "command":
            continue
        names = [c for c in node.children if c.type == "command_name"]
        if not names or _text(source, names[0]) != name:
            continue
        elements = next((c for c in node.children if c.type == "command_elements"), None)
        found.append([_text(source, c) for c in elements.children if c.type != "command_argument_sep"]
                     if elements is not None else [])
    return found


def argument(elements: list[str], parameter: str) -> str:
    index = [e.lower() for e in elements].index(parameter.lower())
    return elements[index + 1]


def step(scenario: Scenario, step_id: str) -> Step:
    return next(s for s in build_playbook(scenario) if s.id == step_id)


def scripts(files: dict[str, bytes], shell: Shell) -> dict[str, str]:
    return {name: data.decode("utf-8-sig") for name, data in files.items()
            if name.startswith(shell.value + "-") and name.endswith(".ps1")}


# ----- read-only steps -----

@pytest.mark.parametrize("topology", ALL_TOPOLOGIES, ids=topology_id)
def test_the_checks_are_read_only_and_change_nothing(topology: tuple[str, str, str, str]) -> None:
    scenario = scenario_for(topology)
    for s in build_playbook(scenario):
        if s.id in READ_ONLY:
            assert s.read_only, s.id
            assert not s.undo, s.id
            changing = [c for c in body_command_names(s.command) if c.startswith(CHANGING)]
            assert changing == [], (s.id, changing)
    verify = {s.id for s in exported_steps(scenario_for(topology, mode="verify"))}
    assert {s.id for s in build_playbook(scenario) if s.id in READ_ONLY} <= verify


# ----- RTCUniversalUserAdmins: a token check, never a membership change -----

@pytest.mark.parametrize("organisation", ["contoso", "split"])
def test_no_sfb_script_adds_a_group_member(organisation: str) -> None:
    overrides = SPLIT_ORGANISATION if organisation == "split" else {}
    for topology in ALL_TOPOLOGIES:
        for mode in ("setup", "verify"):
            files = bundle_files(scenario_for(topology, mode=mode, **overrides))
            for name, text in scripts(files, Shell.SFB).items():
                parsed = parse(text)
                assert parsed.ok, (name, parsed.errors)
                assert "Add-ADGroupMember" not in parsed.commands, (topology, name)


def test_the_token_check_warns_with_the_exact_command_and_never_stops() -> None:
    s = step(scenario_for(SFB_SERVER), "prerequisites.rtc-universal-user-admins")
    lines = s.command.split("\n")
    assert lines[0] == f"$inToken = {prerequisites.rtc_admins_in_token().split(chr(10))[0]}"
    assert prerequisites.rtc_admins_in_token() in s.command
    assert ("    $addCommand = 'Add-ADGroupMember -Identity ''RTCUniversalUserAdmins'' -Members ''' + "
            "$env:USERNAME.Replace(\"'\", \"''\") + ''' -Server ''dc01.contoso.com'''") in lines
    assert ("            $members = @(Get-ADGroupMember -Identity 'RTCUniversalUserAdmins' -Recursive -Server "
            "'dc01.contoso.com' -ErrorAction Stop)") in lines
    parsed = parse(s.command)
    assert parsed.ok, parsed.errors
    assert parsed.commands.count("Write-Warning") == 3  # member but not in the token; not a member; unknown
    assert "Add-ADGroupMember" not in parsed.commands
    warnings = [w for w in parsed.strings if "Add-ADGroupMember" not in w]
    assert any("sign out and in again (or open a new shell) before the Exchange storage test" in w for w in warnings)
    assert any("Ask an Active Directory administrator to add it: " in w for w in warnings)
    assert any("storage test at the end of this script (Test-CsExStorageConnectivity) is skipped with this reason"
               in w for w in warnings)
    assert "throw" not in s.command and "exit" not in s.command  # it never stops the script
    imports = lines.index("            Import-Module -Name 'ActiveDirectory' -ErrorAction Stop")
    assert lines[imports - 1] == "        try {"  # inside a try that reports instead of stopping


def test_without_a_domain_controller_the_command_names_none() -> None:
    scenario = scenario_for(SFB_SERVER, dc_fqdn="")
    s = step(scenario, "prerequisites.rtc-universal-user-admins")
    assert "-Server" not in s.command
    assert ("$addCommand = 'Add-ADGroupMember -Identity ''RTCUniversalUserAdmins'' -Members ''' + "
            "$env:USERNAME.Replace(\"'\", \"''\") + ''''") in s.command


def test_the_storage_test_checks_the_same_token() -> None:
    storage = exchange_storage(scenario_for(SFB_SERVER).settle())
    assert prerequisites.rtc_admins_in_token() in storage.command


# ----- Microsoft Graph: no Install-Module -----

@pytest.mark.parametrize("mode", ["setup", "verify"])
def test_no_graph_script_installs_a_module(mode: str) -> None:
    for topology in ALL_TOPOLOGIES:
        for name, text in scripts(bundle_files(scenario_for(topology, mode=mode)), Shell.GRAPH).items():
            assert "Install-Module" not in parse(text).commands, (topology, name)


def test_a_missing_graph_module_stops_with_the_install_command() -> None:
    s = step(scenario_for(TENANT), "prerequisites.graph-session")
    assert s.read_only
    lines = s.command.split("\n")
    assert lines[0] == ("$missing = @('Microsoft.Graph.Applications', 'Microsoft.Graph.Identity.DirectoryManagement' "
                        "| Where-Object { -not (Get-Module -ListAvailable -Name $_) })")
    assert lines[2].startswith("    throw (")
    assert "\"Install-Module -Name '\" + ($missing -join \"', '\") + \"' -Scope CurrentUser\"" in lines[2]
    assert body_command_names(s.command) == ["Where-Object", "Get-Module", "Get-MgContext", "Connect-MgGraph"]
    verify = render_script(scenario_for(TENANT, mode="verify").settle(), Shell.GRAPH,
                           exported_steps(scenario_for(TENANT, mode="verify")))
    assert "Connect-MgGraph" in parse(verify).commands


# ----- the SIP proxy address: found by the SMTP address, recorded, undone only from the record -----

def test_split_sip_and_smtp_finds_the_mailbox_by_its_smtp_address() -> None:
    scenario = scenario_for(TEAMS, **SPLIT_ORGANISATION)
    s = step(scenario, "prerequisites.sip-proxy-address")
    gets = commands(s.command, "Get-Mailbox")
    assert [argument(g, "-Identity") for g in gets] == ["'kmyer@contoso.com'"] * 2  # lookup and read-back
    assert all(argument(g, "-DomainController") == "'dc01.contoso.com'" for g in gets)
    sets = commands(s.command, "Set-Mailbox")
    assert sets == [["-Identity", "'kmyer@contoso.com'", "-EmailAddresses",
                     "@{ Add = 'sip:ken.myer@contoso-sip.com' }", "-DomainController", "'dc01.contoso.com'",
                     "-ErrorAction", "Stop"]]
    assert "ken.myer@contoso-sip.com'" not in " ".join(argument(c, "-Identity") for c in gets + sets)
    assert ("Add-IntegrationRecord -Step 'prerequisites.sip-proxy-address' -Type 'Mailbox.EmailAddresses' "
            "-Action 'added' -Identity @{ Mailbox = 'kmyer@contoso.com'; Address = 'sip:ken.myer@contoso-sip.com' }"
            ) in s.command
    assert "if ($sipAddresses.Count -eq 0) {" in s.command  # a mailbox with a SIP address is left alone
    assert "SIP address is in another domain" in s.note


def test_the_sip_address_setup_added_is_the_only_one_undo_removes() -> None:
    scenario = scenario_for(TEAMS, **SPLIT_ORGANISATION)
    s = step(scenario, "prerequisites.sip-proxy-address")
    assert s.undo.startswith("foreach ($entry in @(Get-IntegrationRecord -Step 'prerequisites.sip-proxy-address' "
                             "-Type 'Mailbox.EmailAddresses')) {")
    assert commands(s.undo, "Set-Mailbox") == [[
        "-Identity", "$entry.identity.Mailbox", "-EmailAddresses", "@{ Remove = $entry.identity.Address }",
        "-DomainController", "'dc01.contoso.com'", "-ErrorAction", "Stop"]]
    steps = build_playbook(scenario)
    for undo, violations in ((False, setup_violations), (True, undo_violations)):
        text = render_script(scenario.settle(), Shell.EXCHANGE, steps, undo=undo)
        mine = [p for p in violations(text) if "Set-Mailbox" in p]
        assert mine == [], mine
        changes = [c for c in step_changes(text) if c.name == "Set-Mailbox"]
        assert len(changes) == 1 and changes[0].stops
        assert changes[0].via_record if undo else (changes[0].guarded and changes[0].recorded
                                                   and changes[0].read_back)


# ----- Exchange 2010: the OCS 2007 R2 Web Service Provider -----

@pytest.mark.parametrize("topology", [t for t in ALL_TOPOLOGIES if t[0] == "server" and t[2] in ("server", "hybrid")],
                         ids=topology_id)
def test_the_web_service_provider_is_checked_for_exchange_2010_only(topology: tuple[str, str, str, str]) -> None:
    s = step(scenario_for(topology), "prerequisites.owa-ucma")
    assert s.read_only and "throw" not in s.command
    parsed = parse(s.command)
    assert parsed.ok, parsed.errors
    if topology[1] == "2010":
        assert "$_.DisplayName -like '*Web Service Provider*'" in s.command
        assert "'HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\*'" in s.command
        assert any("CWAOWASSPMain.msi unpacks vcredist_x64.exe, UcmaRedist.msi and CWAOWASSP.msi" in w
                   for w in parsed.strings)
        assert "blogs.technet.com/b/exchange/archive/2010/09/27/3411184.aspx" in s.source
        assert "third-party write-ups" in s.note and "Exchange 2013 and later have it built in" in s.why
    else:
        assert "Web Service Provider" not in s.command
        assert "-Name 'ImplementationDLLPath' -ErrorAction SilentlyContinue" in s.command
        assert "built in" in s.why


# ----- the OAuthTokenIssuer: guarded, prior recorded, restored only from the record -----

@pytest.mark.parametrize("thumbprint", ["", "AB" * 20], ids=["default-certificate", "given-thumbprint"])
def test_the_oauth_certificate_records_the_one_it_replaced(thumbprint: str) -> None:
    overrides: dict[str, Any] = {"oauth_certificate_thumbprint": thumbprint} if thumbprint else {}
    scenario = scenario_for(SFB_SERVER, **overrides)
    steps = build_playbook(scenario)
    s = next(x for x in steps if x.id == "certificates.sfb-oauth-token-issuer")
    value = f"'{thumbprint}'" if thumbprint else "$thumbprint"
    assert ("Add-IntegrationRecord -Step 'certificates.sfb-oauth-token-issuer' -Type 'CsCertificate.OAuthTokenIssuer' "
            f"-Action 'changed' -Identity @{{ Thumbprint = {value} }} -Prior @{{ Thumbprint = $priorThumbprint }}"
            ) in s.command
    assert "$priorThumbprint = [string]$current.Thumbprint" in s.command
    guard = (f"if ($waiting.Count -eq 0 -and [string]$current.Thumbprint -ne {value}) {{" if thumbprint else
             "if (-not $current -and $waiting.Count -eq 0) {")
    assert guard in s.command
    setup = render_script(scenario.settle(), Shell.SFB, steps)
    changes = [c for c in step_changes(setup) if c.name == "Set-CsCertificate"]
    assert len(changes) == 1 and changes[0].guarded and changes[0].recorded and changes[0].stops
    assert [p for p in setup_violations(setup) if "CsCertificate" in p] == []


def test_oauth_undo_restores_the_prior_certificate_only_through_the_record() -> None:
    scenario = scenario_for(SFB_SERVER, oauth_certificate_thumbprint="AB" * 20)
    steps = build_playbook(scenario)
    undo = render_script(scenario.settle(), Shell.SFB, steps, undo=True)
    changes = [c for c in step_changes(undo) if c.name == "Set-CsCertificate"]
    assert len(changes) == 1 and changes[0].via_record and changes[0].stops
    assert [p for p in undo_violations(undo) if "CsCertificate" in p] == []
    s = next(x for x in steps if x.id == "certificates.sfb-oauth-token-issuer")
    assert commands(s.undo, "Set-CsCertificate") == [[
        "-Identity", "global", "-Type", "OAuthTokenIssuer", "-Thumbprint", "$entry.prior.Thumbprint",
        "-ErrorAction", "Stop"]]
    lines = s.undo.split("\n")
    restore = next(i for i, line in enumerate(lines) if "Set-CsCertificate" in line)
    changed = lines.index("    if ([string]$current.Thumbprint -ne $entry.identity.Thumbprint -or "
                          "$waiting.Count -gt 0) {")
    first = lines.index("    if (-not $entry.prior.Thumbprint) {")
    assert changed < first < restore  # still setup's certificate, and there is one to put back
    assert all("continue" in lines[i + 3] for i in (changed, first))


def test_the_certificate_note_gives_the_rollover_caveat() -> None:
    s = step(scenario_for(SFB_SERVER), "certificates.sfb-oauth-token-issuer")
    assert "-EffectiveDate <date> -Roll, at least 24 hours ahead" in s.note
    assert "Stage AV and OAuth certificates in Skype for Business Server using -Roll" in s.source
    assert "Not undone" not in s.note


def test_verify_mode_keeps_the_checks_of_these_phases() -> None:
    verify = {s.id for s in exported_steps(scenario_for(SFB_SERVER, mode="verify"))}
    assert {"prerequisites.rtc-universal-user-admins", "prerequisites.owa-ucma", "certificates.exchange-auth"} <= verify
    assert "certificates.sfb-oauth-token-issuer" not in verify
    assert scenario_for(SFB_SERVER, mode="verify").settle().mode is Mode.VERIFY
