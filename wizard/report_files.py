"""`--output FILE` and the window's report export: one writer, the format chosen by the file's extension.

.json is the report dialect (wizard.run_document), .html the self-contained page, .md Markdown; the CLI and
the window call the same function, so they save the same report.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from wizard.playbook.step import Step
from wizard.run_document import TargetRun, run_document
from wizard.scenario import Scenario, atomic_write_text

FORMATS = {".json": "JSON", ".html": "HTML", ".htm": "HTML", ".md": "Markdown"}


class ReportFormatError(ValueError):
    """The file name does not end in a report format this tool writes."""


def report_format(path: Path) -> str:
    found = FORMATS.get(path.suffix.lower())
    if found is None:
        raise ReportFormatError(f"{path.name}: the report format is chosen by the extension: "
                                f"{', '.join(sorted(set(FORMATS) - {'.htm'}))}")
    return found


def check_document(targets: Sequence[tuple[Scenario, TargetRun]], *, started_at: datetime,
                   duration_s: float) -> dict[str, Any]:
    """check's document: the dialect, plus each address's scenario (what it was checked as)."""
    from wizard.report import scenario_extra

    extra = {"scenarios": [{"query": t.query} | scenario_extra(s) for s, t in targets]}
    return run_document("check", [t for _, t in targets], started_at=started_at, duration_s=duration_s, extra=extra)


def render(path: Path, command: str, targets: Sequence[tuple[Scenario, TargetRun]], *, started_at: datetime,
           duration_s: float, steps: list[Step] | None = None) -> str:
    """The report text for `path`'s format. One target (verify, analyze, the window, check of one address) gets
    the full report; several (check) a summary and a section per address. `steps` [] leaves the commands out."""
    kind = report_format(path)
    if command == "check":
        if kind == "JSON":
            return json.dumps(check_document(targets, started_at=started_at, duration_s=duration_s),
                              indent=2, ensure_ascii=False) + "\n"
        if len(targets) > 1:
            if kind == "HTML":
                from wizard.report import render_check_html

                return render_check_html(list(targets), generated_at=started_at)
            from wizard.report_md import render_check_md

            return render_check_md(list(targets), generated_at=started_at)
        steps = []
    if len(targets) != 1:
        raise ValueError(f"{command} reports one scenario, not {len(targets)}")
    scenario, target = targets[0]
    if kind == "JSON":
        from wizard.report import report_document

        document = report_document(scenario, list(target.results), steps, generated_at=started_at, command=command,
                                   duration_s=duration_s, target=target)
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if kind == "HTML":
        from wizard.report import render_report_html

        return render_report_html(scenario, list(target.results), steps, generated_at=started_at, target=target)
    from wizard.report_md import render_report_md

    return render_report_md(scenario, target, generated_at=started_at)


def write_report(path: Path, command: str, targets: Sequence[tuple[Scenario, TargetRun]], *, started_at: datetime,
                 duration_s: float, steps: list[Step] | None = None) -> None:
    """Render and write atomically (a half-written report never replaces a good one)."""
    text = render(path, command, targets, started_at=started_at, duration_s=duration_s, steps=steps)
    atomic_write_text(path, text)
