"""File > Export scripts / Export report / collector scripts / rotation plan: ask where, ask before
replacing files, write, say what was written.

The bundle's own writer (wizard.playbook.export.export_bundle) replaces a previous export atomically,
in one batch; the wizard only asks first when the folder already holds files of a bundle. The bundle
carries the read-only collector scripts too, and is byte for byte what `python -m wizard export` writes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from wizard.probes.result import ProbeResult
from wizard.scenario import ScenarioInvalid
from wizard.ui.services import Services
from wizard.words import counted

if TYPE_CHECKING:
    from wizard.inside.rotation import RotationPlan

log = logging.getLogger(__name__)


def _log_export(paths: list[Path]) -> None:
    try:
        from wizard.logs import log_export
    except ImportError:
        return
    log_export(paths)


class Exporter:
    def __init__(self, services: Services, *, inside_findings: Callable[[], list[ProbeResult]] | None = None) -> None:
        self.services = services
        self.last_directory = ""
        self.exported: list[tuple[str, list[Path]]] = []  # (what, files) in the order written, for the completion page
        self.last_report: Path | None = None
        # the imported collected data's findings, for the report (the window hands in InsideView.findings)
        self.inside_findings = inside_findings or list

    def _replace_ok(self, target: Path, names: set[str] | list[str]) -> bool:
        """Ask before replacing files of an earlier export; True when there are none or the user agrees."""
        existing = sorted(p for p in target.iterdir() if p.name in set(names)) if target.is_dir() else []
        are = "is" if len(existing) == 1 else "are"
        return not existing or self.services.dialogs.confirm(
            "Replace files?", f"{counted(len(existing), 'file')} of an earlier export {are} in {target}.",
            "\n".join(f"• {p.name}" for p in existing[:12]) + "\n\nReplace them with this export?",
            yes="Replace", no="Cancel")

    def _written(self, written: list[Path], target: Path, what: str) -> list[Path]:
        self.last_directory = str(target)
        self.exported.append((what, list(written)))
        _log_export(written)
        self.services.status(f"Exported the {what} ({counted(len(written), 'file')}) to {target}")
        return written

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

        scenario = self.services.model.scenario
        if not self._replace_ok(target, bundle_file_names()):
            return []
        try:
            written = export_bundle(scenario, target)
        except ScenarioInvalid as exc:
            self.services.dialogs.error("Export scripts", f"Fix the scenario first: {exc}")
            return []
        except OSError as exc:
            self.services.dialogs.error("Export scripts", f"Could not write to {target}: {exc.strerror or exc}")
            return []
        return self._written(written, target, "scripts and runbook")

    def export_collectors(self, out_dir: Path | None = None) -> list[Path]:
        """Write the read-only collector scripts (one per shell) for this scenario."""
        if self._invalid("Export collector scripts"):
            return []
        target = out_dir or self.services.dialogs.directory("Export the collector scripts to", self.last_directory)
        if target is None:
            return []
        from wizard.inside.collectors import collector_scripts, write_collectors

        scenario = self.services.model.scenario
        if not self._replace_ok(target, [s.file_name for s in collector_scripts(scenario)]):
            return []
        try:
            written = write_collectors(scenario, target)
        except ScenarioInvalid as exc:
            self.services.dialogs.error("Export collector scripts", f"Fix the scenario first: {exc}")
            return []
        except OSError as exc:
            self.services.dialogs.error("Export collector scripts",
                                        f"Could not write to {target}: {exc.strerror or exc}")
            return []
        return self._written(written, target, "collector scripts")

    def save_rotation_plan(self, plan: RotationPlan, out_dir: Path | None = None) -> list[Path]:
        """Write the rotation scripts (one per shell and certificate), the runbook and the .ics calendar."""
        target = out_dir or self.services.dialogs.directory("Save the rotation plan to", self.last_directory)
        if target is None:
            return []
        from wizard.inside.rotation import CALENDAR_FILE, RUNBOOK_FILE, render_scripts, write_plan

        if not self._replace_ok(target, [*render_scripts(plan), RUNBOOK_FILE, CALENDAR_FILE]):
            return []
        try:
            target.mkdir(parents=True, exist_ok=True)
            written = write_plan(plan, target)
        except OSError as exc:
            self.services.dialogs.error("Save rotation plan", f"Could not write to {target}: {exc.strerror or exc}")
            return []
        return self._written(written, target, "rotation plan")

    def export_report(self, path: Path | None = None) -> Path | None:
        """Write the report of the current scenario and the latest check results: HTML, JSON (the report
        dialect verify, check and analyze print) or Markdown, by the extension, through the CLI's writer."""
        target = path or self.services.dialogs.save_file(
            "Export report", "HTML report (*.html);;JSON report (*.json);;Markdown report (*.md)",
            str(Path(self.last_directory or ".") / "report.html"))
        if target is None:
            return None
        if target.suffix.lower() not in (".html", ".htm", ".json", ".md"):
            target = target.with_suffix(".html")
        if target.exists() and not self.services.dialogs.confirm(
                "Replace file?", f"{target.name} already exists.", "Replace it?", yes="Replace", no="Cancel"):
            return None
        from datetime import datetime

        from wizard.playbook.build import build_playbook
        from wizard.report_files import write_report
        from wizard.run_document import TargetRun

        # Only results that are current: one whose values changed since it ran says nothing about them.
        results = list(self.services.session.summary(None, self.inside_findings()).current)
        scenario = self.services.model.scenario
        try:
            write_report(target, "window", [(scenario, TargetRun(tuple(results)))],
                         started_at=datetime.now().astimezone(),
                         duration_s=sum(r.elapsed_ms for r in results) / 1000, steps=build_playbook(scenario))
        except ScenarioInvalid as exc:
            self.services.dialogs.error("Export report", f"Fix the scenario first: {exc}")
            return None
        except OSError as exc:
            self.services.dialogs.error("Export report", f"Could not write {target}: {exc.strerror or exc}")
            return None
        self.last_directory = str(target.parent)
        self.last_report = target
        self.exported.append(("report", [target]))
        _log_export([target])
        self.services.status(f"Exported the report to {target}")
        return target
