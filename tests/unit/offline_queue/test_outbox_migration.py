"""A store made with the first outbox schema is upgraded in place, data intact."""

from __future__ import annotations

import sqlite3

import pytest

from offline_queue import journal_schema, outbox_schema
from offline_queue.outbox_view import queue_status
from offline_queue.journal import SqliteJournal
from offline_queue.store import open_store
from terminal.errors import QueueError


def test_upgrade_from_the_first_schema_backfills_the_counter(tmp_path):
    path = tmp_path / "payterm.db"
    first = journal_schema.MIGRATIONS + outbox_schema.MIGRATIONS[:1]
    db = open_store(path, migrations=first)
    rows = [("T1", 1, "pending", 100), ("T2", 2, "pending", 250), ("T3", 3, "synced", 999),
            ("T4", 4, "dead", 40)]
    for no, seq, state, amount in rows:
        db.execute("INSERT INTO attempts (out_trade_no, seq, tender, amount_fen, state, "
                   "created_at, updated_at, offline) VALUES (?,?,?,?,?,?,?,1)",
                   [no, seq, "cash", amount, "approved", 1.0 * seq, 1.0 * seq])
        db.execute("INSERT INTO outbox (out_trade_no, seq, tender, amount_fen, terminal_id, "
                   "created_at, day, state) VALUES (?,?,?,?,?,?,?,?)",
                   [no, seq, "cash", amount, "T0001", 1.0 * seq, "2026-05-01", state])
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "outbox_totals" not in tables and "member_balances" not in tables
    db.conn.close()

    journal = SqliteJournal.open(path, check_integrity=True)   # all migrations now
    applied = [r[0] for r in journal.db.execute("SELECT name FROM schema_migrations")]
    assert [name for name, _ in outbox_schema.MIGRATIONS] == \
        [n for n in applied if n.startswith("outbox_")]
    status = queue_status(journal.db)
    assert (status.pending_count, status.pending_fen) == (2, 350)
    assert (status.dead_count, status.dead_fen) == (1, 40)
    # the triggers keep it right from now on
    journal.db.execute("UPDATE outbox SET state = 'synced' WHERE out_trade_no = 'T1'")
    assert queue_status(journal.db).pending_count == 1
    assert journal.db.execute("SELECT COUNT(*) FROM outbox").fetchone()[0] == 4
    journal.close()


def test_a_failing_migration_leaves_the_store_as_it_was(tmp_path):
    path = tmp_path / "payterm.db"
    db = open_store(path, migrations=journal_schema.MIGRATIONS + outbox_schema.MIGRATIONS[:1])

    def broken(database):
        outbox_schema.MIGRATIONS[1][1](database)
        raise sqlite3.OperationalError("simulated failure half-way")

    from offline_queue.store import apply_migrations
    with pytest.raises(QueueError, match="simulated failure half-way"):  # translated
        apply_migrations(db, [("outbox_0002_pending_counter_and_balances", broken)])
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "outbox_totals" not in tables
    db.conn.close()
