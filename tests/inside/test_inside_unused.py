"""What analyze loaded but did not use is listed with the reason; the Graph checks run whenever graph.json names a
tenant; SfB's ClientAuthorizationOAuthServerIdentity is read and checked."""

from __future__ import annotations

import copy
import json
from datetime import timedelta

import jsonschema
import pytest

from inside import samples
from wizard.cli import main
from wizard.inside.analysis import analyze
from wizard.inside.collected import combine, parse_collected
from wizard.probes.result import Status
from wizard.resources import load_json

AS_OF = ["--as-of", samples.FIXED_NOW.isoformat()]
NOW = samples.FIXED_NOW
RULE = "inside.sfb-client-oauth-server"


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def _unused(capsys, tmp_path, docs, *extra) -> tuple[int, dict]:
    code, out, err = run(capsys, "analyze", *samples.write(docs, tmp_path / "c"), "--json", *AS_OF, *extra)
    assert code in (0, 1), err
    body = json.loads(out)
    jsonschema.Draft202012Validator(load_json("report.schema.json")).validate(body)
    return code, body


def _reasons(body: dict) -> dict[str, str]:
    return {f"{u['file'].rsplit('/', 1)[-1]}|{u['record']}": u["reason"] for u in body["unused"]}


def test_healthy_files_leave_nothing_unused(capsys, tmp_path) -> None:
    code, body = _unused(capsys, tmp_path, samples.healthy())
    assert code == 0 and body["unused"] == []


def test_a_file_of_an_unknown_collector_is_listed_and_the_rest_analysed(capsys, tmp_path) -> None:
    docs = samples.healthy() | {"sharepoint": {"collector": "sharepoint", "schema_version": 1}}
    code, body = _unused(capsys, tmp_path, docs)
    assert code == 0
    assert "unknown file: unknown collector 'sharepoint'" in _reasons(body)["sharepoint.json|"]
    code, _, err = run(capsys, "analyze", *samples.write({"sp": docs["sharepoint"]}, tmp_path / "only"))
    assert code == 2 and "none of the files is a collector output" in err


def test_an_older_file_of_the_same_front_end_is_superseded(capsys, tmp_path) -> None:
    docs = samples.healthy()
    older = copy.deepcopy(docs["sfb-fe01"])
    older["collected_at"] = samples.iso(NOW - timedelta(days=3))
    _, body = _unused(capsys, tmp_path, docs | {"sfb-fe01-old": older})
    reason = _reasons(body)["sfb-fe01-old.json|"]
    assert reason.startswith("superseded:") and "sfb-fe01.json was collected later on the same Front End" in reason


def test_a_file_for_a_product_not_in_the_scenario_is_listed(capsys, tmp_path) -> None:
    docs = samples.healthy() | {"exo": samples.exo_doc(NOW)}
    _, body = _unused(capsys, tmp_path, docs, "--exchange", "server")
    assert "a file for a product not in the scenario" in _reasons(body)["exo.json|"]
    assert "has no Exchange Online mailboxes" in _reasons(body)["exo.json|"]


def test_records_no_check_can_use_are_listed(capsys, tmp_path) -> None:
    docs = copy.deepcopy(samples.healthy())
    principal = next(p for p in docs["graph"]["service_principals"] if p["AppId"] == samples.SFB_ID)
    principal["KeyCredentials"].append({**principal["KeyCredentials"][0], "KeyId": "pw", "CustomKeyIdentifier": "AB"})
    for name in ("sfb-fe01", "sfb-fe02"):
        docs[name]["partner_applications"].append(
            {"Identity": "sharepoint", "Name": "sharepoint", "ApplicationIdentifier":
             "00000003-0000-0ff1-ce00-000000000000", "Enabled": True, "MetadataUrl": "", "AuthToken": "", "Realm": "",
             "ApplicationTrustLevel": "Full"})
    _, body = _unused(capsys, tmp_path, docs)
    reasons = _reasons(body)
    assert "CustomKeyIdentifier is not a SHA-1 thumbprint" in reasons["graph.json|Skype for Business Online key pw"]
    assert reasons["sfb-fe01.json|partner application sharepoint"].startswith("not part of this integration")


def test_the_text_report_lists_what_was_not_used(capsys, tmp_path) -> None:
    docs = samples.healthy() | {"sharepoint": {"collector": "sharepoint", "schema_version": 1}}
    _, out, _ = run(capsys, "analyze", *samples.write(docs, tmp_path / "c"), *AS_OF)
    assert "\nNot used\n" in out and "sharepoint.json: unknown file: unknown collector 'sharepoint'" in out


