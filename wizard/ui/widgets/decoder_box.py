"""Paste what a cmdlet printed; the core's error decoder says what it means and what to do."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from wizard.ui.status_style import STATUS_COLOURS

if TYPE_CHECKING:  # the decoder itself is imported on first use, to keep start-up short
    from wizard.probes.decoder import DecodedError


class DecoderBox(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        intro = QLabel("Paste the output of a cmdlet (for example Test-CsExStorageConnectivity or "
                       "New-CsPartnerApplication) to see the cause and the fix.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.input = QPlainTextEdit()
        self.input.setObjectName("decoder_input")
        self.input.setPlaceholderText(
            "Test-CsExStorageConnectivity : ExCreateItem exchange operation failed, code=50043")
        self.input.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.input.setTabChangesFocus(True)
        self.input.setAccessibleName("Cmdlet output to decode")
        intro.setBuddy(self.input)
        lines = self.input.fontMetrics().lineSpacing()
        self.input.setMinimumHeight(lines * 3 + 8)  # both boxes grow with the tab; short tabs (150 %) still fit
        # The buttons beside the pasted text, not under it: a row less for the answer on a short (150 %) tab.
        row = QHBoxLayout()
        row.addWidget(self.input, 1)
        buttons = QVBoxLayout()
        self.decode_button = QPushButton("&Decode")
        self.decode_button.setObjectName("decode_button")
        self.decode_button.clicked.connect(self.decode)
        self.clear_button = QPushButton("C&lear")
        self.clear_button.clicked.connect(self._clear)
        buttons.addWidget(self.decode_button)
        buttons.addWidget(self.clear_button)
        buttons.addStretch(1)
        row.addLayout(buttons)
        layout.addLayout(row, 1)
        self.output = QTextBrowser()
        self.output.setObjectName("decoder_output")
        self.output.setOpenExternalLinks(False)
        self.output.setAccessibleName("Decoded errors")
        self.output.setPlaceholderText("The cause and the fix of each known error in the text appear here.")
        self.output.setMinimumHeight(lines * 3 + 8)
        layout.addWidget(self.output, 3)  # the answer is what is read: it takes most of the height
        self.decoded: list[DecodedError] = []

    def decode(self) -> None:
        from wizard.probes.decoder import decode

        text = self.input.toPlainText()
        self.decoded = list(decode(text)) if text.strip() else []
        if not text.strip():
            self.output.setHtml("<p>Paste some output first.</p>")
            return
        if not self.decoded:
            self.output.setHtml("<p>No known error found in this text. The log folder (Help menu) and the "
                                "checks on each page may still point at the cause.</p>")
            return
        from wizard.where_to import for_window  # the window's places, never a command-line flag

        colour = STATUS_COLOURS["fail"]
        parts = []
        for item in self.decoded:
            parts.append(
                f"<h4 style='color:{colour}; margin-bottom:2px'>{html.escape(item.title)}</h4>"
                f"<p style='margin:2px 0'><b>Cause:</b> {html.escape(for_window(item.cause))}</p>"
                f"<p style='margin:2px 0'><b>Fix:</b> {html.escape(for_window(item.fix))}</p>"
                f"<p style='margin:2px 0'><small>Matched: <code>{html.escape(item.excerpt.rstrip(',;. '))}</code> · "
                f"Source: {html.escape(item.source)}</small></p>")
        self.output.setHtml("".join(parts))

    def _clear(self) -> None:
        self.input.clear()
        self.output.clear()
        self.decoded = []
        self.input.setFocus(Qt.FocusReason.OtherFocusReason)
