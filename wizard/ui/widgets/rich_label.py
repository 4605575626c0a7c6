"""A word-wrapped rich-text label that grows to its text instead of scrolling it.

For text inside a page that already scrolls as a whole: a text browser there would be a second scroll
area inside the first, whose wheel and scroll bar fight the page's.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocumentFragment
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget


class RichLabel(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)

    def setHtml(self, text: str) -> None:  # the QTextEdit names, so callers read the same
        self.setText(text)

    def toPlainText(self) -> str:
        return QTextDocumentFragment.fromHtml(self.text()).toPlainText()
