"""The hybrid phase is safe on a production organisation (read from the generated scripts, parsed with tree-sitter).

Each test would have caught one defect of the earlier scripts: the Graph SDK calls did not stop on failure
(a script-wide $ErrorActionPreference does not reach them); the key upload was neither read back nor
recorded, and its undo removed the certificate wherever it found it, also where setup had left it alone;
only the first pool's external web name became an SPN and undo removed it although setup never added it;
New-CsHostingProvider and Set-CsAccessEdgeConfiguration -AllowFederatedUsers changed the organisation
without a record (federation for everyone, without a word); the export steps' folder and file writes did
not stop on failure; the Graph script did not check that the .cer files were there; the cloud mailbox test
left its item in the mailbox; the read-only steps were not marked read-only.
"""

from __future__ import annotations

from typing import Any

import pytest
from tree_sitter import Node

from tests.playbook.playbook_scenarios import ALL_TOPOLOGIES, scenario_for, topology_id
from tests.playbook.test_script_safety import SPLIT_ORGANISATION
from tests.pwsh import _parser, parse
from tests.script_safety import (
    record_loop,
    setup_violations,
    step_changes,
    step_text,
    undo_violations,
    verify_violations,
)
from wizard.playbook.export import render_script
from wizard.playbook.phases import hybrid
from wizard.playbook.snippets import graph_upload_certificate
from wizard.playbook.step import Shell, Step
from wizard.settled import Mode

SFB_HYBRID = ("hybrid", "se", "hybrid", "se")  # every hybrid step but same-tenant and Exchange 2010
TEAMS = ("server", "2019", "online", "")  # Exchange Server with Teams: the Exchange auth certificate upload
SFB_ID = "00000004-0000-0ff1-ce00-000000000000"
EXO_ID = "00000002-0000-0ff1-ce00-000000000000"
READ_ONLY = {"hybrid.check-exchange-auth-certificate", "hybrid.same-tenant", "hybrid.exchange-2010-online",
             "hybrid.dedicated-exchange-hybrid-app", "hybrid.dedicated-sfb-hybrid-app",
             "hybrid.exchange-online-mailbox-test"}


# ----- reading the scripts -----

def _steps(topology: tuple[str, str, str, str], **overrides: Any) -> list[Step]:
    settled = scenario_for(topology, **overrides).settle()
    steps = hybrid.steps(settled)
    return [s for s in steps if s.read_only] if settled.mode is Mode.VERIFY else steps


def _script(topology: tuple[str, str, str, str], shell: Shell, *, undo: bool = False, **overrides: Any) -> str:
    """This phase's steps of one exported script, rendered as the bundle renders them."""
    settled = scenario_for(topology, **overrides).settle()
    text = render_script(settled, shell, _steps(topology, **overrides), undo=undo)
    assert parse(text).ok, parse(text).errors
    return text



def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines()]


def _text(source: bytes, node: Node) -> str:
    return source[node.start_byte:node.end_byte].decode("utf-8")


def _commands(text: str, prefix: str) -> list[tuple[bytes, Node, str]]:
    """Every command whose name starts with `prefix`, in source order: (source, node, name)."""
    source = text.encode("utf-8")
    found = []
    stack = [_parser().parse(source).root_node]
    while stack:
        node = stack.pop()
        stack.extend(reversed(node.children))
        if node.type == "command":
            named = next((c for c in node.children if c.type == "command_name"), None)
            if named is not None and _text(source, named).startswith(prefix):
                found.append((source, node, _text(source, named)))
    return found


def _stops(source: bytes, command: Node) -> bool:
    text = _text(source, command)
    return text.endswith("-ErrorAction Stop") or "-ErrorAction Stop " in text



def _guard(source: bytes, node: Node) -> str:
    """The condition of the innermost if statement whose body holds node ('' when there is none)."""
    current = node
    while current.parent is not None:
        parent = current.parent
        if parent.type == "if_statement" and current.type == "statement_block":
            return _text(source, next(c for c in parent.children if c.type == "pipeline"))
        current = parent
    return ""


# ----- the Graph key upload -----

@pytest.mark.parametrize("undo", [False, True], ids=["setup", "undo"])
def test_every_graph_sdk_call_stops_on_failure(undo: bool) -> None:
    text = _script(SFB_HYBRID, Shell.GRAPH, undo=undo, **SPLIT_ORGANISATION)
    calls = _commands(text, "Get-Mg") + _commands(text, "Update-Mg") + _commands(text, "Connect-Mg")
    assert len(calls) > 10
    assert [_text(s, n) for s, n, _ in calls if not _stops(s, n)] == []


