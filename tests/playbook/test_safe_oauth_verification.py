"""The OAuth and verification steps are safe on a production organisation (read from the generated scripts).

Each test would have caught one defect of the earlier scripts: undo set the OAuth realm to the default SIP
domain and the autodiscover URL to $null whatever they were before; an existing microsoft.sts of another
tenant was left in place (or removed by undo although setup never created it); the storage test lacked
-DeleteItem, failed with code=5 when the sign-in's token lacked RTCUniversalUserAdmins, and nothing said
that Exchange must trust Skype for Business first; the read-only steps were not marked read-only.
"""

from __future__ import annotations

from typing import Any

import pytest
from tree_sitter import Node

from tests.playbook.playbook_scenarios import scenario_for
from tests.pwsh import _parser, parse
from tests.script_safety import record_loop, step_changes, step_text
from wizard.playbook.build import build_playbook
from wizard.playbook.export import bundle_files, exported_steps, render_script
from wizard.playbook.step import Shell, Step
from wizard.topology import Phase

SERVER = ("server", "2019", "server", "2019")
HYBRID = ("hybrid", "se", "server", "se")
EXCHANGE_ONLINE = ("online", "", "server", "2019")
EXCHANGE_2010 = ("server", "2010", "server", "2015")
OUR_STS = "https://accounts.accesscontrol.windows.net/3a1c9b2e-5d4f-4e6a-8b7c-0d9e8f7a6b5c/metadata/json/1"
CUSTOM_REALM: dict[str, Any] = {"sip_domains": ["contoso.com", "fabrikam.com"], "oauth_realm": "fabrikam.com"}


# ----- reading the scripts -----

def _script(topology: tuple[str, str, str, str], name: str, **overrides: Any) -> str:
    return bundle_files(scenario_for(topology, **overrides))[name].decode("utf-8-sig")



def _tree(text: str) -> tuple[bytes, Node]:
    source = text.encode("utf-8")
    return source, _parser().parse(source).root_node


def _text(source: bytes, node: Node) -> str:
    return source[node.start_byte:node.end_byte].decode("utf-8")


def _commands(text: str, name: str) -> list[tuple[bytes, Node]]:
    """Every command called `name`, in source order, with the parsed source."""
    source, root = _tree(text)
    found = []
    stack = [root]
    while stack:
        node = stack.pop()
        stack.extend(reversed(node.children))
        if node.type == "command":
            named = next((c for c in node.children if c.type == "command_name"), None)
            if named is not None and _text(source, named) == name:
                found.append((source, node))
    return found


def _parameters(source: bytes, command: Node) -> dict[str, str]:
    """-Name -> the argument after it ('' for a switch)."""
    elements = next(c for c in command.children if c.type == "command_elements")
    parts = [c for c in elements.children if c.type != "command_argument_sep"]
    out: dict[str, str] = {}
    for index, part in enumerate(parts):
        if part.type == "command_parameter":
            following = parts[index + 1] if index + 1 < len(parts) else None
            value = "" if following is None or following.type == "command_parameter" else _text(source, following)
            out[_text(source, part)] = value
    return out


def _enclosing_ifs(source: bytes, node: Node) -> list[tuple[str, str]]:
    """(branch, condition) of each if statement around node, innermost first; branch is 'then' or 'else'."""
    found = []
    current = node
    while current.parent is not None:
        parent = current.parent
        if parent.type == "if_statement" and current.type == "statement_block":
            condition = next(c for c in parent.children if c.type == "pipeline")
            found.append(("then", _text(source, condition)))
        if parent.type == "else_clause" and parent.parent is not None:
            condition = next(c for c in parent.parent.children if c.type == "pipeline")
            found.append(("else", _text(source, condition)))
        current = parent
    return found



def _steps(topology: tuple[str, str, str, str], **overrides: Any) -> dict[str, Step]:
    return {s.id: s for s in build_playbook(scenario_for(topology, **overrides))}


