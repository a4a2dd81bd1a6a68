"""A hidden staff entry: holding a widget (the kiosk's title, top-left) for a while
calls back; a tap does nothing, so shoppers never stumble on the staff PIN."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

HOLD_MS = 2000


class LongPress(QObject):
    def __init__(self, widget: QWidget, on_hold: Callable[[], None], *,
                 hold_ms: int = HOLD_MS) -> None:
        super().__init__(widget)
        self._on_hold = on_hold
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(hold_ms)
        self._timer.timeout.connect(self.trigger)
        widget.installEventFilter(self)

    @property
    def holding(self) -> bool:
        return self._timer.isActive()

    def trigger(self) -> None:
        self._on_hold()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt name)
        kind = event.type()
        if kind in (QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin):
            self._timer.start()
        elif kind in (QEvent.Type.MouseButtonRelease, QEvent.Type.TouchEnd,
                      QEvent.Type.Leave, QEvent.Type.TouchCancel):
            self._timer.stop()
        return False
