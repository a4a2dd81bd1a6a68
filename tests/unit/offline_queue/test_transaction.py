"""``offline_queue.transaction``: one context manager, every SQLite error translated."""

import re
import sqlite3

import pytest

from offline_queue.store import open_store
from offline_queue.transaction import transaction, translate_sqlite_error
from terminal.errors import QueueError, StorageFull, StoreCorrupt


def error(code: int, text: str) -> sqlite3.DatabaseError:
    exc = sqlite3.OperationalError(text)
    exc.sqlite_errorcode = code
    return exc


@pytest.mark.parametrize("code, text, kind, retryable", [
    (13, "database or disk is full", StorageFull, False),
    (5, "database is locked", QueueError, True),
    (6, "database table is locked", QueueError, True),
    (11, "database disk image is malformed", StoreCorrupt, False),
    (26, "file is not a database", StoreCorrupt, False),
    (8, "attempt to write a readonly database", QueueError, False),
])
def test_sqlite_errors_are_classified(code, text, kind, retryable, tmp_path):
    translated = translate_sqlite_error(error(code, text), tmp_path / "payterm.db")
    assert type(translated) is kind and translated.retryable is retryable
    assert "payterm.db" in str(translated)


def test_an_io_error_on_a_disk_with_space_is_not_called_full(tmp_path):
    translated = translate_sqlite_error(error(10, "disk I/O error"), tmp_path / "x.db")
    assert type(translated) is QueueError and "I/O" in str(translated)


def test_commit_and_body_errors_come_out_translated_and_rolled_back(tmp_path):
    db = open_store(tmp_path / "s.db", migrations=[])
    db.execute("CREATE TABLE t (x INTEGER PRIMARY KEY)")
    with pytest.raises(QueueError):
        with transaction(db):
            db.execute("INSERT INTO t VALUES (1)")
            db.execute("INSERT INTO nowhere VALUES (1)")
    assert db.execute("SELECT COUNT(*) FROM t").fetchone()[0] == 0
    assert not db.conn.in_transaction
    with pytest.raises(ValueError):          # other errors pass through, rolled back
        with transaction(db):
            db.execute("INSERT INTO t VALUES (2)")
            raise ValueError("not a database problem")
    assert db.execute("SELECT COUNT(*) FROM t").fetchone()[0] == 0


def test_the_store_has_one_translating_transaction_and_no_copies():
    """Issue 12 point 3: the repeated try/except blocks are gone."""
    from pathlib import Path
    root = Path(__file__).resolve().parents[3] / "offline_queue"
    for path in root.glob("*.py"):
        text = path.read_text()
        if path.name == "transaction.py":
            continue
        assert "class transaction" not in text and "class _Translated" not in text, path
        assert not re.search(r"try:\n\s+with transaction\(", text), path
