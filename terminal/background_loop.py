"""One background thread that repeats a step until it is stopped: the sync, resolver and
print workers and the scanners all run on it, so that each starts, waits, backs off and
stops the same way.

The step returns how long to wait before the next round (``wake()`` cuts the wait
short); an exception from it is logged and answered by ``on_error`` (by default an
exponential back-off with jitter over the consecutive failures). ``stop()`` signals,
wakes and joins with a deadline, and says in the log when the thread did not end.
Threads only: no I/O here (the step does that, in the layer that owns it).
"""

from __future__ import annotations

import logging
import random
import threading
from dataclasses import dataclass
from typing import Callable

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Backoff:
    """``base_s``·2^(failures-1), at most ``max_s``, times a random factor in
    [1 - jitter, 1] so that many terminals do not retry in step."""

    base_s: float
    max_s: float
    jitter: float = 0.5

    def __post_init__(self) -> None:
        if self.base_s < 0 or self.max_s < 0:
            raise ValueError("back-off times cannot be negative")
        if not 0 <= self.jitter <= 1:
            raise ValueError("back-off jitter must be within 0..1")

    def delay_s(self, failures: int, rng: random.Random) -> float:
        """The wait after ``failures`` consecutive failures (1 = the first)."""
        raw = self.base_s * 2 ** min(max(failures - 1, 0), 30)
        return float(min(self.max_s, raw) * rng.uniform(1.0 - self.jitter, 1.0))


class BackgroundLoop:
    """A named daemon thread calling ``step()`` until ``stop()``.

    ``step()`` returns the seconds to wait before the next call (0: at once). ``setup``
    runs first on the thread (e.g. open this thread's own database connection); if it
    raises, the error is logged and the thread ends without running ``teardown``.
    ``teardown`` runs last on the thread, whatever happened. ``on_error(exc)`` returns
    the wait after a step raised (default: ``backoff`` over consecutive failures).
    Every method may be called from any thread.
    """

    def __init__(self, name: str, step: Callable[[], float], *,
                 backoff: Backoff | None = None,
                 on_error: Callable[[Exception], float] | None = None,
                 setup: Callable[[], None] | None = None,
                 teardown: Callable[[], None] | None = None,
                 rng: random.Random | None = None,
                 logger: logging.Logger | None = None) -> None:
        self.name = name
        self._step = step
        self._backoff = backoff or Backoff(1.0, 60.0)
        self._on_error = on_error
        self._setup = setup
        self._teardown = teardown
        self._rng = rng or random.Random()
        self._log = logger or log
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.failures = 0          # consecutive steps that raised

    @property
    def stopping(self) -> bool:
        """True once ``stop()`` was asked: a long step should return soon."""
        return self._stop.is_set()

    @property
    def running(self) -> bool:
        thread = self._thread
        return thread is not None and thread.is_alive()

    def start(self) -> None:
        """Start the thread; a loop that is already running is left as it is."""
        with self._lock:
            if self.running:
                return
            self._stop.clear()
            self._wake.clear()
            self.failures = 0
            self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
            self._thread.start()

    def wake(self) -> None:
        """Cut the current wait short: there is work now."""
        self._wake.set()

    def wait(self, seconds: float) -> bool:
        """Wait up to ``seconds`` for a wake or a stop (for a step that must pause inside
        itself). Returns False when the loop is stopping."""
        self._wake.wait(max(0.0, seconds))
        self._wake.clear()
        return not self._stop.is_set()

    def stop(self, timeout_s: float = 5.0) -> bool:
        """Signal, wake and join for at most ``timeout_s``. True when the thread ended (or
        never ran); False, with a warning in the log, when it is still running."""
        self._stop.set()
        self._wake.set()
        with self._lock:
            thread = self._thread
        if thread is None or thread is threading.current_thread():
            return True
        thread.join(max(0.0, timeout_s))
        if thread.is_alive():
            self._log.warning("%s did not stop within %.1f s", self.name, timeout_s)
            return False
        with self._lock:
            if self._thread is thread:
                self._thread = None
        return True

    def _run(self) -> None:
        if self._setup is not None:
            try:
                self._setup()
            except Exception:  # top of a worker thread: say so, do not die silently
                self._log.exception("%s could not start", self.name)
                return
        try:
            while not self._stop.is_set():
                self.wait(self._round())
        finally:
            if self._teardown is not None:
                self._teardown()

    def _round(self) -> float:
        try:
            wait = self._step()
        except Exception as exc:  # top of a worker loop: log, keep the thread alive
            self.failures += 1
            self._log.exception("%s: step failed (%d in a row)", self.name, self.failures)
            if self._on_error is not None:
                return self._on_error(exc)
            return self._backoff.delay_s(self.failures, self._rng)
        self.failures = 0
        return wait
