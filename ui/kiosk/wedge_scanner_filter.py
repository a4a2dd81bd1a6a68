"""A Qt event filter that takes keyboard-wedge scanner input out of the key stream.

Install it on the application (``app.installEventFilter(filter)``): key presses that
arrive faster than ``wedge_max_gap_ms`` are held back; a fast burst ended by Enter is
emitted as ``code_scanned(text)`` and never reaches the focused widget; anything slower
(a person typing an amount) is replayed to the widget it was meant for, in order.
The decision itself is ``drivers.scanner.keyboard_wedge.WedgeDecoder`` (pure, tested
without Qt); this class only adapts Qt key events and a flush timer to it.
"""

from __future__ import annotations

import time
from typing import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from drivers.scanner.keyboard_wedge import WedgeDecoder

_ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class WedgeScannerFilter(QObject):
    """Emits ``code_scanned(str)`` on the GUI thread for every scanner-gun scan."""

    code_scanned = Signal(str)

    def __init__(self, max_gap_ms: float = 50.0, min_length: int = 8, parent: QObject | None = None,
                 clock_ms: Callable[[], float] = lambda: time.monotonic() * 1000.0) -> None:
        super().__init__(parent)
        self._decoder = WedgeDecoder(max_gap_ms, min_length)
        self._clock_ms = clock_ms
        #: Held key presses, as (token, target, copy of the event) to replay if typing.
        self._queue: list[tuple[str, QObject, QKeyEvent]] = []
        self._replaying = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._flush)
        self._gap_ms = max_gap_ms

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if self._replaying or event.type() != QEvent.Type.KeyPress:
            return False
        if not isinstance(event, QKeyEvent) or event.modifiers() & (
                Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier):
            return False  # shortcuts are never scans
        token = "\r" if event.key() in _ENTER_KEYS else (event.text() or f"key:{event.key()}")
        self._queue.append((token, watched, self._copy(event)))
        result = self._decoder.key(token, self._clock_ms())
        self._apply(result)
        if self._decoder.holding:
            self._timer.start(int(self._gap_ms) + 5)
        return True  # delivered (now or by replay) by _apply, or consumed as a scan

    def _apply(self, result) -> None:
        # Tokens leave the decoder in arrival order, so the queue's head matches them.
        for _token in result.typed:
            _, target, copy = self._queue.pop(0)
            self._replay(target, copy)
        if result.scan is not None:
            # The scan's keys and its Enter are consumed; nothing reaches the widget.
            self._queue.clear()
            self.code_scanned.emit(result.scan)

    def _flush(self) -> None:
        self._apply(self._decoder.flush(self._clock_ms()))
        if self._decoder.holding:
            self._timer.start(int(self._gap_ms) + 5)

    def _replay(self, target: QObject, event: QKeyEvent) -> None:
        self._replaying = True
        try:
            QApplication.sendEvent(target, event)
        finally:
            self._replaying = False

    @staticmethod
    def _copy(event: QKeyEvent) -> QKeyEvent:
        return QKeyEvent(event.type(), event.key(), event.modifiers(), event.text(),
                         event.isAutoRepeat(), event.count())
