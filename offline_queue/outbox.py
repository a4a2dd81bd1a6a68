"""The outbox: member and cash payments waiting to be forwarded to the host.

A record is written with its journal attempt in ONE transaction (WAL, synchronous=FULL)
before the customer is told; its id is the attempt's ``out_trade_no``. Only this module
and the sync worker's booking (``outbox_sync``) change outbox rows.

Share the journal's connection: ``Outbox(journal, sealer)``; one instance per thread.
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import sqlite_utils

from terminal.attempt import Attempt, Tender
from terminal.errors import StorageFull, UserFacingError
from terminal.money import format_amount
from terminal.offline_policy import Exposure
from terminal.transaction import TxState
from offline_queue.journal import SqliteJournal
from offline_queue.outbox_sealing import OutboxSealer
from offline_queue.store import free_disk_bytes, transaction

log = logging.getLogger(__name__)

#: Days (per-member limits, end of day) follow the host's calendar: Beijing time.
BUSINESS_TZ = timezone(timedelta(hours=8))
UNSYNCED_STATES = ("pending", "dead")
VOID_SUB_CODE = "PAYTERM.VOIDED_OFFLINE"


def business_day(epoch_s: float) -> str:
    return datetime.fromtimestamp(epoch_s, BUSINESS_TZ).date().isoformat()


class OutboxError(UserFacingError):
    """A queue command that cannot be done (unknown record, wrong state)."""


class Outbox:
    def __init__(self, journal: SqliteJournal, sealer: OutboxSealer, *,
                 min_free_bytes: int = 0) -> None:
        self._journal = journal
        self._db = journal.db
        self._sealer = sealer
        self._min_free_bytes = min_free_bytes
        self._path = Path(self._db.execute("PRAGMA database_list").fetchone()[2])

    @property
    def journal(self) -> SqliteJournal:
        return self._journal

    @property
    def sealer(self) -> OutboxSealer:
        return self._sealer

    # -- writing ----------------------------------------------------------------------
    def enqueue(self, *, terminal_id: str, tender: Tender, amount_fen: int, subject: str,
                now: float, member_id: str = "", member_ref: str = "",
                evidence: dict[str, Any] | None = None, taken_offline: bool = True) -> Attempt:
        """Journal the attempt (APPROVED, offline) and its outbox row durably, at once.
        Raises StorageFull (below ``storage.min_free_disk_mb`` or SQLITE_FULL: nothing
        is written then) or QueueError."""
        if tender not in (Tender.MEMBER, Tender.CASH):
            raise ValueError(f"{tender.value} payments are never queued")
        self.check_free_space()
        member_key = self._sealer.member_key(member_id)
        member_blob = self._sealer.seal_member(member_id)
        evidence_blob = self._sealer.seal_evidence(evidence or {})
        day = business_day(now)

        def write_row(db: sqlite_utils.Database, out_trade_no: str, seq: int) -> None:
            db.execute(
                "INSERT INTO outbox (out_trade_no, seq, tender, amount_fen, terminal_id, "
                "subject, created_at, day, member_key, member_id_enc, evidence_enc, "
                "taken_offline) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                [out_trade_no, seq, tender.value, amount_fen, terminal_id, subject, now, day,
                 member_key, member_blob, evidence_blob, int(taken_offline)])

        attempt = self._journal.open_offline_attempt(
            terminal_id=terminal_id, tender=tender, amount_fen=amount_fen, subject=subject,
            now=now, member_ref=member_ref, also=write_row)
        log.info("queued %s %s %s", attempt.out_trade_no, tender.value,
                 format_amount(amount_fen), extra={"out_trade_no": attempt.out_trade_no})
        return attempt

    def check_free_space(self) -> None:
        """Raise StorageFull when the disk holding the store is below the threshold."""
        if self._min_free_bytes <= 0:
            return
        free = free_disk_bytes(self._path)
        if free < self._min_free_bytes:
            raise StorageFull(f"{self._path}: only {free // 2**20} MB free, below "
                              f"storage.min_free_disk_mb ({self._min_free_bytes // 2**20} MB)")

    def void(self, out_trade_no: str, now: float, reason: str = "") -> Attempt:
        """Cancel an unsynced record locally: it is never uploaded and shows as voided.
        Refused once a batch carrying it may have reached the host (then refund it after
        it syncs)."""
        row = self._row(out_trade_no)
        if row["state"] not in UNSYNCED_STATES:
            raise OutboxError(f"{out_trade_no} is {row['state']}, cannot be voided",
                              user_message=f"{out_trade_no} 状态为 {row['state']}，不能作废 / "
                                           f"is {row['state']}; only unsynced records can be "
                                           "voided")
        if row["maybe_at_host"]:
            raise OutboxError(f"{out_trade_no} may already be at the host",
                              user_message="该记录可能已送达平台，请等同步后退款 / This record "
                                           "may already be at the host; refund it after it "
                                           "syncs")
        attempt = self._journal.get(out_trade_no)
        assert attempt is not None, out_trade_no  # its outbox row exists

        def flip(db: sqlite_utils.Database) -> None:
            changed = db.execute(
                "UPDATE outbox SET state = 'voided', reason_code = ?, reason_msg = ? "
                "WHERE out_trade_no = ? AND state IN ('pending', 'dead') AND maybe_at_host = 0",
                [VOID_SUB_CODE, reason[:200], out_trade_no]).rowcount
            if changed != 1:   # the sync worker took it meanwhile: undo everything
                raise OutboxError(f"{out_trade_no} is being forwarded",
                                  user_message="该记录正在上传，不能作废 / The record is being "
                                               "uploaded and cannot be voided")
            db.execute("DELETE FROM dead_letters WHERE out_trade_no = ?", [out_trade_no])

        # A void hands the money back (cash) or never debits it (member): locally it is
        # a full refund that never involved the host.
        self._journal.update_many(
            [(out_trade_no, TxState.REFUNDED, "voided_offline", {"reason": reason[:200]},
              {"refunded_fen": attempt.amount_fen, "sub_code": VOID_SUB_CODE})],
            now=now, also=flip)
        voided = self._journal.get(out_trade_no)
        assert voided is not None, out_trade_no
        return voided

    def retry(self, out_trade_no: str, now: float) -> None:
        """Send a dead letter (or a backed-off pending record) again at once."""
        row = self._row(out_trade_no)
        if row["state"] not in UNSYNCED_STATES:
            raise OutboxError(f"{out_trade_no} is {row['state']}, nothing to retry",
                              user_message=f"{out_trade_no} 状态为 {row['state']}，无需重试 / "
                                           f"is {row['state']}; nothing to retry")
        with transaction(self._db):
            self._db.execute("UPDATE outbox SET state = 'pending', attempts = 0, "
                             "next_attempt_at = 0 WHERE out_trade_no = ?", [out_trade_no])
            self._db.execute("DELETE FROM dead_letters WHERE out_trade_no = ?",
                             [out_trade_no])

    # -- member balance snapshots -------------------------------------------------------
    def save_balance(self, member_id: str, balance_fen: int, now: float) -> None:
        """Remember the host's balance for a member (for offline limits)."""
        with transaction(self._db):
            self._db.execute(
                "INSERT INTO member_balances (member_key, balance_fen, fetched_at) "
                "VALUES (?,?,?) ON CONFLICT(member_key) DO UPDATE SET "
                "balance_fen = excluded.balance_fen, fetched_at = excluded.fetched_at",
                [self._sealer.member_key(member_id), balance_fen, now])

    # -- what is at risk ------------------------------------------------------------------
    def exposure(self, now: float, member_id: str = "") -> Exposure:
        """The facts the offline policy needs (constant time in the queue's length)."""
        totals = {r[0]: (r[1], r[2]) for r in self._db.execute(
            "SELECT state, count, amount_fen FROM outbox_totals")}
        count = sum(totals.get(s, (0, 0))[0] for s in UNSYNCED_STATES)
        amount = sum(totals.get(s, (0, 0))[1] for s in UNSYNCED_STATES)
        oldest = [r[0] for s in UNSYNCED_STATES for r in self._db.execute(
            "SELECT created_at FROM outbox WHERE state = ? ORDER BY seq LIMIT 1", [s])]
        exposure = Exposure(count, amount, min(oldest) if oldest else None)
        if not member_id:
            return exposure
        key = self._sealer.member_key(member_id)
        today = self._db.execute(
            "SELECT COALESCE(SUM(amount_fen), 0) FROM outbox WHERE member_key = ? AND day = ? "
            "AND state != 'voided'", [key, business_day(now)]).fetchone()[0]
        snapshot = self._db.execute("SELECT balance_fen, fetched_at FROM member_balances "
                                    "WHERE member_key = ?", [key]).fetchone()
        since = snapshot[1] if snapshot else 0.0
        # What the snapshot cannot include: records the host did not hold when it was read.
        spent = self._db.execute(
            "SELECT COALESCE(SUM(amount_fen), 0) FROM outbox WHERE member_key = ? "
            "AND state IN ('pending', 'dead', 'synced') "
            "AND (synced_at IS NULL OR synced_at > ?)", [key, since]).fetchone()[0]
        return Exposure(count, amount, exposure.oldest_unsynced_at, member_today_fen=today,
                        member_balance_fen=snapshot[0] if snapshot else None,
                        member_spent_since_snapshot_fen=spent)

    def _row(self, out_trade_no: str) -> sqlite3.Row:
        row: sqlite3.Row | None = self._db.execute(
            "SELECT * FROM outbox WHERE out_trade_no = ?", [out_trade_no]).fetchone()
        if row is None:
            raise OutboxError(f"no queued record {out_trade_no}",
                              user_message=f"队列中没有 {out_trade_no} / No queued record "
                                           f"{out_trade_no}")
        return row
