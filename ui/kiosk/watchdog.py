"""Measures how long the GUI thread is kept from reacting.

A QTimer asks to fire every ``interval_ms``; when it fires late, the lateness is how long
the GUI thread was busy (a stall). The longest stall is kept and stalls over
``warn_ms`` are logged, so a slow call that slipped onto the GUI thread shows up in the
log and in the technician screen instead of as a frozen screen nobody can explain.
"""

from __future__ import annotations

import logging
import time

from PySide6.QtCore import QObject, Qt, QTimer

log = logging.getLogger(__name__)


class StallWatchdog(QObject):
    def __init__(self, *, interval_ms: int = 20, warn_ms: float = 100.0, parent=None) -> None:
        super().__init__(parent)
        self._interval_s = interval_ms / 1000.0
        self._warn_ms = warn_ms
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._beat)
        self._last = 0.0
        self.longest_ms = 0.0
        self.beats = 0
        self.stalls_over_warn = 0

    def start(self) -> None:
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def reset(self) -> None:
        """Forget the longest stall (a benchmark measures one phase at a time)."""
        self.longest_ms = 0.0
        self.stalls_over_warn = 0
        self._last = time.perf_counter()

    def _beat(self) -> None:
        now = time.perf_counter()
        late_ms = max(0.0, (now - self._last - self._interval_s) * 1000.0)
        self._last = now
        self.beats += 1
        if late_ms > self.longest_ms:
            self.longest_ms = late_ms
        if late_ms > self._warn_ms:
            self.stalls_over_warn += 1
            log.warning("GUI thread stalled for %.0f ms", late_ms,
                        extra={"stall_ms": round(late_ms, 1)})
