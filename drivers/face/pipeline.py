"""A one-slot frame pipeline: the camera thread hands in frames, one worker analyses
only the newest, and the caller is never blocked.

``submit`` replaces whatever frame is waiting (older frames are dropped, never queued),
so latency stays at one frame's processing time however slow the CPU gets. The lock is
held only to swap the slot, never while a frame is analysed.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any, Callable

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PipelineResult:
    sequence: int                 # the submit() number of the frame this result is for
    value: Any = None             # what the processor returned
    error: Exception | None = None


class FramePipeline:
    """Runs ``processor(frame)`` on a worker thread for the newest submitted frame.

    ``on_result`` (optional) is called on the worker thread with each PipelineResult;
    it must be quick (post it to the GUI thread, do not work in it).
    """

    def __init__(self, processor: Callable[[Any], Any],
                 on_result: Callable[[PipelineResult], None] | None = None,
                 *, name: str = "face-pipeline") -> None:
        self._processor = processor
        self._on_result = on_result
        self._name = name
        self._cond = threading.Condition(threading.Lock())
        self._pending: tuple[int, Any] | None = None
        self._latest: PipelineResult | None = None
        self._sequence = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.submitted = 0
        self.processed = 0
        self.dropped = 0

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("pipeline already started")
        self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
        self._thread.start()

    def submit(self, frame: Any) -> int:
        """Hand in a frame; returns its sequence number at once. Never blocks."""
        with self._cond:
            self._sequence += 1
            if self._pending is not None:
                self.dropped += 1
            self._pending = (self._sequence, frame)
            self.submitted += 1
            self._cond.notify()
            return self._sequence

    def latest(self) -> PipelineResult | None:
        """The newest finished result (or None yet). Never blocks for long."""
        with self._cond:
            return self._latest

    def stop(self, timeout_s: float = 2.0) -> bool:
        """Ask the worker to stop and wait up to ``timeout_s``; True if it ended."""
        self._stop.set()
        with self._cond:
            self._cond.notify_all()
        if self._thread is None:
            return True
        self._thread.join(timeout_s)
        return not self._thread.is_alive()

    def _next(self) -> tuple[int, Any] | None:
        with self._cond:
            while self._pending is None and not self._stop.is_set():
                self._cond.wait(timeout=0.5)
            item, self._pending = self._pending, None
            return None if self._stop.is_set() else item

    def _run(self) -> None:
        while not self._stop.is_set():
            item = self._next()
            if item is None:
                continue
            sequence, frame = item
            try:
                result = PipelineResult(sequence, self._processor(frame))
            except Exception as exc:  # top of a worker loop: keep running, report it
                log.warning("frame %d could not be analysed: %s", sequence,
                            type(exc).__name__)
                result = PipelineResult(sequence, error=exc)
            with self._cond:
                self._latest = result
                self.processed += 1
            if self._on_result is not None:
                try:
                    self._on_result(result)
                except Exception:
                    log.exception("face pipeline result callback failed")
