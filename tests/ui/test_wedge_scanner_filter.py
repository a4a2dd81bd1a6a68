"""The keyboard-wedge event filter in a real (offscreen) Qt application: fast bursts
become ``code_scanned``, slow typing reaches the focused line edit unchanged."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit

from ui.kiosk.wedge_scanner_filter import WedgeScannerFilter

pytestmark = pytest.mark.gui


class FakeClock:
    def __init__(self) -> None:
        self.ms = 1000.0

    def __call__(self) -> float:
        return self.ms


@pytest.fixture
def setup(qtbot):
    clock = FakeClock()
    edit = QLineEdit()
    qtbot.addWidget(edit)
    scanner = WedgeScannerFilter(max_gap_ms=50, min_length=8, clock_ms=clock)
    QApplication.instance().installEventFilter(scanner)
    yield scanner, edit, clock
    QApplication.instance().removeEventFilter(scanner)


def press(edit: QLineEdit, text: str, clock: FakeClock, gap_ms: float) -> None:
    for ch in text:
        key = Qt.Key.Key_Return if ch == "\r" else Qt.Key(ord(ch.upper()))
        QApplication.sendEvent(edit, QKeyEvent(QEvent.Type.KeyPress, key,
                                               Qt.KeyboardModifier.NoModifier,
                                               "" if ch == "\r" else ch))
        clock.ms += gap_ms


def test_fast_burst_is_emitted_and_never_typed(qtbot, setup):
    scanner, edit, clock = setup
    with qtbot.waitSignal(scanner.code_scanned, timeout=2000) as signal:
        press(edit, "281234567890123456\r", clock, 8)
    assert signal.args == ["281234567890123456"]
    assert edit.text() == ""


def test_slow_typing_reaches_the_widget(qtbot, setup):
    scanner, edit, clock = setup
    emitted = []
    scanner.code_scanned.connect(emitted.append)
    press(edit, "1250", clock, 200)
    clock.ms += 200
    qtbot.waitUntil(lambda: edit.text() == "1250", timeout=2000)
    assert emitted == []


def test_short_fast_input_is_typing_not_a_scan(qtbot, setup):
    scanner, edit, clock = setup
    emitted = []
    scanner.code_scanned.connect(emitted.append)
    press(edit, "12\r", clock, 5)
    assert edit.text() == "12" and emitted == []
