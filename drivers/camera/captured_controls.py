"""A camera's controls as seen from outside its capture thread.

OpenCV's capture object must only be touched by the thread that reads it, so a
``set`` from the face-metering thread is queued and carried out by the capture thread
between two reads; the caller waits for the answer (one frame, bounded). ``available``
answers from a snapshot taken on the capture thread when the camera was opened and
after every change. Implements ``drivers.camera.camera_controls.CameraControls``.
"""

from __future__ import annotations

import collections
import threading

from drivers.camera.camera_controls import CameraControls, ControlInfo

SET_TIMEOUT_S = 0.5


class _Request:
    def __init__(self, name: str, value: int) -> None:
        self.name, self.value = name, value
        self.done = threading.Event()
        self.ok = False


class CapturedControls:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._controls: CameraControls | None = None
        self._snapshot: dict[str, ControlInfo] = {}
        self._pending: collections.deque[_Request] = collections.deque()
        self.backend = "none"

    # -- capture thread ---------------------------------------------------------------
    def attach(self, controls: CameraControls | None) -> None:
        """A device was opened (or released, with None)."""
        snapshot = controls.available() if controls is not None else {}
        with self._lock:
            self._controls = controls
            self._snapshot = snapshot
            self.backend = getattr(controls, "backend", "none") if controls else "none"
            pending, self._pending = list(self._pending), collections.deque()
        for request in pending:                 # nobody to carry them out any more
            request.done.set()

    def apply_pending(self) -> None:
        with self._lock:
            controls = self._controls
            pending, self._pending = list(self._pending), collections.deque()
        if not pending:
            return
        for request in pending:
            request.ok = bool(controls is not None and controls.set(request.name,
                                                                     request.value))
            request.done.set()
        snapshot = controls.available() if controls is not None else {}
        with self._lock:
            self._snapshot = snapshot

    # -- any thread -------------------------------------------------------------------
    def available(self) -> dict[str, ControlInfo]:
        with self._lock:
            return dict(self._snapshot)

    def set(self, name: str, value: int) -> bool:
        with self._lock:
            if self._controls is None:
                return False
            request = _Request(name, value)
            self._pending.append(request)
        return request.done.wait(SET_TIMEOUT_S) and request.ok