def test_key_upload_is_guarded_read_back_and_recorded_per_principal_with_the_thumbprint() -> None:
    step = step_text(_script(TEAMS, Shell.GRAPH), "Upload the Exchange auth certificate")
    [(source, update, _)] = _commands(step, "Update-MgServicePrincipal")
    assert _text(source, update) == (
        "Update-MgServicePrincipal -ServicePrincipalId $principal.Id -KeyCredentials $keys -ErrorAction Stop")
    assert _guard(source, update) == "-not $present"
    lines = _lines(step)
    at = lines.index(_text(source, update))
    # read back: the certificate must be among the keys Graph returns now, before the record entry
    assert lines[at + 1].startswith("if (-not (($added = @((Get-MgServicePrincipal -ServicePrincipalId "
                                    "$principal.Id -Property 'keyCredentials' -ErrorAction Stop).KeyCredentials |")
    assert lines[at + 1].endswith("{ throw 'The certificate is not among the service principal''s keys after the "
                                  "update; check the output above.' }")
    assert lines[at + 2] == (
        "Add-IntegrationRecord -Step 'hybrid.upload-exchange-auth-certificate' -Type 'ServicePrincipalKey' "
        "-Action 'added' -Identity @{ AppId = $appId; Thumbprint = $certificate.Thumbprint; "
        "KeyId = [string]$added[0].KeyId } -Prior @{ ExpiredKeysDropped = $dropped }")
    # a principal that already holds the certificate is left alone and not recorded
    assert lines[at + 5] == (
        "Write-Host '    this certificate is already there: left as it is and not recorded (undo leaves it too).'")
    assert ("foreach ($appId in @('00000004-0000-0ff1-ce00-000000000000', '7557eb47-c689-4224-abcf-aef9bd7573df', "
            "'db7de2b5-2149-435e-8043-e080dd50afae')) {") in lines
    # kept keys are resubmitted with their keyId, so a later upload does not change the recorded key's identity
    assert "@{ keyId = $_.KeyId; type = $_.Type;" in step
    assert setup_violations(step.replace(lines[0], "", 1)) == []


def test_key_upload_and_undo_keep_the_missing_key_material_protection() -> None:
    setup = _script(TEAMS, Shell.GRAPH)
    assert ("if (-not $present -and @($kept | Where-Object { -not $_.Key }).Count -gt 0) {\n"
            "            throw \"${appId}: Graph did not return the existing keys' material; not updating (it would "
            "drop them).\"") in setup
    undo = _script(TEAMS, Shell.GRAPH, undo=True)
    assert ("if (@($others | Where-Object { -not $_.Key }).Count -gt 0) {\n"
            "            throw \"${appId}: Graph did not return the other keys' material; not updating (it would drop "
            "them).\"") in undo


def test_key_undo_removes_only_the_recorded_keys_while_they_are_there_and_keeps_the_others() -> None:
    undo = step_text(_script(SFB_HYBRID, Shell.GRAPH, undo=True), "Undo: Upload the OAuthTokenIssuer certificate")
    [(source, update, _)] = _commands(undo, "Update-MgServicePrincipal")
    assert record_loop(source, update) == (
        "@(Get-IntegrationRecord -Step 'hybrid.upload-sfb-oauth-certificate' -Type 'ServicePrincipalKey')")
    lines = _lines(undo)
    recorded = ("(($entry.identity.KeyId -and [string]$_.KeyId -eq [string]$entry.identity.KeyId) -or "
                "($_.CustomKeyIdentifier -and [System.BitConverter]::ToString($_.CustomKeyIdentifier).Replace('-', "
                "'') -eq $entry.identity.Thumbprint))")
    assert f"if (@($current | Where-Object {{ {recorded} }}).Count -eq 0) {{" in lines
    assert "Write-Host 'The key setup added is no longer on the service principal: left alone.'" in lines
    assert f"$others = @($current | Where-Object {{ -not {recorded} }})" in lines
    assert "$keys = @($others | ForEach-Object { @{ keyId = $_.KeyId;" in undo
    # it needs no certificate file, and never looks for "this certificate" on principals setup left alone
    assert "$certificateFile" not in undo and "$rawKey" not in undo
    assert "foreach ($appId in" not in undo
    assert undo_violations(undo.replace(lines[0], "", 1)) == []


