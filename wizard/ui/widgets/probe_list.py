"""The checks of a page as a list of cards: status badge, title, time taken, and expandable details.

A card shows one probe: its latest result (detail, remediation, evidence) when there is one,
"Checking…" while its run has not reported it, and a note when the values changed since it ran.
Failed checks open by themselves so the remediation is visible without a click.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFont, QMouseEvent, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from wizard.probes.result import ProbeResult, Status
from wizard.topology import Phase
from wizard.ui.coalesce import coalesced
from wizard.ui.probe_session import PlannedProbe, ProbeSession
from wizard.ui.status_style import PENDING, RUNNING, STATUS_COLOURS, STATUS_WORDS, status_pixmap

ICON_SIZE = 18


def format_elapsed(ms: float) -> str:
    if ms < 1000:
        return f"{ms:.0f} ms"
    return f"{ms / 1000:.1f} s"


class _Header(QWidget):
    def __init__(self, card: ProbeCard) -> None:
        super().__init__(card)
        self._card = card

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._card.set_expanded(not self._card.expanded)
        super().mousePressEvent(event)


class ProbeCard(QFrame):
    """One check; keyboard: Tab to its arrow, Space toggles the details."""

    def __init__(self, planned: PlannedProbe, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.planned = planned
        self.setObjectName(f"probe_{planned.id}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.Base)
        self.result: ProbeResult | None = None
        self.state = PENDING
        self._auto_opened = False
        self._shown: tuple[object, ...] | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 4, 8, 4)
        outer.setSpacing(2)
        header = _Header(self)
        row = QHBoxLayout(header)
        row.setContentsMargins(0, 0, 0, 0)
        self.toggle = QToolButton()
        self.toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.toggle.setAutoRaise(True)
        self.toggle.setCheckable(True)
        self.toggle.setAccessibleName(f"Details: {planned.title}")
        self.toggle.toggled.connect(self.set_expanded)
        self.badge = QLabel()
        self.badge.setFixedSize(QSize(ICON_SIZE, ICON_SIZE))
        self.title = QLabel(planned.title)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setWordWrap(True)
        self.title.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.status_text = QLabel()
        self.status_text.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.elapsed = QLabel()
        self.elapsed.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.elapsed.setFixedWidth(self.elapsed.fontMetrics().horizontalAdvance("0000 ms") + 6)
        self.elapsed.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(self.toggle)
        row.addWidget(self.badge)
        row.addWidget(self.title, 1)
        row.addWidget(self.status_text)
        row.addWidget(self.elapsed)
        outer.addWidget(header)
        self.body = QLabel()
        self.body.setObjectName(f"details_{planned.id}")
        self.body.setWordWrap(True)
        self.body.setTextFormat(Qt.TextFormat.RichText)
        self.body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                          | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.body.setContentsMargins(ICON_SIZE + 30, 0, 0, 4)
        self.body.hide()
        outer.addWidget(self.body)
        self.show_state(PENDING, None, stale=False)

    @property
    def expanded(self) -> bool:
        return self.body.isVisible() or self.toggle.isChecked()

    def set_expanded(self, expanded: bool) -> None:
        if self.toggle.isChecked() != expanded:
            self.toggle.setChecked(expanded)  # re-enters through toggled
            return
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if expanded else Qt.ArrowType.RightArrow)
        self.body.setVisible(expanded and bool(self.body.text()))

    def show_state(self, state: str, result: ProbeResult | None, *, stale: bool) -> None:
        shown = (state, result, stale)
        if shown == self._shown:
            return
        self._shown = shown
        self.state = state
        self.result = result
        self.badge.setPixmap(status_pixmap(state, ICON_SIZE, self.devicePixelRatioF()))
        word = STATUS_WORDS.get(state, state)
        if stale and result is not None and state != RUNNING:
            word += " (values changed since; re-check)"
        colour = STATUS_COLOURS.get(state, STATUS_COLOURS[PENDING])
        self.status_text.setText(f'<span style="color:{colour}">{html.escape(word)}</span>')
        self.elapsed.setText(format_elapsed(result.elapsed_ms) if result is not None and state != RUNNING else "")
        title_font = QFont(self.title.font())
        title_font.setItalic(stale)
        self.title.setFont(title_font)
        self.setAccessibleName(f"{self.planned.title}: {word}")
        self.body.setText(_details_html(result) if result is not None else "")
        self.toggle.setEnabled(result is not None)
        if result is not None and result.status.is_problem and not self._auto_opened:
            self._auto_opened = True
            self.set_expanded(True)
        elif result is None:
            self.set_expanded(False)
        else:
            self.set_expanded(self.toggle.isChecked())


def _details_html(result: ProbeResult) -> str:
    parts = []
    if result.detail:
        parts.append(f"<p style='margin:0 0 4px 0'>{_text(result.detail)}</p>")
    if result.remediation:
        colour = STATUS_COLOURS[Status.FAIL.value if result.status.is_problem else Status.WARN.value]
        parts.append(f"<p style='margin:4px 0'><b style='color:{colour}'>What to do:</b> "
                     f"{_text(result.remediation)}</p>")
    rows = [("Target", result.target)] if result.target else []
    rows += [(e.label, e.value) for e in result.evidence]
    if rows:
        cells = "".join(
            f"<tr><td style='padding:1px 10px 1px 0; white-space:nowrap; vertical-align:top'>"
            f"<i>{html.escape(label)}</i></td><td style='font-family:monospace'>{_text(value)}</td></tr>"
            for label, value in rows)
        parts.append(f"<table cellspacing='0' style='margin-top:4px'>{cells}</table>")
    parts.append(f"<p style='margin:4px 0 0 0; font-size:small'>Check id: <code>{html.escape(result.id)}</code></p>")
    return "".join(parts)


def _text(value: str) -> str:
    return html.escape(value).replace("\n", "<br>")


class ProbeListView(QScrollArea):
    """All checks of one page (or, grouped by phase, of every page)."""

    def __init__(self, session: ProbeSession, *, group_by_phase: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._group = group_by_phase
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self._inner = QWidget()
        self._layout = QVBoxLayout(self._inner)
        self._layout.setContentsMargins(0, 0, 4, 0)
        self._layout.setSpacing(4)
        self._empty = QLabel()
        self._empty.setWordWrap(True)
        self._empty.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self._layout.addWidget(self._empty)
        self._layout.addStretch(1)
        self.setWidget(self._inner)
        self.cards: dict[str, ProbeCard] = {}
        self._headers: list[QLabel] = []
        session.resultsChanged.connect(coalesced(self, self.refresh))

    @property
    def cards_layout(self) -> QVBoxLayout:
        """The column of cards (a stretch last), for a page that adds a group below the cards."""
        return self._layout

    def set_planned(self, planned: list[PlannedProbe], *, empty_text: str = "No checks for this step.") -> None:
        if [c.planned for c in self.cards.values()] == planned:
            self.refresh()
            return
        for widget in [*self.cards.values(), *self._headers]:
            self._layout.removeWidget(widget)
            widget.deleteLater()
        self.cards = {}
        self._headers = []
        position = 1
        current_phase: Phase | None = None
        for probe in planned:
            if self._group and probe.phase is not current_phase:
                current_phase = probe.phase
                header = QLabel(f"<b>{html.escape(probe.phase.title)}</b>")
                header.setContentsMargins(0, 6, 0, 0)
                self._layout.insertWidget(position, header)
                self._headers.append(header)
                position += 1
            card = ProbeCard(probe)
            self._layout.insertWidget(position, card)
            self.cards[probe.id] = card
            position += 1
        self._empty.setText(empty_text)
        self._empty.setVisible(not planned)
        self.refresh()

    def refresh(self) -> None:
        for probe_id, card in self.cards.items():
            result = self._session.result(probe_id)
            if self._session.is_pending(probe_id):
                state = RUNNING
            elif result is not None:
                state = result.status.value
            else:
                state = PENDING
            card.show_state(state, result, stale=self._session.is_stale(probe_id))

    def states(self) -> dict[str, str]:
        return {probe_id: card.state for probe_id, card in self.cards.items()}
