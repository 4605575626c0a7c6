"""analyze without a scenario file: the values the collected files name are used, each shown with its source;
given values win; every value still missing is named in one line (exit 2)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest

from inside import samples
from wizard.cli import main
from wizard.inside.collected import combine, parse_collected
from wizard.inside.infer import MissingValuesError, infer_scenario
from wizard.resources import load_json
from wizard.scenario import Scenario

AS_OF = ["--as-of", samples.FIXED_NOW.isoformat()]


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def _statuses(body: dict) -> list[tuple[str, str]]:
    return sorted((r["id"], r["status"]) for r in body["results"])


def _data(docs: samples.Docs):
    return combine(parse_collected(json.dumps(d).encode(), source=f"{n}.json") for n, d in docs.items())


def test_without_a_scenario_file_the_findings_are_those_of_the_full_scenario(capsys, tmp_path) -> None:
    paths = samples.write(samples.healthy(), tmp_path / "c")
    scenario = tmp_path / "scenario.json"
    samples.scenario("hybrid").save(scenario)
    code, out, err = run(capsys, "analyze", *paths, "--json", *AS_OF)
    assert code == 0, err
    inferred = json.loads(out)
    _, out, _ = run(capsys, "analyze", *paths, "--scenario", scenario, "--json", *AS_OF)
    assert _statuses(inferred) == _statuses(json.loads(out))
    jsonschema.Draft202012Validator(load_json("report.schema.json")).validate(inferred)
    found = {d["field"]: d for d in inferred["discovered"]}
    assert found["pool_fqdns"]["value"] == "pool01.contoso.com"
    assert found["pool_fqdns"]["source"].startswith("sfb-fe01.json, Get-CsPool")
    assert found["exchange_fqdns"]["value"] == "ex01.contoso.com, ex02.contoso.com"
    assert found["tenant_id"] == {"field": "tenant_id", "value": samples.TENANT_ID,
                                  "source": "graph.json, Get-MgContext TenantId"}
    assert found["sfb"]["value"] == "hybrid" and "microsoft.sts" in found["sfb"]["source"]
    assert any("Lync / SfB Server version" in n for n in inferred["notes"])


def test_the_text_report_says_where_each_value_came_from(capsys, tmp_path) -> None:
    code, out, _ = run(capsys, "analyze", *samples.write(samples.healthy(), tmp_path / "c"), *AS_OF)
    assert code == 0
    assert "\nScenario values\n" in out
    assert ("  Front End pool FQDN(s) pool01.contoso.com: from sfb-fe01.json, Get-CsPool (pools with the UserServer "
            "service)\n") in out
    assert "  Primary SMTP domain contoso.com: from exchange.json, Get-CASMailbox PrimarySmtpAddress\n" in out


def test_a_value_given_wins_and_is_shown_as_given(capsys, tmp_path) -> None:
    paths = samples.write(samples.healthy(), tmp_path / "c")
    code, out, _ = run(capsys, "analyze", *paths, "--pool-fqdn", "pool02.contoso.com", "--json", *AS_OF)
    body = json.loads(out)
    found = {d["field"]: d for d in body["discovered"]}
    assert found["pool_fqdns"] == {"field": "pool_fqdns", "value": "pool02.contoso.com",
                                   "source": "given on the command line"}
    partner = next(r for r in body["results"] if r["id"] == "inside.exchange-partner-sfb")
    assert partner["status"] == "warn" and "pool02.contoso.com" in partner["detail"]
    assert code == 0


def test_a_scenario_file_names_its_values_as_given(capsys, tmp_path) -> None:
    scenario = tmp_path / "mine.json"
    samples.scenario("hybrid").save(scenario)
    _, out, _ = run(capsys, "analyze", *samples.write(samples.healthy(), tmp_path / "c"), "--scenario", scenario,
                    "--json", *AS_OF)
    found = {d["field"]: d["source"] for d in json.loads(out)["discovered"]}
    assert found["pool_fqdns"] == "the scenario file mine.json"
    assert found["tenant_id"] == "the scenario file mine.json"


def test_every_missing_value_is_named_at_once(capsys, tmp_path) -> None:
    docs = samples.healthy()
    del docs["exchange"], docs["graph"]
    for name in ("sfb-fe01", "sfb-fe02"):
        docs[name]["oauth_configuration"]["Realm"] = ""
        docs[name]["oauth_servers"] = []
    code, out, err = run(capsys, "analyze", *samples.write(docs, tmp_path / "c"), *AS_OF)
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "--exchange (" in err and "--sip-domain (" in err
    assert err.index("--exchange (") < err.index("--sip-domain (")


def test_missing_values_are_required_for_the_inferred_topology() -> None:
    docs = copy.deepcopy(samples.healthy())
    docs["exchange"]["auth_servers"] = []  # the tenant domain was only in Get-AuthServer
    with pytest.raises(MissingValuesError) as caught:
        infer_scenario(_data(docs), Scenario(mode="verify"), {})
    assert set(caught.value.problems) == {"tenant_domain"}


def test_products_and_versions_come_from_the_files() -> None:
    docs = copy.deepcopy(samples.healthy(topology="exchange-hybrid"))
    for server in docs["exchange"]["exchange_servers"]:
        server["AdminDisplayVersion"] = "Version 15.2 (Build 2562.17)"
    inferred = infer_scenario(_data(docs), Scenario(mode="verify"), {})
    topology = inferred.scenario.topology
    assert (topology.exchange.value, topology.exchange_version, topology.sfb.value) == ("hybrid", "se", "hybrid")
    sources = {v.field: v.source for v in inferred.values}
    assert "exo.json" in sources["exchange"]
    assert sources["sfb_version"] == "sfb-fe01.json, Get-CsServerPatchVersion ComponentName"


def test_sfb_server_alone_and_teams_only() -> None:
    on_prem = infer_scenario(_data(samples.healthy(topology="server")), Scenario(mode="verify"), {}).scenario
    assert (on_prem.exchange, on_prem.sfb) == ("server", "server")
    docs = samples.healthy()
    del docs["sfb-fe01"], docs["sfb-fe02"]
    base = Scenario(mode="verify")
    assert not base.update({"sip_domains": ["contoso.com"], "dc_fqdn": "dc01.contoso.com"})
    teams_only = infer_scenario(_data(docs), base, {"sip_domains": "given on the command line",
                                                    "dc_fqdn": "given on the command line"}).scenario
    assert teams_only.sfb == "teams"


def test_an_inferred_value_that_is_not_valid_is_not_used_and_said_so() -> None:
    docs = copy.deepcopy(samples.healthy())
    for name in ("sfb-fe01", "sfb-fe02"):
        docs[name]["pools"][0]["Fqdn"] = "pool 01"
    with pytest.raises(MissingValuesError) as caught:
        infer_scenario(_data(docs), Scenario(mode="verify"), {})
    assert "pool_fqdns" in caught.value.problems


def test_collectors_out_with_files_writes_collectors_for_the_inferred_scenario(capsys, tmp_path: Path) -> None:
    code, out, _ = run(capsys, "analyze", *samples.write(samples.healthy(), tmp_path / "c"), *AS_OF,
                       "--collectors-out", tmp_path / "collect")
    assert code == 0 and "Collector scripts written to" in out
    assert (tmp_path / "collect" / "graph-collect.ps1").exists()
