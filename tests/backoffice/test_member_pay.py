"""Online member payments and balances, on SQLite and PostgreSQL, through the terminal's
real client over loopback HTTP."""

from __future__ import annotations

import pytest

from backoffice.members.accounts import ledger_total, require_member, set_frozen, top_up
from terminal.errors import HostRejected
from terminal.host_messages import MemberPayRequest, PayOutcome
from tests.backoffice.harness import TerminalIdentity, in_transaction


def pay(client, number: str, fen: int, member: str = "M001") -> object:
    return client.member_pay(MemberPayRequest(out_trade_no=number, member_id=member,
                                              total_fen=fen, subject="午餐 lunch",
                                              terminal_id="T0001",
                                              evidence={"score": 0.82, "live": 0.97}))


def balance(backoffice, member: str) -> int:
    return in_transaction(backoffice.engine,
                          lambda conn, now: require_member(conn, member).balance_fen)


def test_member_pay_takes_the_balance_once(backoffice, client, raw, terminal):
    first = pay(client, "T0001A1", 1234)
    assert first.outcome is PayOutcome.APPROVED
    assert first.total_fen == 1234 and first.host_trade_no
    assert balance(backoffice, "M001") == 10_000 - 1234
    again = pay(client, "T0001A1", 1234)          # the terminal resends after a timeout
    assert again.outcome is PayOutcome.APPROVED
    assert again.host_trade_no == first.host_trade_no
    assert balance(backoffice, "M001") == 10_000 - 1234
    assert in_transaction(backoffice.engine, lambda conn, now: ledger_total(conn, "M001")) \
        == 10_000 - 1234


def test_answer_echoes_what_it_is_about(raw, terminal):
    answer = raw.call("payterm.member.pay",
                      {"out_trade_no": "T0001E1", "member_id": "M001", "total_amount": "2.50",
                       "terminal_id": "T0001", "subject": "x"}, terminal.private_key)
    assert answer["code"] == "10000"
    assert (answer["terminal_id"], answer["out_trade_no"], answer["member_id"],
            answer["total_amount"]) == ("T0001", "T0001E1", "M001", "2.50")
    assert answer["trade_no"]
    declined = raw.call("payterm.member.pay",
                        {"out_trade_no": "T0001E2", "member_id": "M002", "total_amount": "9.00",
                         "terminal_id": "T0001"}, terminal.private_key)
    assert (declined["code"], declined["sub_code"]) == ("40004", "ACQ.BUYER_BALANCE_NOT_ENOUGH")
    assert (declined["terminal_id"], declined["out_trade_no"], declined["member_id"]) == \
        ("T0001", "T0001E2", "M002")


def test_same_number_with_other_content_is_refused(backoffice, client):
    assert pay(client, "T0001C1", 100).outcome is PayOutcome.APPROVED
    other = pay(client, "T0001C1", 200)
    assert other.sub_code == "ACQ.CONTEXT_INCONSISTENT"
    # Nothing was booked for this request: a decline the terminal flags for a technician.
    assert other.outcome is PayOutcome.DECLINED
    other_member = pay(client, "T0001C1", 100, member="M002")
    assert other_member.sub_code == "ACQ.CONTEXT_INCONSISTENT"
    assert balance(backoffice, "M001") == 10_000 - 100
    assert balance(backoffice, "M002") == 500


def test_declines_are_final_and_repeat_the_same(backoffice, client):
    short = pay(client, "T0001D1", 501, member="M002")
    assert (short.outcome, short.sub_code) == (PayOutcome.DECLINED, "ACQ.BUYER_BALANCE_NOT_ENOUGH")
    in_transaction(backoffice.engine, lambda conn, now: top_up(conn, "M002", 10_000, now))
    again = pay(client, "T0001D1", 501, member="M002")
    assert (again.outcome, again.sub_code) == (PayOutcome.DECLINED,
                                               "ACQ.BUYER_BALANCE_NOT_ENOUGH")
    assert balance(backoffice, "M002") == 10_500
    unknown = pay(client, "T0001D2", 100, member="NOBODY")
    assert (unknown.outcome, unknown.sub_code) == (PayOutcome.DECLINED, "PAYTERM.MEMBER_NOT_FOUND")


def test_frozen_and_other_store_members_cannot_pay(backoffice, client):
    in_transaction(backoffice.engine, lambda conn, now: set_frozen(conn, "M001", True, now))
    frozen = pay(client, "T0001F1", 100)
    assert (frozen.outcome, frozen.sub_code) == (PayOutcome.DECLINED, "PAYTERM.MEMBER_FROZEN")
    backoffice.add_member("OTHER1", 10_000, store_id="S2")
    elsewhere = pay(client, "T0001F2", 100, member="OTHER1")
    assert (elsewhere.outcome, elsewhere.sub_code) == (PayOutcome.DECLINED,
                                                       "PAYTERM.MEMBER_NOT_FOUND")
    assert balance(backoffice, "OTHER1") == 10_000


def test_balance_answers_for_the_store_only(backoffice, client):
    assert client.member_balance("M001") == 10_000
    backoffice.add_member("OTHER2", 700, store_id="S2")
    with pytest.raises(HostRejected) as refused:
        client.member_balance("OTHER2")
    assert refused.value.sub_code == "PAYTERM.MEMBER_NOT_FOUND"


def test_same_number_on_two_terminals_are_two_trades(backoffice, key_pool, client):
    second = TerminalIdentity("T0002", "S1", key_pool[1])
    backoffice.register(second)
    assert pay(client, "SHARED1", 100).outcome is PayOutcome.APPROVED
    with backoffice.client(second) as other:
        answer = other.member_pay(MemberPayRequest(out_trade_no="SHARED1", member_id="M001",
                                                   total_fen=100, subject="", terminal_id="T0002"))
    assert answer.outcome is PayOutcome.APPROVED
    assert balance(backoffice, "M001") == 10_000 - 200
