"""Booking what the host said about forwarded records (used by the sync worker).

Every change to a batch (outbox rows, their journal attempts, dead letters) happens in
one transaction, so a kill at any point leaves either the old or the new state: a record
whose answer was lost is simply sent again, and the host answers "duplicate".
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from typing import Any, Callable

import sqlite_utils

from terminal.errors import QueueError
from terminal.host_batch_messages import (BatchItemResult, BatchOutcome, OfflineRecord,
                                          OfflineTender)
from terminal.ports.journal import AttemptChange
from terminal.settings.offline_section import OfflineSettings
from offline_queue.outbox import Outbox
from offline_queue.store import transaction

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Tally:
    """What one batch came to."""

    booked: int = 0         # accepted or duplicate
    declined: int = 0
    deferred: int = 0       # retryable or failed: tried again later
    dead: int = 0           # moved to the dead letters


def backoff_s(attempts: int, settings: OfflineSettings, rng: random.Random) -> float:
    """Exponential backoff with jitter: base·2^(n-1), capped, times 0.5..1."""
    raw = settings.sync_backoff_base_s * 2 ** min(max(attempts - 1, 0), 30)
    return float(min(settings.sync_backoff_max_s, raw) * rng.uniform(0.5, 1.0))


class OutboxSync:
    """One per sync thread (it shares that thread's journal connection)."""

    def __init__(self, outbox: Outbox, settings: OfflineSettings,
                 rng: random.Random | None = None) -> None:
        self._outbox = outbox
        self._db = outbox.journal.db
        self._settings = settings
        self._rng = rng or random.Random()

    def due(self, now: float, limit: int) -> list[dict[str, Any]]:
        """Pending rows whose retry time has come, in creation order."""
        rows = self._db.execute(
            "SELECT * FROM outbox WHERE state = 'pending' AND next_attempt_at <= ? "
            "ORDER BY seq LIMIT ?", [now, limit]).fetchall()
        return [dict(r) for r in rows]

    def next_due_at(self) -> float | None:
        row = self._db.execute("SELECT MIN(next_attempt_at) FROM outbox "
                               "WHERE state = 'pending'").fetchone()
        return row[0] if row else None

    def to_records(self, rows: list[dict[str, Any]], now: float) -> tuple[list[OfflineRecord], Tally]:
        """Decrypt rows into records; a row that cannot be opened becomes a dead letter
        at once instead of blocking the batch."""
        records, broken = [], []
        sealer = self._outbox.sealer
        for row in rows:
            try:
                records.append(OfflineRecord(
                    out_trade_no=row["out_trade_no"], tender=OfflineTender(row["tender"]),
                    amount_fen=row["amount_fen"], created_at_epoch_s=row["created_at"],
                    terminal_id=row["terminal_id"], subject=row["subject"],
                    member_id=sealer.open_member(row["member_id_enc"]),
                    evidence=sealer.open_evidence(row["evidence_enc"])))
            except (QueueError, ValueError) as exc:
                broken.append((row["out_trade_no"], f"cannot be read: {exc}"))
        if broken:
            def bury_all(db: sqlite_utils.Database) -> None:
                for no, reason in broken:
                    self._bury(db, no, reason, now)
            self._write(bury_all)
        return records, Tally(dead=len(broken))

    def mark_in_flight(self, out_trade_nos: list[str]) -> None:
        """Before sending: from now on these may be at the host (no more voiding)."""
        self._write(lambda db: db.conn.executemany(
            "UPDATE outbox SET maybe_at_host = 1 WHERE out_trade_no = ?",
            [[no] for no in out_trade_nos]))

    def book(self, results: list[BatchItemResult], now: float) -> Tally:
        """Apply the host's per-record answers, all in one transaction."""
        changes: list[AttemptChange] = []
        retry: list[BatchItemResult] = []
        booked = declined = 0
        for result in results:
            no = result.out_trade_no
            if result.booked:
                booked += 1
                changes.append((no, None, "synced" if result.outcome is BatchOutcome.ACCEPTED
                                else "synced_duplicate", {"host_trade_no": result.host_trade_no},
                                {"offline": False, "host_trade_no": result.host_trade_no}))
            elif result.outcome is BatchOutcome.DECLINED:
                declined += 1
                changes.append((no, None, "declined_after_sync",
                                {"sub_code": result.reason_code, "sub_msg": result.reason_msg},
                                {"needs_attention": True, "sub_code": result.reason_code,
                                 "sub_msg": result.reason_msg[:200]}))
            else:
                retry.append(result)
        dead = []

        def write_outbox(db: sqlite_utils.Database) -> None:
            for result in results:
                no = result.out_trade_no
                if result.booked:
                    db.execute("UPDATE outbox SET state = 'synced', synced_at = ?, "
                               "host_trade_no = ?, last_error = '' WHERE out_trade_no = ?",
                               [now, result.host_trade_no, no])
                elif result.outcome is BatchOutcome.DECLINED:
                    db.execute("UPDATE outbox SET state = 'declined', synced_at = ?, "
                               "reason_code = ?, reason_msg = ? WHERE out_trade_no = ?",
                               [now, result.reason_code, result.reason_msg[:200], no])
            for result in retry:
                # The host said it did not book it: it is not at the host.
                reason = f"retryable {result.reason_code} {result.reason_msg}".strip()
                if self._defer_row(db, result.out_trade_no, now, reason, maybe_at_host=False):
                    dead.append(result.out_trade_no)

        self._outbox.journal.update_many(changes, now=now, also=write_outbox)
        return Tally(booked=booked, declined=declined, deferred=len(retry) - len(dead),
                     dead=len(dead))

    def defer(self, out_trade_nos: list[str], now: float, error: str, *,
              maybe_at_host: bool) -> Tally:
        """A batch failed as a whole (5xx, timeout, garbage, refusal): try each later."""
        dead = []

        def write(db: sqlite_utils.Database) -> None:
            for no in out_trade_nos:
                if self._defer_row(db, no, now, error, maybe_at_host=maybe_at_host):
                    dead.append(no)

        self._write(write)
        return Tally(deferred=len(out_trade_nos) - len(dead), dead=len(dead))

    def release(self, out_trade_nos: list[str]) -> None:
        """Nothing reached the host (connect failed): undo ``mark_in_flight`` where no
        earlier send is in doubt. Does not count as an attempt."""
        self._write(lambda db: db.conn.executemany(
            "UPDATE outbox SET maybe_at_host = 0 WHERE out_trade_no = ? AND attempts = 0",
            [[no] for no in out_trade_nos]))

    # -- internals ------------------------------------------------------------------------
    def _defer_row(self, db: sqlite_utils.Database, out_trade_no: str, now: float, error: str, *,
                   maybe_at_host: bool) -> bool:
        """Count one failed try; returns True when the row became a dead letter."""
        row = db.execute("SELECT attempts, created_at FROM outbox "
                         "WHERE out_trade_no = ? AND state = 'pending'",
                         [out_trade_no]).fetchone()
        if row is None:
            return False
        attempts = row[0] + 1
        db.execute("UPDATE outbox SET attempts = ?, next_attempt_at = ?, last_error = ?, "
                   "maybe_at_host = ? WHERE out_trade_no = ?",
                   [attempts, now + backoff_s(attempts, self._settings, self._rng),
                    error[:300], int(maybe_at_host), out_trade_no])
        too_old = now - row[1] > self._settings.dead_letter_age_s
        if attempts >= self._settings.sync_max_attempts or too_old:
            why = (f"{attempts} attempts" if not too_old else "too old") + f"; last: {error}"
            self._bury(db, out_trade_no, why, now)
            return True
        return False

    def _bury(self, db: sqlite_utils.Database, out_trade_no: str, reason: str, now: float) -> None:
        db.execute("UPDATE outbox SET state = 'dead', last_error = ? WHERE out_trade_no = ?",
                   [reason[:300], out_trade_no])
        db.execute("INSERT INTO dead_letters (out_trade_no, moved_at, reason) VALUES (?,?,?) "
                   "ON CONFLICT(out_trade_no) DO UPDATE SET moved_at = excluded.moved_at, "
                   "reason = excluded.reason", [out_trade_no, now, reason[:300]])
        log.warning("outbox %s moved to the dead letters: %s", out_trade_no, reason[:120],
                    extra={"out_trade_no": out_trade_no})

    def _write(self, body: Callable[[sqlite_utils.Database], object]) -> None:
        with transaction(self._db):
            body(self._db)
