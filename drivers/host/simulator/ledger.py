"""The simulator's books: trades, refunds and member accounts in one SQLite file (WAL).

One connection guarded by a lock: the HTTP server's threads take turns, and every
operation is one transaction (``transaction()``). A trade waiting for the customer's
password carries ``settle_at``/``settle_to``: it settles by itself when that time has
passed (``settle_due``, run before every operation, and the ``trades_now`` view).

``charges`` (view and method) is what was actually taken from customers, so tests can
prove that nobody was charged twice.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from terminal.errors import ConfigError

_NOW_SQL = "((julianday('now') - 2440587.5) * 86400.0)"

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS trades (
    out_trade_no    TEXT PRIMARY KEY,
    trade_no        TEXT NOT NULL UNIQUE,
    terminal_id     TEXT NOT NULL DEFAULT '',
    tender          TEXT NOT NULL,                 -- wallet | member | cash
    wallet          TEXT NOT NULL DEFAULT '',
    member_id       TEXT NOT NULL DEFAULT '',
    code_hash       TEXT,                          -- sha256 of the payment code
    behaviour       TEXT NOT NULL DEFAULT '',
    amount_fen      INTEGER NOT NULL,
    state           TEXT NOT NULL,
    settle_at       REAL,
    settle_to       TEXT,
    decline_code    TEXT NOT NULL DEFAULT '',
    cancel_attempts INTEGER NOT NULL DEFAULT 0,
    cancelled       INTEGER NOT NULL DEFAULT 0,
    offline         INTEGER NOT NULL DEFAULT 0,
    subject         TEXT NOT NULL DEFAULT '',
    evidence        TEXT NOT NULL DEFAULT '{{}}',
    created_at      REAL NOT NULL,
    updated_at      REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS trades_by_code ON trades(code_hash);
CREATE INDEX IF NOT EXISTS trades_waiting ON trades(state, settle_at);
CREATE INDEX IF NOT EXISTS trades_by_terminal ON trades(terminal_id, created_at);
CREATE TABLE IF NOT EXISTS refunds (
    out_trade_no    TEXT NOT NULL REFERENCES trades(out_trade_no),
    out_request_no  TEXT NOT NULL,
    amount_fen      INTEGER NOT NULL,
    created_at      REAL NOT NULL,
    PRIMARY KEY (out_trade_no, out_request_no)
);
CREATE TABLE IF NOT EXISTS members (
    member_id       TEXT PRIMARY KEY,
    balance_fen     INTEGER NOT NULL CHECK (balance_fen >= 0),
    phone_last4     TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS terminal_journals (
    terminal_id     TEXT PRIMARY KEY,
    journal_epoch   TEXT NOT NULL,                 -- the journal that uses this id now
    first_seen      REAL NOT NULL,
    last_seen       REAL NOT NULL
);
CREATE VIEW IF NOT EXISTS trades_now AS
    SELECT t.*,
           CASE WHEN t.state = 'WAIT_BUYER_PAY' AND t.settle_at IS NOT NULL
                     AND t.settle_at <= {_NOW_SQL} THEN t.settle_to ELSE t.state END
               AS effective_state,
           COALESCE((SELECT SUM(r.amount_fen) FROM refunds r
                     WHERE r.out_trade_no = t.out_trade_no), 0) AS refunded_fen
    FROM trades t;
CREATE VIEW IF NOT EXISTS charges AS
    SELECT out_trade_no, tender, wallet, member_id, code_hash, amount_fen, refunded_fen,
           amount_fen - refunded_fen AS net_fen
    FROM trades_now
    WHERE effective_state IN ('TRADE_SUCCESS', 'TRADE_FINISHED') OR refunded_fen > 0;
"""


def code_hash(auth_code: str) -> str:
    """Codes are kept only as a hash: enough for the single-use rule, useless to a thief."""
    return hashlib.sha256(auth_code.encode("ascii", "replace")).hexdigest()


