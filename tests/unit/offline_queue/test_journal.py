import sqlite3

import pytest

from offline_queue.journal import SqliteJournal
from terminal.attempt import Tender
from terminal.errors import IllegalTransition, StoreCorrupt
from terminal.transaction import TxState


@pytest.fixture
def journal(tmp_path):
    j = SqliteJournal.open(tmp_path / "payterm.db", check_integrity=True)
    yield j
    j.close()


def open_one(journal, now=1_790_000_000.0, amount=1234):
    return journal.open_attempt(terminal_id="T1", tender=Tender.WALLET, wallet="alipay",
                                code_masked="2800**********1234", amount_fen=amount,
                                subject="test", now=now)


def test_attempts_are_durable_with_wal_and_full_sync(journal):
    assert journal.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert journal.db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_trade_numbers_never_repeat_across_reopen(tmp_path):
    path = tmp_path / "payterm.db"
    seen = set()
    for _ in range(3):
        j = SqliteJournal.open(path)
        for _ in range(5):
            seen.add(open_one(j).out_trade_no)
        j.close()
    assert len(seen) == 15


def test_state_changes_are_checked_and_recorded(journal):
    a = open_one(journal)
    assert a.state is TxState.CREATED and a.out_trade_no.startswith("T1")
    journal.mark(a.out_trade_no, TxState.PENDING, now=1.0, event="pay_sent", first_request_at=1.0)
    journal.mark(a.out_trade_no, TxState.APPROVED, now=2.0, event="pay_answered",
                 detail={"code": "10000"}, host_trade_no="H1")
    with pytest.raises(IllegalTransition):
        journal.mark(a.out_trade_no, TxState.DECLINED, now=3.0, event="oops")
    got = journal.get(a.out_trade_no)
    assert got.state is TxState.APPROVED and got.host_trade_no == "H1"
    events = [e["event"] for e in journal.history(a.out_trade_no)]
    assert events == ["created", "pay_sent", "pay_answered"]


def test_unresolved_lists_only_open_outcomes(journal):
    a, b, c = open_one(journal), open_one(journal), open_one(journal)
    journal.mark(b.out_trade_no, TxState.PENDING, now=1.0, event="x")
    journal.mark(b.out_trade_no, TxState.DECLINED, now=1.0, event="x")
    journal.mark(c.out_trade_no, TxState.PENDING, now=1.0, event="x")
    journal.mark(c.out_trade_no, TxState.UNKNOWN, now=1.0, event="x")
    assert [x.out_trade_no for x in journal.unresolved()] == [a.out_trade_no, c.out_trade_no]


def test_search_finds_by_trade_number(journal):
    a = open_one(journal)
    open_one(journal)
    assert [x.out_trade_no for x in journal.recent(search=a.out_trade_no)] == [a.out_trade_no]


def test_a_corrupt_store_stops_start_up_and_is_kept(tmp_path):
    path = tmp_path / "payterm.db"
    j = SqliteJournal.open(path)
    for _ in range(50):
        open_one(j)
    j.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    j.close()
    data = bytearray(path.read_bytes())
    for i in range(4096, min(len(data), 12288)):
        data[i] = 0xA5
    path.write_bytes(bytes(data))
    before = path.read_bytes()
    with pytest.raises(StoreCorrupt):
        SqliteJournal.open(path, check_integrity=True)
    assert path.read_bytes() == before   # left untouched for recovery


def test_amount_must_be_positive_even_below_the_domain(journal):
    with pytest.raises(sqlite3.IntegrityError):
        journal.db.execute("INSERT INTO attempts (out_trade_no, seq, tender, amount_fen, state, "
                           "created_at, updated_at) VALUES ('X', 999, 'cash', 0, 'created', 0, 0)")
