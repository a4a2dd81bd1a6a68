"""Cancel and refund semantics of the simulated host (Alipay rules)."""

from __future__ import annotations

from drivers.host.simulator.behaviours import Behaviour
from terminal.host_messages import PayOutcome, TradeStatus
from tests.contract.host.conftest import new_trade_no, pay_request


def test_cancel_of_paid_trade_refunds_it(client, sim):
    request = pay_request(total_fen=800)
    client.pay(request)
    answer = client.cancel(request.out_trade_no)
    assert answer.done and not answer.retry and answer.action == "refund"
    assert client.query(request.out_trade_no).status is TradeStatus.TRADE_CLOSED
    assert [c["net_fen"] for c in sim.ledger.charges()] == [0]


def test_cancel_while_waiting_closes_and_nothing_is_charged(client, sim):
    request = pay_request(Behaviour.PASSWORD_THEN_SUCCESS)
    client.pay(request)
    answer = client.cancel(request.out_trade_no)
    assert answer.done and answer.action == "close"
    # The password delay passing later must not revive the closed trade.
    import time
    time.sleep(1.1)
    assert client.query(request.out_trade_no).status is TradeStatus.TRADE_CLOSED
    assert sim.ledger.charges() == []


def test_cancel_of_unknown_trade_blocks_a_late_pay(client, sim):
    request = pay_request()
    answer = client.cancel(request.out_trade_no)
    assert answer.done and answer.action == "close"
    late = client.pay(request)
    assert late.outcome is not PayOutcome.APPROVED and late.sub_code == "ACQ.TRADE_HAS_CLOSE"
    assert sim.ledger.charges() == []


def test_second_cancel_is_done_with_the_same_action(client):
    request = pay_request()
    client.pay(request)
    assert client.cancel(request.out_trade_no).action == "refund"
    again = client.cancel(request.out_trade_no)
    assert again.done and again.action == "refund"


def test_cancel_asks_for_retry_then_works(client, sim):
    request = pay_request(Behaviour.CANCEL_NEEDS_RETRY)
    assert client.pay(request).outcome is PayOutcome.APPROVED
    answers = [client.cancel(request.out_trade_no) for _ in range(3)]
    assert [(a.done, a.retry) for a in answers] == [(False, True), (False, True), (True, False)]
    assert answers[-1].action == "refund"
    assert [c["net_fen"] for c in sim.ledger.charges()] == [0]


def test_refund_partial_then_rest_then_refused(client, sim):
    request = pay_request(total_fen=1000)
    client.pay(request)
    first = client.refund(request.out_trade_no, 300, "R1")
    assert first.accepted and first.refund_fen == 300
    too_much = client.refund(request.out_trade_no, 701, "R2")
    assert not too_much.accepted and too_much.sub_code == "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL"
    rest = client.refund(request.out_trade_no, 700, "R3")
    assert rest.accepted
    assert client.query(request.out_trade_no).status is TradeStatus.TRADE_CLOSED
    after = client.refund(request.out_trade_no, 1, "R4")
    assert not after.accepted and after.sub_code == "ACQ.TRADE_STATUS_ERROR"
    assert [c["net_fen"] for c in sim.ledger.charges()] == [0]


def test_refund_is_idempotent_by_out_request_no(client, sim):
    request = pay_request(total_fen=1000)
    client.pay(request)
    assert client.refund(request.out_trade_no, 400, "R1").accepted
    assert client.refund(request.out_trade_no, 400, "R1").accepted
    assert sim.ledger.charges()[0]["refunded_fen"] == 400
    conflict = client.refund(request.out_trade_no, 500, "R1")
    assert not conflict.accepted and conflict.sub_code == "ACQ.CONTEXT_INCONSISTENT"


def test_refund_needs_a_successful_trade(client):
    declined = pay_request(Behaviour.DECLINE_BALANCE)
    client.pay(declined)
    answer = client.refund(declined.out_trade_no, 100, "R1")
    assert not answer.accepted and answer.sub_code == "ACQ.TRADE_STATUS_ERROR"
    missing = client.refund(new_trade_no(), 100, "R1")
    assert not missing.accepted and missing.sub_code == "ACQ.TRADE_NOT_EXIST"
