"""The checks of a page as a list of cards: status badge, title, time taken, and expandable details.

A card shows one probe: its latest result (detail, remediation, evidence) when there is one,
"Checking…" while its run has not reported it, and a note when the values changed since it ran.
Failed checks open by themselves so the remediation is visible without a click.
"""

from __future__ import annotations

import html
from collections.abc import Collection
from dataclasses import dataclass

from PySide6.QtCore import QPoint, QSize, Qt, QTimer
from PySide6.QtGui import QFont, QMouseEvent, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from wizard.probes.result import ProbeResult, Status
from wizard.probes.summary import RootCause, root_causes
from wizard.step_status import PENDING, RUNNING, STALE
from wizard.topology import Phase
from wizard.ui.coalesce import coalesced
from wizard.ui.probe_session import PlannedProbe, ProbeSession
from wizard.ui.status_style import STATUS_COLOURS, STATUS_WORDS, status_pixmap
from wizard.where_to import for_window
from wizard.words import counted

ICON_SIZE = 18
STALE_WORD = "Out of date"
INDENT = 28
PROBLEM_STATES = frozenset({Status.FAIL.value, Status.ERROR.value, Status.BLOCKED.value, Status.WARN.value,
                            Status.NOT_RUN.value})


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
    """One check; keyboard: Tab to its arrow, Space toggles the details, the menu key offers Copy."""

    def __init__(self, planned: PlannedProbe, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.planned = planned
        self.setObjectName(f"probe_{planned.id}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.Base)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._context_menu)
        self.result: ProbeResult | None = None
        self.state = PENDING
        self.stale = False
        self.blocked_under = ""  # the root cause's title when the list shows this card under it
        self._auto_opened = False
        self._shown: tuple[object, ...] | None = None
        self._details = ""  # set on the body label only while it is open (most cards stay closed)
        self._details_shown = False
        outer = self._outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 2, 8, 2)  # compact rows: a dozen checks in view at 1366 x 768
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
        self.details = QWidget()  # the body and its Copy button, shown while the card is open
        details_layout = QVBoxLayout(self.details)
        details_layout.setContentsMargins(ICON_SIZE + 30, 0, 0, 4)
        details_layout.setSpacing(2)
        self.body = QLabel()
        self.body.setObjectName(f"details_{planned.id}")
        self.body.setWordWrap(True)
        self.body.setTextFormat(Qt.TextFormat.RichText)
        self.body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                          | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        details_layout.addWidget(self.body)
        copy_row = QHBoxLayout()
        self.copy_button = QPushButton("Copy as text")
        self.copy_button.setObjectName(f"copy_{planned.id}")
        self.copy_button.setToolTip("Copy this check's title, status, detail, what to do and evidence")
        self.copy_button.setAccessibleName(f"Copy {planned.title} as text")
        self.copy_button.clicked.connect(self.copy_to_clipboard)
        copy_row.addWidget(self.copy_button)
        copy_row.addStretch(1)
        details_layout.addLayout(copy_row)
        self.details.hide()
        outer.addWidget(self.details)
        self._copied = QTimer(self)
        self._copied.setSingleShot(True)
        self._copied.setInterval(1500)
        self._copied.timeout.connect(lambda: self.copy_button.setText("Copy as text"))
        self.show_state(PENDING, None, stale=False)

    @property
    def expanded(self) -> bool:
        return self.details.isVisible() or self.toggle.isChecked()

    def set_indent(self, under_cause: bool) -> None:
        """Blocked checks sit indented under the root cause that kept them from running."""
        left = 6 + (INDENT if under_cause else 0)
        if self._outer.contentsMargins().left() != left:
            self._outer.setContentsMargins(left, 2, 8, 2)

    @property
    def is_problem(self) -> bool:
        """What "Problems only" keeps: anything not passed, skipped or still to come."""
        return self.result is not None and self.state in PROBLEM_STATES

    def set_expanded(self, expanded: bool) -> None:
        if self.toggle.isChecked() != expanded:
            self.toggle.setChecked(expanded)  # re-enters through toggled
            return
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if expanded else Qt.ArrowType.RightArrow)
        show = expanded and bool(self._details)
        if show and not self._details_shown:
            self.body.setText(self._details)
            self._details_shown = True
        self.details.setVisible(show)

    def show_state(self, state: str, result: ProbeResult | None, *, stale: bool, blocked_under: str = "") -> None:
        shown = (state, result, stale, blocked_under)
        if shown == self._shown:
            return
        previous = self._shown
        self._shown = shown
        self.state = state
        self.result = result
        self.stale = stale
        self.blocked_under = blocked_under
        word = self.status_word()
        shown_state = STALE if self.out_of_date else state  # an out-of-date pass is never green
        if previous is None or previous[0] != state or previous[2] != stale:
            self.badge.setPixmap(status_pixmap(shown_state, ICON_SIZE, self.devicePixelRatioF()))
        colour = STATUS_COLOURS.get(shown_state, STATUS_COLOURS[PENDING])
        # In the row the short word (the card sits under its cause, or is marked out of date); whole in the tooltip.
        short = STALE_WORD if self.out_of_date else STATUS_WORDS.get(state, state)
        self.status_text.setText(f'<span style="color:{colour}">{html.escape(short)}</span>')
        self.status_text.setToolTip(word)
        self.elapsed.setText(format_elapsed(result.elapsed_ms) if result is not None and state != RUNNING else "")
        if previous is None or previous[2] != stale:
            title_font = QFont(self.title.font())
            title_font.setItalic(stale)
            self.title.setFont(title_font)
        self.setAccessibleName(f"{self.planned.title}: {word}")
        if previous is None or previous[1] is not result:
            self._details = _details_html(result) if result is not None else ""
            self._details_shown = False
            if self.details.isVisible():
                self.body.setText(self._details)
                self._details_shown = True
        self.toggle.setEnabled(result is not None)
        if result is not None and result.status.is_problem and not self._auto_opened:
            self._auto_opened = True
            self.set_expanded(True)
        elif result is None:
            self.set_expanded(False)
        else:
            self.set_expanded(self.toggle.isChecked())

    @property
    def out_of_date(self) -> bool:
        return self.stale and self.result is not None and self.state != RUNNING

    def status_word(self) -> str:
        word = STATUS_WORDS.get(self.state, self.state)
        if self.blocked_under and self.state == Status.BLOCKED.value:
            word = f"Not checked: blocked by “{self.blocked_under}”"
        if self.out_of_date:
            word = f"Out of date (was: {word}); values changed since, re-check"
        return word

    def as_text(self) -> str:
        """The check as plain text for a ticket or a chat: title, status, detail, what to do, evidence."""
        return result_text(self.planned.title, self.status_word(), self.result)

    def copy_to_clipboard(self) -> None:
        QApplication.clipboard().setText(self.as_text())
        self.copy_button.setText("Copied")  # the feedback sits on the control that caused it
        self._copied.start()

    def context_menu(self) -> QMenu:
        """The card's menu (right click, or the menu key on its focused arrow)."""
        menu = QMenu(self)
        menu.addAction("Copy as text", self.copy_to_clipboard)
        menu.aboutToHide.connect(menu.deleteLater)
        return menu

    def _context_menu(self, position: QPoint) -> None:
        self.context_menu().popup(self.mapToGlobal(position))


