"""Reports show outside text as data: HTML gets no tag from it, Markdown no formatting or extra column,
and neither (nor the JSON report) keeps a control, bidi or zero-width character."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from html.parser import HTMLParser

from hostile_text import ENCODABLE, HOSTILE, hidden_in
from hypothesis import HealthCheck, given, settings
from markdown_it import MarkdownIt

from wizard.playbook.build import build_playbook
from wizard.playbook.runbook import render_runbook_markdown
from wizard.probes.result import Evidence, ProbeResult, Status, Subject, SubjectKind
from wizard.report import render_report_html, render_report_json
from wizard.safe_text import clean_block, clean_line
from wizard.scenario import example_scenario
from wizard.topology import Phase

WHEN = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
SCENARIO = example_scenario()
STEPS = build_playbook(SCENARIO)
# Every tag the report itself writes; anything else would have come from outside text.
OWN_TAGS = {"html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "p", "div", "span", "table", "tr",
            "th", "td", "pre", "b", "code", "ul", "li", "details", "summary"}


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _result(text: str) -> ProbeResult:
    return ProbeResult("oauth.realm", Phase.OAUTH, Status.FAIL, f"Realm {text}", detail=f"The server said {text}",
                       remediation=f"Set-CsOAuthConfiguration {text}", target=f"https://{text}/",
                       evidence=(Evidence(f"header {text}", f"<html>{text}</html>\nline 2"),),
                       tags=(f"pool:{text}",), subjects=(Subject(SubjectKind.HOST, text),))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(HOSTILE)
def test_html_report_has_no_tag_and_no_hidden_character_from_outside(text: str) -> None:
    page = render_report_html(SCENARIO, [_result(text)], STEPS, generated_at=WHEN)
    parser = _Page()
    parser.feed(page)
    assert parser.tags <= OWN_TAGS, parser.tags - OWN_TAGS
    assert hidden_in(page, allowed="\n\t") == []
    assert not re.search(r"<(?!/?[a-z0-9]+[ >])|<(?:script|img|a|iframe)\b", page.split("<body>", 1)[1])
    shown = _folded("".join(parser.text))
    assert _folded(clean_line(f"Realm {text}")) in shown  # the title reads as received, minus what was hidden
    assert _folded(clean_block(f"<html>{text}</html>\nline 2")) in shown


def _folded(text: str) -> str:
    return " ".join(text.split())


def test_html_report_escapes_a_script_tag_in_a_realm() -> None:
    page = render_report_html(SCENARIO, [_result("<script>alert(1)</script>\u202e\x1b[2J")], STEPS, generated_at=WHEN)
    assert "<script>" not in page and "\u202e" not in page and "\x1b" not in page
    assert "Realm &lt;script&gt;alert(1)&lt;/script&gt;" in page


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(HOSTILE)
def test_json_report_holds_no_hidden_character_from_outside(text: str) -> None:
    document = render_report_json(SCENARIO, [_result(text)], STEPS, generated_at=WHEN)
    body = json.loads(document)
    result = body["results"][0]
    values = [result["title"], result["detail"], result["remediation"], result["target"], *result["tags"],
              *(e["label"] for e in result["evidence"]), *(e["value"] for e in result["evidence"]),
              *(s["value"] for s in result["subjects"])]
    for value in values:
        assert hidden_in(value, allowed="\n\t") == [], value
    assert result["title"] == clean_line(f"Realm {text}")


_MARKDOWN = MarkdownIt("commonmark").enable(["table", "strikethrough"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ENCODABLE)
def test_runbook_scenario_table_keeps_two_columns_whatever_a_value_holds(text: str) -> None:
    scenario = example_scenario()
    scenario.set("sfb_site", text)  # stored as typed even when refused: the table must still hold
    markdown = render_runbook_markdown(scenario, [])
    assert hidden_in(markdown, allowed="\n") == []
    table = markdown.split("## Scenario\n\n", 1)[1].split("\n\n", 1)[0]
    rendered = _MARKDOWN.render(table)
    rows = re.findall(r"<tr>(.*?)</tr>", rendered, flags=re.DOTALL)
    assert rows and len(rows) == len(table.splitlines()) - 1  # every row but the delimiter is a table row
    for row in rows:
        assert len(re.findall(r"<t[hd]>", row)) == 2, row
    assert not re.search(r"<(?:em|strong|code|a|img|s|del|script)\b", rendered)
