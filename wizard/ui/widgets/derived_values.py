"""Values the model derives from what was typed (URLs, realm, issuers), shown read-only on a page,
with the model's own notes about values it corrected (a pasted autodiscover.xml URL, say)."""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QVBoxLayout, QWidget

from wizard.scenario import Scenario
from wizard.ui.model_adapter import ScenarioModel
from wizard.ui.status_style import STATUS_COLOURS

Derivation = tuple[str, Callable[[Scenario], str]]


class DerivedValues(QGroupBox):
    def __init__(self, model: ScenarioModel, derivations: list[Derivation], *, title: str = "The wizard will use",
                 parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.setObjectName("derived_values")
        self._model = model
        self._derivations = derivations
        outer = QVBoxLayout(self)
        form = QFormLayout()
        self._form = form
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        self.values: dict[str, QLabel] = {}
        for label, _fn in derivations:
            value = QLabel()
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setWordWrap(True)
            self.values[label] = value
            form.addRow(QLabel(f"{label}:"), value)
        outer.addLayout(form)
        self.notes = QLabel()
        self.notes.setObjectName("corrections")
        self.notes.setWordWrap(True)
        self.notes.hide()
        outer.addWidget(self.notes)
        model.fieldChanged.connect(lambda _n: self.refresh())
        model.replaced.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        scenario = self._model.scenario
        shown = 0
        for label, fn in self._derivations:
            try:
                text = fn(scenario)
            except (ValueError, IndexError):
                text = ""
            self.values[label].setText(f"<code>{html.escape(text)}</code>")
            self._form.setRowVisible(self.values[label], bool(text))  # "" = does not apply to this topology
            shown += bool(text)
        notes = scenario.corrections()
        colour = STATUS_COLOURS["warn"]
        self.notes.setText("".join(f"<p><b style='color:{colour}'>Corrected:</b> {html.escape(n)}</p>" for n in notes))
        self.notes.setVisible(bool(notes))
        self.setVisible(bool(shown or notes))  # an empty box would say nothing
