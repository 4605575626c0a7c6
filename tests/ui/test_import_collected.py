"""File > Import collected data: findings join the checklist, the trust graph is coloured as they say, a bad
file changes nothing, the rotation plan and collector scripts are saved; per-shell Save writes BOM + CRLF."""

from __future__ import annotations

import json

import pytest
from inside import samples
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

from tests.ui.fakes import ScriptedDialogs
from wizard.inside.trust_graph import TrustStatus
from wizard.probes.result import Status
from wizard.topology import Phase
from wizard.ui.pages.ids import PHASE_IDS
from wizard.ui.status_style import STATUS_COLOURS
from wizard.ui.widgets.trust_graph import KEY_ROLE

pytestmark = pytest.mark.gui

GREEN, AMBER, RED = STATUS_COLOURS["pass"], STATUS_COLOURS["warn"], STATUS_COLOURS["fail"]
COLOURS = {TrustStatus.OK: GREEN, TrustStatus.EXPIRING: AMBER}
WAIT_MS = 20000


class Dialogs(ScriptedDialogs):
    """The scripted dialogs plus the multi-select file dialog the import asks through."""

    def __init__(self) -> None:
        super().__init__()
        self.open_paths: list = []

    def open_files(self, caption: str, file_filter: str, start: str = "") -> list:
        self.asked.append(("open_files", caption))
        return list(self.open_paths)


@pytest.fixture
def wizard(make_wizard, dead_resolver_settings):
    window = make_wizard(samples.scenario("hybrid"), settings=dead_resolver_settings)
    window.set_dialogs(Dialogs())
    window.inside.clock = lambda: samples.FIXED_NOW
    return window


def import_files(qtbot, wizard, paths) -> None:
    """Choose the files in the (scripted) dialog and trigger File > Import collected data."""
    wizard.dialogs.open_paths = paths
    with qtbot.waitSignal(wizard.inside.busyChanged, timeout=WAIT_MS, check_params_cb=lambda busy: not busy):
        wizard.findChild(QAction, "action_import_collected").trigger()


def pen(view, key: str) -> str:
    return view.box(key).pen().color().name()


def test_import_shows_findings_as_checklist_cards_and_colours_the_trust_graph(qtbot, wizard, tmp_path) -> None:
    import_files(qtbot, wizard, samples.write(samples.faulty("token-issuer-differs"), tmp_path / "in"))
    assert wizard.dialogs.errors == []
    result = wizard.inside.result
    page = wizard.verification_page
    group = page.inside_findings
    assert page.checks.list.widget().isAncestorOf(group)
    assert not group.isHidden() and "Inside view (collected data)" in group.header.text()
    states = group.states()
    assert states == {f.id: f.status.value for f in result.findings}
    assert states["inside.sfb-token-issuer-consistency"] == "fail"
    card = group.cards["inside.sfb-token-issuer-consistency"]
    assert card.expanded and "fe02.contoso.com" in card.body.text()

    view = page.inside_panel.graph
    assert pen(view, "sfb:front-end:fe02.contoso.com") == RED
    assert pen(view, samples.SFB_OAUTH_OTHER) == RED
    assert pen(view, "sfb:front-end:fe01.contoso.com") == GREEN
    assert pen(view, samples.EXCHANGE_AUTH) == GREEN
    for cert in result.graph.certificates:
        assert pen(view, cert.thumbprint) == COLOURS.get(cert.status, RED)
    lines = {line.data(KEY_ROLE): line.pen().color().name() for line in view.lines()}
    for edge in result.graph.edges:
        assert lines[f"{edge.holder}|{edge.thumbprint}|{edge.relation}"] == COLOURS.get(edge.status, RED)
    failed = {f.id for f in result.findings if f.status is Status.FAIL}
    red_rules = {edge.rule for edge in result.graph.edges if edge.status.colour == "red"}
    assert red_rules == {"inside.sfb-token-issuer-consistency"} == failed

    page.refresh_summary()
    assert page.banner.status == "fail"
    # imported from the start page: the same panel opens in its own window
    dialog = wizard._inside_dialog
    assert dialog is not None and dialog.isVisible()
    assert pen(dialog.panel.graph, "sfb:front-end:fe02.contoso.com") == RED


