"""Every exported script, for every topology, follows the safety rules (tests/script_safety.py): in setup
each change is guarded, stops on failure and is recorded; undo changes only what the record lists;
verify-mode bundles change nothing. Also the multi-server, split SIP/SMTP organisation."""

from __future__ import annotations

from typing import Any

import pytest

from tests.playbook.playbook_scenarios import ALL_TOPOLOGIES, scenario_for, topology_id
from tests.pwsh import parse
from tests.script_safety import setup_violations, step_changes, undo_violations, verify_violations
from wizard.playbook.build import build_playbook
from wizard.playbook.export import bundle_files
from wizard.playbook.step import Shell

# Two Exchange servers behind a load balancer, two pools, SIP addresses in another domain than mail.
SPLIT_ORGANISATION: dict[str, Any] = {
    "sip_domains": ["contoso-sip.com", "contoso.com"], "smtp_domain": "contoso.com",
    "exchange_fqdns": ["exch01.contoso.com", "exch02.contoso.com"], "exchange_lb_fqdn": "mail.contoso.com",
    "pool_fqdns": ["pool01.contoso.com", "pool02.contoso.com"],
    "pool_external_web_fqdns": ["webext01.contoso.com", "webext02.contoso.com"],
    "test_sip_uri": "sip:ken.myer@contoso-sip.com", "test_mailbox": "kmyer@contoso.com",
}


def _scripts(files: dict[str, bytes]) -> dict[str, str]:
    return {name: data.decode("utf-8-sig") for name, data in files.items() if name.endswith(".ps1")}


@pytest.mark.parametrize("organisation", ["contoso", "split"])
@pytest.mark.parametrize("topology", ALL_TOPOLOGIES, ids=topology_id)
def test_setup_and_undo_scripts_follow_the_safety_rules(topology: tuple[str, str, str, str],
                                                        organisation: str) -> None:
    overrides = SPLIT_ORGANISATION if organisation == "split" else {}
    scripts = _scripts(bundle_files(scenario_for(topology, **overrides)))
    problems = []
    for name, text in scripts.items():
        parsed = parse(text)
        problems += [f"{name}: {e}" for e in parsed.errors]
        if name.endswith("-setup.ps1"):
            problems += [f"{name}: {p}" for p in setup_violations(text)]
        elif name.endswith("-undo.ps1"):
            problems += [f"{name}: {p}" for p in undo_violations(text)]
        elif name.endswith("-collect.ps1"):
            problems += [f"{name}: {p}" for p in verify_violations(text)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("topology", ALL_TOPOLOGIES, ids=topology_id)
def test_verify_mode_exports_only_read_only_scripts(topology: tuple[str, str, str, str]) -> None:
    scenario = scenario_for(topology, mode="verify")
    files = bundle_files(scenario)
    scripts = _scripts(files)
    assert not [n for n in scripts if n.endswith(("-setup.ps1", "-undo.ps1"))]
    read_only_shells = {s.shell for s in build_playbook(scenario) if s.read_only and s.shell is not Shell.BROWSER}
    assert {n for n in scripts if n.endswith("-verify.ps1")} == {f"{s.value}-verify.ps1" for s in read_only_shells}
    problems = [f"{name}: {p}" for name, text in scripts.items() for p in verify_violations(text)]
    assert not problems, "\n".join(problems)


def test_the_rules_catch_an_unguarded_unrecorded_change() -> None:
    """The checker itself: a bare change is reported four ways; a guarded, read-back, recorded one is not."""
    bad = ("try {\n    New-CsPartnerApplication -Identity 'x'\n} catch {\n"
           "    Stop-IntegrationStep -Step '1' -ErrorRecord $_\n}\n")
    assert len(setup_violations(bad)) == 4
    unread = ("try {\n    if (-not (Get-CsPartnerApplication -Identity 'x' -ErrorAction SilentlyContinue)) {\n"
              "        New-CsPartnerApplication -Identity 'x' -ErrorAction Stop\n"
              "        Add-IntegrationRecord -Step 's' -Type 't' -Action 'created' -Identity @{ Name = 'x' }\n"
              "    }\n} catch {\n    Stop-IntegrationStep -Step '1' -ErrorRecord $_\n}\n")
    assert [p.split(",")[0] for p in setup_violations(unread)] == ["created object not read back"]
    good = ("try {\n    if (-not (Get-CsPartnerApplication -Identity 'x' -ErrorAction SilentlyContinue)) {\n"
            "        New-CsPartnerApplication -Identity 'x' -ErrorAction Stop\n"
            "        if (-not (Get-CsPartnerApplication -Identity 'x')) { throw 'not there' }\n"
            "        Add-IntegrationRecord -Step 's' -Type 't' -Action 'created' -Identity @{ Name = 'x' }\n"
            "    }\n} catch {\n    Stop-IntegrationStep -Step '1' -ErrorRecord $_\n}\n")
    assert setup_violations(good) == []
    assert [c.name for c in step_changes(good)] == ["New-CsPartnerApplication"]
    undo = ("try {\n    Remove-CsPartnerApplication -Identity 'x' -ErrorAction Stop\n} catch {\n"
            "    Stop-IntegrationStep -Step '1' -ErrorRecord $_\n}\n")
    assert len(undo_violations(undo)) == 1
    native = ("try {\n    if ($IntegrationIisResetNeeded) {\n        iisreset /noforce\n    }\n} catch {\n"
              "    Stop-IntegrationStep -Step '1' -ErrorRecord $_\n}\n")
    assert [p.split(",")[0] for p in setup_violations(native)] == ["change that does not stop on failure"]
