"""Every question the wizard asks the user goes through one object, so tests can answer it.

The real implementation uses QMessageBox, QInputDialog and QFileDialog (imported when first needed,
so the window opens without loading them); tests swap in an object with the same methods that
records the questions and returns scripted answers (nothing modal ever blocks a test).
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget


class SaveChoice(Enum):
    SAVE = "save"
    DISCARD = "discard"
    CANCEL = "cancel"


class Dialogs:
    def __init__(self, parent: QWidget | None = None) -> None:
        self.parent = parent

    # ---- questions -------------------------------------------------------------------------
    def confirm(self, title: str, text: str, informative: str = "", *, yes: str = "Continue",
                no: str = "Stay", default_yes: bool = False) -> bool:
        """Yes or no; Enter picks `no` unless `default_yes` (a restore after a crash), Esc always `no`."""
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.NoButton, self.parent)
        box.setInformativeText(informative)
        go = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
        stay = box.addButton(no, QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(go if default_yes else stay)
        box.setEscapeButton(stay)
        box.exec()
        return box.clickedButton() is go

    def confirm_with_option(self, title: str, text: str, informative: str, option: str, *, yes: str,
                            no: str) -> tuple[bool, bool]:
        """confirm() with a check box under it ("Don't ask again…"): (go on, the box was ticked)."""
        from PySide6.QtWidgets import QCheckBox, QMessageBox

        box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.NoButton, self.parent)
        box.setInformativeText(informative)
        go = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
        stay = box.addButton(no, QMessageBox.ButtonRole.RejectRole)
        tick = QCheckBox(option)
        box.setCheckBox(tick)
        box.setDefaultButton(go)  # Enter goes on (the admin pressed Next); Esc stays
        box.setEscapeButton(stay)
        box.exec()
        return box.clickedButton() is go, tick.isChecked()

    def ask_save_changes(self, name: str) -> SaveChoice:
        from PySide6.QtWidgets import QMessageBox

        answer = QMessageBox.question(
            self.parent, "Unsaved changes", f"Save the changes to {name} before closing?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save)
        return {QMessageBox.StandardButton.Save: SaveChoice.SAVE,
                QMessageBox.StandardButton.Discard: SaveChoice.DISCARD}.get(answer, SaveChoice.CANCEL)

    def ask_password(self, title: str, label: str) -> bytes | None:
        from PySide6.QtWidgets import QInputDialog, QLineEdit

        text, ok = QInputDialog.getText(self.parent, title, label, QLineEdit.EchoMode.Password)
        return text.encode("utf-8") if ok else None

    def ask_text(self, title: str, label: str, text: str = "") -> str | None:
        from PySide6.QtWidgets import QInputDialog, QLineEdit

        value, ok = QInputDialog.getText(self.parent, title, label, QLineEdit.EchoMode.Normal, text)
        return value if ok else None

    # ---- files -------------------------------------------------------------------------------
    def open_file(self, caption: str, file_filter: str, start: str = "") -> Path | None:
        from PySide6.QtWidgets import QFileDialog

        name, _ = QFileDialog.getOpenFileName(self.parent, caption, start, file_filter)
        return Path(name) if name else None

    def open_files(self, caption: str, file_filter: str, start: str = "") -> list[Path]:
        """Several files at once (collector outputs: one per Front End); empty when cancelled."""
        from PySide6.QtWidgets import QFileDialog

        names, _ = QFileDialog.getOpenFileNames(self.parent, caption, start, file_filter)
        return [Path(name) for name in names]

    def save_file(self, caption: str, file_filter: str, start: str = "") -> Path | None:
        """The caller asks before replacing an existing file (one wording everywhere)."""
        from PySide6.QtWidgets import QFileDialog

        name, _ = QFileDialog.getSaveFileName(self.parent, caption, start, file_filter,
                                              options=QFileDialog.Option.DontConfirmOverwrite)
        return Path(name) if name else None

    def directory(self, caption: str, start: str = "") -> Path | None:
        from PySide6.QtWidgets import QFileDialog

        name = QFileDialog.getExistingDirectory(self.parent, caption, start)
        return Path(name) if name else None

    # ---- messages ------------------------------------------------------------------------------
    def error(self, title: str, text: str) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.critical(self.parent, title, text)

    def info(self, title: str, text: str) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.information(self.parent, title, text)