def test_expiring_certificate_is_amber_in_the_graph_and_the_rotation_plan(qtbot, wizard, tmp_path) -> None:
    import_files(qtbot, wizard, samples.write(samples.faulty("token-issuer-expiring"), tmp_path / "in"))
    page = wizard.verification_page
    assert page.inside_findings.states()["inside.sfb-token-issuer-expiry"] == "warn"
    assert pen(page.inside_panel.graph, samples.SFB_OAUTH) == AMBER
    plan = page.inside_panel.plan
    rows = {plan.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole): plan.topLevelItem(i)
            for i in range(plan.topLevelItemCount())}
    sfb = rows["sfb-oauth"]
    assert sfb.text(2) == "45" and sfb.data(2, Qt.ItemDataRole.UserRole) == "warn"
    assert sfb.foreground(2).color().name() == AMBER
    assert sfb.childCount() >= 3 and sfb.child(0).text(0).startswith("1. ")
    assert rows["exchange-auth"].data(2, Qt.ItemDataRole.UserRole) == "pass"


def test_healthy_data_is_green_and_passes(qtbot, wizard, tmp_path) -> None:
    import_files(qtbot, wizard, samples.write(samples.healthy(), tmp_path / "in"))
    result = wizard.inside.result
    assert not result.problems
    view = wizard.verification_page.inside_panel.graph
    for cert in result.graph.certificates:
        assert pen(view, cert.thumbprint) == GREEN
    assert all(line.pen().color().name() == GREEN for line in view.lines())


@pytest.mark.parametrize("bad", ["foreign", "truncated", "wrong-collector"])
def test_a_bad_file_shows_one_line_and_changes_nothing(qtbot, wizard, tmp_path, bad) -> None:
    good = samples.write(samples.faulty("token-issuer-differs"), tmp_path / "good")
    import_files(qtbot, wizard, good)
    before = wizard.inside.result
    page = wizard.verification_page
    states = page.inside_findings.states()
    broken = tmp_path / "bad.json"
    if bad == "foreign":
        broken.write_text(json.dumps({"name": "package.json", "version": "1.0.0"}))
    elif bad == "truncated":
        broken.write_bytes(good[0].read_bytes()[:300])
    else:
        doc = samples.healthy()["exchange"] | {"collector": "mailbox"}
        broken.write_text(json.dumps(doc))
    with qtbot.waitSignal(wizard.inside.failed, timeout=WAIT_MS) as failure:
        wizard.dialogs.open_paths = [*good, broken]
        wizard.findChild(QAction, "action_import_collected").trigger()
    qtbot.waitUntil(lambda: not wizard.inside.busy, timeout=WAIT_MS)
    [message] = wizard.dialogs.errors
    assert message == failure.args[0] and "\n" not in message and "bad.json" in message
    assert wizard.inside.result is before
    assert page.inside_findings.states() == states


def test_cancelled_file_dialog_starts_nothing(qtbot, wizard) -> None:
    wizard.dialogs.open_paths = []
    wizard.findChild(QAction, "action_import_collected").trigger()
    assert not wizard.inside.busy and wizard.inside.result is None
    assert ("open_files", "Import collected data") in wizard.dialogs.asked


