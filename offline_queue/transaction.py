"""The one way the terminal's store writes: ``with transaction(db): ...``.

BEGIN IMMEDIATE ... COMMIT, ROLLBACK on any error, and every sqlite3 error (at BEGIN, in
the body or at COMMIT) comes out translated into the payterm error tree by
``translate_sqlite_error``:

* SQLITE_FULL, or an I/O error while the disk has no space left -> ``StorageFull``
  (bilingual: the disk is full; nothing was written);
* SQLITE_BUSY / SQLITE_LOCKED -> ``QueueError(retryable=True)``;
* SQLITE_CORRUPT / SQLITE_NOTADB -> ``StoreCorrupt`` (file left untouched);
* SQLITE_READONLY, SQLITE_IOERR, SQLITE_CANTOPEN -> ``QueueError`` saying which.

A failed write therefore always raises, and callers that would send a request after the
write (a payment, a refund) never reach the send: failed writes fail closed.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path
from types import TracebackType
from typing import Literal

import sqlite_utils

from terminal.errors import QueueError, StorageFull, StoreCorrupt

_FULL, _IOERR, _CORRUPT, _NOTADB = 13, 10, 11, 26
_BUSY, _LOCKED, _READONLY, _CANTOPEN = 5, 6, 8, 14
#: Below this many free bytes an I/O error is taken as "the disk is full".
NEARLY_FULL_BYTES = 256 * 1024


class transaction:
    """``with transaction(db):`` one write transaction; errors come out translated."""

    def __init__(self, db: sqlite_utils.Database, path: Path | str | None = None) -> None:
        self._conn = db.conn
        self._path = path

    def __enter__(self) -> "transaction":
        try:
            self._conn.execute("BEGIN IMMEDIATE")
        except sqlite3.DatabaseError as exc:
            raise translate_sqlite_error(exc, self._where()) from exc
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> Literal[False]:
        if exc_type is None:
            try:
                self._conn.execute("COMMIT")
                return False
            except sqlite3.DatabaseError as commit_exc:
                self._rollback()
                raise translate_sqlite_error(commit_exc, self._where()) from commit_exc
        self._rollback()
        if isinstance(exc, sqlite3.DatabaseError):
            raise translate_sqlite_error(exc, self._where()) from exc
        return False

    def _rollback(self) -> None:
        try:
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
        except sqlite3.DatabaseError:
            pass

    def _where(self) -> str:
        if self._path is not None:
            return str(self._path)
        try:
            rows = self._conn.execute("PRAGMA database_list").fetchall()
            return next((r[2] for r in rows if r[1] == "main"), "") or "(store)"
        except sqlite3.DatabaseError:
            return "(store)"


def storage_full(path: Path | str, detail: str) -> StorageFull:
    return StorageFull(
        f"存储空间已满：{path} 所在磁盘没有剩余空间，本次未写入任何数据 / Storage full: the "
        f"disk holding {path} has no space left; nothing was written. Free space (old "
        f"exports, logs) and try again ({detail})")


def translate_sqlite_error(exc: BaseException, path: Path | str = "") -> QueueError:
    """Map sqlite3/OS errors to the payterm error tree with a useful sentence."""
    if isinstance(exc, OSError):
        if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
            return storage_full(path, exc.strerror or str(exc))
        return QueueError(f"{path}: {exc.strerror or exc}")
    code = (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF
    text = str(exc)
    if code == _FULL or "disk is full" in text.lower():
        return storage_full(path, text)
    if code in (_IOERR, _CANTOPEN) and disk_nearly_full(path):
        return storage_full(path, text)
    if code in (_BUSY, _LOCKED) or "locked" in text.lower():
        return QueueError(f"{path}: the store is locked by another process ({text})",
                          retryable=True)
    if code in (_CORRUPT, _NOTADB):
        return StoreCorrupt(f"{path}: {text}; the file was left untouched for recovery")
    if code == _READONLY:
        return QueueError(f"{path}: the store is read-only ({text}); check the file system "
                          "and the file's owner")
    if code == _IOERR:
        return QueueError(f"{path}: disk I/O error ({text}); the storage may be failing")
    return QueueError(f"{path}: {text}")


def disk_nearly_full(path: Path | str) -> bool:
    """True when the file system holding ``path`` has (almost) no space left."""
    if not path or str(path).startswith("("):
        return False
    folder = Path(path)
    while not folder.is_dir() and folder != folder.parent:
        folder = folder.parent
    try:
        stat = os.statvfs(folder)
    except OSError:
        return False
    return stat.f_bavail * stat.f_frsize < NEARLY_FULL_BYTES
