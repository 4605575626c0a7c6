"""File > Export scripts / Export report: ask where, ask before replacing files, write, say what was written.

The bundle's own writer (wizard.playbook.export.export_bundle) replaces a previous export atomically;
the wizard only asks first when the folder already holds files of a bundle.
"""

from __future__ import annotations

import logging
from pathlib import Path

from wizard.scenario import ScenarioInvalid, atomic_write_text
from wizard.ui.services import Services

log = logging.getLogger(__name__)


def _log_export(paths: list[Path]) -> None:
    try:
        from wizard.logs import log_export
    except ImportError:
        return
    log_export(paths)


class Exporter:
    def __init__(self, services: Services) -> None:
        self.services = services
        self.last_directory = ""

    def _invalid(self, what: str) -> bool:
        try:
            self.services.model.scenario.require_valid()
        except ScenarioInvalid as exc:
            self.services.dialogs.error(what, f"Fix the scenario first: {exc}")
            return True
        return False

    def export_scripts(self, out_dir: Path | None = None) -> list[Path]:
        """Write the script bundle; returns the files written (empty when cancelled)."""
        if self._invalid("Export scripts"):
            return []
        target = out_dir or self.services.dialogs.directory("Export the script bundle to", self.last_directory)
        if target is None:
            return []
        from wizard.playbook.export import bundle_file_names, export_bundle

        names = bundle_file_names()
        existing = sorted(p for p in target.iterdir() if p.name in names) if target.is_dir() else []
        if existing and not self.services.dialogs.confirm(
                "Replace files?", f"{len(existing)} file(s) of an earlier export are in {target}.",
                "\n".join(f"• {p.name}" for p in existing[:12]) + "\n\nReplace them with this export?",
                yes="Replace", no="Cancel"):
            return []
        try:
            written = export_bundle(self.services.model.scenario, target)
        except ScenarioInvalid as exc:
            self.services.dialogs.error("Export scripts", f"Fix the scenario first: {exc}")
            return []
        except OSError as exc:
            self.services.dialogs.error("Export scripts", f"Could not write to {target}: {exc.strerror or exc}")
            return []
        self.last_directory = str(target)
        _log_export(written)
        self.services.status(f"Exported {len(written)} file(s) to {target}")
        return written

    def export_report(self, path: Path | None = None) -> Path | None:
        """Write the HTML report of the current scenario and the latest check results."""
        target = path or self.services.dialogs.save_file("Export report", "HTML report (*.html)",
                                                         str(Path(self.last_directory or ".") / "report.html"))
        if target is None:
            return None
        if target.suffix.lower() not in (".html", ".htm"):
            target = target.with_suffix(".html")
        if target.exists() and not self.services.dialogs.confirm(
                "Replace file?", f"{target.name} already exists.", "Replace it?", yes="Replace", no="Cancel"):
            return None
        from wizard.report import render_report_html

        results = self.services.session.results()
        try:
            text = render_report_html(self.services.model.scenario, results)
            atomic_write_text(target, text)
        except ScenarioInvalid as exc:
            self.services.dialogs.error("Export report", f"Fix the scenario first: {exc}")
            return None
        except OSError as exc:
            self.services.dialogs.error("Export report", f"Could not write {target}: {exc.strerror or exc}")
            return None
        self.last_directory = str(target.parent)
        _log_export([target])
        self.services.status(f"Exported the report to {target}")
        return target
