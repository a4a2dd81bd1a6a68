import sqlite3
import time

from offline_queue.journal import SqliteJournal
from terminal.attempt import Tender
from terminal.transaction import TxState
from ui.diagnostics.checks.queue import check_queue
from ui.diagnostics.queue_summary import summarise_store
from ui.diagnostics.result import Status


def _journal(data_dir):
    return SqliteJournal.open(data_dir / "payterm.db")


def _attempt(journal, now):
    return journal.open_attempt(terminal_id="T0001", tender=Tender.WALLET, wallet="alipay",
                                code_masked="2800********1234", amount_fen=1234,
                                subject="test", now=now)


def test_a_fresh_installation_passes(make_env):
    result = check_queue(make_env())
    assert result.status is Status.PASS and result.details["exists"] is False


def test_settled_payments_pass(make_env, data_dir):
    journal = _journal(data_dir)
    attempt = _attempt(journal, time.time())
    journal.mark(attempt.out_trade_no, TxState.PENDING, now=time.time(), event="sent")
    journal.mark(attempt.out_trade_no, TxState.APPROVED, now=time.time(), event="paid")
    journal.close()
    result = check_queue(make_env())
    assert result.status is Status.PASS
    assert result.details["journal"]["attempts"] == 1
    assert result.details["journal"]["unresolved"] == 0


def test_an_old_unresolved_payment_warns_with_its_age(make_env, data_dir):
    journal = _journal(data_dir)
    _attempt(journal, time.time() - 7200)
    journal.close()
    result = check_queue(make_env())
    assert result.status is Status.WARN
    assert result.details["journal"]["unresolved"] == 1
    assert result.details["journal"]["oldest_unresolved_age_s"] >= 7199


def test_a_recent_unresolved_payment_is_in_progress(make_env, data_dir):
    journal = _journal(data_dir)
    _attempt(journal, time.time())
    journal.close()
    result = check_queue(make_env())
    assert result.status is Status.PASS and "In progress" in result.message


def test_a_damaged_file_fails_and_is_left_alone(make_env, data_dir):
    path = data_dir / "payterm.db"
    path.write_bytes(b"this is not a database" * 100)
    before = path.read_bytes()
    result = check_queue(make_env())
    assert result.status is Status.FAIL and "Do not delete" in result.action
    assert path.read_bytes() == before


def test_summary_reads_a_store_without_journal_tables(data_dir):
    path = data_dir / "payterm.db"
    sqlite3.connect(path).execute("CREATE TABLE other (x)").connection.commit()
    summary = summarise_store(path)
    assert summary["journal"] is None and summary["integrity"] == "ok"


def test_a_held_payment_fails_and_names_it(make_env, data_dir):
    journal = _journal(data_dir)
    attempt = _attempt(journal, time.time())
    no = attempt.out_trade_no
    journal.mark(no, TxState.PENDING, now=time.time(), event="sent")
    journal.mark(no, TxState.INCONSISTENT, now=time.time(), event="answer_inconsistent")
    journal.mark(no, TxState.HELD, now=time.time(), event="held_for_person",
                 needs_attention=True)
    journal.close()
    result = check_queue(make_env())
    assert result.status is Status.FAIL and no in result.message
    assert "journal recheck" in result.action
    assert result.details["journal"]["held"] == [no]


def test_a_lost_journal_next_to_the_keys_fails(make_env, data_dir):
    keys = data_dir / "keys"
    keys.mkdir()
    (keys / "terminal_private.pem").write_text("x")
    (data_dir / "payterm.db").write_bytes(b"")
    result = check_queue(make_env())
    assert result.status is Status.FAIL and "journal new" in result.action
