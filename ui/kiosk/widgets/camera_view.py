"""The live camera picture with the detected code outlined and the face boxed.

Frames arrive as ``PreviewFrame`` values already converted to QImage on the camera
worker; painting only scales, so the GUI thread never touches pixels itself.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

from ui.services.views import PreviewFrame


class CameraView(QWidget):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._frame: PreviewFrame | None = None
        self._message = ""
        self.frames_shown = 0
        self.setMinimumSize(320, 240)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def show_frame(self, frame: PreviewFrame) -> None:
        self._frame = frame
        self.frames_shown += 1
        self.update()

    def set_message(self, text: str) -> None:
        """Shown instead of a picture (e.g. the camera is not available, and why)."""
        self._message = text
        self.update()

    def clear(self) -> None:
        self._frame = None
        self.update()

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt name)
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#101418"))
        frame = self._frame
        if frame is None or frame.image is None or frame.image.isNull():
            painter.setPen(QColor("#e0e0e0"))
            painter.drawText(self.rect().adjusted(12, 12, -12, -12),
                             Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                             self._message)
            return
        image = frame.image
        scale = min(self.width() / image.width(), self.height() / image.height())
        w, h = image.width() * scale, image.height() * scale
        x0, y0 = (self.width() - w) / 2, (self.height() - h) / 2
        painter.drawImage(QRectF(x0, y0, w, h), image)
        if frame.code_box:
            painter.setPen(QPen(QColor("#22c55e"), 4))
            painter.drawPolygon(QPolygonF([QPointF(x0 + x * scale, y0 + y * scale)
                                           for x, y in frame.code_box]))
        if frame.face_box is not None:
            x1, y1, x2, y2 = frame.face_box
            painter.setPen(QPen(QColor("#38bdf8"), 4))
            painter.drawRect(QRectF(x0 + x1 * scale, y0 + y1 * scale,
                                    (x2 - x1) * scale, (y2 - y1) * scale))
        if self._message:
            painter.setPen(QColor("#ffffff"))
            painter.fillRect(QRectF(0, self.height() - 40, self.width(), 40),
                             QColor(0, 0, 0, 150))
            painter.drawText(QRectF(0, self.height() - 40, self.width(), 40),
                             Qt.AlignmentFlag.AlignCenter, self._message)
