"""The start page: the task (set up or verify) and the topology, with what will and will not work.

The choices come from wizard.fields (their values and relevance), the feature verdicts from
wizard.features; this page only shows them and writes the user's choice back to the model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from wizard.fields import FIELD_BY_NAME, FieldSpec
from wizard.topology import Phase
from wizard.ui.choice_labels import choice_label
from wizard.ui.coalesce import coalesced
from wizard.ui.mnemonics import Mnemonics
from wizard.ui.pages.ids import next_page_id
from wizard.ui.pages.phase_page import page_fields
from wizard.ui.services import Services

if TYPE_CHECKING:
    from wizard.ui.widgets.feature_matrix import FeatureMatrix
    from wizard.ui.widgets.topology_view import TopologyView


class ChoiceGroup(QGroupBox):
    """Radio buttons for one choice field, optionally with a version combo under it."""

    def __init__(self, title: str, spec: FieldSpec, services: Services, mnemonics: Mnemonics,
                 version: FieldSpec | None = None) -> None:
        super().__init__(title)
        self.spec = spec
        self.version_spec = version
        self._model = services.model
        layout = QVBoxLayout(self)
        self.buttons = QButtonGroup(self)
        self.radios: dict[str, QRadioButton] = {}
        for value in spec.choices:
            radio = QRadioButton(mnemonics.label(choice_label(spec.name, value)))
            radio.setObjectName(f"choice_{spec.name}_{value}")
            radio.setToolTip(spec.help)
            self.buttons.addButton(radio)
            self.radios[value] = radio
            layout.addWidget(radio)
            radio.toggled.connect(lambda checked, v=value: checked and self._model.set(spec.name, v))
        self.version: QComboBox | None = None
        if version is not None:
            row = QFormLayout()
            row.setContentsMargins(18, 4, 0, 0)
            self.version = QComboBox()
            self.version.setObjectName(f"field_{version.name}")
            self.version.setToolTip(version.help)
            # Values by position (item data would go through QVariant, which is slow to start up).
            self.version.addItems([choice_label(version.name, value) for value in version.choices])
            self.version.activated.connect(lambda index: self._model.set(version.name, version.choices[index]))
            self.version_label = QLabel(mnemonics.label("Version"))
            self.version_label.setBuddy(self.version)
            row.addRow(self.version_label, self.version)
            layout.addLayout(row)

    def read_model(self) -> None:
        scenario = self._model.scenario
        value = getattr(scenario, self.spec.name)
        radio = self.radios.get(value)
        if radio is not None and not radio.isChecked():
            radio.setChecked(True)
        if self.version is not None and self.version_spec is not None:
            value = getattr(scenario, self.version_spec.name)
            index = self.version_spec.choices.index(value) if value in self.version_spec.choices else -1
            if index >= 0:
                self.version.setCurrentIndex(index)
            relevant = self.version_spec.relevant(scenario.topology_or_default)
            self.version.setEnabled(relevant)
            self.version_label.setEnabled(relevant)


class StartPage(QWizardPage):
    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.setObjectName("page_start")
        self.setTitle("Integrate Skype for Business with Exchange")
        self.setSubTitle("Choose the task and where each product runs. The wizard shows only the steps this "
                         "topology needs, checks each one live and writes the PowerShell for it.")
        mnemonics = Mnemonics()
        self._choice_names = {spec.name for spec in page_fields(Phase.PREREQUISITES, choices=True)}
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        left = QVBoxLayout()
        self.groups = [
            ChoiceGroup("Task", FIELD_BY_NAME["mode"], services, mnemonics),
            ChoiceGroup("Exchange", FIELD_BY_NAME["exchange"], services, mnemonics,
                        FIELD_BY_NAME["exchange_version"]),
            ChoiceGroup("Lync / Skype for Business", FIELD_BY_NAME["sfb"], services, mnemonics,
                        FIELD_BY_NAME["sfb_version"]),
        ]
        for group in self.groups:
            left.addWidget(group)
        picture_box = QGroupBox("Your deployment")
        self._picture_layout = QVBoxLayout(picture_box)
        left.addWidget(picture_box, 1)
        layout.addLayout(left, 2)
        right = QVBoxLayout()
        self.topology_label = QLabel()
        self.topology_label.setObjectName("topology_label")
        self.topology_label.setWordWrap(True)
        self.topology_label.setTextFormat(Qt.TextFormat.RichText)
        right.addWidget(self.topology_label)
        self._right = right
        self._picture: TopologyView | None = None
        self._features: FeatureMatrix | None = None
        right.addStretch(1)  # replaced by the feature list when it is first filled
        self.steps_label = QLabel()
        self.steps_label.setObjectName("steps_label")
        self.steps_label.setWordWrap(True)
        right.addWidget(self.steps_label)
        layout.addLayout(right, 3)
        services.model.fieldChanged.connect(self._model_changed)
        services.model.replaced.connect(self.initializePage)
        # The feature list and the picture fill in right after the window appears (one event-loop turn).
        self._topology_soon = coalesced(self, self._show_topology, interval_ms=0)
        for group in self.groups:
            group.read_model()

    @property
    def picture(self) -> TopologyView:
        if self._picture is None:
            from wizard.ui.widgets.topology_view import TopologyView

            self._picture = TopologyView(legend=False)
            self._picture.setObjectName("start_topology_view")
            self._picture_layout.addWidget(self._picture)
        return self._picture

    @property
    def features(self) -> FeatureMatrix:
        if self._features is None:
            from wizard.ui.widgets.feature_matrix import FeatureMatrix

            self._features = FeatureMatrix()
            stretch = self._right.itemAt(1)  # the stretch __init__ put there
            if stretch is not None:
                self._right.removeItem(stretch)
            self._right.insertWidget(1, self._features, 1)
        return self._features

    def initializePage(self) -> None:
        for group in self.groups:
            group.read_model()
        self._topology_soon()

    def _model_changed(self, name: str) -> None:
        if name in self._choice_names:
            for group in self.groups:
                group.read_model()
            self._show_topology()
            self.completeChanged.emit()

    def _show_topology(self) -> None:
        from html import escape

        from wizard.features import feature_support

        scenario = self.services.model.scenario
        topology = scenario.topology_or_default
        features = feature_support(topology)
        self.features.show_features(features)
        works, not_works = self.features.counts()
        self.topology_label.setText(
            f"<b>{escape(topology.label)}</b><br>{works} of {works + not_works} integration features work "
            f"with this topology{'' if not not_works else f'; {not_works} do not (see why below)'}.")
        from wizard.ui.topology_model import diagram_for

        self.picture.show_diagram(diagram_for(scenario, []))
        phases = topology.phases()
        self.steps_label.setText("Steps for this topology: " + " → ".join(p.title for p in phases))

    def isComplete(self) -> bool:
        scenario = self.services.model.scenario
        return not any(scenario.field_error(name) for name in self._choice_names)

    def nextId(self) -> int:
        return next_page_id(self.services.model.scenario.topology_or_default, None)