# ----- the OAuth configuration: realm, autodiscover URL, service name -----

def test_realm_undo_restores_the_value_setup_recorded_not_the_default_sip_domain() -> None:
    undo = step_text(_script(SERVER, "sfb-undo.ps1", **CUSTOM_REALM), "Set the OAuth realm to fabrikam.com")
    assert parse(undo).ok
    assert "-Realm 'contoso.com'" not in undo, "the old undo set the realm to the default SIP domain"
    [(source, change)] = _commands(undo, "Set-CsOAuthConfiguration")
    assert _parameters(source, change) == {"-Identity": "global", "-Realm": "$value", "-ErrorAction": "Stop"}
    assert record_loop(source, change) == (
        "@(Get-IntegrationRecord -Step 'oauth.realm' -Type 'CsOAuthConfiguration.Realm')")
    lines = [line.strip() for line in undo.splitlines()]
    # the value set back is the recorded prior one, cleared when it was empty, and only while setup's value holds
    assert lines.index("$value = $entry.prior.Realm") < lines.index("if (-not $value) { $value = $null }") < \
        lines.index("Set-CsOAuthConfiguration -Identity global -Realm $value -ErrorAction Stop")
    assert "if ($current -ne $entry.identity.Value) {" in lines
    assert "Complete-IntegrationRecord -Entry $entry -Outcome 'left alone'" in lines


def test_realm_setup_reads_the_prior_value_guards_on_it_and_records_it() -> None:
    setup = step_text(_script(SERVER, "sfb-setup.ps1", **CUSTOM_REALM), "Set the OAuth realm to fabrikam.com")
    lines = [line.strip() for line in setup.splitlines()]
    assert "$prior = [string](Get-CsOAuthConfiguration -Identity global -ErrorAction Stop).Realm" in lines
    [(source, change)] = _commands(setup, "Set-CsOAuthConfiguration")
    assert _parameters(source, change) == {"-Identity": "global", "-Realm": "'fabrikam.com'", "-ErrorAction": "Stop"}
    assert _enclosing_ifs(source, change)[0] == ("then", "$prior -ne 'fabrikam.com'")
    assert ("Add-IntegrationRecord -Step 'oauth.realm' -Type 'CsOAuthConfiguration.Realm' -Action 'changed' "
            "-Identity @{ Identity = 'global'; Value = 'fabrikam.com' } -Prior @{ Realm = $prior }") in lines
    [change_info] = step_changes(setup)
    assert change_info.guarded and change_info.recorded and change_info.stops


@pytest.mark.parametrize(("topology", "title", "setting"), [
    (SERVER, "Tell Skype for Business where Exchange autodiscover is", "ExchangeAutodiscoverUrl"),
    (HYBRID, "Set the OAuth service name", "ServiceName"),
])
def test_every_oauth_setting_is_undone_from_its_recorded_prior_value(topology: tuple[str, str, str, str],
                                                                      title: str, setting: str) -> None:
    undo = step_text(_script(topology, "sfb-undo.ps1"), title)
    assert f"-{setting} $null" not in undo, "the old undo cleared the URL whatever it was before"
    [(source, change)] = _commands(undo, "Set-CsOAuthConfiguration")
    assert _parameters(source, change)[f"-{setting}"] == "$value"
    assert f"-Type 'CsOAuthConfiguration.{setting}'" in record_loop(source, change)
    assert f"$value = $entry.prior.{setting}" in undo
    setup = step_text(_script(topology, "sfb-setup.ps1"), title)
    assert f"-Prior @{{ {setting} = $prior }}" in setup


# ----- microsoft.sts -----

