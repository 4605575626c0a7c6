"""The window's imported collected data: runs wizard.inside.analysis off the GUI thread and keeps the result.

File > Import collected data and the verification page's Trust graph tab both come here. The analysis
(the same `import_collected` the `analyze` command calls) runs in the one Worker wrapper; a wrong,
truncated or foreign file ends in one error dialog and the previous result stays as it was. The
metadata thumbprints the live checks already read are passed along, so the rules can compare what
each side publishes with what the collected data says it signs with.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from wizard.probes import ids
from wizard.probes.result import ProbeResult
from wizard.ui.probe_session import snapshot
from wizard.ui.services import Services
from wizard.ui.worker import Worker
from wizard.words import counted

if TYPE_CHECKING:
    from datetime import datetime

    from wizard.inside.analysis import AnalysisResult
    from wizard.inside.published import PublishedKeys
    from wizard.scenario import Scenario

log = logging.getLogger(__name__)

COLLECTED_FILTER = "Collected data (*.json);;All files (*)"
TITLE = "Import collected data"


def live_published(results: Iterable[ProbeResult]) -> PublishedKeys:
    """The signing-key thumbprints the metadata checks saw (evidence 'key N thumbprint'), per service."""
    from wizard.inside.published import PublishedKeys, from_thumbprints

    documents = []
    for result in results:
        check = ids.base(result.id)
        if check == ids.EXCHANGE_METADATA:
            service = "exchange"
        elif check == ids.SFB_METADATA:
            service = "sfb"
        else:
            continue
        thumbprints = [e.value for e in result.evidence
                       if e.label.startswith("key ") and e.label.endswith(" thumbprint")]
        if thumbprints:
            documents.append(from_thumbprints(service, thumbprints, f"{result.target} (live check)"))
    return PublishedKeys(tuple(documents))


def _analyse(paths: list[str], scenario: Scenario, published: PublishedKeys,
             clock: Callable[[], datetime] | None) -> AnalysisResult:
    from wizard.inside.analysis import import_collected

    return import_collected(paths, scenario, clock=clock, published=published)


class InsideView(QObject):
    """The latest analysis of imported collected data (None until the first import)."""

    changed = Signal()  # a new result, cleared, or gone stale
    busyChanged = Signal(bool)  # noqa: N815
    failed = Signal(str)  # the one-line reason an import was refused
    imported = Signal(object)  # the new AnalysisResult

    def __init__(self, services: Services, *, clock: Callable[[], datetime] | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self.clock = clock  # None: the real time; tests and the screenshot tool pin it
        self.result: AnalysisResult | None = None
        self.stale = False
        self.last_directory = ""
        self._worker: Worker | None = None
        services.model.replaced.connect(self.clear)
        services.model.fieldChanged.connect(self._mark_stale)

    # ---- queries ---------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self._worker is not None

    def findings(self) -> list[ProbeResult]:
        return list(self.result.findings) if self.result is not None else []

    # ---- control ---------------------------------------------------------------------------
    def ask_and_import(self) -> bool:
        """Ask for the collector files (several at once) and start the analysis; False when cancelled."""
        paths = self._services.dialogs.open_files(TITLE, COLLECTED_FILTER, self.last_directory)
        if not paths:
            return False
        return self.start(paths)

    def start(self, paths: list[Path] | list[str] | list[os.PathLike[str]]) -> bool:
        """Analyse these files in the background (a running import is abandoned for the newer one)."""
        names = [os.fspath(p) for p in paths]
        if not names:
            return False
        if self._worker is not None:
            self._worker.abort()
        session = self._services.session
        live = [r for r in session.results() if not session.is_stale(r.id)]
        try:
            published = live_published(live)
        except ImportError as exc:  # a build that lost a module: say so instead of crashing
            self._fail(f"The analysis is not available in this build ({exc}).")
            return False
        worker = Worker(_analyse, names, snapshot(self._services.model.scenario), published, self.clock)
        worker.signals.returned.connect(lambda value, w=worker: self._returned(w, value, names))
        worker.signals.errored.connect(lambda exc, w=worker: self._errored(w, exc))
        worker.signals.finished.connect(lambda w=worker: self._finished(w))
        self._worker = worker
        self.last_directory = str(Path(names[0]).parent)
        self.busyChanged.emit(True)
        self._services.status(f"Analysing {counted(len(names), 'collected file')}…")
        worker.start(session.pool)
        return True

    def clear(self) -> None:
        """Another scenario was loaded: findings about the old one say nothing about it."""
        if self._worker is not None:
            self._worker.abort()
        if self.result is not None or self.stale:
            self.result = None
            self.stale = False
            self.changed.emit()

    # ---- worker callbacks (GUI thread) -----------------------------------------------------
    def _returned(self, worker: Worker, value: Any, names: list[str]) -> None:
        if worker is not self._worker:
            return
        self.result = value
        self.stale = False
        problems = len(value.problems)
        self._services.status(f"Imported {counted(len(names), 'collected file')}: "
                              f"{counted(len(value.findings), 'finding')}, {counted(problems, 'problem')}.")
        self.changed.emit()
        self.imported.emit(value)

    def _errored(self, worker: Worker, exc: object) -> None:
        if worker is not self._worker:
            return
        from wizard.inside.collected import CollectedFileError
        from wizard.scenario import ScenarioInvalid

        if isinstance(exc, ScenarioInvalid):
            self._fail(f"Fix the scenario first: {exc}")
        elif isinstance(exc, CollectedFileError):
            self._fail(str(exc))
        else:
            self._fail(f"The files could not be analysed: {exc}")

    def _fail(self, message: str) -> None:
        self._services.status(f"Import failed: {message}")
        self._services.dialogs.error(TITLE, message)
        self.failed.emit(message)

    def _finished(self, worker: Worker) -> None:
        if worker is self._worker:
            self._worker = None
            self.busyChanged.emit(False)

    def _mark_stale(self, _name: str) -> None:
        if self.result is not None and not self.stale:
            self.stale = True
            self.changed.emit()