def result_text(title: str, status_word: str, result: ProbeResult | None) -> str:
    """Plain text of one check: `label: value` lines, as an admin pastes them into a ticket."""
    lines = [title, f"Status: {status_word}"]
    if result is not None:
        if result.detail:
            lines.append(f"Detail: {for_window(result.detail)}")
        if result.remediation:
            lines.append(f"What to do: {for_window(result.remediation)}")
        if result.target:
            lines.append(f"Target: {result.target}")
        lines += [f"{e.label}: {e.value}" for e in result.evidence]
        lines.append(f"Check id: {result.id}")
    return "\n".join(lines)


def _details_html(result: ProbeResult) -> str:
    parts = []
    if result.detail:  # the window's places for settings, never a command-line flag
        parts.append(f"<p style='margin:0 0 4px 0'>{_text(for_window(result.detail))}</p>")
    if result.remediation:
        colour = STATUS_COLOURS[Status.FAIL.value if result.status.is_problem else Status.WARN.value]
        parts.append(f"<p style='margin:4px 0'><b style='color:{colour}'>What to do:</b> "
                     f"{_text(for_window(result.remediation))}</p>")
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


@dataclass(frozen=True)
class Sections:
    """The list's order: problems (each root cause, then the checks it blocked), then everything else."""

    problems: list[str]
    others: list[str]
    under_cause: frozenset[str]
    problems_text: str