def test_microsoft_sts_of_another_tenant_is_repointed_with_a_warning_and_the_old_url_recorded() -> None:
    setup = step_text(_script(HYBRID, "sfb-setup.ps1"), "Trust the Microsoft online token service")
    assert parse(setup).ok
    [(source, repoint)] = _commands(setup, "Set-CsOAuthServer")
    assert _parameters(source, repoint) == {"-Identity": "microsoft.sts", "-MetadataUrl": f"'{OUR_STS}'",
                                            "-ErrorAction": "Stop"}
    assert _enclosing_ifs(source, repoint)[0] == ("then", "$sts -and -not $sameTenant")
    lines = [line.strip() for line in setup.splitlines()]
    # the prior URL is read before anything changes, the warning shows it, the record keeps it (shared)
    prior = lines.index("$prior = [string]$sts.MetadataUrl")
    warning = next(i for i, line in enumerate(lines) if line.startswith("Write-Warning ("))
    assert "another tenant''s token service: ' + $prior + '" in lines[warning]
    record = lines.index(
        "Add-IntegrationRecord -Step 'oauth.microsoft-sts' -Type 'CsOAuthServer.MetadataUrl' -Action 'changed' "
        f"-Identity @{{ Identity = 'microsoft.sts'; Value = '{OUR_STS}' }} -Prior @{{ MetadataUrl = $prior }} "
        "-Shared")
    change = next(i for i, line in enumerate(lines) if line.startswith("Set-CsOAuthServer"))
    read_back = next(i for i, line in enumerate(lines) if line.startswith("if (-not ([string](Get-CsOAuthServer"))
    assert prior < warning < change < read_back < record
    # the same tenant under another name (its domain instead of its ID) is recognised, not re-pointed
    assert ("$sameTenant = @('3a1c9b2e-5d4f-4e6a-8b7c-0d9e8f7a6b5c', 'contoso.onmicrosoft.com') -contains "
            "$Matches[1]") in lines
    assert "$sameTenant = $ourTenant -and $priorTenant -eq $ourTenant" in lines


def test_microsoft_sts_is_created_only_when_missing_recorded_as_shared_and_read_back() -> None:
    setup = step_text(_script(HYBRID, "sfb-setup.ps1"), "Trust the Microsoft online token service")
    [(source, create)] = _commands(setup, "New-CsOAuthServer")
    assert _enclosing_ifs(source, create)[0] == ("then", "-not $sts")
    assert "-ErrorAction" in _parameters(source, create)
    lines = [line.strip() for line in setup.splitlines()]
    assert ("Add-IntegrationRecord -Step 'oauth.microsoft-sts' -Type 'CsOAuthServer' -Action 'created' "
            f"-Identity @{{ Identity = 'microsoft.sts'; MetadataUrl = '{OUR_STS}' }} -Shared") in lines
    assert any(line.startswith("if (-not (Get-CsOAuthServer -Identity microsoft.sts -ErrorAction SilentlyContinue)) "
                               "{ throw ") for line in lines), "read back after the creation"
    assert "Write-Host 'microsoft.sts exists already: not created, not recorded.'" in lines


def test_microsoft_sts_undo_reverts_only_recorded_entries_and_restores_the_old_url() -> None:
    undo = step_text(_script(HYBRID, "sfb-undo.ps1"), "Trust the Microsoft online token service")
    [(source, remove)] = _commands(undo, "Remove-CsOAuthServer")
    assert record_loop(source, remove) == "@(Get-IntegrationRecord -Step 'oauth.microsoft-sts' -Type 'CsOAuthServer')"
    [(source, restore)] = _commands(undo, "Set-CsOAuthServer")
    assert record_loop(source, restore) == (
        "@(Get-IntegrationRecord -Step 'oauth.microsoft-sts' -Type 'CsOAuthServer.MetadataUrl')")
    assert _parameters(source, restore)["-MetadataUrl"] == "$value"
    assert "$value = [string]$entry.prior.MetadataUrl" in undo
    changes = step_changes(undo)
    assert [c.name for c in changes] == ["Set-CsOAuthServer", "Remove-CsOAuthServer"]
    assert all(change.via_record and change.stops for change in changes)


