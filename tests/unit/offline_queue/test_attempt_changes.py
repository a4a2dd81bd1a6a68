"""Journal changes are typed (terminal.ports.journal.AttemptChanges): each key is an
Attempt field of the same type, what identifies an attempt or its money is never among
them, and the SQLite journal refuses anything else at run time too."""

import typing

import pytest

from offline_queue.journal import SqliteJournal
from terminal.attempt import Attempt, Tender
from terminal.ports.journal import AttemptChanges
from terminal.transaction import TxState

WRITTEN_ONCE = {"out_trade_no", "seq", "tender", "wallet", "code_masked", "amount_fen",
                "subject", "state", "created_at", "updated_at"}


@pytest.fixture
def journal(tmp_path):
    j = SqliteJournal.open(tmp_path / "payterm.db")
    yield j
    j.close()


def open_one(journal):
    return journal.open_attempt(terminal_id="T1", tender=Tender.WALLET, wallet="alipay",
                                code_masked="2800**********1234", amount_fen=1234,
                                subject="test", now=1.0)


def test_every_change_is_an_attempt_field_of_the_same_type():
    changes = typing.get_type_hints(AttemptChanges)
    fields = typing.get_type_hints(Attempt)
    for name, kind in changes.items():
        assert fields[name] == kind, name
    assert set(changes) == set(fields) - WRITTEN_ONCE


def test_changes_are_written_with_their_types(journal):
    a = open_one(journal)
    changes: AttemptChanges = {"query_count": 2, "last_query_at": 3.5,
                               "waiting_for_password": True, "sub_msg": "USERPAYING"}
    journal.mark(a.out_trade_no, TxState.PENDING, now=2.0, event="pay_sent",
                 first_request_at=2.0)
    after = journal.note(a.out_trade_no, now=4.0, event="query_answered", **changes)
    assert (after.query_count, after.last_query_at, after.waiting_for_password,
            after.sub_msg, after.amount_fen) == (2, 3.5, True, "USERPAYING", 1234)
    assert journal.get(a.out_trade_no) == after


@pytest.mark.parametrize("field", ["amount_fen", "code_masked", "wallet", "subject"])
def test_what_identifies_the_money_cannot_be_changed(journal, field):
    a = open_one(journal)
    with pytest.raises(ValueError, match=field):
        journal.note(a.out_trade_no, now=2.0, event="tamper", **{field: "9"})
    assert journal.get(a.out_trade_no) == a
