"""The background thread that finishes unknown payments (after a timeout, a crash or a
power cut). It owns its own journal connection, as every SQLite writer here does."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Callable

from terminal.attempt import Attempt
from terminal.background_loop import BackgroundLoop
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
        self._loop = BackgroundLoop("resolver", self._pass, setup=self._open,
                                    teardown=self._close, on_error=self._after_error,
                                    logger=log)
        self._journal: SqliteJournal | None = None
        self._resolver: Resolver | None = None

    def start(self) -> None:
        self._loop.start()

    def wake(self) -> None:
        """Look for work now (a new unknown attempt was journaled)."""
        self._loop.wake()

    def stop(self, timeout_s: float = 5.0) -> bool:
        """Signal and join; True when the thread ended within ``timeout_s``."""
        return self._loop.stop(timeout_s)

    # -- the worker thread (its own journal connection) ----------------------------------
    def _open(self) -> None:
        self._journal = SqliteJournal.open(self._db_path)
        self._resolver = Resolver(self._host, self._journal, self._settings, self._clock)

    def _close(self) -> None:
        if self._journal is not None:
            self._journal.close()
        self._journal = self._resolver = None

    def _pass(self) -> float:
        assert self._resolver is not None and self._journal is not None
        next_due = run_pass(self._resolver, self._journal, self._on_update)
        return self._wait_until(next_due)

    def _after_error(self, exc: Exception) -> float:
        return self._wait_until(self._clock.now() + self._settings.idle_sleep_s)

    def _wait_until(self, next_due: float) -> float:
        return max(0.0, min(self._settings.idle_sleep_s, next_due - self._clock.now()))


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
