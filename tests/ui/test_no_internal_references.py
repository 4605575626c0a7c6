"""Every text the window shows cites public documents by title: no internal reference numbers.

The wizard once showed "Table 000 marks it Y", "seed 002" and "field guide comment 20"; an admin
cannot look those up. This walks every page of a few topologies (fields, checks, commands, help,
the picture's description, the decoder's answer) and reads every text a widget carries.
"""

from __future__ import annotations

import re

import pytest
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTabWidget,
    QTextEdit,
    QWidget,
)

from tests.ui.helpers import CHECKS_TIMEOUT_MS, click_next
from wizard.examples import example_for
from wizard.topology import ExchangeKind, ExchangeVersion, SfbKind, SfbVersion, Topology
from wizard.ui.help_texts import help_html
from wizard.ui.pages.ids import COMPLETION_ID, PHASE_BY_ID
from wizard.where_to import CLI_FLAG

pytestmark = pytest.mark.gui

# Internal references, and a command-line flag in the window's advice (wizard.where_to gives the window's place).
INTERNAL = re.compile(rf"\bseed\b|table 00\d|comment \d+|{CLI_FLAG.pattern}", re.IGNORECASE)

TOPOLOGIES = {
    "exchange-hybrid+sfb-se-hybrid": (Topology(ExchangeKind.HYBRID, ExchangeVersion.SE, SfbKind.HYBRID, SfbVersion.SE),
                                      "setup"),
    "exchange-se+teams": (Topology(ExchangeKind.SERVER, ExchangeVersion.SE, SfbKind.TEAMS, None), "setup"),
    "exchange-2010+lync-2013": (Topology(ExchangeKind.SERVER, ExchangeVersion.V2010, SfbKind.SERVER,
                                         SfbVersion.V2013), "verify"),
    "exchange-online+sfb-2019": (Topology(ExchangeKind.ONLINE, None, SfbKind.SERVER, SfbVersion.V2019), "setup"),
}


def widget_texts(root: QWidget) -> list[tuple[str, str]]:
    """(where, text) for every text a widget under `root` shows or announces (tooltips included)."""
    found: list[tuple[str, str]] = []
    for widget in [root, *root.findChildren(QWidget)]:
        where = f"{type(widget).__name__}#{widget.objectName() or '?'}"
        texts = [widget.toolTip(), widget.accessibleName(), widget.accessibleDescription(), widget.windowTitle()]
        if isinstance(widget, QLabel | QAbstractButton | QLineEdit):
            texts.append(widget.text())
        if isinstance(widget, QLineEdit):
            texts.append(widget.placeholderText())
        if isinstance(widget, QTextEdit | QPlainTextEdit):
            texts.append(widget.toPlainText())
        if isinstance(widget, QGroupBox):
            texts.append(widget.title())
        if isinstance(widget, QComboBox):
            texts += [widget.itemText(i) for i in range(widget.count())]
        if isinstance(widget, QTabWidget):
            texts += [widget.tabText(i) for i in range(widget.count())] + [
                widget.tabToolTip(i) for i in range(widget.count())]
        found += [(where, text) for text in texts if text]
    return found


def settled(wizard) -> bool:
    """The page's checks have all ended (a page may have none: Exchange 2010 leaves OAuth without checks)."""
    page = wizard.currentPage()
    checks = page.checks
    if wizard.session.is_running(checks.key):
        return False
    if any(state in ("running", "pending") for state in checks.list.states().values()):
        return False
    banner = getattr(page, "banner", None)
    return banner is None or banner.status not in ("running", "pending")


def internal_references(root: QWidget) -> list[str]:
    hits = []
    for where, text in widget_texts(root):
        for match in INTERNAL.finditer(text):
            start = max(0, match.start() - 60)
            hits.append(f"{where}: …{text[start:match.end() + 40]}…")
    return hits


@pytest.mark.parametrize("name", sorted(TOPOLOGIES))
def test_no_page_shows_an_internal_reference(name, make_wizard, dead_resolver_settings, qtbot):
    topology, mode = TOPOLOGIES[name]
    wizard = make_wizard(example_for(topology, mode=mode), settings=dead_resolver_settings)
    start = wizard.start_page
    qtbot.waitUntil(lambda: start._features is not None and bool(start.features.features), timeout=10000)
    assert wizard.model.scenario.topology == topology
    hits = [f"start: {hit}" for hit in internal_references(wizard)]
    hits += [f"start help: {hit}" for hit in INTERNAL.findall(help_html("start")[1])]
    visited = []
    while True:
        click_next(qtbot, wizard)
        if wizard.currentId() == COMPLETION_ID:  # the summary: its texts are read too, then the walk ends
            hits += [f"summary: {hit}" for hit in internal_references(wizard)]
            break
        phase = PHASE_BY_ID[wizard.currentId()]
        visited.append(phase)
        qtbot.waitUntil(lambda: settled(wizard), timeout=CHECKS_TIMEOUT_MS)
        page = wizard.currentPage()
        page.refresh_commands()
        if hasattr(page, "decoder"):
            page.decoder.input.setPlainText(
                "Test-CsExStorageConnectivity : ExCreateItem exchange operation failed, code=50043,")
            page.decoder.decode()
        hits += [f"{phase.value}: {hit}" for hit in internal_references(wizard)]
        hits += [f"{phase.value} help: {hit}" for hit in INTERNAL.findall(help_html(phase.value)[1])]
    assert visited == topology.phases()
    assert not hits, "internal references shown:\n" + "\n".join(dict.fromkeys(hits))


def test_the_walk_would_see_a_reference_in_any_text_or_tooltip(qtbot):
    """The reader itself: a table number in a label, a seed in a tooltip and a comment number in a combo."""
    root = QWidget()
    qtbot.addWidget(root)
    QLabel("Table 000 marks it Y for Exchange 2016", root)
    QLabel("fine", root).setToolTip("from seed 002")
    combo = QComboBox(root)
    combo.addItems(["Exchange Server SE", "field guide comment 20"])
    QLabel("Plan to integrate Skype for Business and Exchange (the feature table), 2000 comments", root)
    hits = internal_references(root)
    assert len(hits) == 3
    assert any("Table 000" in h for h in hits) and any("seed 002" in h for h in hits)
    assert any("comment 20" in h for h in hits)