class Ledger:
    """The simulator's SQLite books. Thread-safe; ``close()`` when done."""

    def __init__(self, path: Path) -> None:
        try:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(path), check_same_thread=False,
                                       isolation_level=None, timeout=10.0)
            self._db.row_factory = sqlite3.Row
            self._db.execute("PRAGMA journal_mode=WAL")
            # NORMAL under WAL survives a killed process (what the tests do to it);
            # only a power cut could lose the last commits of a simulator.
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)
        except sqlite3.Error as exc:
            raise ConfigError("--db", f"cannot open the simulator ledger {path}: {exc}") from None
        self._lock = threading.RLock()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Exclusive, atomic: commit on success, roll back on any exception."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    # -- trades -------------------------------------------------------------------------
    def settle_due(self, db: sqlite3.Connection, now: float) -> None:
        """Trades whose password wait is over become what the customer decided."""
        db.execute("UPDATE trades SET state = settle_to, updated_at = settle_at, "
                   "settle_at = NULL WHERE state = 'WAIT_BUYER_PAY' AND settle_at <= ?",
                   (now,))

    @staticmethod
    def trade(db: sqlite3.Connection, out_trade_no: str) -> sqlite3.Row | None:
        row: sqlite3.Row | None = db.execute("SELECT * FROM trades_now WHERE out_trade_no = ?",
                                             (out_trade_no,)).fetchone()
        return row

    @staticmethod
    def insert_trade(db: sqlite3.Connection, **values: Any) -> None:
        values.setdefault("updated_at", values["created_at"])
        if isinstance(values.get("evidence"), dict):
            values["evidence"] = json.dumps(values["evidence"], ensure_ascii=False,
                                            sort_keys=True)
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        db.execute(f"INSERT INTO trades ({columns}) VALUES ({marks})", tuple(values.values()))

    @staticmethod
    def update_trade(db: sqlite3.Connection, out_trade_no: str, now: float,
                     **values: object) -> None:
        sets = ", ".join(f"{k} = ?" for k in values)
        db.execute(f"UPDATE trades SET {sets}, updated_at = ? WHERE out_trade_no = ?",
                   (*values.values(), now, out_trade_no))

    @staticmethod
    def code_used_elsewhere(db: sqlite3.Connection, digest: str, out_trade_no: str) -> bool:
        """A code counts as used once a trade took (or may still take) money with it."""
        row = db.execute("SELECT 1 FROM trades WHERE code_hash = ? AND out_trade_no != ? "
                         "AND decline_code = '' LIMIT 1", (digest, out_trade_no)).fetchone()
        return row is not None

    # -- refunds ------------------------------------------------------------------------
    @staticmethod
    def refund(db: sqlite3.Connection, out_trade_no: str, out_request_no: str) -> sqlite3.Row | None:
        row: sqlite3.Row | None = db.execute(
            "SELECT * FROM refunds WHERE out_trade_no = ? AND out_request_no = ?",
            (out_trade_no, out_request_no)).fetchone()
        return row

    @staticmethod
    def add_refund(db: sqlite3.Connection, out_trade_no: str, out_request_no: str,
                   amount_fen: int, now: float) -> None:
        db.execute("INSERT INTO refunds (out_trade_no, out_request_no, amount_fen, created_at) "
                   "VALUES (?, ?, ?, ?)", (out_trade_no, out_request_no, amount_fen, now))

    # -- members ------------------------------------------------------------------------
    @staticmethod
    def member(db: sqlite3.Connection, member_id: str) -> sqlite3.Row | None:
        row: sqlite3.Row | None = db.execute("SELECT * FROM members WHERE member_id = ?",
                                             (member_id,)).fetchone()
        return row

    @staticmethod
    def move_balance(db: sqlite3.Connection, member_id: str, delta_fen: int) -> None:
        db.execute("UPDATE members SET balance_fen = balance_fen + ? WHERE member_id = ?",
                   (delta_fen, member_id))

    def upsert_member(self, member_id: str, balance_fen: int, phone_last4: str = "") -> None:
        """Seed or top up a member account (config, admin endpoint, tests)."""
        with self.transaction() as db:
            db.execute("INSERT INTO members (member_id, balance_fen, phone_last4) "
                       "VALUES (?, ?, ?) ON CONFLICT(member_id) DO UPDATE SET "
                       "balance_fen = excluded.balance_fen, phone_last4 = excluded.phone_last4",
                       (member_id, balance_fen, phone_last4))

    # -- terminal journals ------------------------------------------------------------------
    @staticmethod
    def terminal_journal(db: sqlite3.Connection, terminal_id: str) -> sqlite3.Row | None:
        row: sqlite3.Row | None = db.execute(
            "SELECT * FROM terminal_journals WHERE terminal_id = ?", (terminal_id,)).fetchone()
        return row

    @staticmethod
    def use_terminal_journal(db: sqlite3.Connection, terminal_id: str, epoch: str,
                             now: float) -> None:
        """Record that ``epoch`` is the journal using ``terminal_id`` now."""
        db.execute("INSERT INTO terminal_journals (terminal_id, journal_epoch, first_seen, "
                   "last_seen) VALUES (?, ?, ?, ?) ON CONFLICT(terminal_id) DO UPDATE SET "
                   "journal_epoch = excluded.journal_epoch, last_seen = excluded.last_seen, "
                   "first_seen = CASE WHEN journal_epoch = excluded.journal_epoch "
                   "THEN first_seen ELSE excluded.first_seen END",
                   (terminal_id, epoch, now, now))

    # -- reading, for tests and the admin endpoint ---------------------------------------
    def trades(self) -> list[dict[str, Any]]:
        """Every trade with its current state (password waits settled) and refunds."""
        with self._lock:
            rows = self._db.execute("SELECT * FROM trades_now ORDER BY created_at, out_trade_no")
            return [self._public(row) for row in rows]

    def charges(self) -> list[dict[str, Any]]:
        """What was actually taken from customers: one row per trade that took money."""
        with self._lock:
            rows = self._db.execute("SELECT * FROM charges ORDER BY out_trade_no")
            return [dict(row) for row in rows]

    def members(self) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(r) for r in self._db.execute("SELECT * FROM members ORDER BY member_id")]

    @staticmethod
    def _public(row: sqlite3.Row) -> dict[str, Any]:
        data = dict(row)
        data["state"] = data.pop("effective_state")
        for key in ("settle_to", "settle_at", "cancel_attempts"):
            data.pop(key, None)
        data["evidence"] = json.loads(data["evidence"] or "{}")
        return data