# After the root causes and their blocked checks: the problems no cause on this list explains, then the rest.
# A pass keeps the place of the check still to come, so a streaming run moves only the problems.
_PENDING_RANK = 3
_RANK = {Status.BLOCKED.value: 0, Status.WARN.value: 1, Status.NOT_RUN.value: 2, Status.SKIP.value: _PENDING_RANK,
         Status.PASS.value: _PENDING_RANK + 1}


def order_cards(ids: list[str], results: dict[str, ProbeResult], stale: Collection[str] = ()) -> Sections:
    """Problems first, grouped by root cause (summary.root_causes), then skipped checks, then passed checks and
    those still to come (in planned order, so a pass arriving moves nothing);
    the planned order is kept within each rank. Out-of-date results keep their place but are not counted."""
    listed = [results[pid] for pid in ids if pid in results]
    problems: list[str] = []
    under: set[str] = set()
    causes = root_causes(listed)
    for cause in causes:
        problems.append(cause.result.id)
        for blocked in cause.blocked:
            if blocked.id not in under:
                problems.append(blocked.id)
                under.add(blocked.id)
    placed = set(problems)
    rest = [pid for pid in ids if pid not in placed]

    def rank(pid: str) -> int:
        result = results.get(pid)
        return _PENDING_RANK + 1 if result is None else _RANK.get(result.status.value, _PENDING_RANK + 1)

    rest.sort(key=rank)  # stable: the planned order within a rank
    more = [pid for pid in rest if rank(pid) < _PENDING_RANK]
    problems += more
    others = [pid for pid in rest if rank(pid) >= _PENDING_RANK]
    current = [r for r in listed if r.id not in stale]
    text = _problems_text(root_causes(current), [results[p] for p in more if p not in stale],
                          sum(1 for p in problems if p in stale))
    return Sections(problems, others, frozenset(under), text)


def _problems_text(causes: list[RootCause], more: list[ProbeResult], out_of_date: int) -> str:
    """The problems' heading, counted from the current results as the step's banner counts them."""
    parts = []
    if causes:
        blocked = sum(len(c.blocked) for c in causes)
        they = "it" if len(causes) == 1 else "they"
        parts.append(counted(len(causes), "root cause")
                     + (f" with the {counted(blocked, 'check')} {they} blocked" if blocked else ""))
    tally: dict[Status, int] = {}
    for result in more:
        tally[result.status] = tally.get(result.status, 0) + 1
    words = {Status.BLOCKED: "blocked by a check of another step", Status.NOT_RUN: "not run"}
    parts += [counted(count, "warning") if status is Status.WARN else f"{count} {words[status]}"
              for status, count in tally.items()]
    if out_of_date:
        parts.append(f"{out_of_date} out of date")
    return "Problems first: " + ", ".join(parts) if parts else ""


