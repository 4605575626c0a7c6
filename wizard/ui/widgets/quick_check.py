"""The start page's Quick check: a user's address (or a domain) in, the deployment discovered, then verified.

Discovery is the core's (wizard.discovery.check.discover, the same lookups as `python -m wizard check`),
run on a worker thread. What it found becomes the scenario, so every value is shown on its page and can be
edited there; this box lists each value with where it came from, the notes, and what could not be looked
up. "Check now" goes to Verification and runs every check.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from wizard.ui.mnemonics import Mnemonics
from wizard.ui.services import Services
from wizard.ui.widgets.rich_label import RichLabel
from wizard.ui.worker import Worker

SHOWN_FIELDS = ("exchange", "exchange_version", "exchange_fqdns", "autodiscover_fqdn", "sfb", "pool_fqdns",
                "pool_external_web_fqdns", "dc_fqdn", "tenant_domain", "tenant_id", "verified_domain")


def field_label(name: str) -> str:
    from wizard.fields import FIELD_BY_NAME

    spec = FIELD_BY_NAME.get(name)
    return spec.label if spec is not None else name.replace("_", " ")


def describe(discovery: Any) -> str:
    """The discovery as rich text (every value from a server escaped): values and sources, notes, problems."""
    import html  # not at start-up: the first window does not need it

    from wizard.probes.result import Status
    from wizard.ui.choice_labels import choice_label
    from wizard.where_to import for_window

    order = {name: i for i, name in enumerate(SHOWN_FIELDS)}
    values = sorted((d for d in discovery.discovered if d.field in order), key=lambda d: order[d.field])
    rows = "".join(f"<tr><td><b>{html.escape(field_label(d.field))}</b>&nbsp;</td>"
                   f"<td>{html.escape(choice_label(d.field, d.value))}"
                   f" <span style='color:gray'>from {html.escape(d.source)}</span></td></tr>" for d in values)
    problems = [r for r in discovery.results if r.status in (Status.FAIL, Status.ERROR, Status.BLOCKED)]
    parts = [f"<table>{rows}</table>"] if rows else []
    parts += [f"<p>⚠ <b>{html.escape(r.title)}</b>: {html.escape(for_window(r.detail))}</p>" for r in problems]
    parts += [f"<p>{html.escape(for_window(note))}</p>" for note in discovery.notes]
    return "".join(parts)


class AddressEdit(QLineEdit):
    """Enter discovers: it must not also reach the wizard's default button (Next) and leave the page."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        super().keyPressEvent(event)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()


class QuickCheckBox(QGroupBox):
    """Address, Discover, what was found, Check now. `check_now` is emitted when the admin asks to verify."""

    check_now = Signal()

    def __init__(self, services: Services, mnemonics: Mnemonics, parent: QWidget | None = None) -> None:
        super().__init__("Quick check from a user's address", parent)
        self.setObjectName("quick_check")
        self._services = services
        self._worker: Worker | None = None
        self._cancel: Callable[[], None] | None = None
        self.discovery: Any = None
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        self.address_label = QLabel(mnemonics.label("User's address or domain"))
        self.address = AddressEdit()
        self.address.setObjectName("quick_check_address")
        self.address.setPlaceholderText("adele@contoso.com")
        self.address.setToolTip("Exchange, Skype for Business Server or Teams and the Microsoft 365 tenant are "
                                "found from public DNS records and unauthenticated answers: no credentials.")
        self.address_label.setBuddy(self.address)
        self._discover_text = mnemonics.label("Discover")
        self.discover_button = QPushButton(self._discover_text)
        self.discover_button.setObjectName("quick_check_discover")
        self.check_button = QPushButton(mnemonics.label("Verify discovered"))
        self.check_button.setObjectName("quick_check_verify")
        self.check_button.setEnabled(False)
        for widget in (self.address_label, self.address, self.discover_button, self.check_button):
            row.addWidget(widget, 1 if widget is self.address else 0)
        layout.addLayout(row)
        self.status = QLabel()
        self.status.setObjectName("quick_check_status")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.RichText)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.hide()
        layout.addWidget(self.status)
        # What was found, with sources and notes, in full: the start page scrolls as a whole (no scroll box in it).
        self.details = RichLabel()
        self.details.setObjectName("quick_check_details")
        self.details.hide()
        layout.addWidget(self.details)
        self.address.returnPressed.connect(self.start)
        self.discover_button.clicked.connect(self.start)
        self.check_button.clicked.connect(self.check_now)

    @property
    def running(self) -> bool:
        return self._worker is not None

    def start(self) -> bool:
        """Discover from the typed address; False (with the reason shown) when it cannot start."""
        import html

        from wizard.discovery.check import discover
        from wizard.discovery.query import parse_query
        from wizard.probes.context import ProbeContext
        from wizard.validation import InvalidValue

        if self.running:
            self.cancel()
            return False
        try:
            query = parse_query(self.address.text())
        except InvalidValue as exc:
            self._show(f"<b>Not started.</b> {html.escape(str(exc))}")
            return False
        model = self._services.model
        if model.dirty and not self._services.dialogs.confirm(
                "Replace the current values?", "The quick check builds the scenario from what it discovers.",
                "Values typed so far are replaced (save them first to keep them).", yes="Replace", no="Cancel"):
            return False
        settings = self._services.session.settings
        ctx = ProbeContext(settings)
        self._planned = 0
        self._done = 0

        def planned(count: int) -> None:
            self._planned = count

        def run(report: Callable[[object], None]) -> Any:
            return discover(query, settings, on_result=report, on_planned=planned, ctx=ctx,
                            given_by="typed in the window")

        worker = Worker(run, on_abort=ctx.cancel, wants_report=True)
        worker.signals.progress.connect(self._progress)
        worker.signals.returned.connect(self._found)
        worker.signals.errored.connect(lambda exc: self._show(f"<b>Discovery stopped:</b> {html.escape(str(exc))}"))
        worker.signals.aborted.connect(lambda: self._show("Discovery stopped."))
        worker.signals.finished.connect(self._finished)
        self._worker = worker
        self.details.hide()
        self.discover_button.setText("Stop")  # the same button: Alt+its letter or a click stops the lookups
        self.check_button.setEnabled(False)
        self._show(f"Looking up {html.escape(query.text)}…")
        worker.start(self._services.session.pool)
        return True

    def cancel(self) -> None:
        if self._worker is not None:
            self._worker.abort()

    def _progress(self, _result: object) -> None:
        self._done += 1
        self._show(f"Looking up… {self._done} of {max(self._planned, self._done)} lookups")

    def _found(self, discovery: Any) -> None:
        self.discovery = discovery
        self._services.model.replace(discovery.scenario, dirty=True)
        verdict = ("Found; the values are on their pages, where you can change them."
                   if discovery.complete else "The deployment was not found, so nothing can be verified.")
        self._show(f"<b>{verdict}</b>")
        self.details.setHtml(describe(discovery))
        self.details.show()
        self.check_button.setEnabled(discovery.complete)

    def _finished(self) -> None:
        self._worker = None
        self.discover_button.setText(self._discover_text)

    def _show(self, text: str) -> None:
        self.status.setText(text)
        self.status.show()
