"""The deployment as a picture: boxes for DNS, autodiscover, Exchange, the SfB pools and the tenant,
arrows for the autodiscover, OAuth and partner-application links, each coloured by its checks.

Painted with QPainter from a `topology_model.Diagram`, so it is crisp at any scale factor and
takes its neutral colours from the palette (light or dark mode); only status colours are fixed.
The boxes are as wide as their names need; only when the widget is given less room than that does the
font shrink, and a name is elided (whole in the tooltip) only below that. A click on a box emits
`nodeActivated` with the box's id and the ids of the checks that coloured it, so the window can show them.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from wizard.step_status import PENDING
from wizard.ui.status_style import STATUS_COLOURS, STATUS_WORDS, paint_status_badge
from wizard.ui.topology_model import Diagram, Edge, Node

BOX_SHARE = 3.3  # three boxes a row and the gaps between them, in box widths
MAX_NATURAL_LINES = 40  # the widest picture asked for, in line heights: longer names shrink the font instead


class TopologyView(QWidget):
    nodeActivated = Signal(str, list)  # noqa: N815  (node id, ids of the checks that coloured it)

    def __init__(self, parent: QWidget | None = None, *, legend: bool = True) -> None:
        super().__init__(parent)
        self.legend = legend
        self.setObjectName("topology_view")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setAccessibleName("Topology picture")
        self.setMouseTracking(True)
        self.diagram: Diagram | None = None
        self._rects: dict[str, QRectF] = {}
        self._font = QFont(self.font())
        self.elided: list[str] = []  # the names the last paint could not show whole (the tooltip has them)

    def show_diagram(self, diagram: Diagram) -> None:
        self.diagram = diagram
        self.setAccessibleDescription(self.describe())
        self.setToolTip(self.describe())
        self.updateGeometry()  # the names decide the width asked for
        self.update()

    def describe(self) -> str:
        """A text version of the picture, for screen readers and the tooltip."""
        if self.diagram is None:
            return ""
        words = STATUS_WORDS
        lines = [f"{n.title} ({n.subtitle}): {words.get(n.status, 'Not checked yet')}" for n in self.diagram.nodes]
        names = {n.id: n.title for n in self.diagram.nodes}
        lines += [f"{names[e.source]} → {names[e.target]}, {e.label}: {words.get(e.status, 'Not checked yet')}"
                  for e in self.diagram.edges]
        return "\n".join(lines)

    def _rows(self) -> int:
        return 1 + max((n.row for n in self.diagram.nodes), default=1) if self.diagram else 2

    def _box_width_for(self, font: QFont) -> float:
        """How wide a box must be for the longest title (with its badge) or subtitle in `font`."""
        metrics = QFontMetricsF(font)
        line = metrics.height()
        bold = QFont(font)
        bold.setBold(True)
        strong = QFontMetricsF(bold)
        widest = max((max(strong.horizontalAdvance(n.title) + line * 1.4, metrics.horizontalAdvance(n.subtitle) + 8)
                      for n in self.diagram.nodes), default=0.0) if self.diagram else 0.0
        return widest + 14 + 4

    def _width_for_names(self) -> int:
        line = self.fontMetrics().height()
        box = max(line * 11, self._box_width_for(self.font()))
        return min(int(box * BOX_SHARE + line * 1.6) + 1, line * MAX_NATURAL_LINES)

    def sizeHint(self) -> QSize:
        line = self.fontMetrics().height()
        return QSize(max(line * 40, self._width_for_names()), line * (13 + 5 * (self._rows() - 2)))

    def minimumSizeHint(self) -> QSize:
        line = self.fontMetrics().height()
        return QSize(self._width_for_names(), line * (8 + 3 * (self._rows() - 2)))  # the font shrinks below 11

    # ---- clicks ----------------------------------------------------------------------------
    def node_at(self, point: QPointF) -> Node | None:
        if self.diagram is None:
            return None
        for node in self.diagram.nodes:
            rect = self._rects.get(node.id)
            if rect is not None and rect.contains(point):
                return node
        return None

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        over = self.node_at(event.position())
        self.setCursor(Qt.CursorShape.PointingHandCursor if over is not None else Qt.CursorShape.ArrowCursor)
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        node = self.node_at(event.position()) if event.button() is Qt.MouseButton.LeftButton else None
        if node is not None:
            self.nodeActivated.emit(node.id, list(node.results))
        super().mouseReleaseEvent(event)

    # ---- painting --------------------------------------------------------------------------
    def _fit_font(self) -> QFont:
        """The widget font, shrunk (to 68 % at most) when the boxes would be too narrow for the names or the
        rows too tall for it."""
        font = QFont(self.font())
        line = QFontMetricsF(font).height()
        room = (self.width() - line * 1.6) / BOX_SHARE
        rows = self._rows()
        legend = 1.6 if self.legend else 0.0
        natural_height = line * (1.6 + legend + rows * 3.0 + (rows - 1) * 1.6)
        natural = font.pointSizeF()
        scale = max(0.68, min(1.0, room / self._box_width_for(font), self.height() / natural_height))
        if scale < 1.0:
            font.setPointSizeF(natural * scale)
        while scale > 0.68 and self._box_width_for(font) > room:  # hinted metrics do not scale exactly
            scale = max(0.68, scale - 0.03)
            font.setPointSizeF(natural * scale)
        return font

    def _layout(self) -> dict[str, QRectF]:
        assert self.diagram is not None
        line = QFontMetricsF(self._font).height()
        margin = line * 0.8
        rows = self._rows()
        room = (self.width() - 2 * margin) / BOX_SHARE
        box_w = min(room, max(self._box_width_for(self._font), min(room, line * 16)))
        box_h = line * 3.0
        legend_h = line * 1.6 if self.legend else 0.0
        usable_w = self.width() - 2 * margin - box_w
        room = (self.height() - 2 * margin - legend_h - rows * box_h) / (rows - 1)
        gap = max(line * 1.6, min(room, line * 7))
        top = max(margin, (self.height() - legend_h - (rows * box_h + (rows - 1) * gap)) / 2)
        rects = {}
        for node in self.diagram.nodes:
            x = margin + usable_w * node.column / 2
            y = top + (box_h + gap) * node.row
            rects[node.id] = QRectF(x, y, box_w, box_h)
        return rects

    def _paint_legend(self, painter: QPainter) -> None:
        metrics = QFontMetricsF(self._font)
        line = metrics.height()
        x = line * 0.8
        y = self.height() - line * 1.4
        painter.setFont(self._font)
        for status in ("pass", "warn", "fail", PENDING):
            paint_status_badge(painter, QRectF(x, y, line, line), status)
            word = STATUS_WORDS.get(status, status) if status != PENDING else "Not checked yet"
            painter.setPen(self.palette().color(QPalette.ColorRole.WindowText))
            width = metrics.horizontalAdvance(word)
            painter.drawText(QRectF(x + line * 1.3, y - line * 0.1, width + 4, line * 1.2),
                             Qt.AlignmentFlag.AlignVCenter, word)
            x += line * 2.6 + width

    def paintEvent(self, event: QPaintEvent) -> None:
        if self.diagram is None:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._font = self._fit_font()
        self._rects = self._layout()
        self.elided = []
        # Each link's label goes where it overlaps no box and no other label (tried along the line).
        taken = list(self._rects.values())
        for edge in self.diagram.edges:
            self._paint_edge(painter, edge, taken)
        for node in self.diagram.nodes:
            self._paint_node(painter, node, self._rects[node.id])
        if self.legend:
            self._paint_legend(painter)
        painter.end()

    def _colour(self, status: str) -> QColor:
        if status == PENDING:
            return self.palette().color(QPalette.ColorRole.Mid)
        return QColor(STATUS_COLOURS.get(status, STATUS_COLOURS[PENDING]))

    def _paint_node(self, painter: QPainter, node: Node, rect: QRectF) -> None:
        palette = self.palette()
        colour = self._colour(node.status)
        painter.setPen(QPen(colour, 2.2))
        painter.setBrush(palette.color(QPalette.ColorRole.Base))
        painter.drawRoundedRect(rect, 8, 8)
        path = QPainterPath()
        path.addRoundedRect(rect, 8, 8)
        painter.save()
        painter.setClipPath(path)
        painter.fillRect(QRectF(rect.left(), rect.top(), 6, rect.height()), colour)
        painter.restore()
        metrics = QFontMetricsF(self._font)
        line = metrics.height()
        badge = QRectF(rect.right() - line * 1.2, rect.top() + line * 0.3, line * 0.95, line * 0.95)
        paint_status_badge(painter, badge, node.status)
        text_rect = rect.adjusted(14, line * 0.35, -line * 1.4, -line * 0.3)
        bold = QFont(self._font)
        bold.setBold(True)
        painter.setPen(palette.color(QPalette.ColorRole.Text))
        painter.setFont(bold)
        title = QFontMetricsF(bold).elidedText(node.title, Qt.TextElideMode.ElideRight, text_rect.width())
        if title != node.title:
            self.elided.append(node.title)
        painter.drawText(QRectF(text_rect.left(), text_rect.top(), text_rect.width(), line), title)
        painter.setFont(self._font)
        painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
        sub_rect = QRectF(text_rect.left(), text_rect.top() + line * 1.1, rect.right() - 8 - text_rect.left(),
                          line * 1.5)
        subtitle = metrics.elidedText(node.subtitle, Qt.TextElideMode.ElideMiddle, sub_rect.width())
        if subtitle != node.subtitle:
            self.elided.append(node.subtitle)
        painter.drawText(sub_rect, subtitle)

    def _paint_edge(self, painter: QPainter, edge: Edge, taken: list[QRectF]) -> None:
        source, target = self._rects.get(edge.source), self._rects.get(edge.target)
        if source is None or target is None:
            return
        start, end = _border_point(source, target.center()), _border_point(target, source.center())
        colour = self._colour(edge.status)
        pen = QPen(colour, 2.0 if edge.status != PENDING else 1.4)
        if edge.status == PENDING:
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.drawLine(start, end)
        painter.setBrush(colour)
        painter.setPen(Qt.PenStyle.NoPen)
        _arrow_head(painter, start, end)
        if edge.both_ways:
            _arrow_head(painter, end, start)
        small = QFont(self._font)
        small.setPointSizeF(max(6.0, small.pointSizeF() * 0.88))
        metrics = QFontMetricsF(small)
        width = metrics.horizontalAdvance(edge.label) + 10
        length = math.hypot(end.x() - start.x(), end.y() - start.y())
        if abs(end.y() - start.y()) < 1 and length < width + 16:
            return  # a short horizontal link: no room for its label between the boxes
        pill = QRectF()
        for at in (0.5, 0.38, 0.62, 0.28, 0.72, 0.5):  # the last: no free place, so the middle, as before
            mid = QPointF(start.x() + (end.x() - start.x()) * at, start.y() + (end.y() - start.y()) * at)
            pill = QRectF(mid.x() - width / 2, mid.y() - metrics.height() / 2 - 1, width, metrics.height() + 2)
            if not any(pill.intersects(other) for other in taken):
                break
        taken.append(pill)
        painter.setBrush(self.palette().color(QPalette.ColorRole.Window))
        painter.setPen(QPen(colour, 1))
        painter.drawRoundedRect(pill, pill.height() / 2, pill.height() / 2)
        painter.setFont(small)
        painter.setPen(self.palette().color(QPalette.ColorRole.WindowText))
        painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, edge.label)


def _border_point(rect: QRectF, toward: QPointF) -> QPointF:
    """Where the line from the rectangle's centre to `toward` leaves the rectangle."""
    centre = rect.center()
    dx, dy = toward.x() - centre.x(), toward.y() - centre.y()
    if dx == 0 and dy == 0:
        return centre
    scale = min(rect.width() / 2 / abs(dx) if dx else math.inf, rect.height() / 2 / abs(dy) if dy else math.inf)
    return QPointF(centre.x() + dx * scale, centre.y() + dy * scale)


def _arrow_head(painter: QPainter, start: QPointF, end: QPointF, size: float = 9.0) -> None:
    angle = math.atan2(end.y() - start.y(), end.x() - start.x())
    left = QPointF(end.x() - size * math.cos(angle - 0.4), end.y() - size * math.sin(angle - 0.4))
    right = QPointF(end.x() - size * math.cos(angle + 0.4), end.y() - size * math.sin(angle + 0.4))
    path = QPainterPath(end)
    path.lineTo(left)
    path.lineTo(right)
    path.closeSubpath()
    painter.drawPath(path)
