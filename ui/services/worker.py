"""A named worker thread that runs jobs in order and turns failures into sentences.

Each capability that owns a resource (a SQLite connection, a printer, a host client)
gets one ``ServiceWorker``; resources made by ``thread_resource`` live on that thread
only, as SQLite connections must.
"""

from __future__ import annotations

import logging
import queue
import threading
from typing import Any, Callable

from terminal.errors import TerminalError

log = logging.getLogger(__name__)

UNEXPECTED = ("出现意外错误，请重试；如仍失败请联系技术人员 / Something went wrong: try again, "
              "and call a technician if it keeps happening")
_STOP = object()


def user_sentence(exc: BaseException) -> str:
    """What to tell the cashier about ``exc``: never a traceback."""
    if isinstance(exc, TerminalError):
        return exc.user_message
    return UNEXPECTED


class ServiceWorker:
    """One thread, one job queue. ``submit`` never blocks the caller."""

    def __init__(self, name: str, on_failure: Callable[[str, str], None]) -> None:
        self.name = name
        self._on_failure = on_failure
        self._jobs: queue.Queue = queue.Queue()
        self._resources: dict[str, Any] = {}
        self._closers: list[Callable[[], None]] = []
        self._thread = threading.Thread(target=self._run, name=f"svc-{name}", daemon=True)
        self._thread.start()

    def submit(self, job: Callable[[], Any], *, capability: str = "",
               on_done: Callable[[Any], None] | None = None,
               on_error: Callable[[str], None] | None = None) -> None:
        """Run ``job()`` on the worker; ``on_done(result)`` also runs there. A failure
        goes to ``on_error(sentence)`` when given (the caller who asked), else to the
        worker's ``on_failure(capability, sentence)``."""
        self._jobs.put((job, capability or self.name, on_done, on_error))

    def thread_resource(self, key: str, factory: Callable[[], Any],
                        closer: Callable[[Any], None] | None = None) -> Any:
        """A per-worker resource, made on first use. Call only from jobs."""
        if threading.current_thread() is not self._thread:
            raise RuntimeError(f"{key} belongs to worker {self.name}")
        if key not in self._resources:
            resource = self._resources[key] = factory()
            if closer is not None:
                self._closers.append(lambda: closer(resource))
        return self._resources[key]

    def pending(self) -> int:
        return self._jobs.qsize()

    def stop(self, timeout_s: float = 5.0) -> bool:
        """Finish the running job, drop the rest, close resources; True if it ended."""
        while True:
            try:
                self._jobs.get_nowait()
            except queue.Empty:
                break
        self._jobs.put(_STOP)
        self._thread.join(timeout_s)
        return not self._thread.is_alive()

    def _run(self) -> None:
        try:
            while True:
                item = self._jobs.get()
                if item is _STOP:
                    return
                job, capability, on_done, on_error = item
                try:
                    result = job()
                    if on_done is not None:
                        on_done(result)
                except Exception as exc:  # top of a worker loop: log, report, go on
                    if isinstance(exc, TerminalError):
                        log.warning("%s failed: %s", capability, exc)
                    else:
                        log.exception("%s failed unexpectedly", capability)
                    if on_error is not None:
                        on_error(user_sentence(exc))
                    else:
                        self._on_failure(capability, user_sentence(exc))
        finally:
            for closer in reversed(self._closers):
                try:
                    closer()
                except Exception:
                    log.exception("closing a %s resource failed", self.name)
