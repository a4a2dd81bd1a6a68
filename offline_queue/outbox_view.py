"""Reading the outbox for people: status, lists, one record, export (no writes).

``status`` is constant-time in the queue's length (the pending counter of
``outbox_0002`` plus index look-ups), so it stays fast with 100,000 records waiting.
Member ids are shown masked (the masked reference of the journal), never decrypted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

import sqlite_utils

from terminal.money import format_amount

STATES = ("pending", "synced", "declined", "dead", "voided")

_LIST_COLUMNS = ("o.out_trade_no, o.seq, o.tender, o.amount_fen, o.created_at, o.state, "
                 "o.attempts, o.next_attempt_at, o.last_error, o.synced_at, o.host_trade_no, "
                 "o.reason_code, o.reason_msg, o.taken_offline, o.maybe_at_host, "
                 "a.member_ref, a.state AS journal_state, d.reason AS dead_reason, "
                 "d.moved_at AS dead_at")


@dataclass(frozen=True)
class QueueStatus:
    pending_count: int
    pending_fen: int
    dead_count: int
    dead_fen: int
    oldest_pending_at: float | None
    next_attempt_at: float | None
    last_error: str

    def as_dict(self, now: float) -> dict[str, Any]:
        return {"pending": self.pending_count, "pending_amount": format_amount(self.pending_fen),
                "pending_fen": self.pending_fen, "dead_letters": self.dead_count,
                "dead_fen": self.dead_fen,
                "oldest_pending_age_s": None if self.oldest_pending_at is None
                else round(now - self.oldest_pending_at, 1),
                "next_attempt_in_s": None if self.next_attempt_at is None
                else round(max(0.0, self.next_attempt_at - now), 1),
                "last_error": self.last_error}


def queue_status(db: sqlite_utils.Database) -> QueueStatus:
    totals = {r[0]: (r[1], r[2]) for r in db.execute(
        "SELECT state, count, amount_fen FROM outbox_totals")}
    pending = totals.get("pending", (0, 0))
    dead = totals.get("dead", (0, 0))
    oldest = db.execute("SELECT created_at, last_error FROM outbox WHERE state = 'pending' "
                        "ORDER BY seq LIMIT 1").fetchone()
    next_at = None
    if pending[0]:
        next_at = db.execute("SELECT next_attempt_at FROM outbox WHERE state = 'pending' "
                             "ORDER BY seq LIMIT 1").fetchone()[0]
    return QueueStatus(pending[0], pending[1], dead[0], dead[1],
                       oldest[0] if oldest else None, next_at, oldest[1] if oldest else "")


def counts_by_state(db: sqlite_utils.Database) -> dict[str, int]:
    """Every state's count (a full scan of the state index: for reports, not polling)."""
    counts = {s: 0 for s in STATES}
    counts.update({r[0]: r[1] for r in db.execute(
        "SELECT state, COUNT(*) FROM outbox GROUP BY state")})
    return counts


def list_entries(db: sqlite_utils.Database, *, states: tuple[str, ...] = (),
                 limit: int | None = 50, after_seq: int = 0,
                 offset: int = 0) -> list[dict[str, Any]]:
    """Records in creation order (optionally only some states), from ``after_seq``,
    skipping ``offset``; ``limit`` None: all of them."""
    where, params = _entry_filter(states, after_seq)
    rows = db.execute(
        f"SELECT {_LIST_COLUMNS} FROM outbox o JOIN attempts a USING (out_trade_no) "
        f"LEFT JOIN dead_letters d USING (out_trade_no) WHERE {where} "
        "ORDER BY o.seq LIMIT ? OFFSET ?",
        [*params, -1 if limit is None else limit, offset]).fetchall()
    return [entry_to_dict(dict(r)) for r in rows]


def count_entries(db: sqlite_utils.Database, *, states: tuple[str, ...] = (),
                  after_seq: int = 0) -> int:
    """How many records ``list_entries`` would give without a limit."""
    where, params = _entry_filter(states, after_seq)
    count: int = db.execute(f"SELECT COUNT(*) FROM outbox o WHERE {where}",
                            params).fetchone()[0]
    return count


def _entry_filter(states: tuple[str, ...], after_seq: int) -> tuple[str, list[object]]:
    where, params = ["o.seq > ?"], list[object]([after_seq])
    if states:
        where.append(f"o.state IN ({','.join('?' * len(states))})")
        params += list(states)
    return " AND ".join(where), params


def get_entry(db: sqlite_utils.Database, out_trade_no: str) -> dict[str, Any] | None:
    row = db.execute(f"SELECT {_LIST_COLUMNS} FROM outbox o JOIN attempts a "
                     "USING (out_trade_no) LEFT JOIN dead_letters d USING (out_trade_no) "
                     "WHERE o.out_trade_no = ?", [out_trade_no]).fetchone()
    return entry_to_dict(dict(row)) if row else None


def entry_to_dict(row: dict[str, Any]) -> dict[str, Any]:
    return {"out_trade_no": row["out_trade_no"], "seq": row["seq"], "tender": row["tender"],
            "amount": format_amount(row["amount_fen"]), "amount_fen": row["amount_fen"],
            "created_at": row["created_at"], "state": row["state"],
            "journal_state": row["journal_state"], "member": row["member_ref"],
            "taken_offline": bool(row["taken_offline"]),
            "may_be_at_host": bool(row["maybe_at_host"]), "attempts": row["attempts"],
            "next_attempt_at": row["next_attempt_at"], "last_error": row["last_error"],
            "synced_at": row["synced_at"], "host_trade_no": row["host_trade_no"],
            "reason_code": row["reason_code"], "reason_msg": row["reason_msg"],
            "dead_reason": row["dead_reason"] or "", "dead_at": row["dead_at"]}


def iter_all(db: sqlite_utils.Database, batch: int = 1000) -> Iterator[dict[str, Any]]:
    """Every record, in order, a page at a time (export without loading it all)."""
    after = 0
    while True:
        page = list_entries(db, limit=batch, after_seq=after)
        if not page:
            return
        yield from page
        after = page[-1]["seq"]
