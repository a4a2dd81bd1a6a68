"""Query, cancel (reverse) and refund of member trades: the simulator's semantics
(docs/host.md) with the echo fields of docs/host.md."""

from __future__ import annotations

from terminal.host_messages import PayOutcome, TradeStatus
from tests.backoffice.harness import TerminalIdentity
from tests.backoffice.test_member_pay import balance, pay


def test_query_names_the_trade(client, raw, terminal):
    paid = pay(client, "T0001Q1", 1500)
    answer = client.query("T0001Q1")
    assert (answer.status, answer.total_fen, answer.host_trade_no) == \
        (TradeStatus.TRADE_SUCCESS, 1500, paid.host_trade_no)
    assert client.query("T0001NONE").status is TradeStatus.NOT_EXIST
    wire = raw.call("alipay.trade.query", {"out_trade_no": "T0001Q1", "terminal_id": "T0001"},
                    terminal.private_key)
    assert (wire["terminal_id"], wire["out_trade_no"], wire["trade_status"],
            wire["total_amount"], wire["trade_no"]) == ("T0001", "T0001Q1", "TRADE_SUCCESS",
                                                        "15.00", paid.host_trade_no)
    missing = raw.call("alipay.trade.query", {"out_trade_no": "T0001NONE",
                                              "terminal_id": "T0001"}, terminal.private_key)
    assert (missing["sub_code"], missing["out_trade_no"], missing["terminal_id"]) == \
        ("ACQ.TRADE_NOT_EXIST", "T0001NONE", "T0001")


def test_cancel_reverses_a_paid_trade_once(backoffice, client):
    pay(client, "T0001X1", 2000)
    assert balance(backoffice, "M001") == 8000
    first = client.cancel("T0001X1")
    assert (first.done, first.action) == (True, "refund")
    assert balance(backoffice, "M001") == 10_000
    second = client.cancel("T0001X1")
    assert (second.done, second.action) == (True, "refund")
    assert balance(backoffice, "M001") == 10_000
    assert client.query("T0001X1").status is TradeStatus.TRADE_CLOSED


def test_cancel_before_pay_refuses_the_late_pay(backoffice, client):
    cancelled = client.cancel("T0001X2")
    assert (cancelled.done, cancelled.action) == (True, "close")
    late = pay(client, "T0001X2", 300)
    assert late.sub_code == "ACQ.TRADE_HAS_CLOSE"
    assert late.outcome is PayOutcome.UNKNOWN        # resolved by query: closed
    assert client.query("T0001X2").status is TradeStatus.TRADE_CLOSED
    assert balance(backoffice, "M001") == 10_000


def test_cancel_of_a_declined_trade_is_done_with_close(client):
    assert pay(client, "T0001X3", 900, member="M002").outcome is PayOutcome.DECLINED
    answer = client.cancel("T0001X3")
    assert (answer.done, answer.action) == (True, "close")


def test_refunds_are_idempotent_and_bounded(backoffice, client, raw, terminal):
    pay(client, "T0001R1", 1000)
    first = client.refund("T0001R1", 300, "T0001R1-1")
    assert first.accepted and balance(backoffice, "M001") == 9300
    again = client.refund("T0001R1", 300, "T0001R1-1")
    assert again.accepted and balance(backoffice, "M001") == 9300
    clash = client.refund("T0001R1", 400, "T0001R1-1")
    assert (clash.accepted, clash.sub_code) == (False, "ACQ.CONTEXT_INCONSISTENT")
    too_much = client.refund("T0001R1", 701, "T0001R1-2")
    assert (too_much.accepted, too_much.sub_code) == (False, "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL")
    wire = raw.call("alipay.trade.refund", {"out_trade_no": "T0001R1", "out_request_no":
                                            "T0001R1-2", "refund_amount": "7.00",
                                            "terminal_id": "T0001"}, terminal.private_key)
    assert (wire["code"], wire["out_trade_no"], wire["out_request_no"], wire["refund_amount"],
            wire["refund_fee"], wire["terminal_id"]) == ("10000", "T0001R1", "T0001R1-2",
                                                         "7.00", "10.00", "T0001")
    assert wire["trade_no"]
    assert balance(backoffice, "M001") == 10_000
    assert client.query("T0001R1").status is TradeStatus.TRADE_CLOSED
    after_close = client.refund("T0001R1", 1, "T0001R1-3")
    assert (after_close.accepted, after_close.sub_code) == (False, "ACQ.TRADE_STATUS_ERROR")
    unknown = client.refund("T0001NONE", 100, "N-1")
    assert (unknown.accepted, unknown.sub_code) == (False, "ACQ.TRADE_NOT_EXIST")


def test_member_trade_of_another_terminal_is_not_visible(backoffice, key_pool, client):
    pay(client, "T0001V1", 100)
    other = TerminalIdentity("T0009", "S1", key_pool[2])
    backoffice.register(other)
    with backoffice.client(other) as second:
        assert second.query("T0001V1").status is TradeStatus.NOT_EXIST
        assert not second.refund("T0001V1", 100, "x").accepted
    assert balance(backoffice, "M001") == 9900
