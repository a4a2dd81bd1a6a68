"""Verifiable erasure of a member's face templates (issue 11, point 6).

Deleting rows is not erasing: the ciphertexts stay in the database file (freed pages),
in the WAL (until a checkpoint that another reader's snapshot can block), and in any
copy of the store the terminal made (the package's upgrade backups). So an erasure:

1. deletes the rows with ``secure_delete`` on (freed content is overwritten with zeros)
   and records a pending erasure with the *marks* of what was deleted: the random
   12-byte nonce of each ciphertext (random bytes: no biometric or personal content);
2. checkpoints the WAL (``wal_checkpoint(TRUNCATE)``; checked: a reader holding an old
   snapshot makes it incomplete) and runs ``VACUUM`` if a mark is still in the file;
3. scrubs the member from every backup copy of the store it finds (same steps);
4. reads the raw bytes of every file (store, WAL, backups) and looks for every mark.

Only when no mark is found anywhere is the erasure ``erased``; otherwise it stays
``pending`` (saying where copies remain) and ``payterm face delete --finish`` repeats
steps 2-4 later.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import sqlite_utils

log = logging.getLogger(__name__)

NONCE = slice(1, 13)          # field_cipher: version byte, 12-byte nonce, ciphertext+tag
ERASED, PENDING = "erased", "pending"


def create_erasure_table(db: sqlite_utils.Database) -> None:
    db.execute("""CREATE TABLE face_erasures (
        id INTEGER PRIMARY KEY,
        member_id TEXT NOT NULL,
        started_at REAL NOT NULL,
        completed_at REAL,
        state TEXT NOT NULL CHECK (state IN ('pending', 'erased')),
        marks TEXT NOT NULL,
        remaining TEXT NOT NULL DEFAULT '[]')""")


@dataclass
class ErasureReport:
    member_id: str
    state: str
    templates_erased: int = 0
    files_checked: list[str] = field(default_factory=list)
    remaining: list[str] = field(default_factory=list)      # where copies were found
    problems: list[str] = field(default_factory=list)

    @property
    def erased(self) -> bool:
        return self.state == ERASED

    def as_dict(self) -> dict[str, Any]:
        return {"member_id": self.member_id, "state": self.state,
                "templates_erased": self.templates_erased,
                "files_checked": self.files_checked, "remaining": self.remaining,
                "problems": self.problems}


def marks_of(blobs: Iterable[bytes | None]) -> list[str]:
    """The nonces (hex) of encrypted values: enough to find a ciphertext, nothing more."""
    return [bytes(b)[NONCE].hex() for b in blobs if b and len(b) > 13]


def files_holding(paths: Iterable[Path], marks: list[str]) -> list[str]:
    """The files among ``paths`` whose raw bytes still contain any of ``marks``."""
    needles = [bytes.fromhex(m) for m in marks]
    found = []
    for path in paths:
        try:
            raw = Path(path).read_bytes()
        except FileNotFoundError:
            continue
        if any(n in raw for n in needles):
            found.append(str(path))
    return found


def store_files(database: Path) -> list[Path]:
    return [database, database.with_name(database.name + "-wal")]


def checkpoint(conn: sqlite3.Connection) -> bool:
    """``wal_checkpoint(TRUNCATE)``; True only when every frame reached the file."""
    busy, log_frames, done = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return busy == 0 and (log_frames in (0, -1) or log_frames == done)


def compact(conn: sqlite3.Connection) -> str:
    """VACUUM (rewrites the file without free pages); "" or why it could not."""
    try:
        conn.execute("VACUUM")
    except sqlite3.OperationalError as exc:
        return f"VACUUM: {exc}"
    return ""


def backup_databases(roots: Iterable[Path]) -> list[Path]:
    """SQLite files in the backup folders that hold face templates."""
    found = []
    for root in roots:
        if not Path(root).is_dir():
            continue
        for path in sorted(Path(root).rglob("*.db")):
            try:
                conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
                try:
                    has = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                                       "AND name = 'face_templates'").fetchone()
                finally:
                    conn.close()
            except sqlite3.DatabaseError:
                continue
            if has:
                found.append(path)
    return found


def scrub_copy(path: Path, member_id: str) -> str:
    """Erase ``member_id``'s templates and phone from a copy of the store; "" or why not."""
    try:
        conn = sqlite3.connect(str(path), timeout=2.0, isolation_level=None)
        try:
            conn.execute("PRAGMA secure_delete = ON")
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("DELETE FROM face_templates WHERE member_id = ?", [member_id])
            conn.execute("UPDATE face_members SET phone_enc = NULL, status = 'deleted' "
                         "WHERE member_id = ?", [member_id])
            conn.execute("COMMIT")
            checkpoint(conn)
            return compact(conn)
        finally:
            conn.close()
    except (sqlite3.DatabaseError, OSError) as exc:
        return f"{path}: {exc}"


def complete(conn: sqlite3.Connection, database: Path, member_id: str, marks: list[str],
             backup_roots: Iterable[Path]) -> ErasureReport:
    """Steps 2-4 for one erasure: checkpoint, VACUUM if needed, scrub backups, verify."""
    report = ErasureReport(member_id, PENDING)
    if not checkpoint(conn):
        report.problems.append("WAL checkpoint incomplete: another process holds an older "
                               "snapshot of the store")
    if files_holding(store_files(database), marks):
        problem = compact(conn)
        if problem:
            report.problems.append(problem)
        checkpoint(conn)
    copies = backup_databases(backup_roots)
    for copy in copies:
        if files_holding(store_files(copy), marks):
            problem = scrub_copy(copy, member_id)
            if problem:
                report.problems.append(problem)
    checked = store_files(database) + [f for c in copies for f in store_files(c)]
    report.files_checked = [str(p) for p in checked if p.exists()]
    report.remaining = files_holding(checked, marks)
    report.state = ERASED if not report.remaining else PENDING
    return report


def record_outcome(conn: sqlite3.Connection, erasure_id: int, report: ErasureReport) -> None:
    conn.execute("UPDATE face_erasures SET state = ?, completed_at = ?, remaining = ? "
                 "WHERE id = ?", [report.state, time.time() if report.erased else None,
                                  json.dumps(report.remaining), erasure_id])
