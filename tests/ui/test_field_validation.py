"""Invalid input: every field shows the model's own message as it is typed, and no probe starts."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocumentFragment

from wizard.fields import FIELDS, Kind
from wizard.scenario import example_scenario
from wizard.ui.pages.ids import PHASE_IDS

pytestmark = pytest.mark.gui

TYPED = "'; Remove-Item x"  # quote, semicolon and a space: no validator accepts it
TEXT_FIELDS = [f for f in FIELDS if f.kind is not Kind.CHOICE]


def plain(rich: str) -> str:
    return QTextDocumentFragment.fromHtml(rich).toPlainText()


def scenario_where_relevant(name: str):
    scenario = example_scenario()
    if name in ("verified_domain", "dc_fqdn"):
        scenario.update({"sfb": "online", "tenant_domain": "jdskype.onmicrosoft.com", "dc_fqdn": "dc.jdskype.net"})
    else:
        scenario.update({"sfb": "hybrid", "tenant_domain": "jdskype.onmicrosoft.com"})
    assert scenario.errors() == {}
    return scenario


@pytest.mark.parametrize("spec", TEXT_FIELDS, ids=lambda s: s.name)
def test_invalid_value_shows_the_model_message_and_starts_no_probe(spec, make_wizard, dead_resolver_settings,
                                                                      qtbot):
    scenario = scenario_where_relevant(spec.name)
    assert spec.relevant(scenario.topology)
    scenario.set(spec.name, "$preset;invalid")  # invalid before the page is entered
    assert scenario.field_error(spec.name)
    wizard = make_wizard(scenario, settings=dead_resolver_settings)
    runs_started = []
    wizard.session.runStarted.connect(runs_started.append)
    assert wizard.setCurrentId(PHASE_IDS[spec.phase]) or wizard.currentId() == PHASE_IDS[spec.phase]
    page = wizard.currentPage()
    assert not wizard.session.is_running(), "entering a page with invalid input must not start probes"
    assert page.checks.blocked.isVisible()
    assert spec.label in plain(page.checks.blocked.text())

    row = page.form.rows[spec.name]
    row.input.clear()
    row.input.setFocus()
    qtbot.keyClicks(row.input, TYPED)
    message = wizard.model.scenario.field_error(spec.name)
    assert message, "the typed value must be invalid"
    assert row.message.isVisible()
    assert message in plain(row.message.text())
    assert not page.isComplete()

    qtbot.mouseClick(page.checks.recheck, Qt.MouseButton.LeftButton)
    assert not wizard.session.is_running()
    assert runs_started == [], "no probe run may start while a value is invalid"
    assert spec.label in plain(page.checks.blocked.text())


def test_fixing_the_value_clears_the_message_and_completes_the_page(make_wizard, dead_resolver_settings, qtbot):
    scenario = example_scenario()
    scenario.set("smtp_domain", "bad domain!")
    wizard = make_wizard(scenario, settings=dead_resolver_settings)
    wizard.setCurrentId(PHASE_IDS[FIELDS[6].phase])
    page = wizard.currentPage()
    row = page.form.rows["smtp_domain"]
    assert row.message.isVisible()
    row.input.clear()
    qtbot.keyClicks(row.input, "jdskype.net")
    assert not row.message.isVisible()
    assert wizard.model.scenario.errors() == {}
