"""The durable print-job queue: every receipt printed exactly once, on purpose.

States: ``queued`` -> ``printing`` -> ``done``, or -> ``failed_waiting`` when the job
was cut short (paper out, cover open, printer silent, device gone mid-job) and back to
``printing`` when the printer is ready again. A job found in ``printing`` at start-up
was interrupted by a crash or power cut and becomes ``failed_waiting``.

The rule against accidental duplicates: the first time a job's bytes go to the printer
it prints as the original; every later send of the same job prints in full and is
marked "重打印 REPRINT #n" (``sends`` counts them, durably, before the bytes leave).
A ``done`` job is never picked up again; enqueueing an existing job id does nothing;
only ``request_reprint`` (the cashier's "reprint last") sends a done job again.
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence, cast

import sqlite_utils

from offline_queue.store import open_store, transaction, translate_sqlite_error
from terminal.errors import QueueError
from terminal.receipt import Receipt, receipt_from_dict, receipt_to_dict

QUEUED, PRINTING, DONE, FAILED_WAITING = "queued", "printing", "done", "failed_waiting"


@dataclass(frozen=True)
class PrintJob:
    job_id: str
    state: str
    sends: int
    reprint_count: int
    last_error: str
    receipt: Receipt
    created_at: float
    printed_at: float | None


def job_id_for(receipt: Receipt) -> str:
    """The natural id: one receipt per trade number and kind."""
    return f"{receipt.out_trade_no}:{receipt.kind.value}"


class PrintJobStore:
    """Print jobs in the terminal's SQLite store. One instance per thread (sqlite3
    connections are not shared); every method is one short transaction."""

    def __init__(self, db: sqlite_utils.Database, path: Path | None = None) -> None:
        self.db = db
        self.path = path

    @classmethod
    def open(cls, path: Path | str, *, busy_timeout_ms: int = 5000) -> "PrintJobStore":
        return cls(open_store(Path(path), busy_timeout_ms=busy_timeout_ms), Path(path))

    def close(self) -> None:
        self.db.conn.close()

    def enqueue(self, receipt: Receipt, job_id: str | None = None) -> bool:
        """Add a job; returns False (and changes nothing) if the id already exists."""
        job_id = job_id or job_id_for(receipt)
        now = time.time()
        body = json.dumps(receipt_to_dict(receipt), ensure_ascii=False, sort_keys=True)
        with self._tx():
            cursor = self.db.execute(
                "INSERT OR IGNORE INTO print_jobs (job_id, receipt_json, state, created_at, "
                "updated_at) VALUES (?, ?, ?, ?, ?)", [job_id, body, QUEUED, now, now])
            return cursor.rowcount == 1

    def next_pending(self) -> PrintJob | None:
        """The oldest job waiting to print (queued or failed_waiting)."""
        row = self._one(f"SELECT * FROM print_jobs WHERE state IN ('{QUEUED}', "
                        f"'{FAILED_WAITING}') ORDER BY seq LIMIT 1", [])
        return row

    def start_printing(self, job_id: str) -> Receipt:
        """Mark the job ``printing`` and return exactly what to send: the original on
        the first send, a REPRINT #n copy on any later one. Committed before the
        caller writes a byte, so a crash during the print is seen as a cut-short job."""
        with self._tx():
            job = self._one("SELECT * FROM print_jobs WHERE job_id = ?", [job_id])
            if job is None:
                raise QueueError(f"no print job {job_id!r}")
            if job.state not in (QUEUED, FAILED_WAITING):
                raise QueueError(f"print job {job_id!r} is {job.state}, not waiting to print")
            reprint = job.reprint_count + 1 if job.sends > 0 else job.reprint_count
            self.db.execute(
                "UPDATE print_jobs SET state = ?, sends = sends + 1, reprint_count = ?, "
                "updated_at = ? WHERE job_id = ?", [PRINTING, reprint, time.time(), job_id])
        return job.receipt.as_reprint(reprint) if reprint else job.receipt

    def mark_done(self, job_id: str) -> None:
        self._move(job_id, PRINTING, DONE, "", printed=True)

    def mark_failed(self, job_id: str, reason: str) -> None:
        """The job may be partly on paper: it waits for the printer, then prints in full
        again (marked REPRINT)."""
        self._move(job_id, PRINTING, FAILED_WAITING, reason)

    def recover_interrupted(self) -> list[str]:
        """At start-up: jobs left ``printing`` by a crash or power cut were cut short."""
        with self._tx():
            ids = [r[0] for r in self.db.execute(
                "SELECT job_id FROM print_jobs WHERE state = ?", [PRINTING]).fetchall()]
            self.db.execute(
                "UPDATE print_jobs SET state = ?, last_error = ?, updated_at = ? "
                "WHERE state = ?", [FAILED_WAITING, "interrupted (restart or power loss)",
                                    time.time(), PRINTING])
        return ids

    def request_reprint(self, job_id: str | None = None) -> PrintJob:
        """Queue a deliberate reprint of ``job_id`` (default: the last printed job).
        Its next send prints as REPRINT #(n+1). Raises QueueError when there is nothing
        printed yet or the job has not finished printing."""
        with self._tx():
            if job_id is None:
                job = self._one(f"SELECT * FROM print_jobs WHERE state = '{DONE}' "
                                "ORDER BY printed_at DESC, seq DESC LIMIT 1", [])
                if job is None:
                    raise QueueError("nothing has been printed yet",
                                     user_message="还没有打印过小票 / No receipt printed yet")
            else:
                job = self._one("SELECT * FROM print_jobs WHERE job_id = ?", [job_id])
                if job is None:
                    raise QueueError(f"no print job {job_id!r}")
            if job.state != DONE:
                raise QueueError(f"print job {job.job_id} is {job.state}; it will print "
                                 "by itself", user_message="该小票正在等待打印 / That "
                                 "receipt is already waiting to print")
            self.db.execute("UPDATE print_jobs SET state = ?, updated_at = ? WHERE job_id = ?",
                            [QUEUED, time.time(), job.job_id])
        # The row was just set back to queued in the same store: it is there.
        return cast(PrintJob, self.get(job.job_id))

    def get(self, job_id: str) -> PrintJob | None:
        return self._one("SELECT * FROM print_jobs WHERE job_id = ?", [job_id])

    def jobs(self, limit: int = 50) -> list[PrintJob]:
        rows = self.db.execute("SELECT * FROM print_jobs ORDER BY seq DESC LIMIT ?",
                               [limit]).fetchall()
        return [self._job(r) for r in rows]

    def counts(self) -> dict[str, int]:
        rows = self.db.execute("SELECT state, COUNT(*) FROM print_jobs GROUP BY state")
        return {state: n for state, n in rows.fetchall()}

    # -- internals --------------------------------------------------------------------
    def _move(self, job_id: str, from_state: str, to_state: str, reason: str, *,
              printed: bool = False) -> None:
        now = time.time()
        with self._tx():
            cursor = self.db.execute(
                "UPDATE print_jobs SET state = ?, last_error = ?, updated_at = ?, "
                "printed_at = CASE WHEN ? THEN ? ELSE printed_at END "
                "WHERE job_id = ? AND state = ?",
                [to_state, reason, now, printed, now, job_id, from_state])
            if cursor.rowcount != 1:
                raise QueueError(f"print job {job_id!r} is not {from_state}")

    def _tx(self) -> transaction:
        return transaction(self.db)

    def _one(self, sql: str, params: list[object]) -> PrintJob | None:
        try:
            cursor = self.db.execute(sql, params)
            row = cursor.fetchone()
        except sqlite3.DatabaseError as exc:
            raise translate_sqlite_error(exc) from exc
        if row is None:
            return None
        names = [d[0] for d in cursor.description]
        return self._job(row, names)

    def _job(self, row: Sequence[object], names: list[str] | None = None) -> PrintJob:
        names = names or [c.name for c in self.db["print_jobs"].columns]
        data: dict[str, Any] = dict(zip(names, row))
        return PrintJob(job_id=data["job_id"], state=data["state"], sends=data["sends"],
                        reprint_count=data["reprint_count"], last_error=data["last_error"],
                        receipt=receipt_from_dict(json.loads(data["receipt_json"])),
                        created_at=data["created_at"], printed_at=data["printed_at"])
