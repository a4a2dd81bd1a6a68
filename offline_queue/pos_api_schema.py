"""Schema of the Terminal API's store (see ``offline_queue/pos_api_store.py``)."""

from __future__ import annotations

import sqlite_utils


def _create(db: sqlite_utils.Database) -> None:
    db.execute("""
        CREATE TABLE pos_sales (
            sale_id        TEXT NOT NULL,
            transaction_id TEXT NOT NULL,      -- SaleData.SaleTransactionID.TransactionID
            service_id     TEXT NOT NULL,      -- the Payment request's ServiceID
            timestamp      TEXT NOT NULL,      -- the POS's TimeStamp, echoed
            amount_fen     INTEGER NOT NULL,
            out_trade_no   TEXT NOT NULL DEFAULT '',  -- stored before the pay request
            status         TEXT NOT NULL CHECK (status IN ('started', 'linked', 'refused')),
            condition      TEXT NOT NULL DEFAULT '',
            message        TEXT NOT NULL DEFAULT '',
            aborted        INTEGER NOT NULL DEFAULT 0,
            created_at     REAL NOT NULL,
            updated_at     REAL NOT NULL,
            PRIMARY KEY (sale_id, transaction_id)
        )""")
    db.execute("CREATE UNIQUE INDEX pos_sales_service ON pos_sales (sale_id, service_id)")
    db.execute("CREATE INDEX pos_sales_trade ON pos_sales (out_trade_no)")
    db.execute("""
        CREATE TABLE pos_reversals (
            sale_id        TEXT NOT NULL,
            reversal_key   TEXT NOT NULL,      -- the POS's TransactionID, else ServiceID
            out_trade_no   TEXT NOT NULL,
            amount_fen     INTEGER NOT NULL,
            out_request_no TEXT NOT NULL,      -- the refund number, fixed before sending
            created_at     REAL NOT NULL,
            PRIMARY KEY (sale_id, reversal_key)
        )""")
    db.execute("""
        CREATE TABLE pos_messages (
            seq            INTEGER PRIMARY KEY AUTOINCREMENT,
            at             REAL NOT NULL,
            direction      TEXT NOT NULL CHECK (direction IN ('request', 'response')),
            sale_id        TEXT NOT NULL DEFAULT '',
            service_id     TEXT NOT NULL DEFAULT '',
            category       TEXT NOT NULL DEFAULT '',
            body           TEXT NOT NULL       -- JSON; payment codes masked
        )""")


MIGRATIONS = [("pos_api_0001_create", _create)]
