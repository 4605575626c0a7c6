"""A form built from wizard.fields.FIELDS: one row per field, bound both ways to the scenario model.

Every keystroke goes to the model (`ScenarioModel.set`), and the model's own message for the field is
shown under it; the form never judges a value itself. Rows for fields the topology does not use
are hidden, and values changed elsewhere (Open, the certificate picker) are mirrored back in.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from wizard.fields import FieldSpec, Kind
from wizard.scenario import Scenario
from wizard.ui.choice_labels import choice_label
from wizard.ui.mnemonics import Mnemonics
from wizard.ui.model_adapter import ScenarioModel
from wizard.ui.status_style import STATUS_COLOURS, status_icon


def derived_placeholder(spec: FieldSpec, scenario: Scenario) -> str:
    """The greyed example in an empty field: the value the wizard will use when one is derived (the realm,
    the autodiscover name), else an example in the scenario's own domain; the generic example until a
    domain is known."""
    smtp = scenario.smtp_domain or scenario.default_sip_domain
    sip = scenario.default_sip_domain or scenario.smtp_domain
    derived = {
        "autodiscover_fqdn": scenario.effective_autodiscover_fqdn,
        "oauth_realm": scenario.default_sip_domain,
        "verified_domain": scenario.smtp_domain,
        "test_mailbox": scenario.test_mailbox_address,
        "exchange_autodiscover_url": scenario.oauth_autodiscover_url if scenario.effective_autodiscover_fqdn
        or scenario.exchange == "online" else "",
        "sfb_site": "Site1",
    }.get(spec.name, "")
    if derived:
        return derived
    examples = {
        "sip_domains": smtp, "smtp_domain": sip,
        "exchange_fqdns": f"exch01.{smtp}", "exchange_lb_fqdn": f"mail.{smtp}",
        "pool_fqdns": f"pool01.{sip}", "pool_external_web_fqdns": f"webext.{sip}", "dc_fqdn": f"dc01.{smtp}",
        "test_sip_uri": f"sip:user@{sip}", "test_mailbox": f"user@{smtp}",
    }
    if smtp and spec.name in examples:
        return examples[spec.name]
    return spec.placeholder or ("separate several with commas" if spec.kind is Kind.LIST else "")


def display_value(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(value)
    return str(value or "")


class FieldRow(QWidget):
    """Input, help line and the model's message for one field."""

    def __init__(self, spec: FieldSpec, model: ScenarioModel, *, on_browse: Callable[[FieldSpec], None] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._shown: tuple[str | None, bool, bool] | None = None  # what show_message last showed
        self.spec = spec
        self._model = model
        self._writing = False
        self.touched = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.input: QLineEdit | QComboBox
        if spec.kind is Kind.CHOICE:
            combo = QComboBox()
            combo.addItems([choice_label(spec.name, value) for value in spec.choices])  # values by position
            combo.activated.connect(self._choice_activated)
            self.input = combo
            layout.addWidget(combo)
        else:
            edit = QLineEdit()
            edit.setClearButtonEnabled(True)
            edit.textEdited.connect(self._text_edited)
            edit.editingFinished.connect(self._editing_finished)
            self._invalid_action = edit.addAction(status_icon("fail"), QLineEdit.ActionPosition.TrailingPosition)
            self._invalid_action.setToolTip("")
            self._invalid_action.setVisible(False)
            self.input = edit
            if spec.kind is Kind.PATH and on_browse is not None:
                row = QHBoxLayout()
                row.setContentsMargins(0, 0, 0, 0)
                row.addWidget(edit, 1)
                self.browse = QPushButton("Browse…")
                self.browse.clicked.connect(lambda: on_browse(spec))
                row.addWidget(self.browse)
                layout.addLayout(row)
            else:
                layout.addWidget(edit)
        self.input.setObjectName(f"field_{spec.name}")
        self.input.setToolTip(spec.help)
        self.input.setWhatsThis(spec.help)
        self.input.setAccessibleName(spec.label)
        self.input.setAccessibleDescription(spec.help)
        self.help = QLabel(spec.help)
        self.help.setWordWrap(True)
        self.help.setForegroundRole(QPalette.ColorRole.PlaceholderText)  # muted in light and dark mode
        font = self.help.font()
        font.setPointSizeF(font.pointSizeF() * 0.92)
        self.help.setFont(font)
        self.message = QLabel()
        self.message.setObjectName(f"message_{spec.name}")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.hide()
        layout.addWidget(self.message)
        layout.addWidget(self.help)
        self.read_model()

    # ---- model -> widget -------------------------------------------------------------------
    def read_model(self) -> None:
        value = getattr(self._model.scenario, self.spec.name)
        if isinstance(self.input, QComboBox):
            index = self.spec.choices.index(value) if value in self.spec.choices else -1
            if index >= 0 and index != self.input.currentIndex():
                self.input.setCurrentIndex(index)
        elif not self._writing and _normalised_text(self.input.text()) != _normalised_text(display_value(value)):
            self.input.setText(display_value(value))
        self.show_message()

    def show_placeholder(self) -> None:
        if isinstance(self.input, QLineEdit):
            text = derived_placeholder(self.spec, self._model.scenario)
            if text != self.input.placeholderText():
                self.input.setPlaceholderText(text)

    def show_message(self) -> None:
        self.show_placeholder()  # called on every change of any field, which is when a derived value changes
        message = self._model.scenario.field_error(self.spec.name)
        raw = getattr(self._model.scenario, self.spec.name)
        shown = (message, not raw, self.touched)
        if shown == self._shown:  # every key of any field comes here: touch the widgets only on a change
            return
        self._shown = shown
        if not message:
            self.message.hide()
            self.message.clear()
            self._set_invalid(False)
            return
        missing = not raw
        colour = STATUS_COLOURS["warn" if missing else "fail"]
        marker = "Required" if missing else "Invalid"
        self.message.setText(f'<span style="color:{colour}; font-weight:600">{marker}:</span> {_escape(message)}')
        self.message.show()
        self._set_invalid(not missing or self.touched)

    def _set_invalid(self, invalid: bool) -> None:
        message = self._model.scenario.field_error(self.spec.name) or ""
        self.input.setAccessibleDescription(message if invalid else self.spec.help)
        if isinstance(self.input, QLineEdit):
            self._invalid_action.setVisible(invalid)
            self._invalid_action.setToolTip(message)

    # ---- widget -> model -------------------------------------------------------------------
    def _text_edited(self, text: str) -> None:
        self.touched = True
        self._writing = True
        try:
            self._model.set(self.spec.name, text)
        finally:
            self._writing = False
        self.show_message()

    def _editing_finished(self) -> None:
        """Show the stored (normalised) form of a valid value once the user leaves the field."""
        if isinstance(self.input, QLineEdit) and not self._model.scenario.field_error(self.spec.name):
            shown = display_value(getattr(self._model.scenario, self.spec.name))
            if shown != self.input.text():
                self.input.setText(shown)

    def _choice_activated(self, index: int) -> None:
        self.touched = True
        assert isinstance(self.input, QComboBox)
        self._model.set(self.spec.name, self.spec.choices[index])


class FieldForm(QWidget):
    """Rows for the given fields; hides those the current topology does not use."""

    validityChanged = Signal()  # noqa: N815

    def __init__(self, model: ScenarioModel, specs: list[FieldSpec], *, mnemonics: Mnemonics,
                 on_browse: Callable[[FieldSpec], None] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self.specs = specs
        self.layout_ = QFormLayout(self)
        self.layout_.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.layout_.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.layout_.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.rows: dict[str, FieldRow] = {}
        self.labels: dict[str, QLabel] = {}
        self._visible: dict[str, bool] = {}
        for spec in specs:
            row = FieldRow(spec, model, on_browse=on_browse)
            label = QLabel(mnemonics.label(spec.label))
            label.setBuddy(row.input)
            label.setObjectName(f"label_{spec.name}")
            self.layout_.addRow(label, row)
            self.rows[spec.name] = row
            self.labels[spec.name] = label
        model.fieldChanged.connect(self._model_changed)
        model.replaced.connect(self.read_model)
        self.update_visibility()

    def read_model(self) -> None:
        for row in self.rows.values():
            row.read_model()
        self.update_visibility()
        self.validityChanged.emit()

    def _model_changed(self, name: str) -> None:
        row = self.rows.get(name)
        if row is not None:
            row.read_model()
        for other in self.rows.values():  # cross-field rules and "required for <topology>" messages
            if other is not row:
                other.show_message()
        self.update_visibility()
        self.validityChanged.emit()

    def update_visibility(self) -> None:
        topology = self._model.scenario.topology_or_default
        for row in self.rows.values():
            visible = row.spec.relevant(topology)
            if visible != self._visible.get(row.spec.name):  # a relayout only when a row comes or goes
                self._visible[row.spec.name] = visible
                self.layout_.setRowVisible(row, visible)

    def visible_specs(self) -> list[FieldSpec]:
        topology = self._model.scenario.topology_or_default
        return [spec for spec in self.specs if spec.relevant(topology)]

    def errors(self) -> dict[str, str]:
        """The model's messages for the fields this form shows."""
        found = {}
        for spec in self.visible_specs():
            message = self._model.scenario.field_error(spec.name)
            if message:
                found[spec.name] = message
        return found

    def first_invalid_input(self) -> QWidget | None:
        for name in self.errors():
            return self.rows[name].input
        return None


def _normalised_text(text: str) -> str:
    return ",".join(part.strip().lower() for part in text.replace(";", ",").split(",") if part.strip())


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