# ----- read-only steps -----

def test_the_steps_that_only_read_are_read_only_and_the_changing_ones_are_not() -> None:
    read_only = {"oauth.exchange-online-oauth", "oauth.exchange-2010-no-oauth", "verification.exchange-storage",
                 "verification.exchange-partner-applications", "verification.owa-im-events",
                 "verification.sfb-online-features", "verification.online-features"}
    changing = {"oauth.exchange-autodiscover-url", "oauth.realm", "oauth.microsoft-sts", "oauth.service-name"}
    seen: dict[str, bool] = {}
    for topology in (SERVER, HYBRID, EXCHANGE_ONLINE, EXCHANGE_2010, ("server", "2019", "online", ""),
                     ("server", "2019", "teams", ""), ("server", "2019", "hybrid", "2019"),
                     ("online", "", "teams", "")):
        for step in _steps(topology, **CUSTOM_REALM).values():
            if step.phase in (Phase.OAUTH, Phase.VERIFICATION) and not step.id.startswith("oauth.owa-"):
                seen[step.id] = step.read_only
    assert set(seen) == read_only | changing
    assert {i for i, flag in seen.items() if flag} == read_only


def test_verify_mode_exports_the_storage_test_with_delete_item() -> None:
    steps = exported_steps(scenario_for(SERVER, mode="verify"))
    assert "verification.exchange-storage" in {s.id for s in steps}
    verify = _script(SERVER, "sfb-verify.ps1", mode="verify")
    [(source, test)] = _commands(verify, "Test-CsExStorageConnectivity")
    assert "-DeleteItem" in _parameters(source, test)


# ----- the storage test -----

def test_storage_test_deletes_its_item_and_names_the_test_user() -> None:
    step = step_text(_script(SERVER, "sfb-setup.ps1"), "Test Skype for Business's access to")
    [(source, test)] = _commands(step, "Test-CsExStorageConnectivity")
    parameters = _parameters(source, test)
    assert parameters["-SipUri"] == "'sip:kenmyer@contoso.com'"
    assert "-DeleteItem" in parameters, "the text said the item is deleted, the command lacked -DeleteItem"
    assert not _commands(step, "Read-Host"), "a test user is known: no prompt"


def test_storage_test_asks_for_a_user_only_without_a_test_user() -> None:
    step = step_text(_script(SERVER, "sfb-setup.ps1", test_sip_uri=""), "Test Skype for Business's access to")
    [(source, test)] = _commands(step, "Test-CsExStorageConnectivity")
    parameters = _parameters(source, test)
    assert parameters["-SipUri"].startswith("(Read-Host -Prompt ")
    assert "-DeleteItem" in parameters


def test_the_token_check_precedes_the_storage_test_and_skips_it_with_a_way_out() -> None:
    step = step_text(_script(SERVER, "sfb-setup.ps1"), "Test Skype for Business's access to")
    assert parse(step).ok
    lines = [line.strip() for line in step.splitlines()]
    check = next(i for i, line in enumerate(lines) if line.startswith("$rtcAdmins = [bool]("))
    test = next(i for i, line in enumerate(lines) if line.startswith("Test-CsExStorageConnectivity"))
    assert check < test
    assert "[System.Security.Principal.WindowsIdentity]::GetCurrent().Groups" in lines[check]
    assert "$_ -like '*\\RTCUniversalUserAdmins'" in step
    [(source, node)] = _commands(step, "Test-CsExStorageConnectivity")
    assert _enclosing_ifs(source, node)[0] == ("then", "$rtcAdmins")
    [(source, warning)] = _commands(step, "Write-Warning")
    assert _enclosing_ifs(source, warning)[0] == ("else", "$rtcAdmins")
    message = _text(source, warning)
    assert "sign out and in again" in message
    assert "Add-ADGroupMember -Identity RTCUniversalUserAdmins -Members ' + $env:USERNAME" in message
    assert "code=5" in message


