"""The December 2026 product model: versions, Teams instead of SfB Online, Exchange hybrid, old files."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from wizard.cli import main
from wizard.lifecycle import EXCHANGE_SUPPORT, SFB_SUPPORT, out_of_support, support_lines, support_warning
from wizard.scenario import SCHEMA, Scenario, ScenarioFileError
from wizard.topology import (
    ExchangeKind,
    ExchangeVersion,
    Phase,
    SfbKind,
    SfbVersion,
    Topology,
    all_topologies,
)

DEC_2026 = dt.date(2026, 12, 2)


def test_a_new_scenario_is_exchange_se_with_sfb_server_se():
    topology = Scenario().topology
    assert topology.exchange_version is ExchangeVersion.SE and topology.sfb_version is SfbVersion.SE
    assert not out_of_support(topology, DEC_2026)


def test_every_combination_is_modelled_once_and_has_a_label():
    topologies = all_topologies()
    assert len(topologies) == len(set(topologies)) == (5 + 5 + 1) * (4 + 4 + 1)  # server, hybrid, online / teams
    for t in topologies:
        assert "Online" not in t.sfb_name and "Skype for Business Online" not in t.label


def test_the_topology_refuses_a_version_where_nothing_is_on_premises():
    with pytest.raises(ValueError, match="Exchange online"):
        Topology(ExchangeKind.ONLINE, ExchangeVersion.SE, SfbKind.TEAMS, None)
    with pytest.raises(ValueError, match="SfB teams"):
        Topology(ExchangeKind.SERVER, ExchangeVersion.SE, SfbKind.TEAMS, SfbVersion.SE)


def test_exchange_hybrid_is_on_premises_and_online_and_needs_the_tenant():
    t = Topology(ExchangeKind.HYBRID, ExchangeVersion.SE, SfbKind.SERVER, SfbVersion.SE)
    assert t.exchange_on_prem and t.exchange_online_mailboxes and not t.exchange_online_only
    assert t.involves_tenant and t.applies(Phase.HYBRID) and t.applies(Phase.AUTODISCOVER)
    assert t.label == ("Exchange Server Subscription Edition (SE) hybrid with Exchange Online + Skype for Business "
                       "Server Subscription Edition (SE)")


def test_se_runs_the_commands_of_2019():
    se = Topology(ExchangeKind.SERVER, ExchangeVersion.SE, SfbKind.SERVER, SfbVersion.SE)
    assert se.exchange_2019_or_later and not se.exchange_has_um and se.uses_client_access_service


def test_sfb_with_teams_names_teams_not_the_retired_online_service():
    hybrid = Topology(ExchangeKind.SERVER, ExchangeVersion.V2019, SfbKind.HYBRID, SfbVersion.V2015)
    teams = Topology(ExchangeKind.ONLINE, None, SfbKind.TEAMS, None)
    assert hybrid.sfb_name == "Skype for Business Server 2015 hybrid with Microsoft Teams"
    assert teams.label == "Exchange Online + Microsoft Teams" and teams.teams_users and not teams.sfb_on_prem


@pytest.mark.parametrize(("version", "end"), [
    (ExchangeVersion.V2010, dt.date(2020, 10, 13)), (ExchangeVersion.V2013, dt.date(2023, 4, 11)),
    (ExchangeVersion.V2016, dt.date(2025, 10, 14)), (ExchangeVersion.V2019, dt.date(2025, 10, 14)),
    (ExchangeVersion.SE, None)])
def test_exchange_end_of_support_dates(version, end):
    assert EXCHANGE_SUPPORT[version].end == end


@pytest.mark.parametrize(("version", "end"), [
    (SfbVersion.V2013, dt.date(2023, 4, 11)), (SfbVersion.V2015, dt.date(2025, 10, 14)),
    (SfbVersion.V2019, dt.date(2025, 10, 14)), (SfbVersion.SE, None)])
def test_sfb_end_of_support_dates(version, end):
    assert SFB_SUPPORT[version].end == end


def test_support_is_judged_on_the_day_asked():
    t = Topology(ExchangeKind.SERVER, ExchangeVersion.V2016, SfbKind.SERVER, SfbVersion.V2015)
    assert out_of_support(t, dt.date(2025, 10, 14)) == []  # the last day of support
    assert [s.product for s in out_of_support(t, dt.date(2025, 10, 15))] == [
        "Exchange Server 2016", "Skype for Business Server 2015"]
    assert support_lines(t, dt.date(2025, 1, 1))[0] == "Exchange Server 2016: supported until 14 October 2025."
    warning = support_warning(t, DEC_2026)
    assert "Exchange Server 2016 (since 14 October 2025) and Skype for Business Server 2015" in warning
    assert support_warning(Scenario().topology, DEC_2026) == ""


def test_teams_only_says_when_skype_for_business_online_was_retired():
    lines = support_lines(Topology(ExchangeKind.SERVER, ExchangeVersion.SE, SfbKind.TEAMS, None), DEC_2026)
    assert any("retired on 31 July 2021" in line for line in lines)


def _v1_file(tmp_path, body):
    path = tmp_path / "old.json"
    path.write_text(json.dumps({"schema": SCHEMA, "schema_version": 1, "scenario": body}), encoding="utf-8")
    return path


def test_a_version_1_file_with_sfb_online_opens_as_teams_with_its_old_default_versions(tmp_path):
    scenario = Scenario.load(_v1_file(tmp_path, {"exchange": "server", "sfb": "online"}))
    assert scenario.sfb == "teams" and scenario.exchange_version == "2016"
    assert scenario.topology.label == "Exchange Server 2016 + Microsoft Teams"
    again = Scenario.from_json(scenario.to_json())
    assert json.loads(scenario.to_json())["schema_version"] == 3 and again.to_dict() == scenario.to_dict()


def test_setting_the_old_name_online_stores_teams():
    scenario = Scenario()
    assert scenario.set("sfb", "Online") is None and scenario.sfb == "teams"


def test_a_file_with_an_unknown_product_is_refused(tmp_path):
    with pytest.raises(ScenarioFileError, match="unknown setting"):
        Scenario.load(_v1_file(tmp_path, {"lync": "online"}))


def test_the_cli_reads_sfb_online_as_teams_and_names_the_new_versions(tmp_path, capsys):
    out = tmp_path / "bundle"
    code = main(["export", "--sfb", "online", "--exchange-version", "se", "--sip-domain", "fabrikam.com",
                 "--smtp-domain", "fabrikam.com", "--exchange-fqdn", "mail.fabrikam.com",
                 "--dc-fqdn", "dc1.fabrikam.com", "--tenant-domain", "fabrikam.onmicrosoft.com", "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    assert "Exchange Server Subscription Edition (SE) + Microsoft Teams" in capsys.readouterr().out


def test_the_cli_refuses_an_unknown_version_in_one_line(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["export", "--exchange-version", "2022", "--out", "x"])
    assert exit_info.value.code == 2
    assert "invalid choice: '2022'" in capsys.readouterr().err


def _valid_scenario() -> Scenario:
    scenario = Scenario()
    assert not scenario.update({"exchange": "hybrid", "sfb": "hybrid", "sip_domains": ["fabrikam.com", "Fabrikam.NET"],
                                "smtp_domain": "fabrikam.com",
                                "exchange_fqdns": ["ex1.fabrikam.com", "ex2.fabrikam.com"],
                                "exchange_lb_fqdn": "mail.fabrikam.com",
                                "pool_fqdns": ["pool1.fabrikam.com"], "tenant_domain": "fabrikam.onmicrosoft.com"})
    return scenario


def test_a_settled_scenario_is_frozen_typed_and_derives_what_the_form_derives():
    scenario = _valid_scenario()
    settled = scenario.settle()
    assert settled.topology == scenario.topology and settled.mode.value == "setup"
    assert settled.sip_domains == ("fabrikam.com", "fabrikam.net") and isinstance(settled.exchange_fqdns, tuple)
    for name in ("effective_autodiscover_fqdn", "effective_realm", "oauth_autodiscover_url", "exchange_metadata_url",
                 "sfb_metadata_urls", "sfb_issuer", "exchange_issuer", "autodiscover_internal_uri"):
        assert getattr(settled, name) == getattr(scenario, name), name
    assert settled.all_fqdns() == scenario.all_fqdns()
    with pytest.raises(AttributeError):
        settled.smtp_domain = "contoso.com"  # type: ignore[misc]


def test_an_invalid_scenario_cannot_be_settled():
    scenario = _valid_scenario()
    scenario.set("pool_fqdns", [])
    with pytest.raises(ValueError, match="Front End pool FQDN"):
        scenario.settle()


def test_an_exchange_hybrid_keeps_the_on_premises_autodiscover_for_sfb():
    settled = _valid_scenario().settle()
    assert settled.oauth_autodiscover_url == "https://autodiscover.fabrikam.com/autodiscover/autodiscover.svc"


def test_a_settled_scenario_lists_the_values_a_file_holds_without_versions_that_do_not_apply():
    scenario = _valid_scenario()
    scenario.update({"sfb": "teams", "dc_fqdn": "dc01.fabrikam.com"})
    values = scenario.settle().to_dict()
    assert set(values) == set(scenario.to_dict()) and values["sfb_version"] == "" and values["sfb"] == "teams"
    assert values["sip_domains"] == ["fabrikam.com", "fabrikam.net"]


def test_the_demo_refuses_scenario_values_it_would_silently_ignore(capsys):
    assert main(["verify", "--demo", "--exchange-version", "2016", "--sfb-version", "2015"]) == 2
    err = capsys.readouterr().err
    assert "leave out --exchange-version, --sfb-version" in err and len(err.strip().splitlines()) == 1
