"""Opening the terminal's SQLite store: durability settings, integrity, migrations.

Every connection uses WAL and ``synchronous=FULL``: a record the customer was told about
is on disk before the answer is shown, even across a power cut. Each thread that writes
opens its own connection (sqlite3 connections are not shared across threads here).
"""

from __future__ import annotations

import importlib
import logging
import os
import sqlite3
import time
from pathlib import Path
from typing import Callable, Iterable, TypeVar

import sqlite_utils

from offline_queue.transaction import transaction, translate_sqlite_error
from terminal.errors import QueueError, StorageFull, StoreCorrupt

__all__ = ["open_store", "transaction", "translate_sqlite_error", "free_disk_bytes"]

log = logging.getLogger(__name__)
_T = TypeVar("_T")

#: Modules that each define ``MIGRATIONS = [(name, function(db)), ...]``. Names are
#: global and applied once, in the order listed here and then within each module.
SCHEMA_MODULES = (
    "offline_queue.journal_schema",
    "offline_queue.outbox_schema",
    "offline_queue.print_job_schema",
    "offline_queue.face_store_schema",
    "offline_queue.pos_api_schema",
)

Migration = tuple[str, Callable[[sqlite_utils.Database], None]]


def collect_migrations(modules: Iterable[str] = SCHEMA_MODULES) -> list[Migration]:
    found: list[Migration] = []
    for name in modules:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:   # that part of the store is not built into this version
                continue
            raise
        found.extend(module.MIGRATIONS)
    return found


def open_store(path: Path, *, busy_timeout_ms: int = 5000, check_integrity: bool = False,
               migrations: Iterable[Migration] | None = None) -> sqlite_utils.Database:
    """Open (creating if needed) the store at ``path`` and bring its schema up to date.

    ``check_integrity`` runs ``PRAGMA quick_check`` (do it once at start-up); a failure
    raises StoreCorrupt and leaves the file exactly as it was for recovery.
    Raises StorageFull when the disk is full, QueueError for other failures.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = sqlite3.connect(str(path), timeout=busy_timeout_ms / 1000,
                               isolation_level=None, check_same_thread=True)
        if check_integrity and path.stat().st_size > 0:
            verify_integrity(conn, path)
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        deadline = time.monotonic() + busy_timeout_ms / 1000
        mode = _retry_when_locked(
            lambda: conn.execute("PRAGMA journal_mode = WAL").fetchone()[0], deadline)
        if mode.lower() != "wal":
            raise QueueError(f"{path}: cannot switch to WAL (journal_mode={mode})")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        db = sqlite_utils.Database(conn)
        chosen = collect_migrations() if migrations is None else list(migrations)
        _retry_when_locked(lambda: apply_migrations(db, chosen), deadline)
        return db
    except sqlite3.DatabaseError as exc:
        raise translate_sqlite_error(exc, path) from exc


def _retry_when_locked(step: Callable[[], _T], deadline: float) -> _T:
    """Run ``step``, again after a short pause while SQLite says "locked", until
    ``deadline``. When several connections create a new store at the same moment SQLite
    answers some of them "locked" at once, without waiting on busy_timeout (it does
    that to break a possible deadlock), so waiting here is the caller's job."""
    pause = 0.005
    while True:
        try:
            return step()
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc).lower() or time.monotonic() >= deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 0.1)


def verify_integrity(conn: sqlite3.Connection, path: Path) -> None:
    try:
        rows = conn.execute("PRAGMA quick_check").fetchall()
    except sqlite3.DatabaseError as exc:
        conn.close()
        translated = translate_sqlite_error(exc, path)
        if isinstance(translated, StorageFull) or translated.retryable:
            raise translated from exc      # the disk is full or the store busy: not damage
        raise StoreCorrupt(f"{path} is not a readable payterm store ({exc}); the file was "
                           "left untouched for recovery") from exc
    if rows != [("ok",)]:
        conn.close()
        problems = "; ".join(r[0] for r in rows[:3])
        raise StoreCorrupt(f"{path} failed its integrity check ({problems}); the file was "
                           "left untouched for recovery")


def apply_migrations(db: sqlite_utils.Database, migrations: Iterable[Migration]) -> list[str]:
    """Apply each named migration not yet recorded, each in its own transaction."""
    db.execute("CREATE TABLE IF NOT EXISTS schema_migrations "
               "(name TEXT PRIMARY KEY, applied_at REAL NOT NULL)")
    done = {row[0] for row in db.execute("SELECT name FROM schema_migrations").fetchall()}
    applied = []
    for name, migrate in migrations:
        if name in done:
            continue
        with transaction(db):
            # Another thread or process may have applied it since we looked: the write
            # lock is ours now, so this second look is the one that counts.
            if db.execute("SELECT 1 FROM schema_migrations WHERE name = ?", [name]).fetchone():
                continue
            migrate(db)
            db.execute("INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)",
                       [name, time.time()])
        applied.append(name)
        log.info("applied migration %s", name)
    return applied


def free_disk_bytes(path: Path) -> int:
    """Bytes available to this process on the file system holding ``path``."""
    stat = os.statvfs(path if Path(path).is_dir() else Path(path).parent)
    return stat.f_bavail * stat.f_frsize