def test_rotation_upload_without_a_record_is_guarded_and_read_back_but_writes_no_record() -> None:
    text = graph_upload_certificate("contoso.onmicrosoft.com", "'C:\\new.cer'", (SFB_ID,))
    assert "Add-IntegrationRecord" not in text
    [(source, update, _)] = _commands(text, "Update-MgServicePrincipal")
    assert _guard(source, update) == "-not $present" and _stops(source, update)
    assert "throw 'The certificate is not among the service principal''s keys after the update" in text
    assert "$kept = @($current | Where-Object { $_.EndDateTime -gt (Get-Date) })" in text


# ----- service principal names, the Exchange Online principal -----

def test_each_pools_external_web_name_is_added_when_missing_and_recorded_as_shared() -> None:
    step = step_text(_script(SFB_HYBRID, Shell.GRAPH, **SPLIT_ORGANISATION), "Add the pools' external web services")
    lines = _lines(step)
    assert (f"foreach ($spn in @('{SFB_ID}/webext01.contoso.com', '{SFB_ID}/webext02.contoso.com')) {{") in lines
    [(source, update, _)] = _commands(step, "Update-MgServicePrincipal")
    assert _text(source, update) == ("Update-MgServicePrincipal -ServicePrincipalId $principal.Id "
                                     "-ServicePrincipalNames @($names + $spn) -ErrorAction Stop")
    assert _guard(source, update) == "$names -notcontains $spn"
    assert (f"Add-IntegrationRecord -Step 'hybrid.sfb-service-principal-name' -Type 'ServicePrincipalName' "
            f"-Action 'added' -Identity @{{ AppId = '{SFB_ID}'; Name = $spn }} -Shared") in lines
    assert setup_violations(step.replace(lines[0], "", 1)) == []


def test_spn_undo_removes_only_recorded_names_still_there() -> None:
    undo = step_text(_script(SFB_HYBRID, Shell.GRAPH, undo=True, **SPLIT_ORGANISATION),
                      "Undo: Add the pools' external web services")
    [(source, update, _)] = _commands(undo, "Update-MgServicePrincipal")
    assert record_loop(source, update) == (
        "@(Get-IntegrationRecord -Step 'hybrid.sfb-service-principal-name' -Type 'ServicePrincipalName')")
    assert "-ServicePrincipalNames @($principal.ServicePrincipalNames | Where-Object { $_ -ne $entry.identity.Name })" \
        in _text(source, update)
    assert ("if (-not $principal -or @($principal.ServicePrincipalNames) -notcontains $entry.identity.Name) {"
            in _lines(undo))
    body = undo.split("try {", 1)[1].split("} catch {", 1)[0]
    assert "webext01" not in body, "undo reads the names from the record, not from the scenario"


def test_exchange_online_principal_is_enabled_only_when_disabled_and_recorded_with_its_prior_value() -> None:
    step = step_text(_script(SFB_HYBRID, Shell.GRAPH), "Make sure the Exchange Online service principal")
    [(source, update, _)] = _commands(step, "Update-MgServicePrincipal")
    assert _guard(source, update) == "-not $prior"
    assert (f"Add-IntegrationRecord -Step 'hybrid.exchange-online-principal' -Type 'ServicePrincipal.AccountEnabled' "
            f"-Action 'changed' -Identity @{{ AppId = '{EXO_ID}'; Value = $true }} -Prior @{{ AccountEnabled = $prior "
            "} -Shared") in _lines(step)
    undo = step_text(_script(SFB_HYBRID, Shell.GRAPH, undo=True), "Undo: Make sure the Exchange Online")
    [(source, update, _)] = _commands(undo, "Update-MgServicePrincipal")
    assert record_loop(source, update).startswith("@(Get-IntegrationRecord -Step 'hybrid.exchange-online-principal'")


# ----- the hosting provider and federation -----

