"""Forwarding the outbox to the host: one pass (``sync_pass``) and the thread that loops.

Order of creation, batches of ``offline.sync_batch_size``; each batch is marked in flight,
sent, and its answers booked in one transaction. Failures:

* HostUnreachable (nothing reached the host): no record is charged an attempt; the
  worker backs off and, with a connectivity monitor, waits for a health probe.
* OutcomeUnknown (timeout, HTTP 500, garbage): every record is charged an attempt and
  sent again after its own backoff; the host's idempotency turns a resend of a booked
  record into "duplicate".
* HostRejected for the whole batch: its records are sent one by one, so a single bad
  record is isolated and the others still go through.

The thread (a BackgroundLoop) owns its own SQLite connection; stop() signals and joins
with a deadline.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from terminal.background_loop import Backoff, BackgroundLoop
from terminal.connectivity import ConnectivityMonitor
from terminal.errors import HostRejected, HostUnreachable, OutcomeUnknown
from terminal.host_batch_messages import MAX_BATCH_RECORDS, OfflineRecord
from terminal.ports.host import Clock, HostHealth
from terminal.ports.host_batch import BatchHost
from terminal.settings.offline_section import OfflineSettings
from offline_queue.journal import SqliteJournal
from offline_queue.outbox import Outbox
from offline_queue.outbox_sealing import OutboxSealer
from offline_queue.outbox_sync import OutboxSync, Tally

log = logging.getLogger(__name__)


@dataclass
class PassResult:
    sent: int = 0
    booked: int = 0
    declined: int = 0
    deferred: int = 0
    dead: int = 0
    error: str = ""                 # the last whole-batch failure, for the cashier
    unreachable: bool = False
    batches: int = 0
    tallies: list[Tally] = field(default_factory=list, repr=False)

    def add(self, tally: Tally) -> None:
        self.booked += tally.booked
        self.declined += tally.declined
        self.deferred += tally.deferred
        self.dead += tally.dead


def sync_pass(sync: OutboxSync, host: BatchHost, clock: Clock, settings: OfflineSettings, *,
              monitor: ConnectivityMonitor | None = None, max_batches: int = 1_000_000,
              should_stop: Callable[[], bool] = lambda: False) -> PassResult:
    """Send every due record once, batch by batch; stop at the first batch that did not
    reach the host. Blocking: call from a worker thread (or a CLI command)."""
    result = PassResult()
    size = max(1, min(settings.sync_batch_size, MAX_BATCH_RECORDS))
    while result.batches < max_batches and not should_stop():
        rows = sync.due(clock.now(), size)
        if not rows:
            break
        records, broken = sync.to_records(rows, clock.now())
        result.add(broken)
        if not records:
            continue
        result.batches += 1
        result.sent += len(records)
        if not _send(sync, host, clock, records, result, monitor):
            break
    return result


def _send(sync: OutboxSync, host: BatchHost, clock: Clock, records: list[OfflineRecord],
          result: PassResult, monitor: ConnectivityMonitor | None) -> bool:
    """One batch; False when the pass should stop (host unreachable or failing)."""
    numbers = [r.out_trade_no for r in records]
    sync.mark_in_flight(numbers)
    try:
        answers = host.upload_offline_batch(records)
    except HostUnreachable as exc:
        sync.release(numbers)
        result.error, result.unreachable = str(exc)[:200], True
        _report(monitor, exc)
        return False
    except OutcomeUnknown as exc:
        # The host is sick or slow: charge an attempt and let the worker back off.
        result.error = str(exc)[:200]
        result.add(sync.defer(numbers, clock.now(), result.error, maybe_at_host=True))
        _report(monitor, exc)
        return False
    except HostRejected as exc:
        _report(monitor, None)
        if len(records) == 1:
            result.error = f"refused: {exc.sub_code or exc.code} {exc.sub_msg}".strip()
            result.add(sync.defer(numbers, clock.now(), result.error, maybe_at_host=False))
            return True
        # Isolate the record the host objects to: send each one alone.
        for record in records:
            if not _send(sync, host, clock, [record], result, monitor):
                return False
        return True
    _report(monitor, None)
    result.add(sync.book(answers, clock.now()))
    return True


def _report(monitor: ConnectivityMonitor | None, error: BaseException | None) -> None:
    if monitor is None:
        return
    if error is None:
        monitor.record_success()
    else:
        monitor.record_failure(error)


class SyncWorker:
    """The background forwarder. ``on_pass(PassResult)`` is called from its thread after
    each pass that did something (the kiosk's bridge re-emits it as a Qt signal)."""

    def __init__(self, db_path: Path, sealer: OutboxSealer, host: BatchHost,
                 settings: OfflineSettings, clock: Clock, *,
                 monitor: ConnectivityMonitor | None = None,
                 health: HostHealth | None = None, busy_timeout_ms: int = 5000,
                 on_pass: Callable[[PassResult], None] | None = None,
                 rng: random.Random | None = None) -> None:
        self._db_path = Path(db_path)
        self._sealer = sealer
        self._host = host
        self._settings = settings
        self._clock = clock
        self._monitor = monitor
        self._health = health
        self._busy_timeout_ms = busy_timeout_ms
        self._on_pass = on_pass
        self._rng = rng or random.Random()
        self._backoff = Backoff(settings.sync_backoff_base_s, settings.sync_backoff_max_s)
        self._failures = 0      # passes in a row that failed (unreachable, error, raised)
        self._journal: SqliteJournal | None = None
        self._sync: OutboxSync | None = None
        self._loop = BackgroundLoop("sync", self._pass, setup=self._open, teardown=self._close,
                                    on_error=self._after_error, rng=self._rng, logger=log)

    def start(self) -> None:
        self._loop.start()

    def wake(self) -> None:
        """A record was queued: look now instead of at the next idle tick."""
        self._loop.wake()

    def stop(self, timeout_s: float = 5.0) -> bool:
        """Ask the thread to finish; True if it did within ``timeout_s``."""
        return self._loop.stop(timeout_s)

    # -- the worker thread (its own journal connection) ----------------------------------
    def _open(self) -> None:
        self._journal = SqliteJournal.open(self._db_path, busy_timeout_ms=self._busy_timeout_ms)
        self._sync = OutboxSync(Outbox(self._journal, self._sealer), self._settings, self._rng)
        self._failures = 0

    def _close(self) -> None:
        if self._journal is not None:
            self._journal.close()
        self._journal = self._sync = None

    def _pass(self) -> float:
        """One pass; returns how long to wait before the next."""
        assert self._sync is not None
        if self._monitor is not None and not self._monitor.online:
            if self._health is not None and self._monitor.probe_due():
                self._monitor.probe(self._health)
            if not self._monitor.online:
                return self._probe_wait()
        result = sync_pass(self._sync, self._host, self._clock, self._settings,
                           monitor=self._monitor, should_stop=lambda: self._loop.stopping)
        self._failures = self._failures + 1 if (result.unreachable or result.error) else 0
        if result.sent or result.dead:
            log.info("sync pass: %s", result)
            if self._on_pass:
                self._on_pass(result)
        if self._failures:
            return self._backoff.delay_s(self._failures, self._rng)
        wait = self._settings.sync_idle_s
        next_due = self._sync.next_due_at()
        if next_due is not None:
            wait = min(wait, max(0.0, next_due - self._clock.now()))
        return wait

    def _after_error(self, exc: Exception) -> float:
        self._failures += 1
        return self._backoff.delay_s(self._failures, self._rng)

    def _probe_wait(self) -> float:
        assert self._monitor is not None  # only waited for when there is a monitor
        status = self._monitor.status()
        if status.next_probe_at is None:
            return self._settings.probe_interval_s
        return max(0.01, status.next_probe_at - self._clock.monotonic())
