"""The Terminal API's durable map: POS sale -> payment, reversals, and the message log.

``(SaleID, TransactionID)`` names one POS sale; it is stored (``started``) before
anything else happens and linked to its journal attempt (``out_trade_no``) before the
pay request leaves, so that after a crash of the terminal ``TransactionStatus`` finds
the true outcome in the journal, and a repeated Payment never charges twice. A sale that
was started but never linked sent nothing. Lives in the terminal's one SQLite store
(WAL). One instance per thread.

Durability: the rows that record money decisions the POS relies on after a power cut
(a refusal, an abort, a reversal's refund number) are committed with
``synchronous=FULL``. Two kinds of rows are committed without their own fsync
(``synchronous=NORMAL``), because a later fsync'd commit on the same write-ahead log
makes them durable first, before anything depends on them:

* the message log (a record of the conversation, not of money);
* a new sale (``started``): it sends nothing by itself. Before any pay request leaves,
  the journal commits the attempt *and* this sale's link to it in one fsync'd
  transaction, and an fsync of the log keeps every frame before it: the sale row is on
  disk before anything is charged. A power cut before that loses at most a sale that
  charged nothing (TransactionStatus: NotFound; the POS may send it again). A crash of
  the process loses nothing (the rows are in the operating system's cache).
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import replace
from typing import Any, Iterator

import json
import sqlite3
from pathlib import Path

import sqlite_utils

from offline_queue.store import open_store, transaction
from terminal.pos_api.outcomes import SaleRecord

_COLUMNS = ("sale_id", "transaction_id", "service_id", "timestamp", "amount_fen",
            "out_trade_no", "status", "condition", "message", "aborted", "created_at")
MAX_LOGGED_BODY = 64 * 1024


class SaleConflict(Exception):
    """The ServiceID of a new sale is already used by another sale of this POS."""


class PosApiStore:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self._db = db

    @classmethod
    def open(cls, path: Path, *, busy_timeout_ms: int = 5000) -> "PosApiStore":
        return cls(open_store(Path(path), busy_timeout_ms=busy_timeout_ms))

    def close(self) -> None:
        self._db.conn.close()

    # -- sales ---------------------------------------------------------------------
    def start_sale(self, record: SaleRecord, now: float) -> SaleRecord:
        """Store a new sale (``started``; no fsync of its own, see the module's notes)
        and return it as stored. Raises SaleConflict when its ServiceID is taken; the
        caller has checked that (SaleID, TransactionID) is new."""
        with self._without_own_fsync(), transaction(self._db):
            try:
                self._db.execute(
                    "INSERT INTO pos_sales (sale_id, transaction_id, service_id, timestamp, "
                    "amount_fen, status, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?)",
                    [record.sale_id, record.transaction_id, record.service_id,
                     record.timestamp, record.amount_fen, "started", now, now])
            except sqlite3.IntegrityError as exc:
                # A taken ServiceID: not a storage failure. Raised inside the transaction
                # so it rolls back and passes through untranslated.
                raise SaleConflict(str(exc)) from None
        return replace(record, out_trade_no="", status="started", condition="", message="",
                       aborted=False, created_at=now)

    def refuse(self, sale_id: str, transaction_id: str, condition: str, message: str,
               now: float) -> None:
        self._update(sale_id, transaction_id, now, status="refused", condition=condition,
                     message=message[:300])

    def mark_aborted(self, sale_id: str, transaction_id: str, now: float) -> None:
        self._update(sale_id, transaction_id, now, aborted=1)

    def find(self, sale_id: str, *, transaction_id: str | None = None,
             service_id: str | None = None) -> SaleRecord | None:
        value: str | None
        if transaction_id is not None:
            where, value = "transaction_id = ?", transaction_id
        else:
            where, value = "service_id = ?", service_id
        row = self._db.execute(f"SELECT {', '.join(_COLUMNS)} FROM pos_sales "
                               f"WHERE sale_id = ? AND {where}", [sale_id, value]).fetchone()
        return _record(row) if row else None

    def by_trade_no(self, out_trade_no: str) -> SaleRecord | None:
        row = self._db.execute(f"SELECT {', '.join(_COLUMNS)} FROM pos_sales "
                               "WHERE out_trade_no = ?", [out_trade_no]).fetchone()
        return _record(row) if row else None

    def sales(self, limit: int = 1000) -> list[SaleRecord]:
        rows = self._db.execute(f"SELECT {', '.join(_COLUMNS)} FROM pos_sales "
                                "ORDER BY created_at LIMIT ?", [limit]).fetchall()
        return [_record(r) for r in rows]

    # -- reversals -----------------------------------------------------------------
    def reversal(self, sale_id: str, key: str) -> dict[str, Any] | None:
        row = self._db.execute(
            "SELECT out_trade_no, amount_fen, out_request_no FROM pos_reversals "
            "WHERE sale_id = ? AND reversal_key = ?", [sale_id, key]).fetchone()
        return None if row is None else {"out_trade_no": row[0], "amount_fen": row[1],
                                         "out_request_no": row[2]}

    def add_reversal(self, sale_id: str, key: str, out_trade_no: str, amount_fen: int,
                     out_request_no: str, now: float) -> None:
        with transaction(self._db):
            self._db.execute("INSERT INTO pos_reversals VALUES (?,?,?,?,?,?)",
                             [sale_id, key, out_trade_no, amount_fen, out_request_no, now])

    # -- message log ---------------------------------------------------------------
    def log_message(self, direction: str, body: dict[str, Any] | str, now: float, *, sale_id: str = "",
                    service_id: str = "", category: str = "") -> None:
        """Journal one request or answer (codes already masked by the caller)."""
        text = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False,
                                                             default=str)
        if len(text) > MAX_LOGGED_BODY:
            text = text[:MAX_LOGGED_BODY] + f"… (cut at {MAX_LOGGED_BODY} characters)"
        # No fsync of its own (the module's notes): a power cut can lose only the newest
        # log rows. This saves two fsyncs per POS request (tests/bench/bench_pos_api.py).
        with self._without_own_fsync(), transaction(self._db):
            self._db.execute("INSERT INTO pos_messages (at, direction, sale_id, service_id, "
                             "category, body) VALUES (?,?,?,?,?,?)",
                             [now, direction, sale_id, service_id, category, text])

    def messages(self, sale_id: str, service_id: str) -> list[dict[str, Any]]:
        rows = self._db.execute("SELECT at, direction, category, body FROM pos_messages "
                                "WHERE sale_id = ? AND service_id = ? ORDER BY seq",
                                [sale_id, service_id]).fetchall()
        return [{"at": r[0], "direction": r[1], "category": r[2], "body": r[3]} for r in rows]

    def _update(self, sale_id: str, transaction_id: str, now: float,
                **values: str | int) -> None:
        sets = ", ".join(f"{k} = ?" for k in values)
        with transaction(self._db):
            self._db.execute(f"UPDATE pos_sales SET {sets}, updated_at = ? "
                             "WHERE sale_id = ? AND transaction_id = ?",
                             [*values.values(), now, sale_id, transaction_id])

    @contextmanager
    def _without_own_fsync(self) -> Iterator[None]:
        """The commits inside use synchronous=NORMAL; FULL again afterwards, always."""
        self._db.execute("PRAGMA synchronous = NORMAL")
        try:
            yield
        finally:
            self._db.execute("PRAGMA synchronous = FULL")


def _record(row: tuple[Any, ...]) -> SaleRecord:
    values = dict(zip(_COLUMNS, row))
    values["aborted"] = bool(values["aborted"])
    return SaleRecord(**values)


def link_in_open_transaction(db: sqlite_utils.Database, sale_id: str, transaction_id: str,
                             out_trade_no: str, now: float) -> None:
    """Link a sale to its trade number inside a transaction the caller holds on ``db``
    (the journal's, while it writes the attempt): both are durable together, so a sale
    that is not linked has no attempt and sent nothing."""
    db.execute("UPDATE pos_sales SET status = 'linked', out_trade_no = ?, updated_at = ? "
               "WHERE sale_id = ? AND transaction_id = ?",
               [out_trade_no, now, sale_id, transaction_id])
