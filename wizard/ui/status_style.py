"""How a probe status looks: one colour and one vector icon per status, readable in light and dark mode.

Only the status colours are fixed (chosen to keep contrast on both a white and a near-black
window); everything else in the UI takes its colours from the palette.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QIcon, QIconEngine, QPainter, QPainterPath, QPen, QPixmap

from wizard.probes.result import Status
from wizard.step_status import CANCELLED, PENDING, RUNNING, STALE  # one set of status words: the core's

STATUS_COLOURS: dict[str, str] = {
    Status.PASS.value: "#2f9e44",
    Status.WARN.value: "#e8a200",
    Status.FAIL.value: "#e03131",
    Status.ERROR.value: "#c2255c",
    Status.SKIP.value: "#868e96",
    Status.BLOCKED.value: "#7048e8",
    Status.NOT_RUN.value: "#868e96",
    RUNNING: "#1c7ed6",
    PENDING: "#868e96",
    CANCELLED: "#868e96",
    STALE: "#b07d00",
}

STATUS_WORDS: dict[str, str] = {
    Status.PASS.value: "Passed",
    Status.WARN.value: "Warning",
    Status.FAIL.value: "Failed",
    Status.ERROR.value: "Could not check",
    Status.SKIP.value: "Skipped",
    Status.BLOCKED.value: "Not checked: blocked",
    Status.NOT_RUN.value: "Not run",
    RUNNING: "Checking…",
    PENDING: "Not run yet",
    CANCELLED: "Cancelled",
    STALE: "Out of date: values changed since it ran",
}


def status_colour(status: str) -> QColor:
    return QColor(STATUS_COLOURS.get(str(status), STATUS_COLOURS[PENDING]))


class _StatusIconEngine(QIconEngine):
    """Draws the badge as vectors at whatever size and device pixel ratio Qt asks for."""

    def __init__(self, status: str) -> None:
        super().__init__()
        self._status = status

    def clone(self) -> QIconEngine:
        return _StatusIconEngine(self._status)

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        pixmap = QPixmap(size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        self.paint(painter, QRect(0, 0, size.width(), size.height()), mode, state)
        painter.end()
        return pixmap

    def scaledPixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State, scale: float) -> QPixmap:
        pixmap = self.pixmap(QSize(round(size.width() * scale), round(size.height() * scale)), mode, state)
        pixmap.setDevicePixelRatio(scale)
        return pixmap

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        paint_status_badge(painter, QRectF(rect), self._status, disabled=mode is QIcon.Mode.Disabled)


def paint_status_badge(painter: QPainter, rect: QRectF, status: str, *, disabled: bool = False) -> None:
    """A filled circle with a white glyph: check, exclamation, cross, question mark, dash or dots."""
    side = min(rect.width(), rect.height())
    box = QRectF(rect.center().x() - side / 2, rect.center().y() - side / 2, side, side).adjusted(1, 1, -1, -1)
    colour = status_colour(status)
    if disabled:
        colour.setAlphaF(0.45)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    if status in (PENDING, CANCELLED, STALE):
        painter.setPen(QPen(colour, max(1.0, side / 12)))
        painter.setBrush(Qt.BrushStyle.NoBrush)
    else:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
    painter.drawEllipse(box)
    pen = QPen(QColor("white") if status not in (PENDING, CANCELLED, STALE) else colour, max(1.4, side / 8))
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    x, y, s = box.x(), box.y(), box.width()

    def at(fx: float, fy: float) -> QPointF:
        return QPointF(x + fx * s, y + fy * s)

    if status == Status.PASS.value:
        path = QPainterPath(at(0.28, 0.52))
        path.lineTo(at(0.44, 0.68))
        path.lineTo(at(0.73, 0.35))
        painter.drawPath(path)
    elif status in (Status.WARN.value, Status.ERROR.value):
        painter.drawLine(at(0.5, 0.26), at(0.5, 0.56))
        painter.drawPoint(at(0.5, 0.74))
    elif status == Status.FAIL.value:
        painter.drawLine(at(0.33, 0.33), at(0.67, 0.67))
        painter.drawLine(at(0.67, 0.33), at(0.33, 0.67))
    elif status in (Status.SKIP.value, Status.NOT_RUN.value, CANCELLED):
        painter.drawLine(at(0.3, 0.5), at(0.7, 0.5))
    elif status == Status.BLOCKED.value:  # a bar across: something before it stops it
        painter.drawLine(at(0.3, 0.7), at(0.7, 0.3))
    elif status == STALE:  # a clock's hands: from an earlier time
        painter.drawLine(at(0.5, 0.5), at(0.5, 0.28))
        painter.drawLine(at(0.5, 0.5), at(0.68, 0.6))
    elif status == RUNNING:
        for fx in (0.3, 0.5, 0.7):
            painter.drawPoint(at(fx, 0.5))
    painter.restore()


@cache
def status_icon(status: str) -> QIcon:
    """One shared icon per status (QIcon is implicitly shared and cheap to copy)."""
    return QIcon(_StatusIconEngine(str(status)))


_PIXMAPS: dict[tuple[str, int, float], QPixmap] = {}


def status_pixmap(status: str, size: int, device_pixel_ratio: float) -> QPixmap:
    """The badge as a pixmap, painted once per status, size and screen scale (GUI thread only)."""
    key = (str(status), size, device_pixel_ratio)
    pixmap = _PIXMAPS.get(key)
    if pixmap is None:
        pixmap = _PIXMAPS[key] = status_icon(status).pixmap(QSize(size, size), device_pixel_ratio)
    return pixmap
