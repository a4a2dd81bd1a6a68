"""The face-pay preview as shoppers know it from face-pay devices: a mirrored picture (turn
left and the face moves left), cut to a circle around the face so bystanders are not
shown, with a ring that runs down as the time left shrinks.

Frames arrive as ``PreviewFrame`` values already converted on the camera worker; painting
only crops and scales. Without a picture (timed out, camera lost) the circle is dark
and shows ``message``: the last frame never stays frozen on screen."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen, QTransform
from PySide6.QtWidgets import QSizePolicy, QWidget

from ui.services.views import PreviewFrame

RING_W = 12


class FaceCircle(QWidget):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._frame: PreviewFrame | None = None
        self.message = ""
        self.progress = 1.0             # share of the time left, 1.0 → 0.0
        self.ring_colour = QColor("#1456c8")
        self.ring = True                # False: a still thumbnail without the time ring
        self.frames_shown = 0
        self.setMinimumSize(220, 220)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        return QSize(360, 360)

    @property
    def frame(self) -> PreviewFrame | None:
        return self._frame

    def show_frame(self, frame: PreviewFrame) -> None:
        self._frame = frame
        self.frames_shown += 1
        self.update()

    def clear(self, message: str = "") -> None:
        self._frame = None
        self.message = message
        self.update()

    def set_progress(self, share_left: float) -> None:
        self.progress = max(0.0, min(1.0, share_left))
        self.update()

    def circle(self) -> QRectF:
        side = min(self.width(), self.height()) - 2 * RING_W
        return QRectF((self.width() - side) / 2, (self.height() - side) / 2, side, side)

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt name)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        circle = self.circle()
        clip = QPainterPath()
        clip.addEllipse(circle)
        painter.save()
        painter.setClipPath(clip)
        painter.fillRect(circle, QColor("#101418"))
        frame = self._frame
        if frame is not None and frame.image is not None and not frame.image.isNull():
            self._paint_face(painter, frame, circle)
        elif self.message:
            painter.setPen(QColor("#ffffff"))
            painter.drawText(circle.adjusted(24, 24, -24, -24),
                             Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                             self.message)
        painter.restore()
        if not self.ring:
            return
        faint = QColor(self.ring_colour)
        faint.setAlpha(50)
        ring = circle.adjusted(-RING_W / 2, -RING_W / 2, RING_W / 2, RING_W / 2)
        painter.setPen(QPen(faint, RING_W))
        painter.drawEllipse(ring)
        painter.setPen(QPen(self.ring_colour, RING_W, Qt.PenStyle.SolidLine,
                            Qt.PenCapStyle.RoundCap))
        painter.drawArc(ring, 90 * 16, int(self.progress * 360 * 16))

    def _paint_face(self, painter: QPainter, frame: PreviewFrame, circle: QRectF) -> None:
        """The frame mirrored, scaled so the face (or the middle) fills the circle."""
        image = frame.image
        if frame.face_box is not None:
            x1, y1, x2, y2 = frame.face_box
            cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
            span = max(x2 - x1, y2 - y1) * 1.8
            # Keep the circle on the picture where it can: no dark band at an edge.
            cx = _inside(cx, span / 2, image.width())
            cy = _inside(cy, span / 2, image.height())
        else:
            cx, cy = image.width() / 2, image.height() / 2
            span = min(image.width(), image.height())
        scale = circle.width() / max(span, 1.0)
        # Mirror around the face's centre: x → centre - (x - cx) * scale.
        transform = QTransform()
        transform.translate(circle.center().x(), circle.center().y())
        transform.scale(-scale, scale)
        transform.translate(-cx, -cy)
        painter.setTransform(transform, True)
        painter.drawImage(0, 0, image)


def _inside(centre: float, half: float, size: int) -> float:
    """``centre`` moved so ``centre ± half`` stays within 0..size (if it can: a face
    closer than the picture is wide stays centred)."""
    if 2 * half >= size:
        return centre
    return min(max(centre, half), size - half)
