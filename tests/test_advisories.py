"""Support status and the EWS retirement reach verify's summary, its JSON and the report, the same everywhere."""

from __future__ import annotations

import datetime as dt
import io
import json

from wizard.advisories import AdvisoryKind, advisories
from wizard.commands.verify import document, print_table
from wizard.examples import example_for
from wizard.report import render_report_html, report_document
from wizard.topology import ExchangeKind, ExchangeVersion, SfbKind, SfbVersion, Topology, all_topologies

DEC_2026 = dt.date(2026, 12, 2)
OLD_HYBRID = Topology(ExchangeKind.HYBRID, ExchangeVersion.V2019, SfbKind.HYBRID, SfbVersion.V2015)
CURRENT = Topology(ExchangeKind.SERVER, ExchangeVersion.SE, SfbKind.SERVER, SfbVersion.SE)
CLOUD = Topology(ExchangeKind.ONLINE, None, SfbKind.TEAMS, None)


def test_every_topology_gets_a_support_advisory_first():
    for topology in all_topologies():
        found = advisories(topology, DEC_2026)
        assert found[0].kind is AdvisoryKind.SUPPORT, topology.label
        assert found[0].attention == any(topology.exchange_version is v for v in (
            ExchangeVersion.V2010, ExchangeVersion.V2013, ExchangeVersion.V2016, ExchangeVersion.V2019)) or any(
            topology.sfb_version is v for v in (SfbVersion.V2013, SfbVersion.V2015, SfbVersion.V2019))


def test_the_subscription_editions_on_premises_need_no_attention():
    assert [a.attention for a in advisories(CURRENT, DEC_2026)] == [False]


def test_nothing_on_premises_is_said_as_such():
    assert advisories(CLOUD, DEC_2026)[0].headline.startswith("Nothing on premises")


def test_exchange_online_mailboxes_with_sfb_server_get_the_ews_retirement():
    kinds = [a.kind for a in advisories(OLD_HYBRID, DEC_2026)]
    assert kinds == [AdvisoryKind.SUPPORT, AdvisoryKind.EWS]
    assert AdvisoryKind.EWS not in [a.kind for a in advisories(CURRENT, DEC_2026)]


def test_verify_prints_the_notes_first_and_the_details_before_the_last_line():
    out = io.StringIO()
    print_table(example_for(OLD_HYBRID), [], out)
    text = out.getvalue()
    assert text.splitlines()[1] == ("  Note: Out of support: Exchange Server 2019 (since 14 October 2025), Skype for "
                                    "Business Server 2015 (since 14 October 2025).")
    assert "Support and service changes" in text and "14 October 2025" in text and "EWS" in text
    assert text.rstrip().endswith("no checks apply")


def test_verify_json_and_the_report_carry_the_same_advisories():
    scenario = example_for(OLD_HYBRID)
    from_verify = document(scenario, [])["advisories"]
    from_report = report_document(scenario, [], [])["advisories"]
    assert from_verify == from_report and json.dumps(from_verify)
    assert [a["kind"] for a in from_report] == ["support", "ews-retirement"]
    html = render_report_html(scenario, [], [])
    assert "<h2>Products and services</h2>" in html and "out of support since 14 October 2025" in html
