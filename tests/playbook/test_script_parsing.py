"""Every generated script (setup and undo, every shell, every topology) parses cleanly with
tree-sitter-powershell and runs exactly the expected commands, in order.

The expected commands are written out per step in expected_commands.py; the step order per topology
is pinned in test_playbook_build.py.
"""

from __future__ import annotations

import pytest
from expected_commands import expected_script
from playbook_scenarios import TOPOLOGIES, scenario_for, topology_id
from pwsh import command_names, parse, step_command_names

from wizard.playbook.build import build_playbook
from wizard.playbook.export import SCRIPT_SHELLS, render_script
from wizard.playbook.step import Shell


@pytest.mark.parametrize("undo", [False, True], ids=["setup", "undo"])
@pytest.mark.parametrize("topology", TOPOLOGIES, ids=topology_id)
def test_every_script_parses_and_runs_exactly_the_expected_commands(topology, undo):
    scenario = scenario_for(topology)
    steps = build_playbook(scenario)
    shells = [shell for shell in SCRIPT_SHELLS if any(s.shell is shell for s in steps)]
    assert shells, "every topology has at least one script"
    for shell in shells:
        script = render_script(scenario, shell, steps, undo=undo)
        assert step_command_names(script) == expected_script(steps, scenario, shell, undo=undo), (shell, undo)


@pytest.mark.parametrize("topology", TOPOLOGIES, ids=topology_id)
def test_every_step_command_parses_on_its_own(topology):
    """The GUI copies single steps: each command and undo must parse without its neighbours."""
    for step in build_playbook(scenario_for(topology)):
        for text in (step.command, step.undo):
            if text:
                parsed = parse(text)
                assert parsed.ok, (step.id, parsed.errors)


def test_scripts_with_several_servers_and_domains_parse():
    scenario = scenario_for(("server", "2016", "hybrid", "2015"), sip_domains=["contoso.com", "fabrikam.com"],
                            exchange_fqdns=["exch01.contoso.com", "exch02.contoso.com", "exch03.contoso.com"],
                            exchange_lb_fqdn="mail.contoso.com",
                            pool_fqdns=["pool01.contoso.com", "pool02.contoso.com"], sfb_site="Redmond Site",
                            oauth_certificate_thumbprint="AB" * 20, oauth_realm="fabrikam.com",
                            oauth_certificate="C:\\Certs\\O’Brien oauth.cer")
    steps = build_playbook(scenario)
    for shell in SCRIPT_SHELLS:
        for undo in (False, True):
            parsed = parse(render_script(scenario, shell, steps, undo=undo))
            assert parsed.ok, parsed.errors
    for shell in SCRIPT_SHELLS:
        for undo in (False, True):
            assert step_command_names(render_script(scenario, shell, steps, undo=undo)) == expected_script(
                steps, scenario, shell, undo=undo)
    sfb = command_names(render_script(scenario, Shell.SFB, steps))
    assert sfb.count("New-CsTrustedApplicationComputer") == 2
    graph = parse(render_script(scenario, Shell.GRAPH, steps))
    assert "C:\\Certs\\O’Brien oauth.cer" in graph.strings


def test_browser_steps_are_not_a_script():
    scenario = scenario_for(("online", "", "online", ""))
    with pytest.raises(ValueError, match="not a script"):
        render_script(scenario, Shell.BROWSER, build_playbook(scenario))
