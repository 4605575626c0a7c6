"""What works and what does not for the chosen topology, and why (rows from wizard.features).

Shown as rich text so every reason is readable in full at any width: the features that will not
work come first, each with its reason; the working ones follow with their (shorter, greyed) reason.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QTextBrowser, QWidget

from wizard.ui.status_style import STATUS_COLOURS


class FeatureMatrix(QTextBrowser):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("feature_matrix")
        self.setOpenLinks(False)
        self.setAccessibleName("Feature support for the chosen topology")
        self.features: list[Any] = []

    def show_features(self, features: list[Any]) -> None:
        """`features`: FeatureSupport rows (name, supported, why)."""
        self.features = list(features)
        muted = self.palette().color(QPalette.ColorRole.PlaceholderText).name()
        no = [f for f in features if not f.supported]
        yes = [f for f in features if f.supported]
        parts = []
        if no:
            colour = STATUS_COLOURS["fail"]
            parts.append(f"<h4 style='margin:2px 0'>Will not work ({len(no)})</h4>")
            parts += [f"<p style='margin:2px 0 6px 0'><span style='color:{colour}; font-weight:700'>✘</span> "
                      f"<b>{html.escape(f.name)}</b><br><span>{html.escape(f.why)}</span></p>" for f in no]
        colour = STATUS_COLOURS["pass"]
        parts.append(f"<h4 style='margin:8px 0 2px 0'>Will work ({len(yes)})</h4>")
        parts += [f"<p style='margin:1px 0 4px 0'><span style='color:{colour}; font-weight:700'>✔</span> "
                  f"{html.escape(f.name)}<br><span style='color:{muted}; font-size:small'>{html.escape(f.why)}"
                  f"</span></p>" for f in yes]
        self.setHtml("".join(parts))

    def counts(self) -> tuple[int, int]:
        supported = sum(1 for f in self.features if f.supported)
        return supported, len(self.features) - supported
