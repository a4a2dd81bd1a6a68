"""What is waiting in the terminal's store, read without changing anything.

The file is opened read-only (``mode=ro``), so diagnostics can run next to the kiosk
and on a damaged file. Parts of the store that this version does not have (no outbox
table yet) are reported as absent rather than as errors.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from terminal.transaction import TxState

UNRESOLVED = tuple(s.value for s in TxState if s.needs_resolution)
HELD = tuple(s.value for s in TxState if s.needs_person)
REFUNDS_HELD = ("answer_inconsistent", "held")       # terminal.refund.RefundState


def summarise_store(path: Path, *, now: float | None = None, busy_timeout_ms: int = 2000) -> dict:
    """Counts, oldest ages and the last errors; raises sqlite3.DatabaseError if unreadable."""
    now = time.time() if now is None else now
    summary: dict = {"database": str(path), "exists": path.exists()}
    if not path.exists():
        return summary
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True,
                           timeout=busy_timeout_ms / 1000)
    try:
        conn.row_factory = sqlite3.Row
        summary["integrity"] = conn.execute("PRAGMA quick_check").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        summary["tables"] = sorted(tables)
        summary["journal"] = _journal(conn, now, tables) if "attempts" in tables else None
        summary["outbox"] = _outbox(conn, now, tables) if "outbox" in tables else None
    finally:
        conn.close()
    return summary


def _journal(conn: sqlite3.Connection, now: float, tables: set[str]) -> dict:
    marks = ",".join("?" * len(UNRESOLVED))
    total = conn.execute("SELECT COUNT(*) FROM attempts").fetchone()[0]
    row = conn.execute(f"SELECT COUNT(*), MIN(created_at) FROM attempts WHERE state IN ({marks})",
                       UNRESOLVED).fetchone()
    attention = conn.execute("SELECT COUNT(*) FROM attempts WHERE needs_attention != 0") \
        .fetchone()[0]
    offline = conn.execute("SELECT COUNT(*) FROM attempts WHERE offline != 0").fetchone()[0]
    by_state = {r[0]: r[1] for r in conn.execute(
        "SELECT state, COUNT(*) FROM attempts GROUP BY state ORDER BY state")}
    held = [r[0] for r in conn.execute(
        f"SELECT out_trade_no FROM attempts WHERE state IN ({','.join('?' * len(HELD))}) "
        "ORDER BY created_at", HELD)]
    refunds_held = [r[0] for r in conn.execute(
        f"SELECT out_request_no FROM refunds WHERE state IN "
        f"({','.join('?' * len(REFUNDS_HELD))}) ORDER BY created_at", REFUNDS_HELD)] \
        if "refunds" in tables else []
    epoch = conn.execute("SELECT epoch FROM journal_identity").fetchone() \
        if "journal_identity" in tables else None
    return {"attempts": total, "unresolved": row[0], "held": held,
            "refunds_in_doubt": refunds_held, "journal_epoch": epoch[0] if epoch else "",
            "oldest_unresolved_age_s": round(now - row[1], 1) if row[1] else None,
            "needs_attention": attention, "offline_taken": offline, "by_state": by_state}


def _outbox(conn: sqlite3.Connection, now: float, tables: set[str]) -> dict:
    """States per offline_queue/outbox_schema.py: pending, synced, declined, dead, voided."""
    by_state = {r[0]: r[1] for r in conn.execute(
        "SELECT state, COUNT(*) FROM outbox GROUP BY state ORDER BY state")}
    oldest = conn.execute("SELECT MIN(created_at) FROM outbox WHERE state = 'pending'") \
        .fetchone()[0]
    error = conn.execute("SELECT last_error FROM outbox WHERE last_error != '' "
                         "ORDER BY next_attempt_at DESC, seq DESC LIMIT 1").fetchone()
    dead = by_state.get("dead", 0)
    if "dead_letters" in tables:
        dead = max(dead, conn.execute("SELECT COUNT(*) FROM dead_letters").fetchone()[0])
    return {"records": sum(by_state.values()), "by_state": by_state,
            "pending": by_state.get("pending", 0), "declined": by_state.get("declined", 0),
            "dead_letters": dead,
            "oldest_pending_age_s": round(now - oldest, 1) if oldest else None,
            "last_error": error[0] if error else ""}