def test_save_rotation_plan_writes_scripts_runbook_and_calendar_and_asks_before_replacing(qtbot, wizard,
                                                                                          tmp_path) -> None:
    import_files(qtbot, wizard, samples.write(samples.faulty("exchange-auth-expiring"), tmp_path / "in"))
    panel = wizard.verification_page.inside_panel
    out = tmp_path / "plan"
    wizard.dialogs.directory_path = out
    qtbot.mouseClick(panel.save_plan_button, Qt.MouseButton.LeftButton)
    scripts = sorted(out.glob("*.ps1"))
    assert scripts and (out / "certificate-rotation.md").is_file()
    for script in scripts:
        data = script.read_bytes()
        assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    calendar = (out / "certificate-rotation.ics").read_text()
    assert calendar.count("BEGIN:VEVENT") == 2
    assert calendar.count("TRIGGER;RELATED=START:-P60D") == 2 and calendar.count("TRIGGER;RELATED=START:-P30D") == 2

    scripts[0].write_text("mine")
    wizard.dialogs.confirm_answer = False
    qtbot.mouseClick(panel.save_plan_button, Qt.MouseButton.LeftButton)
    assert scripts[0].read_text() == "mine"
    assert any("Replace files?" in text for text in wizard.dialogs.titles("confirm"))


def test_export_collector_scripts_from_the_file_menu(qtbot, wizard, tmp_path) -> None:
    wizard.dialogs.directory_path = tmp_path
    wizard.findChild(QAction, "action_export_collectors").trigger()
    names = sorted(p.name for p in tmp_path.glob("*.ps1"))
    assert len(names) == 3 and all("collect" in name for name in names)
    assert all(p.read_bytes().startswith(b"\xef\xbb\xbf") for p in tmp_path.glob("*.ps1"))
    wizard.dialogs.confirm_answer = False
    (tmp_path / names[0]).write_text("mine")
    wizard.findChild(QAction, "action_export_collectors").trigger()
    assert (tmp_path / names[0]).read_text() == "mine"


def test_script_bundle_carries_the_collector_scripts(wizard, tmp_path) -> None:
    written = wizard.exporter.export_scripts(tmp_path)
    names = {p.name for p in written}
    assert {"runbook.md", "runbook.html"} <= names
    assert sum("collect" in name for name in names) == 3
    assert all(p.is_file() for p in written)


def test_report_has_the_inside_findings_next_to_the_checks(qtbot, wizard, tmp_path) -> None:
    import_files(qtbot, wizard, samples.write(samples.faulty("token-issuer-differs"), tmp_path / "in"))
    report = wizard.exporter.export_report(tmp_path / "report.html")
    text = report.read_text()
    assert 'id="inside.sfb-token-issuer-consistency"' in text
    assert "Generated " in text and "Commands" in text


@pytest.mark.parametrize("suffix", [".json", ".md"])
def test_the_window_saves_the_report_the_cli_writes(qtbot, wizard, tmp_path, suffix) -> None:
    import json

    import jsonschema

    from wizard.resources import load_json

    import_files(qtbot, wizard, samples.write(samples.faulty("token-issuer-differs"), tmp_path / "in"))
    report = wizard.exporter.export_report(tmp_path / f"report{suffix}")
    text = report.read_text(encoding="utf-8")
    if suffix == ".json":
        document = json.loads(text)
        jsonschema.Draft202012Validator(load_json("report.schema.json")).validate(document)
        assert document["command"] == "window" and document["steps"]
        assert "inside.sfb-token-issuer-consistency" in {r["id"] for r in document["results"]}
    else:
        assert text.startswith("# Integration report") and "inside.sfb-token-issuer-consistency" in text


def test_a_new_scenario_clears_the_inside_view_and_an_edit_marks_it_stale(qtbot, wizard, tmp_path) -> None:
    import_files(qtbot, wizard, samples.write(samples.healthy(), tmp_path / "in"))
    group = wizard.verification_page.inside_findings
    wizard.model.set("test_sip_uri", "sip:someone@contoso.com")
    assert wizard.inside.stale and "import again" in group.sources.text()
    assert group.cards["inside.oauth-realm"].title.font().italic()
    wizard.model.replace(samples.scenario("hybrid"))
    assert wizard.inside.result is None and group.isHidden() and not group.cards


