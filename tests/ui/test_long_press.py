"""The hidden staff entry: holding the kiosk's title opens the PIN; a tap does not."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from ui.kiosk.widgets.long_press import LongPress

pytestmark = pytest.mark.gui


def held_label(qtbot, calls: list) -> QLabel:
    title = QLabel("自助刷脸支付")
    qtbot.addWidget(title)
    title.show()
    LongPress(title, lambda: calls.append("held"), hold_ms=50)
    return title


def test_holding_calls_back(qtbot):
    calls: list = []
    title = held_label(qtbot, calls)
    qtbot.mousePress(title, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: calls == ["held"], timeout=5000)


def test_a_tap_does_nothing(qtbot):
    calls: list = []
    title = held_label(qtbot, calls)
    qtbot.mouseClick(title, Qt.MouseButton.LeftButton)     # press and release at once
    qtbot.wait(200)                                        # well past the hold
    assert calls == []


def test_holding_the_kiosk_title_opens_the_staff_pin(make_shell, qtbot):
    shell, _ = make_shell(mode="kiosk")
    shell.staff_entry._timer.setInterval(50)
    qtbot.mousePress(shell.title, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: shell.current().name == "pin", timeout=5000)
