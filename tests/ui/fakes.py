"""A probe that implements the real Probe protocol without touching the network, for worker tests."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from wizard.probes.context import ProbeContext
from wizard.probes.result import ProbeResult, Status
from wizard.scenario import Scenario
from wizard.topology import Phase


@dataclass
class FakeProbe:
    """Returns `status` after waiting for `gate` (if any); a cancelled context ends the wait at once."""

    id: str = "fake.probe"
    phase: Phase = Phase.PREREQUISITES
    title: str = "A fake check"
    status: Status = Status.PASS
    gate: threading.Event | None = None
    entered: threading.Event = field(default_factory=threading.Event)

    def run(self, scenario: Scenario, ctx: ProbeContext) -> ProbeResult:
        self.entered.set()
        if self.gate is not None:
            while not self.gate.is_set():
                if ctx.wait(0.01):
                    return ProbeResult(self.id, self.phase, Status.ERROR, self.title, detail="cancelled")
        return ProbeResult(self.id, self.phase, self.status, self.title, detail=f"checked {scenario.smtp_domain}")


class ScriptedDialogs:
    """Answers the wizard's questions without a modal window; records every question asked."""

    def __init__(self) -> None:
        from wizard.ui.dialogs import SaveChoice

        self.asked: list[tuple[str, str]] = []
        self.confirm_answer = True
        self.option_answer = False  # the "don't ask again" box of confirm_with_option
        self.save_choice = SaveChoice.DISCARD
        self.password: bytes | None = None
        self.open_path = None
        self.save_path = None
        self.directory_path = None
        self.text_answer: str | list[str] | None = None
        self.errors: list[str] = []

    def confirm(self, title: str, text: str, informative: str = "", **_kw: object) -> bool:
        self.asked.append(("confirm", f"{title}: {text} {informative}"))
        return self.confirm_answer

    def confirm_with_option(self, title: str, text: str, informative: str, option: str, **_kw: object):
        self.asked.append(("confirm", f"{title}: {text} {informative} [{option}]"))
        return self.confirm_answer, self.option_answer

    def ask_save_changes(self, name: str):
        self.asked.append(("save_changes", name))
        return self.save_choice

    def ask_password(self, title: str, label: str) -> bytes | None:
        self.asked.append(("password", label))
        return self.password

    def ask_text(self, title: str, label: str, text: str = "") -> str | None:
        self.asked.append(("text", label))
        if isinstance(self.text_answer, list):  # several answers, one per question
            return self.text_answer.pop(0) if self.text_answer else None
        return self.text_answer

    def open_file(self, caption: str, file_filter: str, start: str = ""):
        self.asked.append(("open_file", caption))
        return self.open_path

    def save_file(self, caption: str, file_filter: str, start: str = ""):
        self.asked.append(("save_file", caption))
        return self.save_path

    def directory(self, caption: str, start: str = ""):
        self.asked.append(("directory", caption))
        return self.directory_path

    def error(self, title: str, text: str) -> None:
        self.asked.append(("error", f"{title}: {text}"))
        self.errors.append(text)

    def info(self, title: str, text: str) -> None:
        self.asked.append(("info", title))

    def titles(self, kind: str) -> list[str]:
        return [text for k, text in self.asked if k == kind]
