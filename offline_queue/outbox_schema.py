"""Schema of the outbox: records to forward to the host, dead letters, balance snapshots.

``outbox`` row states: pending (to forward) → synced (host booked it, also after a
"duplicate") | declined (late decline: the exception list) | dead (past max attempts or
age: kept in ``dead_letters`` too, never dropped) | voided (cancelled locally before it
was forwarded: never uploaded). ``queue retry`` moves dead back to pending.
``maybe_at_host`` is set before a batch carrying the row is sent and cleared only when
the host says it did not book it: such a row can no longer be voided. ``taken_offline``
tells cash taken while the host was down from cash recorded online (both are queued).

``outbox_0002`` adds a counter of what is pending, maintained by triggers, so that
``queue status`` answers in constant time with 100,000 records waiting, plus the member
balance snapshots. It back-fills the counter from rows written by the first schema.
"""

from __future__ import annotations

import sqlite_utils


def _create(db: sqlite_utils.Database) -> None:
    db.execute("""
        CREATE TABLE outbox (
            out_trade_no TEXT PRIMARY KEY REFERENCES attempts(out_trade_no),
            seq INTEGER NOT NULL UNIQUE,
            tender TEXT NOT NULL CHECK (tender IN ('member', 'cash')),
            amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
            terminal_id TEXT NOT NULL,
            subject TEXT NOT NULL DEFAULT '',
            created_at REAL NOT NULL,
            day TEXT NOT NULL,
            member_key TEXT NOT NULL DEFAULT '',
            member_id_enc BLOB,
            evidence_enc BLOB,
            state TEXT NOT NULL DEFAULT 'pending',
            attempts INTEGER NOT NULL DEFAULT 0,
            maybe_at_host INTEGER NOT NULL DEFAULT 0,
            taken_offline INTEGER NOT NULL DEFAULT 1,
            next_attempt_at REAL NOT NULL DEFAULT 0,
            last_error TEXT NOT NULL DEFAULT '',
            synced_at REAL,
            host_trade_no TEXT NOT NULL DEFAULT '',
            reason_code TEXT NOT NULL DEFAULT '',
            reason_msg TEXT NOT NULL DEFAULT ''
        )""")
    db.execute("CREATE INDEX outbox_state_seq ON outbox (state, seq)")
    db.execute("CREATE INDEX outbox_member_day ON outbox (member_key, day)")
    db.execute("""
        CREATE TABLE dead_letters (
            out_trade_no TEXT PRIMARY KEY REFERENCES outbox(out_trade_no),
            moved_at REAL NOT NULL,
            reason TEXT NOT NULL
        )""")


_TOTAL_ROWS = ("pending", "dead")


def _pending_counter(db: sqlite_utils.Database) -> None:
    db.execute("""
        CREATE TABLE outbox_totals (
            state TEXT PRIMARY KEY,
            count INTEGER NOT NULL,
            amount_fen INTEGER NOT NULL
        )""")
    for state in _TOTAL_ROWS:
        db.execute("INSERT INTO outbox_totals (state, count, amount_fen) SELECT ?, COUNT(*), "
                   "COALESCE(SUM(amount_fen), 0) FROM outbox WHERE state = ?", [state, state])
    # Triggers keep the counter exact inside the same transaction as the row change.
    db.execute("""
        CREATE TRIGGER outbox_totals_insert AFTER INSERT ON outbox BEGIN
            UPDATE outbox_totals SET count = count + 1, amount_fen = amount_fen + NEW.amount_fen
            WHERE state = NEW.state;
        END""")
    db.execute("""
        CREATE TRIGGER outbox_totals_update AFTER UPDATE OF state ON outbox
        WHEN OLD.state != NEW.state BEGIN
            UPDATE outbox_totals SET count = count - 1, amount_fen = amount_fen - OLD.amount_fen
            WHERE state = OLD.state;
            UPDATE outbox_totals SET count = count + 1, amount_fen = amount_fen + NEW.amount_fen
            WHERE state = NEW.state;
        END""")
    db.execute("""
        CREATE TABLE member_balances (
            member_key TEXT PRIMARY KEY,
            balance_fen INTEGER NOT NULL,
            fetched_at REAL NOT NULL
        )""")
    db.execute("CREATE INDEX outbox_member_created ON outbox (member_key, created_at)")


def _day_closes(db: sqlite_utils.Database) -> None:
    db.execute("""
        CREATE TABLE day_closes (
            day TEXT PRIMARY KEY,
            closed_at REAL NOT NULL,
            report TEXT NOT NULL
        )""")


MIGRATIONS = [
    ("outbox_0001_create", _create),
    ("outbox_0002_pending_counter_and_balances", _pending_counter),
    ("outbox_0003_day_closes", _day_closes),
]
