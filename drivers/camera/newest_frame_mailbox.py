"""A one-slot mailbox between the capture thread and one consumer: a new frame replaces
the one waiting, so the consumer always gets the newest picture and never a backlog
(a decoder that falls behind skips frames instead of lagging seconds behind the phone).
"""

from __future__ import annotations

import threading

from terminal.errors import DeviceError
from terminal.ports.camera import Frame


class NewestFrameMailbox:
    """Thread-safe; ``put``/``fail`` from the producer, ``take`` from the consumer."""

    def __init__(self, device: str) -> None:
        self._device = device
        self._cond = threading.Condition()
        self._frame: Frame | None = None
        self._taken_seq = 0
        self._error: DeviceError | None = None
        self.dropped = 0

    def put(self, frame: Frame) -> None:
        """Offer a frame; replaces (and counts as dropped) one nobody took. Clears a
        previous failure: the camera works again."""
        with self._cond:
            if self._frame is not None and self._frame.seq > self._taken_seq:
                self.dropped += 1
            self._frame = frame
            self._error = None
            self._cond.notify_all()

    def fail(self, error: DeviceError) -> None:
        """Tell a waiting consumer the camera failed (it gets ``error`` raised)."""
        with self._cond:
            self._error = error
            self._cond.notify_all()

    def take(self, timeout_s: float, after_seq: int = 0) -> Frame:
        """The newest frame with ``seq > after_seq``; waits up to ``timeout_s``.
        Raises the producer's DeviceError, or a DeviceError on timeout."""
        with self._cond:
            ready = self._cond.wait_for(
                lambda: self._error is not None or (
                    self._frame is not None and self._frame.seq > after_seq), timeout_s)
            if self._frame is not None and self._frame.seq > after_seq and self._error is None:
                self._taken_seq = self._frame.seq
                return self._frame
            if self._error is not None:
                raise _fresh_copy(self._error)
            assert not ready
            raise DeviceError(self._device, f"no frame within {timeout_s:.1f} s",
                              user_message="摄像头无画面 / Camera shows no picture")


def _fresh_copy(error: DeviceError) -> DeviceError:
    """The same error as a new object: re-raising one instance from a loop would grow
    its traceback on every raise for as long as the camera stays lost."""
    clone = BaseException.__new__(type(error))
    clone.args = error.args
    clone.__dict__.update(error.__dict__)
    return clone
