"""The background thread that finishes unknown payments (after a timeout, a crash or a
power cut). It owns its own journal connection, as every SQLite writer here does."""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Callable

from terminal.attempt import Attempt
from terminal.ports.host import Clock, PaymentHost
from terminal.resolution import Resolver
from terminal.settings.resolver_section import ResolverSettings
from offline_queue.journal import SqliteJournal

log = logging.getLogger(__name__)


class ResolverWorker:
    """Loops over unresolved attempts; ``on_update(attempt)`` is called from this thread
    (the kiosk's bridge re-emits it as a Qt signal)."""

    def __init__(self, db_path: Path, host: PaymentHost, settings: ResolverSettings,
                 clock: Clock, on_update: Callable[[Attempt], None] | None = None) -> None:
        self._db_path = db_path
        self._host = host
        self._settings = settings
        self._clock = clock
        self._on_update = on_update
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="resolver", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """Look for work now (a new unknown attempt was journaled)."""
        self._wake.set()

    def stop(self, timeout_s: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout_s)

    def _run(self) -> None:
        journal = SqliteJournal.open(self._db_path)
        resolver = Resolver(self._host, journal, self._settings, self._clock)
        try:
            while not self._stop.is_set():
                try:
                    next_due = run_pass(resolver, journal, self._on_update)
                except Exception:  # top of a worker loop: log, keep the thread alive
                    log.exception("resolver pass failed")
                    next_due = self._clock.now() + self._settings.idle_sleep_s
                wait = max(0.0, min(self._settings.idle_sleep_s, next_due - self._clock.now()))
                self._wake.wait(wait)
                self._wake.clear()
        finally:
            journal.close()


def run_pass(resolver: Resolver, journal: SqliteJournal,
             on_update: Callable[[Attempt], None] | None = None) -> float:
    """One step for every due attempt; returns when the next one falls due."""
    next_due = float("inf")
    for attempt in journal.unresolved():
        before = attempt
        attempt = resolver.step(attempt)
        if on_update and attempt != before:
            on_update(attempt)
        if attempt.state.needs_resolution:
            next_due = min(next_due, resolver.plan(attempt).due_at)
    return next_due
