"""Exchange builds name the product and its update, SE included; the judgement follows the topology."""

from __future__ import annotations

import pytest

from wizard.probes.exchange import judge_build
from wizard.probes.formats.exchange_build import parse_build
from wizard.probes.result import Status
from wizard.scenario import Scenario


@pytest.mark.parametrize(("build", "described"), [
    ("15.2.2562.17", "Exchange Server Subscription Edition (SE) RTM (build 15.2.2562.17)"),
    ("15.2.2562.37", "Exchange Server Subscription Edition (SE) RTM Feb26SU (build 15.2.2562.37)"),
    ("15.2.2700.5", "Exchange Server Subscription Edition (SE), an update newer than this wizard knows "
                    "(build 15.2.2700.5)"),
    ("15.2.1748.10", "Exchange Server 2019 CU15 (build 15.2.1748.10)"),
    ("15.2.1748.43", "Exchange Server 2019 CU15 Feb26SU (build 15.2.1748.43)"),
    ("15.1.2507.6", "Exchange Server 2016 CU23 (build 15.1.2507.6)"),
    ("15.1.225.42", "Exchange Server 2016 RTM (build 15.1.225.42)"),
    ("15.0.1497.2", "Exchange Server 2013 CU23 (build 15.0.1497.2)"),
    ("14.3.123.4", "Exchange Server 2010 SP3 (build 14.3.123.4)"),
    ("15.1.9999.1", "Exchange Server 2016, an update newer than this wizard knows (build 15.1.9999.1)"),
    ("15.2", "Exchange Server 2019 (build 15.2)"),
])
def test_builds_name_the_product_and_update(build, described):
    parsed = parse_build(build)
    assert parsed is not None and parsed.describe() == described


def _scenario(**values):
    scenario = Scenario()
    scenario.update(values)
    return scenario


def test_se_chosen_and_found_passes_without_an_out_of_support_note():
    finding = judge_build(parse_build("15.2.2562.37"), "mail.fabrikam.com", _scenario(exchange_version="se"))
    assert finding.status is Status.PASS and "out of support" not in finding.detail


def test_2019_chosen_for_an_se_server_is_a_warning_about_labels_not_commands():
    finding = judge_build(parse_build("15.2.2562.17"), "mail.fabrikam.com", _scenario(exchange_version="2019"))
    assert finding.status is Status.WARN and "commands are the same" in finding.detail
    assert "--exchange-version se" in finding.remediation


def test_2013_chosen_for_a_2019_server_fails():
    finding = judge_build(parse_build("15.2.1748.10"), "mail.fabrikam.com", _scenario(exchange_version="2013"))
    assert finding.status is Status.FAIL and "wrong version" in finding.detail


def test_an_out_of_support_server_passes_and_says_so():
    finding = judge_build(parse_build("15.1.2507.6"), "ex1.fabrikam.com", _scenario(exchange_version="2016"))
    assert finding.status is Status.PASS and "out of support since 14 October 2025" in finding.detail


def test_teams_needs_exchange_2016_cu3_or_later():
    old = judge_build(parse_build("15.1.466.34"), "ex1.fabrikam.com", _scenario(exchange_version="2016", sfb="teams"))
    assert old.status is Status.WARN and "CU3" in old.detail
    new = judge_build(parse_build("15.1.544.27"), "ex1.fabrikam.com", _scenario(exchange_version="2016", sfb="teams"))
    assert new.status is Status.PASS
