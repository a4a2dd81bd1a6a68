"""The one Qt object through which every worker reports to the GUI thread.

Workers never emit Qt signals themselves: PySide6 (6.12 here) crashes with
"none_dealloc" when signals are emitted from Python threads at any rate. Instead a
worker calls ``bridge.poster.<signal>.emit(value)``, which only appends to a thread-safe
queue; a timer on the GUI thread drains the queue every few milliseconds and emits the
real signals there. Camera frames are coalesced: only the newest waiting frame is
painted, so a slow GUI never builds a backlog.

Payments do not go through a signal that any screen may catch: their reports go back
to whoever started them (``BridgePoster.deliver`` runs that caller's reply on the GUI
thread), because the kiosk and the store's POS can both start payments.
"""

from __future__ import annotations

import collections
import logging
import threading
from typing import Any, Callable

from PySide6.QtCore import QObject, QTimer, Signal


log = logging.getLogger(__name__)

DRAIN_INTERVAL_MS = 10
MAX_ITEMS_PER_DRAIN = 500

SIGNAL_NAMES = ("refund_finished", "transactions_loaded",
                "receipt_printed", "end_of_day_finished", "status_changed", "frame_captured",
                "code_scanned", "face_progressed", "face_identified", "face_failed",
                "face_ready_changed", "enrolment_finished", "selftest_finished", "task_failed",
                "camera_changed")


class _PostedSignal:
    def __init__(self, poster: "BridgePoster", name: str) -> None:
        self._poster, self._name = poster, name

    def emit(self, *args) -> None:
        self._poster.post(self._name, args)


class BridgePoster:
    """What worker threads hold: the same signal names, but ``emit`` only queues."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queue: collections.deque = collections.deque()
        self._frame = None
        for name in SIGNAL_NAMES:
            setattr(self, name, _PostedSignal(self, name))

    def post(self, name: str, args: tuple) -> None:
        with self._lock:
            if name == "frame_captured":
                self._frame = args
            else:
                self._queue.append((name, args))

    def deliver(self, reply: Callable[..., None], *args: Any) -> None:
        """Run ``reply(*args)`` on the GUI thread (a result for whoever asked)."""
        with self._lock:
            self._queue.append((reply, args))

    def take(self, limit: int) -> tuple[list, tuple | None]:
        with self._lock:
            items = [self._queue.popleft() for _ in range(min(limit, len(self._queue)))]
            frame, self._frame = self._frame, None
        return items, frame


class ServiceBridge(QObject):
    refund_finished = Signal(object)        # RefundView
    transactions_loaded = Signal(object)    # TxLists
    receipt_printed = Signal(object)        # ReceiptView (printed or preview only)
    end_of_day_finished = Signal(object)    # EndOfDayView
    status_changed = Signal(object)         # TerminalStatus
    frame_captured = Signal(object)         # PreviewFrame
    code_scanned = Signal(str)              # a payment code from the camera or a gun
    face_progressed = Signal(object)        # FaceProgress
    face_identified = Signal(object)        # FaceMatch
    face_failed = Signal(str)               # bilingual sentence
    face_ready_changed = Signal(object)     # Capability (models loaded or why not)
    enrolment_finished = Signal(object)     # EnrolmentView
    selftest_finished = Signal(object)      # SelfTestView
    task_failed = Signal(str, str)          # capability, bilingual sentence
    camera_changed = Signal(object)         # Capability: camera lost (and why) / back

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.poster = BridgePoster()
        self._timer = QTimer(self)
        self._timer.setInterval(DRAIN_INTERVAL_MS)
        self._timer.timeout.connect(self.drain)
        self._timer.start()

    def drain(self) -> int:
        """Emit what the workers posted (GUI thread). Returns how many were emitted."""
        items, frame = self.poster.take(MAX_ITEMS_PER_DRAIN)
        failure: Exception | None = None
        for target, args in items:
            if callable(target):
                try:
                    target(*args)
                except Exception as exc:  # the other callers still get their replies
                    log.exception("a reply failed on the GUI thread")
                    failure = failure or exc
            else:
                getattr(self, target).emit(*args)
        if frame is not None:
            self.frame_captured.emit(*frame)
        if failure is not None:
            raise failure
        return len(items) + (frame is not None)
