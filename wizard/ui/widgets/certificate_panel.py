"""The OAuth certificate the admin picked: its fields, shown beside the three published rules.

Loading (file, PFX password, Windows store) is done by wizard.probes.formats.certificate on a
worker thread; whether each rule holds is decided by the certificate checks of this page, whose
results are shown next to the rule they test.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from wizard.policy import MIN_RSA_KEY_BITS
from wizard.probes import ids
from wizard.probes.result import ProbeResult
from wizard.step_status import PENDING
from wizard.ui.status_style import STATUS_COLOURS, STATUS_WORDS, status_pixmap

RULES: tuple[tuple[str, str], ...] = (
    ("subject", "The Subject contains the SIP domain"),
    ("same", "The same certificate is the OAuthTokenIssuer on every Front End"),
    ("key", f"The key is at least {MIN_RSA_KEY_BITS} bits long"),
)
# Which certificate rule a check tests, by its declared id.
RULE_OF_CHECK: dict[str, str] = {
    f"{ids.OAUTH_RULE}.subject": "subject",
    ids.SAME_ON_FRONT_ENDS: "same",
    f"{ids.OAUTH_RULE}.key-size": "key",
}


def rule_for(result: ProbeResult) -> str | None:
    return RULE_OF_CHECK.get(ids.base(result.id))


class CertificatePanel(QGroupBox):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("OAuth token-signing certificate (OAuthTokenIssuer)", parent)
        self.setObjectName("certificate_panel")
        outer = QVBoxLayout(self)
        buttons = QHBoxLayout()
        self.from_store = QPushButton("From &Windows store…")
        self.from_store.setObjectName("choose_certificate_store")
        self.from_store.setToolTip("A certificate from LocalMachine\\My (only on Windows)")
        self.password = QPushButton("&Password…")
        self.password.setObjectName("certificate_password")
        self.password.setToolTip("The password of the .pfx file; kept in memory only, never saved")
        self.password.hide()
        buttons.addWidget(self.from_store)
        buttons.addWidget(self.password)
        buttons.addStretch(1)
        outer.addLayout(buttons)
        body = QHBoxLayout()
        self.fields = QFormLayout()
        self.fields.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        # Narrow (1024 pixels): each label above its value, so a long subject keeps the room it needs.
        self.fields.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.fields.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.values: dict[str, QLabel] = {}
        for key, label in (("subject", "Subject"), ("san", "Subject alternative names"), ("key", "Key"),
                           ("validity", "Valid"), ("thumbprint", "Thumbprint"), ("issuer", "Issuer")):
            value = QLabel("—")
            value.setObjectName(f"cert_{key}")
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.values[key] = value
            self.fields.addRow(QLabel(f"{label}:"), value)
        body.addLayout(self.fields, 3)
        rules_box = QGroupBox("What SfB and Exchange require of it")
        grid = QGridLayout(rules_box)
        self.rule_icons: dict[str, QLabel] = {}
        self.rule_texts: dict[str, QLabel] = {}
        for row, (rule, text) in enumerate(RULES):
            icon = QLabel()
            icon.setFixedSize(QSize(18, 18))
            rule_label = QLabel(text)
            rule_label.setWordWrap(True)
            rule_label.setObjectName(f"rule_{rule}")
            grid.addWidget(icon, row, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(rule_label, row, 1)
            self.rule_icons[rule] = icon
            self.rule_texts[rule] = rule_label
        grid.setColumnStretch(1, 1)
        body.addWidget(rules_box, 2)
        outer.addLayout(body)
        self.message = QLabel()
        self.message.setObjectName("certificate_message")
        self.message.setWordWrap(True)
        self.message.hide()
        outer.addWidget(self.message)
        self.show_rules([])

    def show_facts(self, facts: Any | None, now: datetime | None = None) -> None:
        """`facts`: a CertificateFacts, or None to clear."""
        if facts is None:
            for value in self.values.values():
                value.setText("—")
            return
        now = now or datetime.now(UTC)
        days = facts.days_left(now)
        expiry = (f"expired {-days:.0f} days ago" if days < 0 else f"{days:.0f} days left")
        self.values["subject"].setText(html.escape(facts.subject))
        self.values["san"].setText(html.escape(", ".join(facts.san_dns) or "none"))
        self.values["key"].setText(f"{facts.key_type}, {facts.key_bits} bits")
        self.values["validity"].setText(f"{facts.not_before:%Y-%m-%d} to {facts.not_after:%Y-%m-%d} ({expiry})")
        self.values["thumbprint"].setText(f"<code>{facts.thumbprint}</code>")
        self.values["issuer"].setText(html.escape(facts.issuer) + (" (self-signed)" if facts.self_signed else ""))
        self.show_message("")

    def show_message(self, text: str, *, problem: bool = False) -> None:
        colour = STATUS_COLOURS["fail"]
        self.message.setText(f"<span style='color:{colour}'>{html.escape(text)}</span>" if problem
                             else html.escape(text))
        self.message.setVisible(bool(text))

    def show_rules(self, results: list[ProbeResult]) -> None:
        """Colour each rule by the certificate check that tests it (pending until it ran)."""
        by_rule: dict[str, ProbeResult] = {}
        for result in results:
            rule = rule_for(result)
            if rule and rule not in by_rule:
                by_rule[rule] = result
        for rule, text in RULES:
            tested = by_rule.get(rule)
            status = tested.status.value if tested else PENDING
            self.rule_icons[rule].setPixmap(status_pixmap(status, 18, self.devicePixelRatioF()))
            detail = tested.detail if tested and tested.detail else STATUS_WORDS.get(status, status)
            self.rule_texts[rule].setText(html.escape(text))
            self.rule_texts[rule].setToolTip(detail)
            self.rule_icons[rule].setToolTip(detail)
