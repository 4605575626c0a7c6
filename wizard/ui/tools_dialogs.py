"""Tools menu: the probe settings an admin may need to change (resolver, extra CA, timeouts, trust, proxy).

Each returns new frozen ProbeSettings (dataclasses.replace) or None when cancelled; validation of
the resolver uses the core's host_port validator.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from wizard import validation
from wizard.probes.context import ProbeSettings
from wizard.probes.net.proxy import InvalidProxyError, parse_proxy_url
from wizard.ui.dialogs import Dialogs


def ask_resolver(dialogs: Dialogs, settings: ProbeSettings) -> ProbeSettings | None:
    current = f"{settings.nameserver[0]}:{settings.nameserver[1]}" if settings.nameserver else ""
    while True:
        text = dialogs.ask_text("DNS resolver", "Name server as HOST or HOST:PORT (empty: the system resolver):",
                                current)
        if text is None:
            return None
        if not text.strip():
            return replace(settings, nameserver=None)
        try:
            return replace(settings, nameserver=validation.host_port(text, default_port=53))
        except (validation.InvalidValue, ValueError) as exc:
            dialogs.error("DNS resolver", str(exc))
            current = text


def ask_ca_bundle(dialogs: Dialogs, settings: ProbeSettings) -> ProbeSettings | None:
    path = dialogs.open_file("Extra CA bundle (PEM) trusted besides the system store",
                             "PEM certificates (*.pem *.crt *.cer);;All files (*)", settings.ca_bundle or "")
    if path is None:
        return None
    return replace(settings, ca_bundle=str(path))


class TimeoutsDialog(QDialog):
    def __init__(self, settings: ProbeSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Timeouts")
        layout = QVBoxLayout(self)
        intro = QLabel("Each network operation (a DNS lookup; an HTTPS request from connecting to the last byte of "
                       "the answer) has one deadline; the whole run has a budget, after which unfinished checks "
                       "are reported as not checked.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.dns = QDoubleSpinBox()
        self.dns.setRange(0.5, 60.0)
        self.dns.setSuffix(" s")
        self.dns.setDecimals(1)
        self.dns.setValue(settings.dns_timeout)
        self.http = QDoubleSpinBox()
        self.http.setRange(1.0, 120.0)
        self.http.setSuffix(" s")
        self.http.setDecimals(1)
        self.http.setValue(settings.http_timeout)
        self.budget = QDoubleSpinBox()
        self.budget.setRange(5.0, 3600.0)
        self.budget.setSuffix(" s")
        self.budget.setDecimals(0)
        self.budget.setValue(settings.budget or 3600.0)
        dns_label = QLabel("&DNS queries:")
        dns_label.setBuddy(self.dns)
        http_label = QLabel("HTTPS &requests:")
        http_label.setBuddy(self.http)
        form.addRow(dns_label, self.dns)
        form.addRow(http_label, self.http)
        budget_label = QLabel("Whole &run:")
        budget_label.setBuddy(self.budget)
        form.addRow(budget_label, self.budget)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._settings = settings

    def settings(self) -> ProbeSettings:
        return replace(self._settings, dns_timeout=self.dns.value(), http_timeout=self.http.value(),
                       budget=self.budget.value())


class ProxyDialog(QDialog):
    """Tools > Proxy for Microsoft 365: this PC's proxy settings, a direct connection, or a given proxy.

    Only Microsoft 365's endpoints ever go through it; the organisation's servers are always reached
    directly, and the dialog says so, since that is the question an admin on a proxied PC asks first.
    """

    def __init__(self, settings: ProbeSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Proxy for Microsoft 365")
        self._settings = settings
        layout = QVBoxLayout(self)
        intro = QLabel("Checks of Microsoft 365 (sign-in and tenant discovery, Exchange Online, Teams) go through "
                       "this proxy. Your own servers (Exchange, Skype for Business, your DNS) are always reached "
                       "directly. A proxy set only by an automatic configuration script (PAC) is not read: give it "
                       "below.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.system = QRadioButton("Use this PC's &proxy settings")
        self.direct = QRadioButton("Connect &directly")
        self.given = QRadioButton("Use &this proxy:")
        self.url = QLineEdit(settings.proxy or "")
        self.url.setPlaceholderText("http://proxy.contoso.com:8080")
        self.url.setAccessibleName("Proxy URL")
        note = QLabel("As http://HOST:PORT, or http://USER:PASSWORD@HOST:PORT for a proxy that asks for a "
                      "password (Basic sign-in). A password is kept for this session only.")
        note.setWordWrap(True)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setObjectName("proxy_problem")
        for widget in (self.system, self.direct, self.given, self.url, note, self.problem):
            layout.addWidget(widget)
        (self.given if settings.proxy else self.system if settings.system_proxy else self.direct).setChecked(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        for radio in (self.system, self.direct, self.given):
            radio.toggled.connect(self._validate)
        self.url.textChanged.connect(self._validate)
        self._validate()

    def _validate(self) -> None:
        self.url.setEnabled(self.given.isChecked())
        problem = ""
        if self.given.isChecked():
            try:
                parse_proxy_url(self.url.text())
            except InvalidProxyError as exc:
                problem = str(exc)
        self.problem.setText(problem)
        self.problem.setVisible(bool(problem))
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(not problem)

    def settings(self) -> ProbeSettings:
        if self.given.isChecked():
            return replace(self._settings, proxy=self.url.text().strip(), system_proxy=True)
        return replace(self._settings, proxy=None, system_proxy=self.system.isChecked())
