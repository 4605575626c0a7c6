"""The side panel: every step of the wizard, where the user is, which steps the topology skips, and each
step's one status (wizard.step_status, the same its page shows). A step the topology needs is a link:
click it, or Tab to it and press Enter or Space, to go there (`step_chosen`).

Labels rather than an item view: labels are what the first window can show without loading Qt's item views.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QFocusEvent, QFont, QFontMetrics, QKeyEvent, QMouseEvent, QPalette
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from wizard.ui.status_style import STATUS_WORDS, status_pixmap

ICON = 16


@dataclass(frozen=True)
class PageEntry:
    page_id: int
    title: str
    applies: bool
    status: str  # a Status value, "running" or "pending"
    visited: bool


class StepLabel(QLabel):
    """One step's title: clickable and keyboard-activated when the step can be reached."""

    activated = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.reachable = False

    def set_reachable(self, reachable: bool) -> None:
        self.reachable = reachable
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus if reachable else Qt.FocusPolicy.NoFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor if reachable else Qt.CursorShape.ArrowCursor)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if self.reachable and event.button() == Qt.MouseButton.LeftButton:
            self.activated.emit()
            return
        super().mousePressEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.reachable and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.activated.emit()
            return
        super().keyPressEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:  # the focused step is underlined, as a link would be
        font = self.font()
        font.setUnderline(True)
        self.setFont(font)
        super().focusInEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        font = self.font()
        font.setUnderline(False)
        self.setFont(font)
        super().focusOutEvent(event)


class PageList(QFrame):
    step_chosen = Signal(int)  # a page id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page_list")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setAccessibleName("Wizard steps")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        caption = QLabel("Steps")
        font = caption.font()
        font.setBold(True)
        caption.setFont(font)
        layout.addWidget(caption)
        self._grid = QGridLayout()
        self._grid.setHorizontalSpacing(6)
        self._grid.setVerticalSpacing(4)
        self._grid.setColumnStretch(1, 1)
        layout.addLayout(self._grid)
        layout.addStretch(1)
        self.topology = QLabel()
        self.topology.setWordWrap(True)
        self.topology.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        layout.addWidget(self.topology)
        self._rows: list[tuple[QLabel, StepLabel]] = []
        self.entries: list[PageEntry] = []
        self._shown: tuple[object, ...] = ()
        self.current_id = -1

    def _row(self, index: int) -> tuple[QLabel, StepLabel]:
        while len(self._rows) <= index:
            icon, text = QLabel(), StepLabel()
            row = len(self._rows)
            text.activated.connect(lambda row=row: self._chosen(row))
            icon.setFixedSize(QSize(ICON, ICON))
            self._grid.addWidget(icon, len(self._rows), 0)
            self._grid.addWidget(text, len(self._rows), 1)
            self._rows.append((icon, text))
        return self._rows[index]

    def _chosen(self, row: int) -> None:
        if row < len(self.entries) and self.entries[row].applies:
            self.step_chosen.emit(self.entries[row].page_id)

    def show_entries(self, entries: list[PageEntry], current_id: int, topology_label: str) -> None:
        shown = (tuple(entries), current_id, topology_label, self.devicePixelRatioF(),
                 tuple(self._row(i)[1].hasFocus() for i in range(len(entries))))
        if shown == self._shown:  # the side panel is refreshed on every change of results: most change nothing here
            return
        self._shown = shown
        self.entries = entries
        self.current_id = current_id
        bold = QFont(self.font())
        bold.setBold(True)
        widest = 0
        for index, entry in enumerate(entries):
            icon, label = self._row(index)
            text = f"{index + 1}. {entry.title}"
            font = QFont(self.font())
            role = QPalette.ColorRole.WindowText
            tip = ""
            if entry.page_id == current_id:
                font.setBold(True)
                text += "  ◂"
                role = QPalette.ColorRole.Highlight
            elif not entry.applies:
                font.setItalic(True)
                font.setStrikeOut(True)
                role = QPalette.ColorRole.PlaceholderText
                tip = "Not needed for the chosen topology; the wizard skips it."
            label.setText(text)
            font.setUnderline(label.hasFocus())
            label.setFont(font)
            label.set_reachable(entry.applies and entry.page_id != current_id)
            label.setForegroundRole(role)
            status = entry.status if entry.applies else "skip"
            icon.setPixmap(status_pixmap(status, ICON, self.devicePixelRatioF()))
            word = STATUS_WORDS.get(status, status) if entry.applies else "skipped"
            reachable = entry.applies and entry.page_id != current_id
            go = f" (click, or Ctrl+{index + 1}, to go to this step)" if reachable else ""
            label.setToolTip(tip or f"{entry.title}: {word}{go}")
            label.setAccessibleName(f"Step {index + 1}, {entry.title}: {word}"
                                    + (", current step" if entry.page_id == current_id else ""))
            widest = max(widest, QFontMetrics(bold).horizontalAdvance(f"{index + 1}. {entry.title}  ◂"))
        self.setFixedWidth(max(widest + ICON + 16, self.fontMetrics().horizontalAdvance("M") * 14))
        self.topology.setText(topology_label)
