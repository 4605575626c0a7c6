"""The HTML and JSON reports: self-contained, complete, and everything from the wire escaped."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest

from wizard.playbook.build import build_playbook
from wizard.probes.result import Evidence, ProbeResult, Status
from wizard.report import render_report_html, render_report_json
from wizard.scenario import example_scenario
from wizard.topology import Phase

WHEN = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
EVIL = "<script>alert('x')</script>&\"'"


@pytest.fixture
def results() -> list[ProbeResult]:
    return [
        ProbeResult("dns.autodiscover", Phase.AUTODISCOVER, Status.PASS, "autodiscover.jdskype.net resolves",
                    detail="CNAME to exch.jdskype.net", target="autodiscover.jdskype.net", elapsed_ms=12.3),
        ProbeResult("oauth.url", Phase.OAUTH, Status.FAIL, "ExchangeAutodiscoverUrl ends in .xml",
                    detail=f"server said {EVIL}", remediation="Use autodiscover.svc",
                    evidence=(Evidence("body", f"<html>{EVIL}</html>"), Evidence("status", "404")),
                    target="https://autodiscover.jdskype.net/autodiscover/autodiscover.xml"),
        ProbeResult("metadata.sfb", Phase.PARTNER_APPLICATIONS, Status.WARN, "Pool metadata slow"),
        ProbeResult("tenant", Phase.HYBRID, Status.SKIP, "No tenant"),
        ProbeResult("tls.exchange", Phase.CERTIFICATES, Status.ERROR, "TLS handshake timed out"),
    ]


def test_html_report_is_self_contained(results):
    scenario = example_scenario()
    page = render_report_html(scenario, results, build_playbook(scenario), generated_at=WHEN)
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page
    assert not re.search(r"<(script|link|img|iframe)\b", page)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)


def test_html_report_escapes_everything_from_probes(results):
    scenario = example_scenario()
    page = render_report_html(scenario, results, build_playbook(scenario), generated_at=WHEN)
    assert "<script>" not in page and "<html>" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;&amp;&quot;&#x27;" in page


def test_html_report_has_scenario_features_results_by_phase_summary_and_commands(results):
    scenario = example_scenario()
    steps = build_playbook(scenario)
    page = render_report_html(scenario, results, steps, generated_at=WHEN)
    assert "2026-11-23T09:30:00+00:00" in page
    assert "fe.jdskype.net" in page and "Test user SIP address" in page
    assert "High-resolution Contact Photo" in page
    for result in results:
        assert f'id="{result.id}"' in page
        assert result.title in page
    assert "Use autodiscover.svc" in page and "404" in page
    order = [page.index(f"<h3>{p.title} (") for p in (Phase.CERTIFICATES, Phase.AUTODISCOVER, Phase.OAUTH,
                                                        Phase.PARTNER_APPLICATIONS, Phase.HYBRID)]
    assert order == sorted(order)
    assert re.search(r"status-fail\">fail</span> 1</td>", page)
    assert "total 5" in page
    for step in steps:
        assert f'id="{step.id}"' in page
    assert "Test-CsExStorageConnectivity -SipUri &#x27;sip:jeff@jdskype.net&#x27; -DeleteItem -Verbose" in page


def test_html_report_without_results_says_so():
    page = render_report_html(example_scenario(), [], generated_at=WHEN)
    assert "No checks have been run." in page


def test_json_report_carries_the_same_content(results):
    scenario = example_scenario()
    steps = build_playbook(scenario)
    doc = json.loads(render_report_json(scenario, results, steps, generated_at=WHEN))
    assert doc["schema"] == "sfb-exchange-wizard/report"
    assert doc["started_at"] == "2026-11-23T09:30:00+00:00" and doc["schema_version"] == 2
    assert doc["topology"] == "Exchange Server 2013 + Skype for Business Server 2015"
    assert doc["scenario"]["pool_fqdns"] == ["fe.jdskype.net"]
    assert doc["summary"] == {"pass": 1, "warn": 1, "fail": 1, "error": 1, "blocked": 0, "not-run": 0, "skip": 1}
    assert doc["verdict"] == "failed"
    assert [c["id"] for c in doc["root_causes"]] == [r.id for r in results if r.status.is_problem]
    assert [r["id"] for r in doc["results"]] == [r.id for r in results]
    assert doc["results"][1]["evidence"][0] == {"label": "body", "value": f"<html>{EVIL}</html>"}
    assert [s["id"] for s in doc["steps"]] == [s.id for s in steps]
    assert doc["steps"][0]["phase"] == "prerequisites" and doc["steps"][0]["shell"] == "exchange"
    assert len(doc["features"]) == 18  # table 000 + Cloud Voicemail; 002 does not cover SfB Server 2015


def test_reports_default_to_the_playbook_and_now():
    scenario = example_scenario()
    doc = json.loads(render_report_json(scenario, []))
    assert [s["id"] for s in doc["steps"]] == [s.id for s in build_playbook(scenario)]
    assert datetime.fromisoformat(doc["started_at"]).tzinfo is not None


def test_html_report_lists_the_verdict_and_root_causes_before_the_checks(results):
    scenario = example_scenario()
    blocked = ProbeResult("metadata.exchange", Phase.PARTNER_APPLICATIONS, Status.BLOCKED, "Exchange metadata",
                          detail="Not checked: blocked", blocked_by=("tls.exchange",))
    page = render_report_html(scenario, [*results, blocked], build_playbook(scenario), generated_at=WHEN)
    verdict, roots, checks = page.index("Verdict: Failed"), page.index("Root causes (2)"), page.index("<h2>Checks")
    assert verdict < roots < checks
    section = page[roots:checks]
    assert "It kept 1 check from running" in section and "Exchange metadata" in section
