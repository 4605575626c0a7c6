"""The Qt face of the one Scenario: change signals for the pages, the file it came from, and autosave.

The Scenario itself stays plain Python; this adapter subscribes to it and re-announces each change
as a Qt signal, tracks whether there are unsaved edits, and writes a crash-safe copy to the
per-user data folder shortly after every change (debounced, atomic).
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from wizard.scenario import Scenario, ScenarioFileError, atomic_write_text

log = logging.getLogger(__name__)

AUTOSAVE_DELAY_MS = 400
AUTOSAVE_NAME = "autosave.json"


class ScenarioModel(QObject):
    """Owns the current Scenario for the window; pages read it and write edits through `set`."""

    fieldChanged = Signal(str)  # noqa: N815 - Qt naming
    replaced = Signal()  # a different scenario was loaded (New/Open): pages re-read everything
    dirtyChanged = Signal(bool)  # noqa: N815
    pathChanged = Signal(object)  # noqa: N815 - Path | None

    def __init__(self, scenario: Scenario, *, autosave_dir: Path | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._scenario = scenario
        self._unsubscribe = scenario.subscribe(self._on_change)
        self._path: Path | None = None
        self._dirty = False
        self._autosave_dir = autosave_dir
        self._autosave_timer = QTimer(self)
        self._autosave_timer.setSingleShot(True)
        self._autosave_timer.setInterval(AUTOSAVE_DELAY_MS)
        self._autosave_timer.timeout.connect(self.autosave)

    # ---- the model ---------------------------------------------------------------------
    @property
    def scenario(self) -> Scenario:
        return self._scenario

    def set(self, name: str, value: str | list[str]) -> str | None:
        """Store a typed value; returns the model's message for it (None when valid)."""
        self._scenario.set(name, value)
        return self._scenario.field_error(name)

    def replace(self, scenario: Scenario, *, path: Path | None = None, dirty: bool = False) -> None:
        self._unsubscribe()
        self._scenario = scenario
        self._unsubscribe = scenario.subscribe(self._on_change)
        self._set_path(path)
        self._set_dirty(dirty)
        self.replaced.emit()
        if dirty:
            self._autosave_timer.start()
        else:
            self.discard_autosave()

    def _on_change(self, name: str) -> None:
        self._set_dirty(True)
        self._autosave_timer.start()  # restarts: one write after the typing pauses
        self.fieldChanged.emit(name)

    # ---- file state ----------------------------------------------------------------------
    @property
    def path(self) -> Path | None:
        return self._path

    @property
    def dirty(self) -> bool:
        return self._dirty

    def _set_path(self, path: Path | None) -> None:
        if path != self._path:
            self._path = path
            self.pathChanged.emit(path)

    def _set_dirty(self, dirty: bool) -> None:
        if dirty != self._dirty:
            self._dirty = dirty
            self.dirtyChanged.emit(dirty)

    def open(self, path: Path) -> None:
        """Load a scenario file; raises ScenarioFileError with a message fit for a dialog."""
        self.replace(Scenario.load(path), path=path)

    def save(self, path: Path | None = None) -> Path:
        target = path or self._path
        if target is None:
            raise ValueError("no file name to save to")
        self._scenario.save(target)
        self._set_path(Path(target))
        self._set_dirty(False)
        self.discard_autosave()
        return Path(target)

    # ---- autosave ------------------------------------------------------------------------
    @property
    def autosave_path(self) -> Path | None:
        return self._autosave_dir / AUTOSAVE_NAME if self._autosave_dir else None

    def autosave(self) -> Path | None:
        """Write the current scenario to the autosave file now (also called by the crash hook)."""
        self._autosave_timer.stop()
        target = self.autosave_path
        if target is None:
            return None
        try:
            atomic_write_text(target, self._scenario.to_json())
        except OSError:
            log.exception("autosave to %s failed", target)
            return None
        return target

    def flush_autosave(self) -> None:
        """Write a pending autosave right away (before the window closes)."""
        if self._autosave_timer.isActive():
            self.autosave()

    def discard_autosave(self) -> None:
        """Forget the crash copy: the work is saved, or was deliberately thrown away."""
        self._autosave_timer.stop()
        target = self.autosave_path
        if target is not None:
            try:
                target.unlink(missing_ok=True)
            except OSError:
                log.exception("could not remove %s", target)

    def recovered_scenario(self) -> Scenario | None:
        """A scenario left behind by a session that did not end cleanly, if there is one."""
        target = self.autosave_path
        if target is None or not target.is_file():
            return None
        try:
            return Scenario.load(target)
        except ScenarioFileError:
            log.warning("ignoring unreadable autosave %s", target)
            return None
