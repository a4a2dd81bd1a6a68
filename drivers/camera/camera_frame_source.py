"""The capture thread: owns one camera, reads it as fast as it delivers (or paced at the
configured fps for files and simulators) into a newest-frame mailbox, reopens it with
exponential backoff when it disappears, and keeps a status for the technician screen.

Implements ``terminal.ports.camera.FrameSource``.
"""

from __future__ import annotations

import collections
import logging
import threading
import time
from typing import Callable, Protocol, cast

import numpy as np

from drivers.camera.capture_devices import CaptureDevice, EndOfStream, open_device
from drivers.camera.captured_controls import CapturedControls
from drivers.camera.newest_frame_mailbox import NewestFrameMailbox
from terminal.errors import DeviceError
from terminal.ports.camera import CameraState, CameraStatus, Frame
from terminal.settings.camera_section import CameraSettings

log = logging.getLogger(__name__)


class _Reopenable(Protocol):
    """A simulated device: ``open()`` gives it back after a simulated unplug."""

    def open(self) -> CaptureDevice: ...


class CameraFrameSource:
    """One capture thread per camera. ``open_device`` is called on that thread (again
    after every failure) and must return an object with ``read()``, ``release()`` and
    ``paced``, or raise DeviceError."""

    def __init__(self, open_device: Callable[[], CaptureDevice], *, name: str, fps: float,
                 backoff_initial_s: float = 0.2, backoff_max_s: float = 5.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._open_device = open_device
        self._name = name
        self._period_s = 1.0 / fps
        self._backoff_initial_s = backoff_initial_s
        self._backoff_max_s = backoff_max_s
        self._clock = clock
        self._mailbox = NewestFrameMailbox(name)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._state = CameraState.STOPPED
        self._last_error = ""
        self._captured = 0
        self._reconnects = 0
        self._recent: collections.deque[float] = collections.deque(maxlen=240)
        self._controls = CapturedControls()

    @classmethod
    def from_settings(cls, camera_settings: CameraSettings, source: str | None = None) -> "CameraFrameSource":
        """A camera as configured in ``Settings.camera`` (``source`` overrides it)."""
        s = camera_settings
        chosen = source if source is not None else s.source

        if chosen in ("sim", "sim-backlit") or chosen.startswith("sim:"):
            # One simulated device for the whole run, so it can be unplugged and back.
            simulator = cast(_Reopenable, open_device(chosen, s.width, s.height, s.fps,
                                                      s.loop_files))
            opener = simulator.open
        else:
            def opener() -> CaptureDevice:
                return open_device(chosen, s.width, s.height, s.fps, s.loop_files)
        return cls(opener, name=f"camera {chosen}", fps=s.fps,
                   backoff_initial_s=s.reopen_backoff_initial_s,
                   backoff_max_s=s.reopen_backoff_max_s)

    # -- the port ---------------------------------------------------------------------
    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._set_state(CameraState.OPENING)
        self._thread = threading.Thread(target=self._run, name=f"capture-{self._name}",
                                        daemon=True)
        self._thread.start()

    def latest(self, timeout_s: float, after_seq: int = 0) -> Frame:
        return self._mailbox.take(timeout_s, after_seq)

    def status(self) -> CameraStatus:
        now = self._clock()
        with self._lock:
            window = [t for t in self._recent if now - t <= 1.0]
            fps = 0.0
            if len(window) >= 2 and window[-1] > window[0]:
                fps = (len(window) - 1) / (window[-1] - window[0])
            return CameraStatus(state=self._state, source=self._name,
                                last_error=self._last_error, measured_fps=round(fps, 1),
                                frames_captured=self._captured,
                                frames_dropped=self._mailbox.dropped,
                                reconnects=self._reconnects)

    def controls(self) -> "CapturedControls":
        """The open camera's exposure controls (empty while no camera is open); sets
        are carried out on the capture thread, between two reads."""
        return self._controls

    def stop(self, timeout_s: float = 2.0) -> None:
        self._stop.set()
        thread = self._thread
        if thread is not None:
            thread.join(timeout_s)
            if thread.is_alive():
                log.warning("%s: capture thread did not stop within %.1f s "
                            "(a driver read is blocking)", self._name, timeout_s)
        self._thread = None
        self._mailbox.fail(DeviceError(self._name, "camera stopped", retryable=False))
        self._set_state(CameraState.STOPPED)

    # -- the capture thread -------------------------------------------------------------
    def _run(self) -> None:
        backoff = self._backoff_initial_s
        device: CaptureDevice | None = None
        next_due = self._clock()
        try:
            while not self._stop.is_set():
                if device is None:
                    device = self._try_open()
                    if device is None:
                        self._stop.wait(backoff)
                        backoff = min(backoff * 2, self._backoff_max_s)
                        continue
                    next_due = self._clock()
                self._controls.apply_pending()
                try:
                    image = device.read()
                except EndOfStream as exc:
                    self._record_failure(exc, CameraState.ENDED)
                    return
                except DeviceError as exc:
                    self._record_failure(exc, CameraState.RECONNECTING)
                    self._release(device)
                    device = None
                    with self._lock:
                        self._reconnects += 1
                    continue
                backoff = self._backoff_initial_s
                if device.paced:
                    # Keep the schedule, but do not burst to catch up after a stall.
                    next_due = max(next_due + self._period_s, self._clock())
                    if self._stop.wait(max(0.0, next_due - self._clock())):
                        break
                self._publish(image)
        except Exception as exc:  # top of the worker: log it, tell the consumer
            log.exception("%s: capture thread crashed", self._name)
            self._record_failure(DeviceError(self._name, f"capture crashed: {exc}"),
                                 CameraState.RECONNECTING)
        finally:
            if device is not None:
                self._release(device)

    def _try_open(self) -> CaptureDevice | None:
        try:
            device = self._open_device()
        except DeviceError as exc:
            self._record_failure(exc, CameraState.RECONNECTING)
            return None
        log.info("%s: opened", self._name)
        self._controls.attach(getattr(device, "controls", None))
        self._set_state(CameraState.RUNNING)
        return device

    def _publish(self, image: np.ndarray) -> None:
        now = self._clock()
        with self._lock:
            self._captured += 1
            seq = self._captured
            self._recent.append(now)
            if self._state is not CameraState.RUNNING:
                self._state = CameraState.RUNNING
        self._mailbox.put(Frame(image=image, seq=seq, captured_at_s=now))

    def _record_failure(self, exc: DeviceError, state: CameraState) -> None:
        log.warning("%s: %s", self._name, exc)
        with self._lock:
            self._last_error = str(exc)
            self._state = state
        self._mailbox.fail(exc)

    def _set_state(self, state: CameraState) -> None:
        with self._lock:
            self._state = state

    def _release(self, device: CaptureDevice) -> None:
        self._controls.attach(None)
        try:
            device.release()
        except Exception:  # releasing a dead device may fail; nothing left to do
            log.debug("%s: release failed", self._name, exc_info=True)
