"""Turn the playbook into files: one setup and one undo script per shell, plus the runbook (.md and .html).

Scripts are what Windows PowerShell 5.1 reads best: UTF-8 with a BOM (without it a non-ASCII
character in a quoted value is read as ANSI) and CRLF line ends. They stop at the first error, and
every step reads before it writes, so running a script twice is safe. The bundle is written to a
temporary folder beside the destination and moved into place only when complete.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import textwrap
from pathlib import Path

from wizard import __version__
from wizard.lifecycle import support_lines, support_warning
from wizard.playbook.build import build_playbook
from wizard.playbook.psquote import literal
from wizard.playbook.runbook import render_runbook_html, render_runbook_markdown
from wizard.playbook.step import Shell, Step
from wizard.safe_text import clean_block
from wizard.scenario import Scenario

SCRIPT_SHELLS: tuple[Shell, ...] = tuple(s for s in Shell if s is not Shell.BROWSER)
RUNBOOK_FILES = ("runbook.md", "runbook.html")
BOM = "\ufeff"
COMMENT_WIDTH = 110
RULE = "# " + "-" * 100


def setup_file_name(shell: Shell) -> str:
    return shell.script_name


def undo_file_name(shell: Shell) -> str:
    return f"{shell.value}-undo.ps1"


def bundle_file_names() -> set[str]:
    """Every name export_bundle may write (to clear a previous export's leftovers for another topology)."""
    names = {setup_file_name(s) for s in SCRIPT_SHELLS} | {undo_file_name(s) for s in SCRIPT_SHELLS}
    return names | set(RUNBOOK_FILES)


def comment(text: str, label: str = "", *, hang: int = 0) -> list[str]:
    """Text as PowerShell line comments: every line break in it starts a new '#' line, so no value escapes.

    Hidden characters (controls, bidi overrides, zero-width) are removed first, so a comment reads as
    what it says. `label` goes before the first line and aligns the rest; `hang` indents continuation lines.
    """
    prefix = f"{label} ".ljust(8) if label else ""
    lines: list[str] = []
    for paragraph in clean_block(text).splitlines() or [""]:
        wrapped = textwrap.wrap(paragraph, COMMENT_WIDTH - len(prefix), subsequent_indent=" " * hang) or [""]
        for piece in wrapped:
            lines.append(f"# {prefix}{piece}".rstrip())
            prefix = " " * len(prefix)
    return lines


def _domains(scenario: Scenario) -> str:
    parts = [f"SIP domain(s): {', '.join(scenario.sip_domains)}", f"SMTP domain: {scenario.smtp_domain}"]
    if scenario.topology.involves_tenant and scenario.tenant_domain:
        parts.append(f"tenant: {scenario.tenant_domain}")
    return "; ".join(parts)


def _header(scenario: Scenario, shell: Shell, steps: list[Step], *, undo: bool, skipped: list[Step]) -> list[str]:
    label = scenario.topology.label
    what = (f"reverses the {len(steps)} step(s) below, newest first; each removal first checks with Get-... that "
            "there is something to remove." if undo else
            f"{len(steps)} step(s) of the integration that run here, in order (runbook.md lists every step). "
            "Each step reads before it creates, so running the script again is safe.")
    lines = [f"# SfB-Exchange integration wizard {__version__}: {'undo' if undo else 'setup'} script", "#"]
    lines += comment(what, "What:")
    lines += comment(shell.title, "Where:")
    lines += comment(label, "For:")
    lines += comment(_domains(scenario), "")
    support = support_lines(scenario.topology)
    if support:
        lines += comment("\n".join(support), "Support:")
    warning = support_warning(scenario.topology)
    if warning:
        lines += comment(warning, "Warning:")
    lines.append("#")
    lines.append("# Steps:")
    for number, step in enumerate(steps, 1):
        lines += comment(f"{number:>2}. [{step.phase.title}] {step.title}", hang=4)
    if skipped:
        lines.append("#")
        lines.append("# Not reversed by this script (see each step's note in the runbook):")
        for step in skipped:
            lines += comment(f"- [{step.phase.title}] {step.title}", hang=2)
    return lines


def _step_block(number: int, total: int, step: Step, *, undo: bool) -> list[str]:
    title = f"{'Undo ' if undo else ''}{number}/{total} - {step.phase.title}: {step.title}"
    lines = ["", RULE]
    lines += comment(title, hang=4)
    lines += comment(step.why, "Why:")
    if not undo:
        lines += comment(step.check, "Check:")
    if step.note:
        lines += comment(step.note, "Note:")
    if step.source:
        lines += comment(step.source, "Source:")
    lines.append(f"Write-Host {literal(f'[{number}/{total}] ' + ('Undo: ' if undo else '') + step.title)}")
    lines += (step.undo if undo else step.command).splitlines()
    return lines


def render_script(scenario: Scenario, shell: Shell, steps: list[Step], *, undo: bool = False) -> str:
    """The setup (or undo) script for one shell from the given steps (others' steps are ignored).

    Lines end in \\n here; encode_script() turns the text into the file's bytes (BOM, CRLF).
    """
    if shell is Shell.BROWSER:
        raise ValueError("browser steps are manual checks, not a script")
    mine = [s for s in steps if s.shell is shell]
    if undo:
        chosen = [s for s in reversed(mine) if s.undo]
        skipped = [s for s in mine if not s.undo]
    else:
        chosen, skipped = mine, []
    lines = _header(scenario, shell, chosen, undo=undo, skipped=skipped)
    lines += ["", "$ErrorActionPreference = 'Stop'"]
    if not chosen:
        lines += ["", "# Nothing to do here for this scenario."]
    for number, step in enumerate(chosen, 1):
        lines += _step_block(number, len(chosen), step, undo=undo)
    return "\n".join(lines) + "\n"


def encode_script(text: str) -> bytes:
    """The bytes of a .ps1 file: UTF-8 with BOM, CRLF line ends."""
    body = text.replace("\r\n", "\n").replace("\n", "\r\n")
    return (BOM + body).encode("utf-8")


def bundle_files(scenario: Scenario) -> dict[str, bytes]:
    """File name -> content for the scenario's bundle (raises ScenarioInvalid for an invalid scenario)."""
    steps = build_playbook(scenario)
    files: dict[str, bytes] = {}
    for shell in SCRIPT_SHELLS:
        if any(s.shell is shell for s in steps):
            files[setup_file_name(shell)] = encode_script(render_script(scenario, shell, steps))
            files[undo_file_name(shell)] = encode_script(render_script(scenario, shell, steps, undo=True))
    files["runbook.md"] = render_runbook_markdown(scenario, steps).encode("utf-8")
    files["runbook.html"] = render_runbook_html(scenario, steps).encode("utf-8")
    return files


def _write_all(folder: Path, files: dict[str, bytes]) -> None:
    for name, data in files.items():
        with open(folder / name, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())


def _swap_into(out_dir: Path, staging: Path, files: dict[str, bytes]) -> None:
    """Move the new files into an existing folder; on any failure put the old ones back."""
    backup = staging / ".previous"
    backup.mkdir()
    stale = [p.name for p in out_dir.iterdir() if p.name in bundle_file_names() and p.name not in files]
    saved: list[str] = []
    placed: list[str] = []
    try:
        for name in [*files, *stale]:
            if (out_dir / name).exists():
                os.replace(out_dir / name, backup / name)
                saved.append(name)
        for name in files:
            os.replace(staging / name, out_dir / name)
            placed.append(name)
    except BaseException:
        for name in placed:
            with contextlib.suppress(OSError):
                os.unlink(out_dir / name)
        for name in saved:
            with contextlib.suppress(OSError):
                os.replace(backup / name, out_dir / name)
        raise


def _new_staging_folder(target: Path) -> Path:
    """A fresh hidden folder beside target; os.mkdir (unlike mkdtemp) gives it the usual permissions,
    which it keeps when it is renamed to target."""
    for _ in range(100):
        candidate = target.parent / f".{target.name}.{secrets.token_hex(6)}.export"
        try:
            candidate.mkdir()
        except FileExistsError:
            continue
        return candidate
    raise FileExistsError(f"cannot create a temporary folder next to {target}")


def export_bundle(scenario: Scenario, out_dir: str | os.PathLike[str]) -> list[Path]:
    """Write the bundle into out_dir (created if needed); returns the files, scripts first.

    Everything is rendered and written to a temporary folder next to out_dir first, so a bad scenario
    or a failed write leaves out_dir as it was. A previous export's files for shells this topology no
    longer uses are removed, so the folder never mixes two topologies.
    """
    target = Path(out_dir).absolute()
    files = bundle_files(scenario)
    if target.exists() and not target.is_dir():
        raise NotADirectoryError(f"{target} exists and is not a folder")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = _new_staging_folder(target)
    try:
        _write_all(staging, files)
        if target.exists():
            _swap_into(target, staging, files)
        else:
            os.replace(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [target / name for name in files]
