"""The trust graph widget colours every certificate and holder as the findings say, with tooltips."""

from __future__ import annotations

import json

import pytest
from inside import samples

from wizard.inside.analysis import AnalysisResult, analyze
from wizard.inside.collected import combine, parse_collected
from wizard.inside.trust_graph import TrustStatus
from wizard.probes.result import Status
from wizard.ui.status_style import STATUS_COLOURS
from wizard.ui.widgets.trust_graph import KEY_ROLE, TrustGraphView

pytestmark = pytest.mark.gui

GREEN, AMBER, RED = STATUS_COLOURS["pass"], STATUS_COLOURS["warn"], STATUS_COLOURS["fail"]


def analysed(docs: samples.Docs) -> AnalysisResult:
    data = combine(parse_collected(json.dumps(d).encode(), source=n) for n, d in docs.items())
    return analyze(data, samples.scenario("hybrid"), now=samples.FIXED_NOW)


def status_of(result: AnalysisResult, finding_id: str) -> Status:
    return next(f.status for f in result.findings if f.id == finding_id)


@pytest.fixture
def view(qtbot) -> TrustGraphView:
    widget = TrustGraphView()
    qtbot.addWidget(widget)
    widget.resize(900, 500)
    widget.show()
    return widget


def pen(view: TrustGraphView, key: str) -> str:
    return view.box(key).pen().color().name()


def test_front_end_signing_with_another_certificate_is_red_like_its_failed_finding(view) -> None:
    result = analysed(samples.faulty("token-issuer-differs"))
    assert status_of(result, "inside.sfb-token-issuer-consistency") is Status.FAIL
    view.set_graph(result.graph)
    assert pen(view, "sfb:front-end:fe02.contoso.com") == RED
    assert pen(view, samples.SFB_OAUTH_OTHER) == RED
    assert pen(view, "sfb:front-end:fe01.contoso.com") == GREEN
    assert pen(view, samples.EXCHANGE_AUTH) == GREEN
    assert "signs with" in view.box("sfb:front-end:fe02.contoso.com").toolTip()


def test_expiring_certificate_is_amber_like_its_warning(view) -> None:
    result = analysed(samples.faulty("token-issuer-expiring"))
    assert status_of(result, "inside.sfb-token-issuer-expiry") is Status.WARN
    view.set_graph(result.graph)
    assert pen(view, samples.SFB_OAUTH) == AMBER
    assert "expires in 45 days" in view.box(samples.SFB_OAUTH).toolTip()


@pytest.mark.parametrize("fault", ["exchange-auth-missing-on-server", "tenant-lacks-exchange-cert",
                                   "sfb-partner-wrong-metadata", "exchange-auth-expired", "token-issuer-differs"])
def test_every_item_has_the_colour_of_its_status_and_red_lines_belong_to_failed_findings(view, fault) -> None:
    result = analysed(samples.faulty(fault))
    view.set_graph(result.graph)
    colours = {TrustStatus.OK: GREEN, TrustStatus.EXPIRING: AMBER}
    for cert in result.graph.certificates:
        assert pen(view, cert.thumbprint) == colours.get(cert.status, RED)
    for holder in result.graph.holders:
        assert pen(view, holder.id) == colours.get(holder.status, RED)
    failed = {f.id for f in result.findings if f.status is Status.FAIL}
    red_rules = {e.rule for e in result.graph.edges if e.status.colour == "red"}
    assert red_rules and red_rules <= failed
    lines = {line.data(KEY_ROLE): line.pen().color().name() for line in view.lines()}
    for edge in result.graph.edges:
        assert lines[f"{edge.holder}|{edge.thumbprint}|{edge.relation}"] == colours.get(edge.status, RED)


def test_healthy_graph_is_all_green(view) -> None:
    result = analysed(samples.healthy())
    view.set_graph(result.graph)
    assert {b.pen().color().name() for b in (view.box(c.thumbprint) for c in result.graph.certificates)} == {GREEN}
    assert {line.pen().color().name() for line in view.lines()} == {GREEN}


def test_setting_a_new_graph_replaces_the_old_items(view) -> None:
    view.set_graph(analysed(samples.faulty("token-issuer-differs")).graph)
    view.set_graph(analysed(samples.healthy()).graph)
    with pytest.raises(KeyError):
        view.box(samples.SFB_OAUTH_OTHER)
    assert pen(view, "sfb:front-end:fe02.contoso.com") == GREEN


def test_empty_graph_shows_what_to_do_and_describes_itself(view) -> None:
    empty = analysed({"graph": samples.healthy()["graph"]}).graph
    view.set_graph(empty)
    assert view.lines() == []
    assert "No collected data" in view.accessibleDescription()
    texts = [item.text() for item in view.scene().items() if hasattr(item, "text")]
    assert any("Import collected data" in t for t in texts)


def test_a_short_view_keeps_the_text_readable_and_scrolls_the_worst_problem_into_view(view) -> None:
    from wizard.ui.widgets.trust_graph import MIN_SCALE

    view.resize(420, 120)  # the Trust graph tab of a 1366 x 768 laptop at 125 %
    view.set_graph(analysed(samples.faulty("token-issuer-differs")).graph)
    assert view.transform().m11() >= MIN_SCALE  # not shrunk to unreadable text
    red = view.box("sfb:front-end:fe02.contoso.com")
    shown = view.mapToScene(view.viewport().rect()).boundingRect()
    assert shown.intersects(red.sceneBoundingRect())  # the failing Front End is in view, not scrolled away
