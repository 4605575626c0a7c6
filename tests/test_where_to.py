"""Advice names where to change a setting both ways; the window shows only its own places, never a flag."""

from __future__ import annotations

import pytest

from wizard import where_to
from wizard.discovery.check import run_check
from wizard.discovery.query import parse_query
from wizard.lab import Lab
from wizard.probes.context import ProbeContext
from wizard.probes.decoder import catalogue
from wizard.probes.net.errors import proxy_auth_remediation, way_out_remediation
from wizard.probes.registry import probes_for
from wizard.probes.runner import run_probes
from wizard.where_to import CLI_FLAG, for_window, give, where


def test_the_command_line_reads_both_and_the_window_its_own_place():
    text = f"Ask another DNS server with {where_to.RESOLVER}."
    assert text == "Ask another DNS server with --nameserver (in the window: Tools > DNS resolver)."
    assert for_window(text) == "Ask another DNS server with Tools > DNS resolver."
    assert for_window("--nameserver alone was never registered") == "--nameserver alone was never registered"


def test_a_scenario_value_is_given_by_flag_or_on_its_page():
    assert give("exchange", "hybrid") == ("give --exchange hybrid (in the window: set Exchange to hybrid on the "
                                          "Start page)")
    assert for_window(give("tenant_domain")) == "set Tenant domain on the Hybrid / online page"
    assert for_window(give("test_sip_uri", "sip:user@domain")).endswith("on the Verification page")


def test_the_longest_registered_text_wins():
    short, long = where("--x", "A"), where("--x --y", "B")
    assert for_window(f"{long} and {short}") == "B and A"


def test_proxy_advice_in_the_window_names_no_flag():
    texts = [way_out_remediation("login.microsoftonline.com"),
             way_out_remediation("login.microsoftonline.com", proxy="http://p:8080", source="s", explicit=True),
             way_out_remediation("login.microsoftonline.com", proxy="http://p:8080", source="s", explicit=False),
             proxy_auth_remediation("http://p:8080", "NTLM", sent_credentials=False)]
    assert all(CLI_FLAG.search(t) for t in texts)  # the command line's words name the flags
    assert not [t for t in map(for_window, texts) if CLI_FLAG.search(t)]


def test_the_decoders_fixes_in_the_window_name_no_flag():
    shown = [for_window(f"{e.cause} {e.fix}") for e in catalogue()]
    assert not [t for t in shown if CLI_FLAG.search(t)]


@pytest.mark.parametrize(("faults", "topology"), [((), "teams"), (("no-internet-names",), "hybrid"),
                                                  (("dns-timeout",), "onprem"), (("unknown-tenant",), "hybrid")])
def test_no_check_or_discovery_text_in_the_window_names_a_flag(faults, topology):
    with Lab.start(faults, topology=topology) as lab:
        results = run_probes(probes_for(lab.scenario, login_base_url=lab.settings.login_base_url), lab.scenario,
                             ProbeContext(lab.settings))
        outcome = run_check(parse_query("adele@contoso.com"), lab.settings)
    texts = [f"{r.detail} {r.remediation}" for r in (*results, *outcome.run.results)] + list(outcome.run.notes)
    flagged = [t for t in map(for_window, texts) if CLI_FLAG.search(t)]
    assert not flagged, flagged[:3]
