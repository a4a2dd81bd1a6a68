"""Which journal this is, and not starting a new one by accident.

A journal is born with its store (a random epoch, ``journal_schema``) and every trade
number carries that epoch. A store that is missing or empty next to the terminal's keys
means the journal was lost (a failed disk, a wiped or wrong data directory): opening it
would silently start a new journal, and every payment of the old one still in doubt would
be forgotten. So it stops (``JournalMissing``) until a technician starts a new journal
knowingly (``payterm journal new --confirm``, ``start_new_journal``).
"""

from __future__ import annotations

import logging
import sqlite3
import time
from enum import Enum
from pathlib import Path
from typing import Iterable

from terminal.errors import JournalMissing, QueueError
from offline_queue.store import open_store

log = logging.getLogger(__name__)

_SIDE_FILES = ("-wal", "-shm")


class StoreState(str, Enum):
    MISSING = "missing"      # no file
    EMPTY = "empty"          # a zero-byte file, or an SQLite file without payterm's tables
    PRESENT = "present"      # a payterm store (readable or not: integrity is checked later)


def store_state(path: Path) -> StoreState:
    """What is at ``path``, read without changing anything."""
    path = Path(path)
    if not path.exists():
        return StoreState.MISSING
    if path.stat().st_size == 0 and not _has_content(Path(f"{path}-wal")):
        return StoreState.EMPTY
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=2.0)
        try:
            tables = {r[0] for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        # Not readable as SQLite: not "empty"; the integrity check says what is wrong.
        return StoreState.PRESENT
    return StoreState.PRESENT if "schema_migrations" in tables else StoreState.EMPTY


def check_journal_present(path: Path, identity_files: Iterable[Path]) -> None:
    """Raise JournalMissing when the store at ``path`` is missing or empty while any of
    ``identity_files`` (the terminal's private key) exists: this terminal had a journal."""
    state = store_state(path)
    if state is StoreState.PRESENT:
        return
    present = [Path(f) for f in identity_files if Path(f).exists()]
    if not present:
        return          # a terminal that was never set up: its first store is made now
    what = "缺失 missing" if state is StoreState.MISSING else "为空 empty"
    raise JournalMissing(
        f"{path} is {state.value} but this terminal already has keys ({present[0]}): its "
        "journal was lost or the data directory is wrong. Payments still in doubt would be "
        "forgotten. Restore payterm.db from a backup, or start a new journal knowingly "
        "with `payterm journal new --confirm`.",
        user_message=f"交易日志 {path.name} {what}，但本终端已有密钥：日志可能丢失或数据目录错误。"
                     f"请从备份恢复，或由技术人员执行 `payterm journal new --confirm` 启用新日志 / "
                     f"The journal {path.name} is {state.value} although this terminal has "
                     "keys: restore it from a backup, or a technician starts a new journal "
                     "with `payterm journal new --confirm`")


def read_epoch(path: Path) -> str:
    """The epoch of the journal at ``path`` ("" when there is none to read)."""
    if store_state(path) is not StoreState.PRESENT:
        return ""
    try:
        conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True,
                               timeout=2.0)
        try:
            row = conn.execute("SELECT epoch FROM journal_identity WHERE id = 1").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return ""
    return row[0] if row else ""


def start_new_journal(path: Path, *, now: float | None = None,
                      busy_timeout_ms: int = 5000) -> tuple[str, list[Path]]:
    """Create a new store (a new journal with a new epoch) at ``path``.

    Only where there is no journal: a missing store, or an empty one, which is moved
    aside first (``payterm.db.empty-<time>``, never deleted). Refuses (QueueError) to
    replace a store that holds a journal. Returns (the new epoch, the files moved aside).
    """
    path = Path(path)
    state = store_state(path)
    if state is StoreState.PRESENT:
        raise QueueError(f"{path} holds a journal; it is not replaced (move it away "
                         "yourself if you really mean to start again)",
                         user_message=f"{path.name} 中已有交易日志，不会被替换 / {path.name} "
                                      "already holds a journal; it is not replaced")
    moved: list[Path] = []
    if state is StoreState.EMPTY:
        stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime(now or time.time()))
        for suffix in ("", *_SIDE_FILES):
            source = Path(f"{path}{suffix}")
            if source.exists():
                target = Path(f"{path}.empty-{stamp}{suffix}")
                source.rename(target)
                moved.append(target)
    db = open_store(path, busy_timeout_ms=busy_timeout_ms)
    try:
        epoch = db.execute("SELECT epoch FROM journal_identity WHERE id = 1").fetchone()[0]
    finally:
        db.conn.close()
    log.warning("started a new journal %s (epoch %s)%s", path, epoch,
                f"; moved aside {', '.join(map(str, moved))}" if moved else "")
    return epoch, moved


def _has_content(path: Path) -> bool:
    return path.exists() and path.stat().st_size > 0