def test_command_view_save_writes_the_bundle_bytes_bom_and_crlf(qtbot, wizard, tmp_path) -> None:
    page = wizard.page_for(Phase.OAUTH)
    page.ensure_built()
    page.refresh_commands()
    tab = next(iter(page.commands.shell_tabs.values()))
    wizard.dialogs.save_path = tmp_path / "oauth.ps1"
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    data = (tmp_path / "oauth.ps1").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    assert data.decode("utf-8-sig").replace("\r\n", "\n") == tab.editor.toPlainText()


def test_window_export_is_byte_for_byte_the_cli_export(wizard, tmp_path) -> None:
    """File > Export scripts and `python -m wizard export` write the same bundle for the same scenario."""
    from wizard import cli

    window_dir, cli_dir = tmp_path / "window", tmp_path / "cli"
    written = wizard.exporter.export_scripts(window_dir)
    scenario_file = tmp_path / "scenario.json"
    wizard.model.scenario.save(scenario_file)
    assert cli.main(["export", "--scenario", str(scenario_file), "--out", str(cli_dir)]) == 0
    window_files = {p.name: p.read_bytes() for p in written}
    cli_files = {p.name: p.read_bytes() for p in cli_dir.iterdir()}
    assert window_files.keys() == cli_files.keys()
    different = [name for name in window_files if window_files[name] != cli_files[name]]
    assert not different


def test_a_finding_about_a_step_shows_on_its_page_and_in_its_status_everywhere(qtbot, wizard, tmp_path) -> None:
    """A failed finding about certificates is not a green Certificates step, and the checklist's headline is the
    banner's (it counts the findings too), so the step list, the page and the verification agree."""
    wizard.update_side_panel()
    import_files(qtbot, wizard, samples.write(samples.faulty("token-issuer-differs"), tmp_path / "in"))
    failed = [f for f in wizard.inside.result.findings if f.status is Status.FAIL]
    assert {f.phase for f in failed} == {Phase.CERTIFICATES}

    def entry(phase):
        return next(e for e in wizard.page_list.entries if e.page_id == PHASE_IDS[phase])

    qtbot.waitUntil(lambda: entry(Phase.CERTIFICATES).status == "fail", timeout=WAIT_MS)
    certificates = wizard.page_for(Phase.CERTIFICATES)
    wizard.setCurrentId(PHASE_IDS[Phase.CERTIFICATES])
    certificates.ensure_built()
    group = certificates._findings
    assert group is not None and certificates.checks.list.widget().isAncestorOf(group)
    assert set(group.states()) == {f.id for f in wizard.inside.result.findings if f.phase is Phase.CERTIFICATES}
    assert group.states()["inside.sfb-token-issuer-consistency"] == "fail"
    prerequisites = wizard.page_for(Phase.PREREQUISITES)
    prerequisites.ensure_built()
    assert all(f.phase is Phase.PREREQUISITES for f in wizard.inside.result.findings
               if prerequisites._findings is not None and f.id in prerequisites._findings.states())

    wizard.setCurrentId(PHASE_IDS[Phase.VERIFICATION])
    page = wizard.verification_page
    qtbot.waitUntil(lambda: not wizard.session.is_running(), timeout=WAIT_MS)  # its run of every check ends
    page.refresh_summary()
    summary = wizard.step_summary(Phase.VERIFICATION)
    qtbot.waitUntil(lambda: entry(Phase.VERIFICATION).status == summary.status, timeout=WAIT_MS)
    assert page.banner.status == summary.status == "fail"
    assert page.checks.state.text() == summary.headline  # not "Ready: all N checks passed" beside a failure
    live = summary.planned - len(wizard.inside.findings())
    assert page.checks.progress.format() == (f"{live} of {live} checks + {len(wizard.inside.findings())} imported "
                                             "findings")  # together the headline's count, not 33 beside 49
