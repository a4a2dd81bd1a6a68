"""The decode worker: takes the newest camera frame, decodes it, and reports each code
once while it stays in view. It runs on its own thread so that decoding never slows the
capture thread: when decoding is slower than the camera, frames are skipped, not queued.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Callable, TypeVar

from terminal.background_loop import BackgroundLoop
from terminal.code_read import FrameDecode, RepeatFilter
from terminal.errors import DeviceError
from terminal.ports.camera import CameraState, FrameSource
from terminal.ports.scanner import CodeReader

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class ScanWorkerStats:
    frames_decoded: int
    scans_reported: int
    decode_fps: float
    last_decode_ms: float


class CameraScanWorker:
    """Calls ``on_scan(decode)`` on the worker thread for every new code (``decode.chosen``
    is the code to act on) and ``on_error(DeviceError)`` once per camera failure."""

    def __init__(self, source: FrameSource, reader: CodeReader, *, repeat_window_s: float,
                 on_scan: Callable[[FrameDecode], None],
                 on_error: Callable[[DeviceError], None] = lambda exc: None,
                 frame_timeout_s: float = 2.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._source = source
        self._reader = reader
        self._repeats = RepeatFilter(repeat_window_s)
        self._on_scan = on_scan
        self._on_error = on_error
        self._frame_timeout_s = frame_timeout_s
        self._clock = clock
        self._loop = BackgroundLoop("code-decoder", self._step, setup=self._begin, logger=log)
        self._lock = threading.Lock()
        self._decoded = 0
        self._reported = 0
        self._last_ms = 0.0
        self._started_at = 0.0
        self._last_seq = 0
        self._failing = False
        self._last_frame_at = 0.0

    def start(self) -> None:
        """Start the decode thread (the frame source must be started by its owner)."""
        if self._loop.running:
            return
        self._started_at = self._clock()
        self._loop.start()

    def stop(self, timeout_s: float = 2.0) -> None:
        """Stop and join the decode thread (at most one frame's decode plus timeout);
        a thread still decoding then is reported in the log."""
        self._loop.stop(timeout_s)

    def stats(self) -> ScanWorkerStats:
        with self._lock:
            running = max(self._clock() - self._started_at, 1e-6)
            return ScanWorkerStats(self._decoded, self._reported,
                                   round(self._decoded / running, 1), round(self._last_ms, 1))

    def _begin(self) -> None:
        self._last_seq = 0
        self._failing = False
        self._last_frame_at = self._clock()

    def _step(self) -> float:
        """Decode the newest frame, if there is a new one; returns the pause before the
        next look (none, except while the camera is failing)."""
        try:
            # Short waits keep stop() prompt; a stall is judged over frame_timeout_s.
            frame = self._source.latest(0.25, self._last_seq)
        except DeviceError as exc:
            stalled_s = self._clock() - self._last_frame_at
            if (self._source.status().state is CameraState.RUNNING
                    and stalled_s < self._frame_timeout_s):
                return 0.0
            if not self._failing:
                self._failing = True
                self._report(self._on_error, exc)
            # The capture thread is reopening; do not spin on the error meanwhile.
            return 0.05
        self._failing = False
        self._last_frame_at = self._clock()
        self._last_seq = frame.seq
        try:
            decode = self._reader.read_frame(frame.image)
        except Exception:  # top of the worker: one bad frame, not a dead scanner
            log.exception("decoding a frame failed")
            return 0.0
        with self._lock:
            self._decoded += 1
            self._last_ms = decode.elapsed_ms
        if decode.chosen is not None:
            self._report_new(decode)
        return 0.0

    def _report_new(self, decode: FrameDecode) -> None:
        assert decode.chosen is not None
        now = self._clock()
        new = self._repeats.is_new(decode.chosen.read, now)
        for other in decode.reads:  # QR and Code128 of the same code: one scan
            self._repeats.is_new(other.read, now)
        if new:
            with self._lock:
                self._reported += 1
            log.info("code read: %s (%s)", decode.chosen.display_text,
                     decode.chosen.read.symbology.value)
            self._report(self._on_scan, decode)

    def _report(self, callback: Callable[[T], None], value: T) -> None:
        try:
            callback(value)
        except Exception:  # a consumer's bug must not stop the scanner
            log.exception("scan callback failed")
