"""The trust graph as a picture: certificates in the middle, every place that holds or publishes them
around, lines between them; green ok, amber expiring, red mismatch, missing or expired.

A thin view of wizard.inside.trust_graph.TrustGraph (the model decides every status and explanation;
this only lays it out and colours it). Tooltips carry the model's explanations.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFontMetrics, QPainter, QPalette, QPen, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsLineItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QWidget,
)

from wizard.inside.trust_graph import HolderKind, TrustGraph, TrustStatus
from wizard.probes.result import Status
from wizard.ui.status_style import STATUS_COLOURS

BOX_WIDTH = 340.0  # 'SfB OAuthTokenIssuer (one Front End only)' whole at the default font
BOX_HEIGHT = 46.0
ROW_GAP = 16.0
COLUMN_GAP = 110.0
MIN_SCALE = 0.75  # below this the boxes' text is too small to read: the graph scrolls instead
MAX_SCALE = 1.5  # a small graph is not blown up beyond this
# Exchange holders | certificates | SfB holders, with the tenant's service principals below them (so no
# line from a certificate has to cross another column's boxes)
COLUMNS = {"exchange": 0, "certificate": 1, "sfb": 2}
COLUMN_TITLES = ("Exchange Server", "Certificates", "Skype for Business Server")
# The Microsoft 365 side: Exchange Online's, Teams' and the (legacy) Skype for Business Online applications.
TENANT_TITLE = "Microsoft 365 tenant (service principals)"
KIND_ROLE = Qt.ItemDataRole.UserRole + 1
KEY_ROLE = Qt.ItemDataRole.UserRole + 2


def trust_colour(status: TrustStatus) -> QColor:
    """The shared status colours: green for ok, amber for expiring, red for the rest."""
    return QColor(STATUS_COLOURS[(Status.PASS, Status.WARN, Status.FAIL)[status.severity].value])


class TrustGraphView(QGraphicsView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trust_graph_view")
        self.setAccessibleName("Certificate trust graph")
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setScene(QGraphicsScene(self))
        self.graph: TrustGraph | None = None
        self._boxes: dict[str, QGraphicsRectItem] = {}
        self._lines: list[QGraphicsLineItem] = []
        self._show_placeholder()

    # ---- public ----------------------------------------------------------------------------
    def set_graph(self, graph: TrustGraph) -> None:
        """Replace the picture with this graph (an empty graph shows what to do instead)."""
        self.graph = graph
        self.scene().clear()
        self._boxes.clear()
        self._lines.clear()
        if graph.is_empty:
            self._show_placeholder()
        else:
            self._draw(graph)
        self.setAccessibleDescription(self.describe())
        self._fit()

    def box(self, key: str) -> QGraphicsRectItem:
        """The box of a certificate (by thumbprint) or a holder (by id)."""
        return self._boxes[key]

    def lines(self) -> list[QGraphicsLineItem]:
        return list(self._lines)

    def describe(self) -> str:
        """The picture as text, for screen readers."""
        if self.graph is None or self.graph.is_empty:
            return "No collected data loaded."
        lines = [f"{c.role} {c.label}: {c.status.value}. {c.explanation}" for c in self.graph.certificates]
        lines += [f"{h.label}: {h.status.value}" for h in self.graph.holders if h.status is not TrustStatus.OK]
        return "\n".join(lines)

    # ---- drawing ---------------------------------------------------------------------------
    def _show_placeholder(self) -> None:
        text = self.scene().addSimpleText("Import collected data (File \u203a Import collected data) to see which "
                                          "certificates each side trusts.")
        text.setBrush(self.palette().color(QPalette.ColorRole.PlaceholderText))

    def _column_x(self, column: int) -> float:
        return column * (BOX_WIDTH + COLUMN_GAP)

    def _draw(self, graph: TrustGraph) -> None:
        rows = [0.0, 0.0, 0.0]
        used = {COLUMNS["certificate"]} | {COLUMNS[h.kind.side] for h in graph.holders
                                           if h.kind is not HolderKind.TENANT_SERVICE_PRINCIPAL}
        for column, title in enumerate(COLUMN_TITLES):
            if column in used:  # a Teams-only organisation has no SfB Server column, only its tenant part
                self._header(title, column, -0.8)
        for cert in graph.certificates:
            self._add_box(cert.thumbprint, "certificate", COLUMNS["certificate"], rows, f"{cert.role}\n{cert.label}",
                          cert.status, f"{cert.role}\n{cert.thumbprint}\n{cert.explanation}")
        tenant = [h for h in graph.holders if h.kind is HolderKind.TENANT_SERVICE_PRINCIPAL]
        for holder in graph.holders:
            if holder.kind is not HolderKind.TENANT_SERVICE_PRINCIPAL:
                self._add_box(holder.id, holder.kind.value, COLUMNS[holder.kind.side], rows, holder.label,
                              holder.status, f"{holder.label}\n{holder.explanation}")
        if tenant:
            column = COLUMNS["sfb"]
            rows[column] += 0.6
            self._header(TENANT_TITLE, column, rows[column] - 0.2)
            rows[column] += 0.4
            for holder in tenant:
                self._add_box(holder.id, holder.kind.value, column, rows, holder.label, holder.status,
                              f"{holder.label}\n{holder.explanation}")
        for edge in graph.edges:
            start, end = self._boxes[edge.holder].sceneBoundingRect(), self._boxes[edge.thumbprint].sceneBoundingRect()
            left, right = (start, end) if start.center().x() < end.center().x() else (end, start)
            line = self.scene().addLine(left.right(), left.center().y(), right.left(), right.center().y(),
                                        QPen(trust_colour(edge.status), 2.0 if edge.status is TrustStatus.OK else 3.0))
            line.setZValue(-1)
            line.setToolTip(f"{edge.relation}: {edge.status.value}\n{edge.explanation}")
            line.setData(KIND_ROLE, "edge")
            line.setData(KEY_ROLE, f"{edge.holder}|{edge.thumbprint}|{edge.relation}")
            self._lines.append(line)

    def _header(self, title: str, column: int, row: float) -> None:
        header = self.scene().addSimpleText(title)
        header.setBrush(self.palette().color(QPalette.ColorRole.Text))
        header.setPos(self._column_x(column), row * (BOX_HEIGHT + ROW_GAP))

    def _add_box(self, key: str, kind: str, column: int, rows: list[float], text: str,  # noqa: PLR0917
                 status: TrustStatus, tooltip: str) -> None:
        colour = trust_colour(status)
        fill = _tint(self.palette().color(QPalette.ColorRole.Base), colour)
        rect = QRectF(self._column_x(column), rows[column] * (BOX_HEIGHT + ROW_GAP), BOX_WIDTH, BOX_HEIGHT)
        rows[column] += 1
        box = self.scene().addRect(rect, QPen(colour, 2.0), QBrush(fill))
        box.setToolTip(tooltip)
        box.setData(KIND_ROLE, kind)
        box.setData(KEY_ROLE, key)
        box.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        label = QGraphicsSimpleTextItem(_elide(text, QFontMetrics(self.font()), int(BOX_WIDTH) - 16), box)
        label.setBrush(self.palette().color(QPalette.ColorRole.Text))
        label.setPos(rect.left() + 8, rect.top() + 5)
        self._boxes[key] = box

    # ---- scaling ---------------------------------------------------------------------------
    def _fit(self) -> None:
        """The whole graph when it can be read whole; below MIN_SCALE the text would be too small to read, so
        the graph keeps that scale and scrolls instead (a short window at 125 or 150 %)."""
        bounds = self.scene().itemsBoundingRect().adjusted(-12, -12, 12, 12)
        self.setSceneRect(bounds)
        if self.isVisible():
            self.fitInView(bounds, Qt.AspectRatioMode.KeepAspectRatio)
            scale = self.transform().m11()
            if scale < MIN_SCALE or scale > MAX_SCALE:
                self.resetTransform()
                self.scale(*(2 * (min(max(scale, MIN_SCALE), MAX_SCALE),)))
            worst = self._worst_box()
            if worst is not None:  # when it scrolls, the worst problem is what is in view
                self.ensureVisible(worst, 24, 24)

    def _worst_box(self) -> QGraphicsRectItem | None:
        graph = getattr(self, "graph", None)
        if graph is None or graph.is_empty:
            return None
        items = [(c.thumbprint, c.status) for c in graph.certificates] + [(h.id, h.status) for h in graph.holders]
        bad = [(status.severity, key) for key, status in items if status.severity > 0 and key in self._boxes]
        return self._boxes[max(bad)[1]] if bad else None

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fit()


def _tint(base: QColor, colour: QColor, amount: float = 0.16) -> QColor:
    """An opaque light (or, on a dark base, dark) tint of the status colour: lines stay behind boxes."""
    return QColor.fromRgbF(*(b + (c - b) * amount for b, c in (
        (base.redF(), colour.redF()), (base.greenF(), colour.greenF()), (base.blueF(), colour.blueF()))))


def _elide(text: str, metrics: QFontMetrics, width: int) -> str:
    """Two lines fit a box, each cut to the box's width as drawn (not a count of characters); the tooltip
    carries the whole text."""
    return "\n".join(metrics.elidedText(line, Qt.TextElideMode.ElideRight, width) for line in text.splitlines()[:2])


