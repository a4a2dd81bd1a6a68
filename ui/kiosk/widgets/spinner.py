"""A turning arc: something is happening (payment in flight); runs only while shown."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget


class Spinner(QWidget):
    def __init__(self, parent=None, *, diameter: int = 96) -> None:
        super().__init__(parent)
        self._angle = 0
        self._diameter = diameter
        self.colour = QColor("#1456c8")
        self._timer = QTimer(self)
        self._timer.setInterval(60)
        self._timer.timeout.connect(self._turn)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def set_diameter(self, diameter: int) -> None:
        self._diameter = diameter
        self.updateGeometry()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        return QSize(self._diameter, self._diameter)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        return self.sizeHint()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        self._timer.start()

    def hideEvent(self, event) -> None:  # noqa: N802 (Qt name)
        self._timer.stop()

    def _turn(self) -> None:
        self._angle = (self._angle + 30) % 360
        self.update()

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt name)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        width = max(4, self._diameter // 10)
        rect = QRectF(width, width, self.width() - 2 * width, self.height() - 2 * width)
        faint = QColor(self.colour)
        faint.setAlpha(60)
        painter.setPen(QPen(faint, width))
        painter.drawEllipse(rect)
        painter.setPen(QPen(self.colour, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        painter.drawArc(rect, -self._angle * 16, 100 * 16)