class ProbeListView(QScrollArea):
    """All checks of one page (or, grouped by phase, of every page): problems first, each root cause
    with the checks it blocked under it, then the rest with passes last; optionally problems only."""

    def __init__(self, session: ProbeSession, *, group_by_phase: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._group = group_by_phase
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self._inner = QWidget()
        self._layout = QVBoxLayout(self._inner)
        self._layout.setContentsMargins(0, 0, 4, 0)
        self._layout.setSpacing(2)
        self._empty = QLabel()
        self._empty.setWordWrap(True)
        self._empty.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self._layout.addWidget(self._empty)
        self._layout.addStretch(1)
        self.setWidget(self._inner)
        self.cards: dict[str, ProbeCard] = {}
        self._headers: list[QLabel] = []
        self._phase_headers: dict[Phase, QLabel] = {}
        self._problems_header = _section_header("problems_header")
        self._others_header = _section_header("others_header")
        self._placed: list[QWidget] = []  # the headers and cards in the layout, in order, after the empty label
        self.problems_only = False
        self.order: list[str] = []  # card ids as listed, top to bottom
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
        for widget in (self._problems_header, self._others_header):
            self._layout.removeWidget(widget)
            widget.hide()
        self._placed = []
        self.cards = {}
        self._headers = []
        self._phase_headers = {}
        for probe in planned:
            if self._group and probe.phase not in self._phase_headers:
                header = _section_header(f"phase_header_{probe.phase.value}", probe.phase.title)
                self._phase_headers[probe.phase] = header
                self._headers.append(header)
            self.cards[probe.id] = ProbeCard(probe, self._inner)
        self._empty.setText(empty_text)
        self._empty.setVisible(not planned)
        self.refresh()

    # ---- what the admin asks for ---------------------------------------------------------------
    def set_problems_only(self, on: bool) -> None:
        self.problems_only = on
        self._apply_filter()

    def expand_all(self) -> None:
        for card in self.cards.values():
            if card.result is not None:
                card.set_expanded(True)

    def collapse_all(self) -> None:
        for card in self.cards.values():
            card.set_expanded(False)

    def visible_ids(self) -> list[str]:
        """The listed checks the filter keeps, top to bottom."""
        return [pid for pid in self.order if not self.cards[pid].isHidden()]

    # ---- session -> cards --------------------------------------------------------------------------
    def refresh(self) -> None:
        """Show each card's state (only changed cards re-render) and order them; relayout only on a new order."""
        session = self._session
        shown: dict[str, ProbeResult] = {}
        for probe_id, card in self.cards.items():
            result = session.result(probe_id)
            if session.is_pending(probe_id):
                state = RUNNING
            elif result is not None:
                state = result.status.value
                shown[probe_id] = result
            else:
                state = PENDING
            card.show_state(state, result, stale=session.is_stale(probe_id),
                            blocked_under=self._blocker_title(result))
        sections = order_cards(list(self.cards), shown, {p for p in shown if session.is_stale(p)})
        self.order = [pid for pid in (*sections.problems, *sections.others)]
        self._problems_header.setText(f"<b>{html.escape(sections.problems_text)}</b>")
        widgets: list[QWidget] = []
        if sections.problems:
            widgets.append(self._problems_header)
            widgets += [self.cards[pid] for pid in sections.problems]
            if not self._group and sections.others:
                self._others_header.setText("<b>Other checks</b>")
                widgets.append(self._others_header)
        for pid in sections.others:
            card = self.cards[pid]
            header = self._phase_headers.get(card.planned.phase) if self._group else None
            if header is not None and header not in widgets:
                widgets.append(header)
            widgets.append(card)
        for pid in sections.problems:
            self.cards[pid].set_indent(pid in sections.under_cause)
        for pid in sections.others:
            self.cards[pid].set_indent(False)
        if widgets != self._placed:
            self._place(widgets)
        self._apply_filter()

    def _blocker_title(self, result: ProbeResult | None) -> str:
        if result is None or result.status is not Status.BLOCKED or not result.blocked_by:
            return ""
        root = self._session.result(result.blocked_by[0])
        return root.title if root is not None else ""

    def _place(self, widgets: list[QWidget]) -> None:
        for widget in self._placed:
            self._layout.removeWidget(widget)
        for position, widget in enumerate(widgets, start=1):  # after the empty label, before any extras
            self._layout.insertWidget(position, widget)
        for widget in set(self._placed) - set(widgets):
            widget.hide()
        self._placed = widgets

    def _apply_filter(self) -> None:
        for card in self.cards.values():
            card.setHidden(self.problems_only and not card.is_problem)
        header: QLabel | None = None
        keep = False
        for widget in [*self._placed, None]:  # a header shows while a card under it shows
            if widget is None or not isinstance(widget, ProbeCard):
                if header is not None:
                    header.setHidden(not keep)
                header, keep = (widget if isinstance(widget, QLabel) else None), False
            elif not widget.isHidden():
                keep = True
        if self.cards:
            self._empty.setText("No problems: every listed check passed, was skipped or has not run yet."
                                if self.problems_only else "")
            self._empty.setVisible(self.problems_only and not any(c.is_problem for c in self.cards.values()))

    def states(self) -> dict[str, str]:
        return {probe_id: card.state for probe_id, card in self.cards.items()}


def _section_header(name: str, text: str = "") -> QLabel:
    header = QLabel(f"<b>{html.escape(text)}</b>" if text else "")
    header.setObjectName(name)
    header.setContentsMargins(0, 6, 0, 0)
    header.setWordWrap(True)
    header.hide()
    return header
