"""What works and what does not for the chosen topology, and why (rows from wizard.features)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeWidget, QTreeWidgetItem

from wizard.ui.status_style import status_icon


class FeatureMatrix(QTreeWidget):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setObjectName("feature_matrix")
        self.setColumnCount(2)
        self.setHeaderLabels(["Feature", "Why"])
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(False)
        self.setWordWrap(True)
        self.setAlternatingRowColors(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # scrollable by keyboard
        self.setAccessibleName("Feature support for the chosen topology")
        header = self.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)

    def show_features(self, features: list[Any]) -> None:
        """`features`: FeatureSupport rows (name, supported, why)."""
        self.clear()
        for feature in features:
            item = QTreeWidgetItem([feature.name, feature.why])
            item.setIcon(0, status_icon("pass" if feature.supported else "fail"))
            item.setToolTip(0, ("Works: " if feature.supported else "Does not work: ") + feature.name)
            item.setToolTip(1, feature.why)
            item.setData(0, Qt.ItemDataRole.UserRole, bool(feature.supported))
            self.addTopLevelItem(item)
        width = self.viewport().width() or 700
        self.setColumnWidth(0, max(220, int(width * 0.45)))

    def counts(self) -> tuple[int, int]:
        supported = sum(1 for i in range(self.topLevelItemCount())
                        if self.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole))
        return supported, self.topLevelItemCount() - supported
