"""The start page: the task (set up or verify) and the topology, with what will and will not work.

The choices come from wizard.fields (their values and relevance), the feature verdicts from
wizard.features; this page only shows them and writes the user's choice back to the model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette, QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from wizard.fields import FIELD_BY_NAME, FieldSpec
from wizard.topology import Phase, SfbKind, Topology
from wizard.ui.choice_labels import choice_label, support_status
from wizard.ui.coalesce import coalesced
from wizard.ui.mnemonics import Mnemonics
from wizard.ui.pages.ids import next_page_id
from wizard.ui.pages.phase_page import page_fields
from wizard.ui.services import Services

if TYPE_CHECKING:
    from wizard.ui.widgets.feature_matrix import FeatureMatrix
    from wizard.ui.widgets.topology_view import TopologyView


class VersionCombo(QComboBox):
    """A product-version list whose open list is wide enough for each whole name.

    The list is sized when first opened: reaching for the combo's view while the page is built makes
    PySide create the Python enums of every item-view class (~5 ms of start-up)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._sized = False

    def showPopup(self) -> None:
        if not self._sized:
            self._sized = True
            view = self.view()
            view.setMinimumWidth(view.sizeHintForColumn(0) + 2 * view.frameWidth() + 8)
        super().showPopup()


class ChoiceGroup(QGroupBox):
    """Radio buttons for one choice field, optionally with a version combo under it."""

    def __init__(self, title: str, spec: FieldSpec, services: Services, mnemonics: Mnemonics,
                 version: FieldSpec | None = None, *, across: bool = False) -> None:
        super().__init__("" if across else title)
        self.spec = spec
        self.version_spec = version
        self._model = services.model
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)  # the two products side by side at 1366 x 768 and 125 %
        radios = QHBoxLayout() if across else layout  # `across`: one line, the title before the radios (the task)
        if isinstance(radios, QHBoxLayout):
            self.setFlat(True)
            layout.setContentsMargins(0, 0, 0, 0)
            heading = QLabel(f"<b>{title}:</b>")
            heading.setObjectName(f"heading_{spec.name}")
            radios.addWidget(heading)
            radios.addSpacing(12)
        self.buttons = QButtonGroup(self)
        self.radios: dict[str, QRadioButton] = {}
        for value in spec.choices:
            radio = QRadioButton(mnemonics.label(choice_label(spec.name, value)))
            radio.setObjectName(f"choice_{spec.name}_{value}")
            radio.setToolTip(spec.help)
            self.buttons.addButton(radio)
            self.radios[value] = radio
            radios.addWidget(radio)
            radio.toggled.connect(lambda checked, v=value: checked and self._model.set(spec.name, v))
        if isinstance(radios, QHBoxLayout):
            radios.addStretch(1)
            layout.addLayout(radios)
        self.version: QComboBox | None = None
        if version is not None:
            row = QFormLayout()
            row.setContentsMargins(0, 4, 0, 0)
            self.version = VersionCombo()
            self.version.setObjectName(f"field_{version.name}")
            self.version.setToolTip(version.help)
            # Long product names: the closed combo may clip one, the open list shows each whole.
            self.version.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            self.version.setMinimumContentsLength(22)
            # Values by position (item data would go through QVariant, which is slow to start up).
            self.version.addItems([choice_label(version.name, value) for value in version.choices])
            self.version.activated.connect(lambda index: self._model.set(version.name, version.choices[index]))
            self.version_label = QLabel(mnemonics.label("Version"))
            self.version_label.setBuddy(self.version)
            row.addRow(self.version_label, self.version)
            layout.addLayout(row)
            # What Microsoft's lifecycle says about the chosen version: informative, in the muted text colour.
            self.support_note = QLabel()
            self.support_note.setObjectName(f"support_{version.name}")
            self.support_note.setWordWrap(True)
            self.support_note.setForegroundRole(QPalette.ColorRole.PlaceholderText)
            small = self.support_note.font()
            small.setPointSizeF(small.pointSizeF() * 0.9)
            self.support_note.setFont(small)
            self.support_note.setVisible(False)  # filled with the feature list, right after the first paint
            layout.addWidget(self.support_note)

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
            topology = scenario.topology_or_default
            relevant = self.version_spec.relevant(topology)
            # No version to choose where nothing of the product runs on premises (Exchange Online, Teams only).
            self.version.setVisible(relevant)
            self.version_label.setVisible(relevant)

    def show_support(self) -> None:
        """The line under the version: its support status (wizard.lifecycle, read after the first paint)."""
        if self.version_spec is None:
            return
        scenario = self._model.scenario
        topology = scenario.topology_or_default
        value = getattr(scenario, self.version_spec.name) if self.version_spec.relevant(topology) else None
        note, tooltip = support_note(self.version_spec.name, value, topology)
        self.support_note.setText(note)
        self.support_note.setToolTip(tooltip)
        self.support_note.setVisible(bool(note))