def test_storage_note_explains_50043_and_code_5() -> None:
    note = _steps(SERVER)["verification.exchange-storage"].note
    assert "code=50043: no Microsoft document explains this code" in note
    assert "code=5: the account running the test is not in RTCUniversalUserAdmins" in note
    assert "Group membership counts only from the next sign-in" in note
    assert "-DeleteItem" in note


# ----- what the SfB script needs from Exchange -----

def _needs_block(script: str) -> str:
    lines = script.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("# Before anything runs"))
    first_step = next(i for i, line in enumerate(lines) if line.startswith("Write-Host '[1/"))
    return "\n".join(lines[start:first_step])


@pytest.mark.parametrize("topology", [SERVER, HYBRID, ("hybrid", "2016", "hybrid", "2015")])
def test_sfb_script_first_checks_that_exchange_answers_and_names_exchange_setup(
        topology: tuple[str, str, str, str]) -> None:
    script = _script(topology, "sfb-setup.ps1")
    block = _needs_block(script)
    assert parse(block).ok
    [(source, fetch)] = _commands(block, "Invoke-WebRequest")
    assert _parameters(source, fetch) == {
        "-UseBasicParsing": "", "-Uri": "'https://autodiscover.contoso.com/autodiscover/metadata/json/1'",
        "-ErrorAction": "Stop"}
    assert any(s.startswith("Exchange's auth metadata document") and
               "run exchange-setup.ps1 on an Exchange server first" in s for s in parse(block).strings)
    assert "exit 1" in block and "Nothing was changed." in block
    # before any step: the needs block sits above the first step's banner
    assert script.index("Invoke-WebRequest -UseBasicParsing") < script.index("Write-Host '[1/")


@pytest.mark.parametrize("topology", [EXCHANGE_ONLINE, EXCHANGE_2010])
def test_no_exchange_need_without_exchange_server_oauth(topology: tuple[str, str, str, str]) -> None:
    script = _script(topology, "sfb-setup.ps1")
    assert "Exchange's auth metadata document" not in script.replace("''", "'")


def test_verify_mode_names_the_exchange_verify_script() -> None:
    block = _needs_block(_script(SERVER, "sfb-verify.ps1", mode="verify"))
    assert any("run exchange-verify.ps1 on an Exchange server first" in s for s in parse(block).strings)


# ----- a pool migrated or retired -----

def test_pool_move_advice_names_the_commands_and_says_what_it_rests_on() -> None:
    steps = _steps(SERVER)
    note = steps["verification.exchange-storage"].note
    assert "migrated or retired" in note
    assert "Set-PartnerApplication -Identity <name> -AuthMetadataUrl https://<new pool>/metadata/json/1" in note
    assert "Set-CsTrustedApplicationPool -Identity <trusted application pool> -Registrar <new pool>" in note
    assert "no Microsoft procedure for moving the integration with a pool was found" in note
    source = steps["verification.exchange-storage"].source
    assert '"Set-PartnerApplication"' in source and '"Set-CsTrustedApplicationPool"' in source
    assert "Set-PartnerApplication -Identity <name> -AuthMetadataUrl" in steps[
        "verification.exchange-partner-applications"].note
    exchange_2010 = _steps(EXCHANGE_2010)["verification.owa-im-events"].note
    assert "-Registrar <new pool>" in exchange_2010 and "Set-PartnerApplication" not in exchange_2010
    online = _steps(EXCHANGE_ONLINE)["verification.exchange-storage"].note
    assert "migrated or retired" not in online, "Exchange Online has no partner application to re-point"


def test_the_scripts_of_these_steps_parse() -> None:
    scenario = scenario_for(HYBRID, **CUSTOM_REALM)
    steps = build_playbook(scenario)
    for undo in (False, True):
        assert parse(render_script(scenario, Shell.SFB, steps, undo=undo)).ok