# ----------------------------------------------------------------------------------------------
# graph.json's checks run whenever it names a tenant
# ----------------------------------------------------------------------------------------------
def _analyse(docs, scenario):
    data = combine(parse_collected(json.dumps(d).encode(), source=f"{n}.json") for n, d in docs.items())
    return {f.id: f for f in analyze(data, scenario, now=NOW).findings}


def test_graph_checks_run_for_an_on_premises_scenario_when_graph_names_a_tenant() -> None:
    docs = copy.deepcopy(samples.healthy())
    on_prem = samples.scenario("server")
    found = _analyse(docs, on_prem)
    assert found["inside.tenant-service-principal-keys"].status is Status.PASS
    assert found["inside.exchange-ews-spns"].status is Status.PASS
    principal = next(p for p in docs["graph"]["service_principals"] if p["AppId"] == samples.SFB_ID)
    principal["KeyCredentials"] = [k for k in principal["KeyCredentials"]
                                   if k["CustomKeyIdentifier"] != samples.EXCHANGE_AUTH]
    keys = _analyse(docs, on_prem)["inside.tenant-service-principal-keys"]
    assert keys.status is Status.WARN  # the scenario does not call for it: a warning that says why
    assert "does not call for this check, but graph.json names tenant " + samples.TENANT_ID in keys.detail
    assert _analyse(docs, samples.scenario("hybrid"))["inside.tenant-service-principal-keys"].status is Status.FAIL


def test_without_graph_json_an_on_premises_scenario_has_no_tenant_checks() -> None:
    docs = samples.healthy(topology="server")
    found = _analyse(docs, samples.scenario("server"))
    assert not {"inside.tenant-service-principal-keys", "inside.exchange-ews-spns"} & set(found)


# ----------------------------------------------------------------------------------------------
# ClientAuthorizationOAuthServerIdentity
# ----------------------------------------------------------------------------------------------
EVOSTS = {"Identity": "evoSTS", "IssuerIdentifier": "sts.windows.net", "Realm": "", "Type": "AzureAD",
          "MetadataUrl": "https://login.windows.net/common/FederationMetadata/2007-06/FederationMetadata.xml"}
ADFS = {"Identity": "sts.contoso.com", "IssuerIdentifier": "", "Realm": "", "Type": "ADFS",
        "MetadataUrl": "https://sts.contoso.com/FederationMetadata/2007-06/FederationMetadata.xml"}


@pytest.mark.parametrize(("identity", "servers", "status", "words"), [
    ("", [], Status.PASS, "modern authentication is off"),
    ("", [EVOSTS], Status.WARN, "hybrid modern authentication is not turned on"),
    ("evoSTS", [EVOSTS], Status.PASS, "hybrid modern authentication is on"),
    ("evoSTS", [EVOSTS | {"MetadataUrl": "https://login.example.net/metadata.xml"}], Status.WARN,
     "Microsoft's procedure uses https://login.windows.net/common/FederationMetadata"),
    ("evoSTS", [], Status.WARN, "Get-CsOAuthServer lists no such server"),
    ("sts.contoso.com", [ADFS], Status.PASS, "an AD FS server"),
    ("sts.fabrikam.com", [ADFS], Status.WARN, "it lists: microsoft.sts, sts.contoso.com"),
])
def test_client_authorization_oauth_server_identity_is_checked(identity, servers, status, words) -> None:
    docs = copy.deepcopy(samples.healthy())
    for name in ("sfb-fe01", "sfb-fe02"):
        docs[name]["oauth_configuration"]["ClientAuthorizationOAuthServerIdentity"] = identity
        docs[name]["oauth_servers"] += copy.deepcopy(servers)
    result = _analyse(docs, samples.scenario("hybrid"))[RULE]
    assert result.status is status
    assert words in result.detail
    assert ("ClientAuthorizationOAuthServerIdentity", identity or "(empty)") in {(e.label, e.value)
                                                                                 for e in result.evidence}


def test_naming_the_server_to_server_oauth_server_for_clients_is_a_warning() -> None:
    docs = copy.deepcopy(samples.healthy())
    for name in ("sfb-fe01", "sfb-fe02"):
        docs[name]["oauth_configuration"]["ClientAuthorizationOAuthServerIdentity"] = "microsoft.sts"
    result = _analyse(docs, samples.scenario("hybrid"))[RULE]
    assert result.status is Status.WARN and "an OAuth server of type ACS" in result.detail
    turn_on = "Set-CsOAuthConfiguration -Identity global -ClientAuthorizationOAuthServerIdentity 'evoSTS'"
    assert turn_on in result.remediation
