"""Running one unit of work in one database transaction, with bounded retries.

``run_transaction`` opens a connection, begins (``BEGIN IMMEDIATE`` for writers on
SQLite), runs ``work(conn)`` and commits. When the database says "try again"
(serialization failure, deadlock, a lock wait that timed out, a unique key that another
transaction inserted first, SQLite busy, a connection lost or a server restarting) the
whole unit runs again from the start, with a short growing pause, until the deadline.

Every unit must therefore be safe to run again after an unknown commit: the books are
keyed by unique numbers (``(terminal_id, out_trade_no)``, ``out_request_no``), and
every unit first looks for what an earlier run may have booked.
"""

from __future__ import annotations

import logging
import random
import sqlite3
import time
from enum import Enum
from typing import Callable, TypeVar

from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Connection, Engine

from backoffice.errors import StorageFull, StorageUnavailable
from backoffice.storage.engine import WRITE_OPTION

log = logging.getLogger(__name__)
T = TypeVar("T")

_RETRY_SQLSTATES = {"40001", "40P01", "23505", "55P03", "57P01", "57P02", "57P03"}
_FULL_SQLSTATES = {"53100", "53000", "54000"}
_SQLITE_FULL, _SQLITE_IOERR, _SQLITE_BUSY, _SQLITE_LOCKED = 13, 10, 5, 6


class Failure(str, Enum):
    RETRY = "retry"          # run the unit again
    FULL = "full"            # no space: retrying now will not help
    UNAVAILABLE = "unavailable"
    OTHER = "other"          # a bug or a constraint: let it surface


def classify(error: BaseException) -> Failure:
    """What a database exception means for the unit of work."""
    if isinstance(error, sa_exc.TimeoutError):          # connection pool exhausted
        return Failure.RETRY
    if not isinstance(error, sa_exc.DBAPIError):
        return Failure.OTHER
    orig = error.orig
    sqlstate = getattr(orig, "sqlstate", None)
    if sqlstate:
        if sqlstate in _RETRY_SQLSTATES or sqlstate.startswith("08"):
            return Failure.RETRY
        if sqlstate in _FULL_SQLSTATES:
            return Failure.FULL
        if sqlstate == "57014":                          # statement timeout
            return Failure.UNAVAILABLE
        if sqlstate == "XX000" and "could not extend file" in str(orig):
            return Failure.FULL                          # EFBIG: a file-size limit
    if isinstance(orig, sqlite3.Error):
        code = (getattr(orig, "sqlite_errorcode", 0) or 0) & 0xFF
        if code in (_SQLITE_BUSY, _SQLITE_LOCKED):
            return Failure.RETRY
        if code in (_SQLITE_FULL, _SQLITE_IOERR):
            return Failure.FULL
        if isinstance(orig, sqlite3.IntegrityError) and "UNIQUE" in str(orig):
            return Failure.RETRY
    if error.connection_invalidated:
        return Failure.RETRY
    if isinstance(error, sa_exc.OperationalError):
        # psycopg raises OperationalError without a sqlstate when it cannot connect.
        return Failure.RETRY if not sqlstate else Failure.UNAVAILABLE
    return Failure.OTHER


def run_transaction(engine: Engine, work: Callable[[Connection], T], *, write: bool,
                    deadline_s: float, sleep: Callable[[float], None] = time.sleep) -> T:
    """``work(conn)`` in one transaction, retried on transient failures until
    ``deadline_s`` seconds have passed. Raises StorageFull or StorageUnavailable (the
    commit may or may not have happened) when it gives up; any other exception from
    ``work`` passes through unchanged after the rollback."""
    started = time.monotonic()
    pause = 0.02
    attempt = 0
    while True:
        attempt += 1
        try:
            with engine.connect() as conn:
                if write:
                    conn.execution_options(**{WRITE_OPTION: True})
                with conn.begin():
                    return work(conn)
        except (sa_exc.DBAPIError, sa_exc.TimeoutError) as error:
            failure = classify(error)
            if failure is Failure.FULL:
                log.error("database full: %s", _short(error))
                raise StorageFull(f"the database cannot write: {_short(error)}") from error
            if failure is Failure.OTHER:
                raise
            waited = time.monotonic() - started
            if failure is Failure.UNAVAILABLE or waited + pause > deadline_s:
                log.warning("database unavailable after %d attempt(s): %s", attempt,
                            _short(error))
                raise StorageUnavailable(f"the database did not answer in time "
                                         f"({attempt} attempts): {_short(error)}") from error
            log.info("transaction retried (%s): %s", failure.value, _short(error))
            sleep(pause * (0.5 + random.random()))
            pause = min(pause * 2, 0.5)


def _short(error: BaseException) -> str:
    orig = getattr(error, "orig", None) or error
    text = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    return text[:200]
