"""One JSON dialect: real output of verify, the window's report and check's document against the schema file."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import pytest

from wizard.cli import main
from wizard.probes.result import Cause, Evidence, ProbeResult, Status
from wizard.probes.summary import Verdict
from wizard.report import report_document
from wizard.report_files import ReportFormatError, check_document, render, report_format
from wizard.resources import load_json
from wizard.run_document import DiscoveredValue, TargetRun, worst_verdict
from wizard.scenario import example_scenario
from wizard.topology import Phase

WHEN = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
SCHEMA = load_json("report.schema.json")


def validate(document: object) -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(document)


def _results() -> tuple[ProbeResult, ...]:
    return (ProbeResult("dns.autodiscover", Phase.AUTODISCOVER, Status.FAIL, "autodiscover resolves",
                        detail="NXDOMAIN", remediation="Create it", cause=Cause.FINDING,
                        evidence=(Evidence("127.77.0.10 thumbprint", "AB12"),)),
            ProbeResult("metadata.exchange", Phase.PARTNER_APPLICATIONS, Status.BLOCKED, "metadata",
                        cause=Cause.BLOCKED, blocked_by=("dns.autodiscover",)))


@pytest.mark.parametrize("argv", [["verify", "--demo", "--json"],
                                  ["verify", "--fault", "no-partner-app", "--json"],
                                  ["verify", "--fault", "missing-srv", "--json", "--phase", "autodiscover"]])
def test_verify_json_follows_the_schema(capsys, argv):
    main(argv)
    document = json.loads(capsys.readouterr().out)
    validate(document)
    assert document["schema_version"] == 2 and isinstance(document["duration_s"], float | int)


def test_window_report_follows_the_schema_and_evidence_is_pairs():
    document = report_document(example_scenario(), list(_results()), [], generated_at=WHEN)
    validate(document)
    assert document["command"] == "window" and document["verdict"] == "failed"
    assert document["results"][0]["evidence"] == [{"label": "127.77.0.10 thumbprint", "value": "AB12"}]
    assert document["root_causes"][0]["blocks"] == ["metadata.exchange"]


def test_check_of_several_addresses_carries_each_query():
    found = (DiscoveredValue("pool_fqdns", "pool01.contoso.com", "_sipinternaltls._tcp.contoso.com SRV"),)
    targets = [(example_scenario(), TargetRun(_results(), "adele@contoso.com", found, 1.5, ("no DC found",))),
               (example_scenario(), TargetRun((), "bob@fabrikam.com", (), 0.2))]
    document = check_document(targets, started_at=WHEN, duration_s=1.7)
    validate(document)
    assert [q["query"] for q in document["queries"]] == ["adele@contoso.com", "bob@fabrikam.com"]
    assert [q["verdict"] for q in document["queries"]] == ["failed", "not-checked"]
    assert document["verdict"] == "failed"
    assert {r["query"] for r in document["results"]} == {"adele@contoso.com"}
    assert document["discovered"][0] | {} == {"field": "pool_fqdns", "value": "pool01.contoso.com",
                                              "source": "_sipinternaltls._tcp.contoso.com SRV",
                                              "query": "adele@contoso.com"}


def test_a_document_that_breaks_the_dialect_is_refused_by_the_schema():
    document = report_document(example_scenario(), list(_results()), [], generated_at=WHEN)
    for broken in ({"verdict": "successful-with-warnings"}, {"schema_version": "2"},
                   {"results": [document["results"][0] | {"evidence": {"body": "x"}}]}):
        with pytest.raises(jsonschema.ValidationError):
            validate(document | broken)


def test_worst_verdict_orders_failed_first():
    assert worst_verdict([Verdict.SUCCESSFUL, Verdict.NOT_CHECKED, Verdict.WARNINGS]) is Verdict.NOT_CHECKED
    assert worst_verdict([Verdict.SUCCESSFUL, Verdict.FAILED]) is Verdict.FAILED
    assert worst_verdict([]) is Verdict.NOT_CHECKED


@pytest.mark.parametrize("name", ["r.json", "r.html", "r.HTM", "r.md"])
def test_the_output_format_follows_the_extension(name):
    text = render(Path(name), "verify", [(example_scenario(), TargetRun(_results()))], started_at=WHEN,
                  duration_s=1.0)
    kind = report_format(Path(name))
    if kind == "JSON":
        validate(json.loads(text))
    elif kind == "HTML":
        assert text.startswith("<!DOCTYPE html>") and "Verdict: Failed" in text
    else:
        assert text.startswith("# Integration report") and "## Verdict: Failed" in text
        assert "Kept 1 check from running: metadata" in text


def test_an_unknown_extension_is_refused():
    with pytest.raises(ReportFormatError, match=r"\.html, \.json, \.md"):
        report_format(Path("report.txt"))
