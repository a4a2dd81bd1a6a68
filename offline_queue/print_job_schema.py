"""Schema of the durable print-job queue (see ``offline_queue/print_jobs.py``)."""

from __future__ import annotations

import sqlite_utils


def _create_print_jobs(db: sqlite_utils.Database) -> None:
    db.execute("""
        CREATE TABLE print_jobs (
            seq            INTEGER PRIMARY KEY AUTOINCREMENT,
            job_id         TEXT NOT NULL UNIQUE,      -- e.g. "<out_trade_no>:sale"
            receipt_json   TEXT NOT NULL,             -- terminal.receipt.receipt_to_dict
            state          TEXT NOT NULL CHECK (state IN
                               ('queued', 'printing', 'done', 'failed_waiting')),
            sends          INTEGER NOT NULL DEFAULT 0, -- times bytes went to the printer
            reprint_count  INTEGER NOT NULL DEFAULT 0, -- the "REPRINT #n" last printed
            last_error     TEXT NOT NULL DEFAULT '',
            created_at     REAL NOT NULL,
            updated_at     REAL NOT NULL,
            printed_at     REAL                        -- last time it finished printing
        )""")
    db.execute("CREATE INDEX print_jobs_pending ON print_jobs (state, seq)")


MIGRATIONS = [("print_jobs_0001_create", _create_print_jobs)]
