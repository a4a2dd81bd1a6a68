"""The face-pay preview as drawn: mirrored (the shopper's left stays on the left), cut to
a circle that stays on the picture, and "pay with a code" across the whole bottom."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QImage

from tests.ui.panel_checks import PANEL_W, settle
from tests.ui.screen_tour import face
from ui.kiosk.widgets.face_circle import FaceCircle
from ui.services.views import PreviewFrame

pytestmark = pytest.mark.gui

RED, BLUE, GREEN = QColor("#ff0000"), QColor("#0000ff"), QColor("#00ff00")


def halves(width: int = 400, height: int = 400) -> QImage:
    """Left half red, right half blue (as the camera sees the shopper)."""
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(BLUE)
    for x in range(width // 2):
        for y in range(height):
            image.setPixelColor(x, y, RED)
    return image


def drawn(circle: FaceCircle, frame: PreviewFrame) -> QImage:
    circle.resize(300, 300)
    circle.show_frame(frame)
    return circle.grab().toImage()


def test_the_preview_is_mirrored(qtbot):
    circle = FaceCircle()
    qtbot.addWidget(circle)
    picture = drawn(circle, PreviewFrame(halves()))
    middle = circle.circle().center()
    left = picture.pixelColor(int(middle.x() - 60), int(middle.y()))
    right = picture.pixelColor(int(middle.x() + 60), int(middle.y()))
    assert (left.name(), right.name()) == (BLUE.name(), RED.name())


def test_a_face_at_the_top_edge_does_not_leave_a_dark_band(qtbot):
    image = QImage(400, 400, QImage.Format.Format_RGB32)
    image.fill(GREEN)
    circle = FaceCircle()
    qtbot.addWidget(circle)
    # A face 80 px tall touching the top: 1.8x its size above its centre is off the picture.
    picture = drawn(circle, PreviewFrame(image, face_box=(160.0, 0.0, 240.0, 80.0)))
    top = circle.circle().top()
    centre_x = int(circle.circle().center().x())
    assert picture.pixelColor(centre_x, int(top) + 6).name() == GREEN.name()


def test_pay_with_a_code_spans_the_bottom_and_cancel_sits_on_top(make_shell, qtbot):
    shell, _ = make_shell(mode="kiosk")
    face("")(shell)
    settle(shell)
    screen = shell.screen("face")
    assert screen.code_button.width() >= PANEL_W * 0.9
    cancel_y = screen.cancel_button.mapTo(shell, screen.cancel_button.rect().topLeft()).y()
    code_y = screen.code_button.mapTo(shell, screen.code_button.rect().topLeft()).y()
    camera_y = screen.camera_view.mapTo(shell, screen.camera_view.rect().topLeft()).y()
    assert cancel_y < camera_y < code_y
