"""The side panel: every step of the wizard, where the user is, which steps the topology skips,
and the worst check result of each step so far."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPalette
from PySide6.QtWidgets import QFrame, QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from wizard.ui.status_style import status_icon


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
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        caption = QLabel("Steps")
        font = caption.font()
        font.setBold(True)
        caption.setFont(font)
        layout.addWidget(caption)
        self.list = QListWidget()
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a map of the wizard, not a control
        self.list.setSelectionMode(QListWidget.SelectionMode.NoSelection)
        self.list.setIconSize(QSize(16, 16))
        self.list.setSpacing(2)
        self.list.setFrameShape(QFrame.Shape.NoFrame)
        self.list.viewport().setAutoFillBackground(False)
        self.list.setAccessibleName("Wizard steps")
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(self.list, 1)
        self.topology = QLabel()
        self.topology.setWordWrap(True)
        self.topology.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        layout.addWidget(self.topology)
        self.entries: list[PageEntry] = []
        self.current_id = -1

    def show_entries(self, entries: list[PageEntry], current_id: int, topology_label: str) -> None:
        self.entries = entries
        self.current_id = current_id
        self.list.clear()
        widest = 0
        for number, entry in enumerate(entries, 1):
            text = f"{number}. {entry.title}"
            item = QListWidgetItem(text)
            font = QFont(self.list.font())
            if entry.page_id == current_id:
                font.setBold(True)
                item.setText(f"{text}  ◂")
                item.setForeground(self.palette().color(QPalette.ColorRole.Highlight))
            elif not entry.applies:
                font.setItalic(True)
                font.setStrikeOut(True)
                item.setForeground(self.palette().color(QPalette.ColorRole.PlaceholderText))
                item.setToolTip("Not needed for the chosen topology; the wizard skips it.")
            item.setFont(font)
            status = entry.status if entry.applies else "skip"
            item.setIcon(status_icon(status))
            item.setData(Qt.ItemDataRole.UserRole, entry.page_id)
            self.list.addItem(item)
            bold = QFont(self.list.font())
            bold.setBold(True)
            widest = max(widest, QFontMetrics(bold).horizontalAdvance(f"{text}  ◂") + self.list.iconSize().width() + 24)
        self.setFixedWidth(max(widest, self.fontMetrics().horizontalAdvance("M") * 14))
        self.topology.setText(topology_label)
