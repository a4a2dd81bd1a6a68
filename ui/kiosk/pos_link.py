"""The kiosk's side of a POS-driven payment: the customer input the Terminal API waits
on, and the Qt signals that bring its progress to the screen.

``wait_for_code`` runs on the API's payment thread: it asks the GUI thread (queued
signal) to show the POS's amount, then waits for the screen to hand over a code
(``provide``) or the customer to cancel (``cancel``), the POS to abort (``stop``) or the
deadline. Progress events (``on_event``, from any thread) arrive as ``progress``.
"""

from __future__ import annotations

import threading
import time

from PySide6.QtCore import QObject, Signal

from terminal.pos_api.errors import CustomerInputBusy


class PosLink(QObject):
    payment_started = Signal(dict)     # {"sale_id", "transaction_id", "amount_fen"}
    progress = Signal(dict)            # a Terminal API progress event

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._lock = threading.Lock()
        self._answer: threading.Event | None = None
        self._code: str | None = None
        self._busy = False

    # -- payment thread -------------------------------------------------------------
    def wait_for_code(self, sale: dict, stop: threading.Event,
                      deadline_s: float) -> str | None:
        answered = threading.Event()
        with self._lock:
            self._answer, self._code, self._busy = answered, None, False
        self.payment_started.emit(dict(sale))
        end = time.monotonic() + deadline_s
        while not answered.wait(0.1):
            if stop.is_set() or time.monotonic() > end:
                break
        with self._lock:
            self._answer = None
            if self._busy:
                raise CustomerInputBusy("the terminal's screen is taking another payment")
            return self._code if answered.is_set() else None

    def on_event(self, event: dict) -> None:
        self.progress.emit(dict(event))

    # -- GUI thread -----------------------------------------------------------------
    @property
    def waiting(self) -> bool:
        with self._lock:
            return self._answer is not None

    def provide(self, code: str) -> bool:
        """The customer's code (scanner gun or camera); False when no payment waits."""
        with self._lock:
            if self._answer is None:
                return False
            self._code = code
            self._answer.set()
            return True

    def refuse_busy(self) -> None:
        """The screen is in the middle of another (cashier) payment: the POS hears Busy."""
        with self._lock:
            if self._answer is not None:
                self._busy = True
                self._answer.set()

    def cancel(self) -> None:
        with self._lock:
            if self._answer is not None:
                self._code = None
                self._answer.set()
