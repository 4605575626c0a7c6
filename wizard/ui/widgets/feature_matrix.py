"""What works and what does not for the chosen topology, and why (rows from wizard.features), with what
Exchange Online's EWS retirement means for it (wizard.ews_retirement).

Shown as rich text so every reason is readable in full at any width (a label as tall as its text: the
start page scrolls as a whole, with no scroll box inside it): the features that will not work
come first, then those that work for some users only (a hybrid's groups, each with its own answer),
then the working ones with their shorter, greyed reasons. The EWS note comes first when it takes
something away from this topology, last when it does not. Nothing here decides a verdict.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QWidget

from wizard.ui.status_style import STATUS_COLOURS
from wizard.ui.widgets.rich_label import RichLabel

CROSS = "✘"
CHECK = "✔"
PARTIAL = "◐"


class FeatureMatrix(RichLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("feature_matrix")
        self.setAccessibleName("Feature support for the chosen topology")
        self.features: list[Any] = []
        self.ews: Any = None

    def show_features(self, features: list[Any], ews: Any = None) -> None:
        """`features`: FeatureSupport rows (name, supported, why, source, groups, history);
        `ews`: an EwsImpact (headline, features, timeline, advice, sources, unknowns) or None."""
        self.features = list(features)
        self.ews = ews
        muted = self.palette().color(QPalette.ColorRole.PlaceholderText).name()
        no = [f for f in features if not f.supported and not _some_groups(f)]
        some = [f for f in features if not f.supported and _some_groups(f)]
        yes = [f for f in features if f.supported]
        parts = []
        if ews is not None and ews.affected:
            parts.append(self._ews_html(ews, muted))
        if no:
            parts.append(f"<h4 style='margin:2px 0'>Will not work ({len(no)})</h4>")
            parts += [self._feature_html(f, CROSS, "fail", muted, strong=True) for f in no]
        if some:
            parts.append(f"<h4 style='margin:8px 0 2px 0'>Works for some users only ({len(some)})</h4>")
            parts += [self._feature_html(f, PARTIAL, "warn", muted, strong=True) for f in some]
        parts.append(f"<h4 style='margin:8px 0 2px 0'>Will work ({len(yes)})</h4>")
        parts += [self._feature_html(f, CHECK, "pass", muted, strong=False) for f in yes]
        if ews is not None and not ews.affected:
            parts.append(self._ews_html(ews, muted))
        self.setHtml("".join(parts))

    def _feature_html(self, f: Any, mark: str, status: str, muted: str, *, strong: bool) -> str:
        colour = STATUS_COLOURS[status]
        name = f"<b>{html.escape(f.name)}</b>" if strong else html.escape(f.name)
        reason = "" if strong else f" style='color:{muted}; font-size:small'"
        groups = getattr(f, "groups", ())
        if len(groups) > 1:  # a hybrid: one line per group of users, each with its own answer
            lines = "".join(
                f"<br><span style='color:{STATUS_COLOURS['pass' if g.supported else 'fail']}'>"
                f"{CHECK if g.supported else CROSS}</span> <span{reason}><i>{html.escape(_capital(g.users))}</i>: "
                f"{html.escape(g.why)}</span>" for g in groups)
        else:
            lines = f"<br><span{reason}>{html.escape(f.why)}</span>"
        extra = ""
        history = getattr(f, "history", "")
        if history:
            extra += f"<br><span style='color:{muted}; font-size:small'>History: {html.escape(history)}</span>"
        if getattr(f, "source", "") and strong:
            extra += f"<br><span style='color:{muted}; font-size:small'>Source: {html.escape(f.source)}</span>"
        return (f"<p style='margin:1px 0 6px 0'><span style='color:{colour}; font-weight:700'>{mark}</span> "
                f"{name}{lines}{extra}</p>")

    def _ews_html(self, ews: Any, muted: str) -> str:
        colour = STATUS_COLOURS["warn" if ews.affected else "pass"]
        out = ["<h4 style='margin:2px 0'>Exchange Online EWS retirement</h4>",
               f"<p style='margin:1px 0 4px 0'><span style='color:{colour}; font-weight:700'>"
               f"{'⚠' if ews.affected else CHECK}</span> {html.escape(ews.headline)}</p>"]
        if ews.features:
            out.append("<p style='margin:1px 0 0 0'>Features that reach Exchange Online mailboxes through EWS:</p>"
                       "<ul style='margin-top:0'>" + "".join(f"<li>{html.escape(n)}</li>" for n in ews.features)
                       + "</ul>")
        if ews.affected and ews.advice:
            out.append(f"<p style='margin:1px 0 4px 0'><b>What to do:</b> {html.escape(ews.advice)}</p>")
        if ews.affected:
            out.append("<p style='margin:1px 0 0 0'><b>Timeline</b></p><ul style='margin-top:0'>"
                       + "".join(f"<li>{html.escape(line)}</li>" for line in ews.timeline) + "</ul>")
        unknowns = getattr(ews, "unknowns", ())
        if unknowns:
            out.append("<p style='margin:1px 0 0 0'><b>Not known yet</b></p><ul style='margin-top:0'>"
                       + "".join(f"<li>{html.escape(u)}</li>" for u in unknowns) + "</ul>")
        if ews.sources:
            out.append(f"<p style='margin:1px 0 6px 0; color:{muted}; font-size:small'>Sources: "
                       + "; ".join(html.escape(s) for s in ews.sources) + "</p>")
        return "".join(out)

    def counts(self) -> tuple[int, int]:
        """(features that work for every user, features that do not work for every user)."""
        supported = sum(1 for f in self.features if f.supported)
        return supported, len(self.features) - supported

    def partial(self) -> int:
        """How many of the features that do not work for everyone still work for some users."""
        return sum(1 for f in self.features if not f.supported and _some_groups(f))


def _some_groups(feature: Any) -> bool:
    """The feature works for some of the topology's groups of users (a hybrid), not for all."""
    return any(g.supported for g in getattr(feature, "groups", ()))


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
