"""F1: the current step's explanation in a non-modal window that follows the wizard's pages."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from wizard.ui.help_texts import help_html


class HelpDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("help_dialog")
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        line = self.fontMetrics().height()
        self.resize(line * 36, line * 30)

    def show_for(self, key: str) -> None:
        title, body = help_html(key)
        self.setWindowTitle(f"Help: {title}")
        self.browser.setHtml(f"<h3>{title}</h3>{body}")
