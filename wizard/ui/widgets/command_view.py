"""A phase's PowerShell, one tab per shell, exactly as the export writes it, with Copy and Save.

The text comes from wizard.playbook (render_script), so what the admin copies here is byte for
byte what the script bundle contains.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFontDatabase, QGuiApplication, QHideEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from wizard.playbook.step import Shell, Step
from wizard.scenario import Scenario, atomic_write_text
from wizard.ui.services import Services

FEEDBACK_MS = 6000


def group_by_shell(steps: list[Step]) -> dict[Shell, list[Step]]:
    groups: dict[Shell, list[Step]] = {}
    for step in steps:
        groups.setdefault(step.shell, []).append(step)
    return groups


def script_text(scenario: Scenario, shell: Shell, steps: list[Step]) -> str:
    """The exported script for these steps; a browser/manual shell becomes a numbered checklist."""
    if shell is not Shell.BROWSER:
        from wizard.playbook.export import render_script

        return render_script(scenario, shell, steps)
    lines = ["Manual checks (a browser or the admin centre):", ""]
    for number, step in enumerate(steps, 1):
        lines.append(f"{number}. {step.title}")
        for text in (step.command, step.check):
            if text:
                lines.extend(f"   {line}" for line in text.splitlines())
        lines.append("")
    return "\n".join(lines)


class ShellTab(QWidget):
    def __init__(self, shell: Shell, text: str, steps: list[Step], services: Services) -> None:
        super().__init__()
        self.shell = shell
        self._services = services
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        top = QHBoxLayout()
        where = QLabel(f"Run in: <b>{html.escape(shell.title)}</b> · {len(steps)} step(s)")
        where.setWordWrap(True)
        top.addWidget(where, 1)
        self.copy_button = QPushButton("Cop&y")
        self.copy_button.setToolTip("Copy the whole script to the clipboard")
        self.copy_button.clicked.connect(self.copy)
        self.save_button = QPushButton("Sa&ve…")
        self.save_button.setToolTip("Save the script as a file")
        self.save_button.clicked.connect(self.save)
        # What Copy or Save did, right beside them; gone after a while and when the page is left.
        self.feedback = QLabel()
        self.feedback.setObjectName(f"script_feedback_{shell.value}")
        self.feedback.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.feedback.hide()
        self._feedback_timer = QTimer(self)
        self._feedback_timer.setSingleShot(True)
        self._feedback_timer.setInterval(FEEDBACK_MS)
        self._feedback_timer.timeout.connect(self.clear_feedback)
        top.addWidget(self.feedback)
        top.addWidget(self.copy_button)
        top.addWidget(self.save_button)
        layout.addLayout(top)
        self.editor = QPlainTextEdit(text)
        self.editor.setObjectName(f"script_{shell.value}")
        self.editor.setReadOnly(True)
        self.editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.editor.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.editor.setTabChangesFocus(True)
        self.editor.setAccessibleName(f"Script for {shell.title}")
        layout.addWidget(self.editor, 1)

    def show_feedback(self, text: str) -> None:
        self.feedback.setText(text)
        self.feedback.setToolTip(text)
        self.feedback.show()
        self._feedback_timer.start()

    def clear_feedback(self) -> None:
        self._feedback_timer.stop()
        self.feedback.clear()
        self.feedback.hide()

    def hideEvent(self, event: QHideEvent) -> None:
        self.clear_feedback()  # not still there on the next page or tab
        super().hideEvent(event)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.editor.toPlainText())
        self.show_feedback("Copied to the clipboard.")

    def save(self) -> None:
        suffix = "txt" if self.shell is Shell.BROWSER else "ps1"
        filter_ = "Text files (*.txt)" if suffix == "txt" else "PowerShell scripts (*.ps1)"
        dialogs = self._services.dialogs
        path = dialogs.save_file("Save script", filter_, f"{self.shell.value}-commands.{suffix}")
        if path is None:
            return
        if path.exists() and not dialogs.confirm("Replace file?", f"{path.name} already exists.",
                                                       "Replace it?", yes="Replace", no="Cancel"):
            return
        try:
            if suffix == "ps1":  # through the one .ps1 writer: the bundle's own bytes (UTF-8 with BOM, CRLF)
                from wizard.playbook.script_file import write_script

                write_script(path, self.editor.toPlainText())
            else:
                atomic_write_text(path, self.editor.toPlainText())
        except OSError as exc:
            dialogs.error("Save script", f"Could not write {path}: {exc.strerror or exc}")
            return
        self.show_feedback(f"Saved as {path.name}.")
        self.feedback.setToolTip(str(path))


class CommandsView(QWidget):
    """Tabs of scripts for one phase; a message instead when there are none or the input is invalid."""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        layout.addWidget(self.message)
        layout.addWidget(self.tabs, 1)
        self.shell_tabs: dict[Shell, ShellTab] = {}

    def show_steps(self, scenario: Scenario, steps: list[Step], *, intro: str = "") -> None:
        current = self.tabs.currentIndex()
        self.tabs.clear()
        self.shell_tabs = {}
        if intro:
            checks = QTextBrowser()
            checks.setObjectName("how_to_check")
            checks.setHtml(intro)
            self.tabs.addTab(checks, "How to check")
        for shell, group in group_by_shell(steps).items():
            tab = ShellTab(shell, script_text(scenario, shell, group), group, self._services)
            self.shell_tabs[shell] = tab
            self.tabs.addTab(tab, _short_title(shell))
            self.tabs.setTabToolTip(self.tabs.count() - 1, shell.title)
        if 0 <= current < self.tabs.count():
            self.tabs.setCurrentIndex(current)
        self.message.clear()
        self.message.hide()
        self.tabs.setVisible(bool(steps))

    def show_message(self, text: str) -> None:
        self.tabs.clear()
        self.shell_tabs = {}
        self.tabs.hide()
        self.message.setText(text)
        self.message.show()


SHORT_TITLES: dict[Shell, str] = {
    Shell.EXCHANGE: "Exchange Management Shell",
    Shell.SFB: "SfB Management Shell",
    Shell.GRAPH: "Microsoft Graph",
    Shell.EXO: "Exchange Online",
    Shell.DNS: "DNS server",
    Shell.BROWSER: "Manual checks",
}


def _short_title(shell: Shell) -> str:
    return SHORT_TITLES.get(shell, shell.value)
