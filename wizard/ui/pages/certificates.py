"""Certificates: pick the SfB OAuth certificate (file or LocalMachine\\My), see its fields and the rules.

A .pfx password is asked for with a password dialog and handed to the probe session, which passes
it into ProbeContext(certificate_password=...) for each run; it is never written to the scenario,
the autosave or the log.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget

from wizard.fields import FieldSpec
from wizard.topology import Phase
from wizard.ui.coalesce import coalesced
from wizard.ui.pages.phase_page import PhasePage
from wizard.ui.services import Services
from wizard.ui.worker import Worker

if TYPE_CHECKING:  # the certificate parser is imported on first use, to keep start-up short
    from wizard.probes.formats.certificate import CertificateFacts

CERT_FILTER = "Certificates (*.cer *.crt *.pem *.pfx *.p12);;All files (*)"
PFX_SUFFIXES = (".pfx", ".p12")
TYPING_PAUSE_MS = 250  # a certificate path is read once typing pauses this long


def _load_file(path: str, password: bytes | None) -> object:
    """The certificate's facts, or the CertificateLoadError saying why not: a path being typed, one key at a
    time, names no file most of the time, which is an answer for the panel, not a defect to log."""
    from wizard.probes.formats.certificate import load_certificate_file
    from wizard.probes.net.errors import CertificateLoadError

    try:
        return load_certificate_file(path, password)
    except CertificateLoadError as exc:
        return exc


def _store_certificates() -> list[CertificateFacts]:
    """Certificates of the Windows "MY" store (LocalMachine\\My among them), as CertificateFacts."""
    import ssl

    from wizard.probes.formats.certificate import facts_from_der

    found: list[CertificateFacts] = []
    for der, encoding, _trust in ssl.enum_certificates("MY"):  # type: ignore[attr-defined]  # Windows only
        if encoding == "x509_asn":
            try:
                found.append(facts_from_der(der))
            except Exception:  # a damaged store entry is just not offered
                continue
    return found


class CertificatesPage(PhasePage):
    BUTTON_LETTERS = PhasePage.BUTTON_LETTERS + "iwp"
    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(services, Phase.CERTIFICATES, parent)

    def build_extra(self) -> None:
        from wizard.ui.widgets.certificate_panel import CertificatePanel

        services = self.services
        self.panel = CertificatePanel()
        self.add_extra(self.panel)
        self.panel.from_store.clicked.connect(self.choose_from_store)
        self.panel.from_store.setEnabled(sys.platform == "win32")
        self.panel.password.clicked.connect(self.ask_password)
        self._loader: Worker | None = None
        self._load_later = QTimer(self)
        self._load_later.setSingleShot(True)
        self._load_later.setInterval(TYPING_PAUSE_MS)
        self._load_later.timeout.connect(self.load_certificate)
        self._loaded_key: tuple[str, bool] | None = None
        services.session.resultsChanged.connect(coalesced(self, self._show_rules))
        services.model.fieldChanged.connect(self._field_changed)

    # ---- picking ---------------------------------------------------------------------------
    def browse_for(self, spec: FieldSpec) -> None:
        if spec.name == "oauth_certificate":
            self.choose_file()
        else:
            super().browse_for(spec)

    def choose_file(self) -> None:
        path = self.services.dialogs.open_file("Choose the OAuth certificate", CERT_FILTER)
        if path is None:
            return
        if path.suffix.lower() in PFX_SUFFIXES:
            password = self.services.dialogs.ask_password(
                "Certificate password", f"Password of {path.name} (kept in memory only, never saved):")
            if password is None:
                return
            self.services.session.certificate_password = password
        else:
            self.services.session.certificate_password = None
        self.services.model.set("oauth_certificate", str(path))
        self.load_certificate(force=True)

    def ask_password(self) -> None:
        password = self.services.dialogs.ask_password("Certificate password",
                                                      "Password of the .pfx file (kept in memory only):")
        if password is not None:
            self.services.session.certificate_password = password
            self.load_certificate(force=True)
            self.checks.start()

    def choose_from_store(self) -> None:
        if sys.platform == "win32":  # the store is Windows-only (the button is disabled elsewhere)
            self._choose_from_windows_store()

    def _choose_from_windows_store(self) -> None:
        try:
            certificates = _store_certificates()
        except OSError as exc:
            self.services.dialogs.error("Windows certificate store", f"Cannot read the store: {exc}")
            return
        chosen = _pick_certificate(self, certificates)
        if chosen is None:
            return
        self.services.model.set("oauth_certificate", "")
        self.services.model.set("oauth_certificate_thumbprint", chosen.thumbprint)
        self.panel.show_facts(chosen)

    # ---- loading ---------------------------------------------------------------------------
    def initializePage(self) -> None:
        self.ensure_built()
        # The OAuthTokenIssuer is Skype for Business Server's: without it (Teams only) there is none to choose.
        # Decided before the page lays out its values area, which shows only when something in it does.
        self.panel.setVisible(self.services.model.scenario.topology_or_default.sfb_on_prem)
        super().initializePage()
        self.load_certificate()
        self._show_rules()

    def _field_changed(self, name: str) -> None:
        """A path being typed is read once typing pauses: each key would otherwise start a read of a file that
        does not exist yet and redraw the panel twice (the worst keystroke during a verification)."""
        if name == "oauth_certificate" and self.isVisible():
            self._load_later.start()

    def load_certificate(self, *, force: bool = False) -> None:
        scenario = self.services.model.scenario
        path = scenario.oauth_certificate
        is_pfx = path.lower().endswith(PFX_SUFFIXES)
        self.panel.password.setVisible(is_pfx)
        if not path or scenario.field_error("oauth_certificate"):
            if not scenario.oauth_certificate_thumbprint:
                self.panel.show_facts(None)
                self.panel.show_message("No certificate file chosen: use Browse… above for the certificate assigned "
                                        "as OAuthTokenIssuer (Get-CsCertificate -Type OAuthTokenIssuer shows it).")
            return
        key = (path, self.services.session.certificate_password is not None)
        if key == self._loaded_key and not force:
            return
        self._loaded_key = key
        if self._loader is not None:
            self._loader.abort()
        worker = Worker(_load_file, path, self.services.session.certificate_password)
        worker.signals.returned.connect(lambda facts, w=worker: self._loaded(w, facts))
        worker.signals.errored.connect(lambda exc, w=worker: self._load_failed(w, exc))
        self._loader = worker
        self.panel.show_message("Reading the certificate…")
        worker.start(self.services.session.pool)

    def _loaded(self, worker: Worker, facts: object) -> None:
        if isinstance(facts, Exception):
            self._load_failed(worker, facts)
        elif worker is self._loader:
            self.panel.show_facts(facts)

    def _load_failed(self, worker: Worker, exc: object) -> None:
        if worker is self._loader:
            self.panel.show_facts(None)
            self.panel.show_message(f"Cannot read the certificate: {exc}", problem=True)

    def _show_rules(self) -> None:
        self.panel.show_rules(self.services.session.results(Phase.CERTIFICATES))


def _pick_certificate(parent: QWidget, certificates: list[CertificateFacts]) -> CertificateFacts | None:
    from PySide6.QtWidgets import QDialog, QDialogButtonBox, QListWidget, QListWidgetItem, QVBoxLayout

    dialog = QDialog(parent)
    dialog.setWindowTitle("Certificates in LocalMachine\\My")
    layout = QVBoxLayout(dialog)
    listing = QListWidget()
    for facts in certificates:
        item = QListWidgetItem(f"{facts.subject}  ·  expires {facts.not_after:%Y-%m-%d}  ·  {facts.thumbprint}")
        listing.addItem(item)
    layout.addWidget(listing)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(buttons)
    dialog.resize(720, 360)
    if dialog.exec() != QDialog.DialogCode.Accepted or listing.currentRow() < 0:
        return None
    return certificates[listing.currentRow()]
