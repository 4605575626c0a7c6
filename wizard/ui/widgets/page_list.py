"""The side panel: every step of the wizard, where the user is, which steps the topology skips,
and the worst check result of each step so far.

Plain labels rather than an item view: it is a map, not a control (the wizard's buttons and menus
navigate), and labels are what the first window can show without loading Qt's item views.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QSize
from PySide6.QtGui import QFont, QFontMetrics, QPalette
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


class PageList(QFrame):
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
        self._rows: list[tuple[QLabel, QLabel]] = []
        self.entries: list[PageEntry] = []
        self.current_id = -1

    def _row(self, index: int) -> tuple[QLabel, QLabel]:
        while len(self._rows) <= index:
            icon, text = QLabel(), QLabel()
            icon.setFixedSize(QSize(ICON, ICON))
            self._grid.addWidget(icon, len(self._rows), 0)
            self._grid.addWidget(text, len(self._rows), 1)
            self._rows.append((icon, text))
        return self._rows[index]

    def show_entries(self, entries: list[PageEntry], current_id: int, topology_label: str) -> None:
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
            label.setFont(font)
            label.setForegroundRole(role)
            status = entry.status if entry.applies else "skip"
            icon.setPixmap(status_pixmap(status, ICON, self.devicePixelRatioF()))
            word = STATUS_WORDS.get(status, status) if entry.applies else "skipped"
            label.setToolTip(tip or f"{entry.title}: {word}")
            label.setAccessibleName(f"Step {index + 1}, {entry.title}: {word}"
                                    + (", current step" if entry.page_id == current_id else ""))
            widest = max(widest, QFontMetrics(bold).horizontalAdvance(f"{index + 1}. {entry.title}  ◂"))
        self.setFixedWidth(max(widest + ICON + 16, self.fontMetrics().horizontalAdvance("M") * 14))
        self.topology.setText(topology_label)