def test_hosting_provider_is_created_only_when_none_exists_and_undo_removes_only_a_recorded_one() -> None:
    step = step_text(_script(SFB_HYBRID, Shell.SFB), "Share the SIP address space")
    lines = _lines(step)
    assert "$providers = @(Get-CsHostingProvider -ErrorAction Stop |" in lines
    assert ("Where-Object { [string]$_.Identity -eq 'Exchange Online' -or [string]$_.ProxyFqdn -eq "
            "'exap.um.outlook.com' })") in lines
    [(source, new, _)] = _commands(step, "New-CsHostingProvider")
    assert _guard(source, new) == "$providers.Count -eq 0" and _stops(source, new)
    assert ("Add-IntegrationRecord -Step 'hybrid.exchange-online-hosting-provider' -Type 'CsHostingProvider' "
            "-Action 'created' -Identity @{ Identity = 'Exchange Online'; ProxyFqdn = 'exap.um.outlook.com' }") in lines
    undo = step_text(_script(SFB_HYBRID, Shell.SFB, undo=True), "Undo: Share the SIP address space")
    [(source, remove, _)] = _commands(undo, "Remove-CsHostingProvider")
    assert _text(source, remove) == (
        "Remove-CsHostingProvider -Identity $entry.identity.Identity -Confirm:$false -ErrorAction Stop")
    assert record_loop(source, remove) == (
        "@(Get-IntegrationRecord -Step 'hybrid.exchange-online-hosting-provider' -Type 'CsHostingProvider')")


def test_allow_federated_users_is_shown_warned_about_changed_only_when_false_and_restored_by_undo() -> None:
    step = step_text(_script(SFB_HYBRID, Shell.SFB), "Share the SIP address space")
    lines = _lines(step)
    read = "$prior = [bool](Get-CsAccessEdgeConfiguration -Identity global -ErrorAction Stop).AllowFederatedUsers"
    show = "Write-Host \"AllowFederatedUsers (Access Edge, whole organisation) is $prior.\""
    [(source, change, _)] = _commands(step, "Set-CsAccessEdgeConfiguration")
    assert _text(source, change) == (
        "Set-CsAccessEdgeConfiguration -Identity global -AllowFederatedUsers $true -ErrorAction Stop")
    assert _guard(source, change) == "-not $prior"
    at = lines.index(_text(source, change))
    warning = next(i for i, line in enumerate(lines) if line.startswith("Write-Warning 'AllowFederatedUsers is an "
                                                                         "organisation-wide Access Edge setting"))
    assert lines.index(read) < lines.index(show) < warning < at
    assert lines[at + 2] == (
        "Add-IntegrationRecord -Step 'hybrid.exchange-online-hosting-provider' "
        "-Type 'CsAccessEdgeConfiguration.AllowFederatedUsers' -Action 'changed' "
        "-Identity @{ Identity = 'global'; Value = $true } -Prior @{ AllowFederatedUsers = $prior } -Shared")
    assert "Write-Host 'AllowFederatedUsers is already True: nothing to change (not recorded).'" in lines
    undo = step_text(_script(SFB_HYBRID, Shell.SFB, undo=True), "Undo: Share the SIP address space")
    [(source, revert, _)] = _commands(undo, "Set-CsAccessEdgeConfiguration")
    assert _text(source, revert) == ("Set-CsAccessEdgeConfiguration -Identity global -AllowFederatedUsers "
                                     "([bool]$entry.prior.AllowFederatedUsers) -ErrorAction Stop")
    assert record_loop(source, revert).endswith("-Type 'CsAccessEdgeConfiguration.AllowFederatedUsers')")
    assert "Write-Host 'AllowFederatedUsers is no longer True: left alone.'" in _lines(undo)


# ----- the exported .cer files -----

@pytest.mark.parametrize(("shell", "title", "file_name"), [
    (Shell.EXCHANGE, "Export the Exchange auth certificate", "OAuthCert.cer"),
    (Shell.SFB, "Export the OAuthTokenIssuer certificate", "SfbOAuthTokenIssuer.cer")])
def test_export_writes_the_file_only_when_it_lacks_the_certificate_and_stops_on_failure(
        shell: Shell, title: str, file_name: str) -> None:
    step = step_text(_script(SFB_HYBRID, shell), title)
    lines = _lines(step)
    [(source, folder, _)] = _commands(step, "New-Item")
    assert _guard(source, folder) == "-not (Test-Path -LiteralPath $folder)" and _stops(source, folder)
    assert f"$certificateFile = Join-Path -Path $folder -ChildPath '{file_name}'" in lines
    assert lines.index("if (-not $same) {") + 1 == lines.index(
        "[System.IO.File]::WriteAllBytes($certificateFile, $certBytes)")
    assert "Write-Host \"$certificateFile already holds this certificate: not written again.\"" in lines
    assert not _commands(step, "Export-Certificate")
    reads = _commands(step, "Get-AuthConfig") + _commands(step, "Get-CsCertificate") + _commands(step, "Get-Item")
    assert reads and all(_stops(s, n) for s, n, _ in reads)
    assert setup_violations(step.replace(lines[0], "", 1)) == []


