"""Schema of the payment journal (named, transactional migrations)."""

from __future__ import annotations

import time

import sqlite_utils

from terminal.trade_no import new_epoch


def _create(db: sqlite_utils.Database) -> None:
    db.execute("""
        CREATE TABLE attempts (
            out_trade_no TEXT PRIMARY KEY,
            seq INTEGER NOT NULL UNIQUE,
            tender TEXT NOT NULL,
            wallet TEXT NOT NULL DEFAULT '',
            code_masked TEXT NOT NULL DEFAULT '',
            amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
            subject TEXT NOT NULL DEFAULT '',
            state TEXT NOT NULL,
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL,
            first_request_at REAL,
            host_trade_no TEXT NOT NULL DEFAULT '',
            result_code TEXT NOT NULL DEFAULT '',
            sub_code TEXT NOT NULL DEFAULT '',
            sub_msg TEXT NOT NULL DEFAULT '',
            waiting_for_password INTEGER NOT NULL DEFAULT 0,
            query_count INTEGER NOT NULL DEFAULT 0,
            last_query_at REAL,
            cancel_count INTEGER NOT NULL DEFAULT 0,
            last_cancel_at REAL,
            cancelling INTEGER NOT NULL DEFAULT 0,
            needs_attention INTEGER NOT NULL DEFAULT 0,
            refunded_fen INTEGER NOT NULL DEFAULT 0,
            offline INTEGER NOT NULL DEFAULT 0,
            member_ref TEXT NOT NULL DEFAULT ''
        )""")
    db.execute("CREATE INDEX attempts_state ON attempts (state, created_at)")
    db.execute("CREATE INDEX attempts_created ON attempts (created_at)")
    db.execute("""
        CREATE TABLE attempt_events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            out_trade_no TEXT NOT NULL REFERENCES attempts(out_trade_no),
            at REAL NOT NULL,
            event TEXT NOT NULL,
            state TEXT NOT NULL,
            detail TEXT NOT NULL DEFAULT '{}'
        )""")
    db.execute("CREATE INDEX attempt_events_trade ON attempt_events (out_trade_no, id)")
    db.execute("""
        CREATE TABLE refunds (
            out_request_no TEXT PRIMARY KEY,
            out_trade_no TEXT NOT NULL REFERENCES attempts(out_trade_no),
            amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
            state TEXT NOT NULL,
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL,
            sub_code TEXT NOT NULL DEFAULT ''
        )""")
    # The sequence behind out_trade_no: it only ever goes up, across restarts.
    db.execute("CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL)")


def _identity(db: sqlite_utils.Database) -> None:
    """The journal's epoch: random, made once with the store, part of every
    out_trade_no. A lost journal that is started again gets another epoch, so its numbers
    can never repeat the old ones (terminal/trade_no.py)."""
    db.execute("""
        CREATE TABLE journal_identity (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            epoch TEXT NOT NULL,
            created_at REAL NOT NULL
        )""")
    db.execute("INSERT INTO journal_identity (id, epoch, created_at) VALUES (1, ?, ?)",
               [new_epoch(), time.time()])


MIGRATIONS = [("journal_0001_create", _create), ("journal_0002_identity", _identity)]