def support_note(field: str, value: str | None, topology: Topology) -> tuple[str, str]:
    """(line, tooltip) under a version choice: the chosen version's support (wizard.lifecycle) or, for Teams
    only, what became of Skype for Business Online (the lifecycle's line about it)."""
    from wizard import lifecycle

    if value is not None:
        return support_status(field, value)
    if field == "sfb_version" and topology.sfb is SfbKind.TEAMS:
        versions = {s.sentence(lifecycle.today()) for s in lifecycle.support_of(topology)}
        extra = [line for line in lifecycle.support_lines(topology) if line not in versions]
        return " ".join(extra), ""
    return "", ""


class ReflowingScroll(QScrollArea):
    """The start page's one scroll area: each pair in `rows` of its content side by side when both fit the
    visible width, else one above the other (nothing squeezed below the size its text needs, nothing
    scrolled sideways)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[QBoxLayout] = []
        # A viewport made here is known to Python: asking Qt for its own one makes PySide find the widget's
        # class among every QWidget subclass, creating some 55 Python enums (~20 ms) before the first paint.
        self._viewport = QWidget()
        self.setViewport(self._viewport)

    def resizeEvent(self, event: QResizeEvent) -> None:
        self.reflow(self._viewport.width())
        super().resizeEvent(event)

    def reflow(self, width: int) -> None:
        for row in self.rows:
            needed = sum(_min_width(row.itemAt(i)) for i in range(row.count()))
            needed += row.spacing() * max(0, row.count() - 1)
            direction = (QBoxLayout.Direction.LeftToRight if needed <= width - self._margins()
                         else QBoxLayout.Direction.TopToBottom)
            if row.direction() != direction:
                row.setDirection(direction)

    def _margins(self) -> int:
        content = self.widget()
        layout = content.layout() if content is not None else None
        if layout is None:
            return 0
        margins = layout.contentsMargins()
        return margins.left() + margins.right()


def _min_width(item: object) -> int:
    from PySide6.QtWidgets import QLayoutItem

    assert isinstance(item, QLayoutItem)
    widget = item.widget()
    if widget is not None:
        return max(widget.minimumSizeHint().width(), widget.minimumWidth())
    return item.minimumSize().width()


class StartPage(QWizardPage):
    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.setObjectName("page_start")
        self.setTitle("Integrate Skype for Business Server or Microsoft Teams with Exchange")
        self.setSubTitle("Choose the task and where each product runs. The wizard shows only the steps this "
                         "topology needs, checks each one live and writes the PowerShell for it.")
        mnemonics = Mnemonics()
        self._choice_names = {spec.name for spec in page_fields(Phase.PREREQUISITES, choices=True)}
        # The task across the top, the quick check, the two products side by side, then the picture beside what
        # works. The page scrolls as a whole (one scroll area, nothing scrolls inside it); where the window is
        # too narrow for two columns (1024 pixels, or 150 % on 1366 x 768) each pair stacks instead.
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.scroller = ReflowingScroll()
        self.scroller.setObjectName("start_scroll")
        self.scroller.setWidgetResizable(True)
        self.scroller.setFrameShape(QFrame.Shape.NoFrame)
        self.scroller.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.content = QWidget()
        self.content.setObjectName("start_content")
        self.scroller.setWidget(self.content)
        outer.addWidget(self.scroller)
        layout = QVBoxLayout(self.content)
        layout.setContentsMargins(0, 0, 0, 0)
        self.groups = [
            ChoiceGroup("Task", FIELD_BY_NAME["mode"], services, mnemonics, across=True),
            ChoiceGroup("Exchange", FIELD_BY_NAME["exchange"], services, mnemonics,
                        FIELD_BY_NAME["exchange_version"]),
            ChoiceGroup("Skype for Business / Teams", FIELD_BY_NAME["sfb"], services, mnemonics,
                        FIELD_BY_NAME["sfb_version"]),
        ]
        layout.addWidget(self.groups[0])
        from wizard.ui.widgets.quick_check import QuickCheckBox

        self.quick = QuickCheckBox(services, mnemonics)  # helpdesk: from a user's address to a verdict
        layout.addWidget(self.quick)
        self.jump_to: int | None = None  # the Quick check goes straight to Verification
        self.products = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.products.addWidget(self.groups[1], 1)
        self.products.addWidget(self.groups[2], 1)
        layout.addLayout(self.products)
        self.below = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        picture_box = QGroupBox("Your deployment")
        picture_box.setObjectName("start_picture_box")
        self._picture_layout = QVBoxLayout(picture_box)
        self.steps_label = QLabel()  # under the picture
        self.steps_label.setObjectName("steps_label")
        self.steps_label.setWordWrap(True)
        small = self.steps_label.font()
        small.setPointSizeF(small.pointSizeF() * 0.9)
        self.steps_label.setFont(small)
        self._picture_layout.addWidget(self.steps_label)
        self._picture_layout.addStretch(1)
        self.below.addWidget(picture_box, 2, Qt.AlignmentFlag.AlignTop)
        right_column = QWidget()
        right_column.setObjectName("start_features_column")
        right_column.setMinimumWidth(self.fontMetrics().averageCharWidth() * 44)  # else it goes under the picture
        right = QVBoxLayout(right_column)
        right.setContentsMargins(0, 0, 0, 0)
        self.topology_label = QLabel()
        self.topology_label.setObjectName("topology_label")
        self.topology_label.setWordWrap(True)
        self.topology_label.setTextFormat(Qt.TextFormat.RichText)
        right.addWidget(self.topology_label)
        self._right = right
        self._picture: TopologyView | None = None
        self._features: FeatureMatrix | None = None
        right.addStretch(1)  # replaced by the feature list when it is first filled
        self.below.addWidget(right_column, 3)
        layout.addLayout(self.below)
        layout.addStretch(1)
        self.scroller.rows = [self.products, self.below]
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
            self._picture_layout.insertWidget(0, self._picture)
            self.content.updateGeometry()
        return self._picture

    @property
    def features(self) -> FeatureMatrix:
        if self._features is None:
            from wizard.ui.widgets.feature_matrix import FeatureMatrix

            self._features = FeatureMatrix()
            stretch = self._right.itemAt(1)  # the stretch __init__ put there
            if stretch is not None:
                self._right.removeItem(stretch)
            self._right.insertWidget(1, self._features)
            self._right.addStretch(1)
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

        from wizard.ews_retirement import ews_impact
        from wizard.features import feature_support
        from wizard.lifecycle import today

        scenario = self.services.model.scenario
        topology = scenario.topology_or_default
        day = today()
        for group in self.groups:
            group.show_support()
        self.features.show_features(feature_support(topology, on=day), ews_impact(topology, day))
        works, not_works = self.features.counts()
        some = self.features.partial()
        tail = "".join(part for part, count in (
            (f"; {some} work for some users only", some),
            (f"; {not_works - some} do not work", not_works - some)) if count)
        tail += " (see why below)" if not_works else ""
        self.topology_label.setText(
            f"<b>{escape(topology.label)}</b><br>{works} of {works + not_works} integration features work "
            f"for every user of this topology{tail}.")
        from wizard.ui.topology_model import diagram_for

        self.picture.show_diagram(diagram_for(scenario, []))
        phases = topology.phases()
        self.steps_label.setText("Steps for this topology: " + " → ".join(p.title for p in phases))

    def isComplete(self) -> bool:
        scenario = self.services.model.scenario
        return not any(scenario.field_error(name) for name in self._choice_names)

    def nextId(self) -> int:
        if self.jump_to is not None:
            return self.jump_to
        return next_page_id(self.services.model.scenario.topology_or_default, None)