def test_graph_script_checks_first_that_both_certificate_files_are_here() -> None:
    text = _script(SFB_HYBRID, Shell.GRAPH)
    needs, first_step = text.index("# Before anything runs"), text.index("Write-Host '[1/")
    assert needs < first_step
    block = text[needs:first_step]
    assert ("$met = [bool](Test-Path -LiteralPath (Join-Path -Path $env:SYSTEMDRIVE -ChildPath "
            "'OAuthConfig\\OAuthCert.cer'))") in block
    assert ("$met = [bool](Test-Path -LiteralPath (Join-Path -Path $env:SYSTEMDRIVE -ChildPath "
            "'OAuthConfig\\SfbOAuthTokenIssuer.cer'))") in block
    assert ("'the Exchange auth certificate file C:\\OAuthConfig\\OAuthCert.cer: run exchange-setup.ps1 on an "
            "Exchange server (it exports the file) and copy the file to the same path on this computer'") in block
    assert ("'the OAuthTokenIssuer certificate file C:\\OAuthConfig\\SfbOAuthTokenIssuer.cer: run sfb-setup.ps1 on "
            "a Front End server (it exports the file) and copy the file to the same path on this computer'") in block


def test_scenario_certificate_file_is_what_the_graph_script_checks_for() -> None:
    text = _script(("online", "", "server", "2015"), Shell.GRAPH, oauth_certificate="C:\\certs\\oauth.cer")
    assert "$met = [bool](Test-Path -LiteralPath 'C:\\certs\\oauth.cer')" in text
    assert "SfbOAuthTokenIssuer.cer" not in text


# ----- read-only steps -----

@pytest.mark.parametrize("topology", ALL_TOPOLOGIES, ids=topology_id)
def test_read_only_steps_are_marked_and_change_nothing(topology: tuple[str, str, str, str]) -> None:
    for step in _steps(topology):
        if step.id in READ_ONLY:
            assert step.read_only, step.id
        if step.read_only and step.command:
            wrapped = f"try {{\n{step.command}\n}} catch {{\n    Stop-IntegrationStep -Step 'x' -ErrorRecord $_\n}}\n"
            assert step_changes(wrapped) == [], step.id
        if not step.read_only:
            assert step.id not in READ_ONLY


def test_verify_mode_graph_script_holds_only_the_date_check_and_still_checks_for_the_file() -> None:
    text = _script(TEAMS, Shell.GRAPH, mode="verify")
    assert "Update-MgServicePrincipal" not in text and "Add-IntegrationRecord" not in text
    assert "[1/1] Check the uploaded key''s start and end dates" in text
    assert "-Scopes 'Application.Read.All'" in text
    assert "'OAuthConfig\\OAuthCert.cer'" in text.split("# Before anything runs", 1)[1]
    assert verify_violations(text) == []


def test_cloud_mailbox_test_deletes_the_item_it_writes() -> None:
    step = next(s for s in _steps(SFB_HYBRID) if s.id == "hybrid.exchange-online-mailbox-test")
    [(source, test, _)] = _commands(step.command, "Test-CsExStorageConnectivity")
    assert "-DeleteItem" in _text(source, test).split()
    assert step.read_only and "-DeleteItem deletes it again" in step.note


# ----- the structure rules, for this phase's steps in every topology -----

@pytest.mark.parametrize("organisation", ["contoso", "split"])
@pytest.mark.parametrize("topology", ALL_TOPOLOGIES, ids=topology_id)
def test_hybrid_steps_follow_the_safety_rules(topology: tuple[str, str, str, str], organisation: str) -> None:
    overrides = SPLIT_ORGANISATION if organisation == "split" else {}
    problems = []
    for mode in ("setup", "verify"):
        values = {**overrides, "mode": mode}
        shells = {s.shell for s in _steps(topology, **values)} - {Shell.BROWSER}
        for shell in shells:
            for undo in (False, True) if mode == "setup" else (False,):
                text = _script(topology, shell, undo=undo, **values)
                check = verify_violations if mode == "verify" else undo_violations if undo else setup_violations
                problems += [f"{mode} {shell.value} undo={undo}: {p}" for p in check(text)]
    assert not problems, "\n".join(problems)
