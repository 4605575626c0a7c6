"""Turn the playbook into files: per shell a setup and an undo script (verify mode: one read-only script),
the collectors, and the runbook (.md and .html).

Setup scripts record what they change (wizard.playbook.runtime) and stop at the first failing step;
undo scripts revert only what that record lists. Verify mode exports only read-only steps. Every
script's header gives the order across shells and servers, and each script first checks what it
needs from the others. The bundle is written to a temporary folder beside the destination and
moved into place only when complete; the window and `export` write the same bundle.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
from pathlib import Path

from wizard.lifecycle import support_lines, support_warning
from wizard.playbook.build import build_playbook, settled_of
from wizard.playbook.psquote import literal
from wizard.playbook.runbook import render_runbook_html, render_runbook_markdown
from wizard.playbook.runtime import STOP_FUNCTION, preamble, read_only_preamble, record_file_pattern
from wizard.playbook.script_file import BOM, COMMENT_WIDTH, RULE, comment, encode_script, title_line
from wizard.playbook.script_order import (
    SHELL_ORDER,
    script_order,
    setup_file_name,
    undo_file_name,
    verify_file_name,
)
from wizard.playbook.script_order import script_name as _script_name
from wizard.playbook.snippets import indent
from wizard.playbook.step import Need, Shell, Step
from wizard.scenario import Scenario
from wizard.settled import Mode, Settled

__all__ = ["BOM", "COMMENT_WIDTH", "RULE", "SCRIPT_SHELLS", "SHELL_ORDER", "bundle_file_names", "bundle_files",
           "comment", "encode_script", "export_bundle", "exported_steps", "render_script", "script_order",
           "setup_file_name", "undo_file_name", "verify_file_name"]

SCRIPT_SHELLS: tuple[Shell, ...] = tuple(s for s in Shell if s is not Shell.BROWSER)
RUNBOOK_FILES = ("runbook.md", "runbook.html")


def bundle_file_names() -> set[str]:
    """Every name export_bundle may write (to clear a previous export's leftovers for another topology)."""
    from wizard.inside.collectors import COLLECTOR_FILE_NAMES

    names = {setup_file_name(s) for s in SCRIPT_SHELLS} | {undo_file_name(s) for s in SCRIPT_SHELLS}
    names |= {verify_file_name(s) for s in SCRIPT_SHELLS}
    return names | set(RUNBOOK_FILES) | set(COLLECTOR_FILE_NAMES)


def exported_steps(scenario: Scenario | Settled) -> list[Step]:
    """The steps the bundle holds: all of them to set up; only the read-only ones to verify."""
    settled = settled_of(scenario)
    steps = build_playbook(settled)
    return [s for s in steps if s.read_only] if settled.mode is Mode.VERIFY else steps


def script_name(settled: Settled, shell: Shell, *, undo: bool = False) -> str:
    return _script_name(settled.mode, shell, undo=undo)


def _domains(scenario: Settled) -> str:
    parts = [f"SIP domain(s): {', '.join(scenario.sip_domains)}", f"SMTP domain: {scenario.smtp_domain}"]
    if scenario.topology.involves_tenant and scenario.tenant_domain:
        parts.append(f"tenant: {scenario.tenant_domain}")
    return "; ".join(parts)


def _what(settled: Settled, shell: Shell, count: int, *, undo: bool) -> str:
    record = record_file_pattern(shell)
    if settled.mode is Mode.VERIFY:
        return (f"{count} read-only step(s) that verify an existing integration from here: they read and test, "
                "and change nothing.")
    if undo:
        return (f"reverts what {setup_file_name(shell)} recorded on this computer in {record}, newest first, and "
                "nothing else: an object that was already there when setup ran was not recorded and is left alone. "
                "Without a record it changes nothing. Objects other integrations rely on are kept unless you "
                "pass -RemoveSharedObjects.")
    return (f"{count} step(s) of the integration that run here, in order (runbook.md lists every step). Each step "
            f"reads before it changes; each change is recorded in {record} beside this script (-RecordFolder "
            f"moves it) so that {undo_file_name(shell)} can revert exactly that. A failing step stops the script; "
            "running it again continues where it stopped.")


def _order_lines(settled: Settled, shell: Shell, order: list[Shell], *, undo: bool) -> list[str]:
    if len(order) < 2:
        return []
    sequence = list(reversed(order)) if undo else order
    names = [f"{n}. {script_name(settled, s, undo=undo)} ({s.title})" + ("  <- this script" if s is shell else "")
             for n, s in enumerate(sequence, 1)]
    what = ("Undo runs in the reverse order of setup:" if undo else
            "Run the scripts in this order; each checks first that what it needs from the earlier ones is there:")
    return comment(what + "\n" + "\n".join(names), "Order:", hang=3)


def _header(settled: Settled, shell: Shell, steps: list[Step], order: list[Shell], *, undo: bool,
            skipped: list[Step]) -> list[str]:
    kind = "verify script" if settled.mode is Mode.VERIFY else ("undo script" if undo else "setup script")
    lines = [title_line(kind), "#"]
    lines += comment(_what(settled, shell, len(steps), undo=undo), "What:")
    lines += comment(shell.title, "Where:")
    lines += comment(settled.topology.label, "For:")
    lines += comment(_domains(settled), "")
    lines += _order_lines(settled, shell, order, undo=undo)
    support = support_lines(settled.topology)
    if support:
        lines += comment("\n".join(support), "Support:")
    warning = support_warning(settled.topology)
    if warning:
        lines += comment(warning, "Warning:")
    lines.append("#")
    lines.append("# Steps:")
    for number, step in enumerate(steps, 1):
        lines += comment(f"{number:>2}. [{step.phase.title}] {step.title}", hang=4)
    if skipped:
        lines.append("#")
        lines.append("# Not reverted by this script (see each step's note in the runbook):")
        for step in skipped:
            lines += comment(f"- [{step.phase.title}] {step.title}", hang=2)
    return lines


def _needs_block(steps: list[Step]) -> list[str]:
    """Check up front what the script needs from other scripts and machines; stop before any change if missing."""
    needs: dict[str, Need] = {}
    for step in steps:
        for need in step.needs:
            needs.setdefault(need.what, need)
    if not needs:
        return []
    lines = ["", RULE, "# Before anything runs: what this script needs from the other scripts and machines.",
             "$IntegrationMissing = @()"]
    for need in needs.values():
        lines += [
            "try {",
            f"    $met = [bool]({need.condition})",
            "} catch {",
            "    $met = $false",
            "}",
            f"if (-not $met) {{ $IntegrationMissing += {literal(f'{need.what}: {need.first}')} }}",
        ]
    lines += [
        "if ($IntegrationMissing.Count -gt 0) {",
        "    Write-Host 'Not started: this script needs what the earlier scripts or servers provide.' "
        "-ForegroundColor Red",
        "    foreach ($missing in $IntegrationMissing) { Write-Host \"  - $missing\" }",
        "    Write-Host 'Nothing was changed.'",
        "    exit 1",
        "}",
    ]
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
    label = f"[{number}/{total}] " + ("Undo: " if undo else "") + step.title
    lines.append(f"Write-Host {literal(label)}")
    body = step.undo if undo else step.command
    lines += ["try {", indent(body), "} catch {",
              f"    {STOP_FUNCTION} -Step {literal(label)} -ErrorRecord $_", "}",
              f"$IntegrationDone.Add({literal(str(number))})"]
    return "\n".join(lines).split("\n")


def render_script(scenario: Scenario | Settled, shell: Shell, steps: list[Step], *, undo: bool = False) -> str:
    """The setup (or undo, or verify-mode) script for one shell from the given steps (others' steps are ignored).

    Lines end in \\n here; encode_script() turns the text into the file's bytes (BOM, CRLF).
    """
    if shell is Shell.BROWSER:
        raise ValueError("browser steps are manual checks, not a script")
    settled = settled_of(scenario)
    verify = settled.mode is Mode.VERIFY
    if verify and undo:
        raise ValueError("verify mode changes nothing, so it has no undo script")
    mine = [s for s in steps if s.shell is shell and (s.read_only or not verify)]
    if undo:
        chosen = [s for s in reversed(mine) if s.undo]
        skipped = [s for s in mine if not s.undo and not s.read_only]
    else:
        chosen, skipped = mine, []
    name = script_name(settled, shell, undo=undo)
    lines = _header(settled, shell, chosen, script_order(steps), undo=undo, skipped=skipped)
    lines.append("")
    lines += (read_only_preamble(shell, name) if verify else
              preamble(shell, name, setup_file_name(shell), undo=undo))
    if not undo:
        lines += _needs_block(chosen)
    if not chosen:
        lines += ["", "# Nothing to do here for this scenario."]
    for number, step in enumerate(chosen, 1):
        lines += _step_block(number, len(chosen), step, undo=undo)
    lines += ["", f"Write-Host {literal(f'{name}: all {len(chosen)} step(s) finished.')} -ForegroundColor Green"]
    return "\n".join(lines) + "\n"


def bundle_files(scenario: Scenario) -> dict[str, bytes]:
    """File name -> content for the scenario's bundle (raises ScenarioInvalid for an invalid scenario).

    Scripts in run order (setup, then undo, per shell), the read-only collectors, then the runbook.
    """
    from wizard.inside.collectors import collector_scripts

    settled = scenario.settle()
    steps = exported_steps(settled)
    files: dict[str, bytes] = {}
    for shell in script_order(steps):
        files[script_name(settled, shell)] = encode_script(render_script(settled, shell, steps))
        if settled.mode is Mode.SETUP:
            files[undo_file_name(shell)] = encode_script(render_script(settled, shell, steps, undo=True))
    for collector in collector_scripts(scenario):
        files[collector.file_name] = encode_script(collector.text)
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
