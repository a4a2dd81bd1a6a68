"""A journal's identity: the epoch in its trade numbers, and a lost store that is never
silently replaced by a new one."""

from __future__ import annotations

import sqlite3

import pytest

from offline_queue import journal_schema
from offline_queue.journal import SqliteJournal
from offline_queue.journal_identity import (StoreState, check_journal_present, read_epoch,
                                            start_new_journal, store_state)
from offline_queue.store import open_store
from terminal.attempt import Tender
from terminal.errors import JournalMissing, QueueError


def open_one(journal: SqliteJournal, now: float = 1_790_000_000.0) -> str:
    return journal.open_attempt(terminal_id="T1", tender=Tender.CASH, wallet="",
                                code_masked="", amount_fen=100, subject="t",
                                now=now).out_trade_no


@pytest.fixture
def key(tmp_path):
    path = tmp_path / "keys" / "terminal_private.pem"
    path.parent.mkdir()
    path.write_text("not read, only its presence counts")
    return path


def test_store_states(tmp_path):
    path = tmp_path / "payterm.db"
    assert store_state(path) is StoreState.MISSING
    path.write_bytes(b"")
    assert store_state(path) is StoreState.EMPTY
    sqlite3.connect(path).execute("CREATE TABLE other (x)").connection.commit()
    assert store_state(path) is StoreState.EMPTY          # SQLite, but not a payterm store
    path.unlink()
    SqliteJournal.open(path).close()
    assert store_state(path) is StoreState.PRESENT
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"\x00" * 4096)
    assert store_state(garbage) is StoreState.PRESENT      # the integrity check says why


@pytest.mark.parametrize("loss", ["missing", "zero_bytes"])
def test_a_lost_store_next_to_the_keys_stops(tmp_path, key, loss):
    path = tmp_path / "payterm.db"
    if loss == "zero_bytes":
        path.write_bytes(b"")
    with pytest.raises(JournalMissing) as info:
        check_journal_present(path, [key])
    assert "journal new --confirm" in str(info.value) and str(path) in str(info.value)
    assert "交易日志" in info.value.user_message
    check_journal_present(path, [tmp_path / "no-such-key.pem"])   # never set up: fine


def test_every_number_carries_the_epoch_made_with_the_store(tmp_path):
    path = tmp_path / "payterm.db"
    journal = SqliteJournal.open(path)
    epoch = journal.epoch
    numbers = [open_one(journal) for _ in range(3)]
    journal.close()
    assert len(epoch) == 8 and epoch.isdigit() and read_epoch(path) == epoch
    assert numbers == [f"T1{epoch}{n:08d}" for n in (1, 2, 3)]
    again = SqliteJournal.open(path)
    assert again.epoch == epoch and open_one(again) == f"T1{epoch}00000004"
    again.close()


def test_a_new_journal_never_repeats_the_old_ones_numbers(tmp_path):
    seen: set[str] = set()
    for round_no in range(5):
        path = tmp_path / f"payterm-{round_no}.db"     # the journal lost and started again
        journal = SqliteJournal.open(path)
        seen.update(open_one(journal) for _ in range(3))
        journal.close()
    assert len(seen) == 15


def test_an_older_store_gets_an_epoch_when_upgraded(tmp_path):
    path = tmp_path / "payterm.db"
    open_store(path, migrations=journal_schema.MIGRATIONS[:1]).conn.close()
    assert read_epoch(path) == ""
    journal = SqliteJournal.open(path)
    assert len(journal.epoch) == 8
    journal.close()


def test_start_new_journal_moves_an_empty_file_aside(tmp_path, key):
    path = tmp_path / "payterm.db"
    path.write_bytes(b"")
    epoch, moved = start_new_journal(path)
    assert [m.name for m in moved][0].startswith("payterm.db.empty-")
    assert read_epoch(path) == epoch and store_state(path) is StoreState.PRESENT
    check_journal_present(path, [key])


def test_start_new_journal_refuses_to_replace_a_journal(tmp_path):
    path = tmp_path / "payterm.db"
    journal = SqliteJournal.open(path)
    open_one(journal)
    journal.close()
    with pytest.raises(QueueError):
        start_new_journal(path)
    journal = SqliteJournal.open(path)
    assert len(journal.recent()) == 1
    journal.close()
