"""Refunds, member payments, balances, pings, offline batches and the daily bill: a
signed answer that is not about the request changes nothing."""

from __future__ import annotations

import time
from datetime import date

import pytest

from drivers.host.wire import (METHOD_BATCH_UPLOAD, METHOD_BILL_DAILY, METHOD_MEMBER_BALANCE,
                               METHOD_MEMBER_PAY, METHOD_PAY, METHOD_PING, METHOD_REFUND)
from offline_queue.end_of_day import close_day, today
from offline_queue.outbox import Outbox
from offline_queue.outbox_sealing import OutboxSealer
from offline_queue.outbox_sync import OutboxSync
from offline_queue.sync_worker import sync_pass
from terminal.attempt import Tender
from terminal.errors import HostError
from terminal.host_messages import MemberPayRequest, PayOutcome
from tests.hostile.conftest import TERMINAL_ID
from tests.hostile.hostile_proxy import Body, transplant


def on(method, attack):
    return lambda exchange: attack(exchange) if exchange.method == method else None


def host_refunds(sim, out_trade_no: str) -> int:
    return next(t["refunded_fen"] for t in sim.ledger.trades() if t["out_trade_no"] == out_trade_no)


# -- refunds ---------------------------------------------------------------------------
def test_ping_answer_taken_as_refund_records_no_refund(terminal, proxy, sim):
    sale = terminal.pay(5_000).attempt.out_trade_no
    terminal.client.ping()
    ping = proxy.genuine(METHOD_PING)
    proxy.attack = on(METHOD_REFUND, lambda ex: Body(transplant(ping, METHOD_PING,
                                                                METHOD_REFUND)))
    result = terminal.refunds().refund(sale, 1_000)
    assert not result.accepted
    assert terminal.journal.get(sale).refunded_fen == 0
    assert not [r for r in terminal.journal.refunds(sale) if r["state"] == "accepted"]
    assert host_refunds(sim, sale) == 0


def test_replayed_refund_answer_of_another_sale_records_no_refund(terminal, proxy, sim):
    first = terminal.pay(5_000).attempt.out_trade_no
    terminal.refunds().refund(first, 1_000)
    replay = proxy.genuine(METHOD_REFUND, first)
    second = terminal.pay(5_000).attempt.out_trade_no
    proxy.attack = on(METHOD_REFUND, lambda ex: Body(replay))   # never reaches the host
    result = terminal.refunds().refund(second, 1_000)
    assert not result.accepted
    assert terminal.journal.get(second).refunded_fen == 0
    assert host_refunds(sim, second) == 0


def test_refund_answer_with_another_amount_is_not_booked_then_resent(terminal, proxy, sim):
    sale = terminal.pay(5_000).attempt.out_trade_no
    proxy.attack = on(METHOD_REFUND, lambda ex: Body(
        proxy.resign(ex.forward(), METHOD_REFUND, refund_amount="50.00")))
    first = terminal.refunds().refund(sale, 1_000)
    assert not first.accepted and terminal.journal.get(sale).refunded_fen == 0
    proxy.attack = None
    again = terminal.refunds().refund(sale, 1_000)
    # The same request (same out_request_no) went again: refunded once, 10.00.
    assert again.accepted and again.out_request_no == first.out_request_no
    assert terminal.journal.get(sale).refunded_fen == 1_000 == host_refunds(sim, sale)


# -- member pay, balance, ping ---------------------------------------------------------------
def member_request(no: str) -> MemberPayRequest:
    return MemberPayRequest(out_trade_no=no, member_id="M001", total_fen=3_000,
                            subject="test", terminal_id=TERMINAL_ID, evidence={"score": 0.9})


def test_member_pay_answer_for_another_member_is_not_an_approval(terminal, proxy):
    proxy.attack = on(METHOD_MEMBER_PAY, lambda ex: Body(
        proxy.resign(ex.forward(), METHOD_MEMBER_PAY, member_id="M002")))
    try:
        answer = terminal.client.member_pay(member_request("T0001MEMBER0001"))
    except HostError:
        return
    assert answer.outcome is not PayOutcome.APPROVED


def test_member_pay_answer_with_another_amount_is_not_an_approval(terminal, proxy):
    proxy.attack = on(METHOD_MEMBER_PAY, lambda ex: Body(
        proxy.resign(ex.forward(), METHOD_MEMBER_PAY, total_amount="0.30")))
    try:
        answer = terminal.client.member_pay(member_request("T0001MEMBER0002"))
    except HostError:
        return
    assert answer.outcome is not PayOutcome.APPROVED


def test_balance_of_another_member_is_refused(terminal, proxy):
    proxy.attack = on(METHOD_MEMBER_BALANCE, lambda ex: Body(
        proxy.resign(ex.forward(), METHOD_MEMBER_BALANCE, member_id="M002",
                     balance="99999.00")))
    with pytest.raises(HostError):
        terminal.client.member_balance("M001")


def test_ping_answer_for_another_terminal_is_refused(terminal, proxy):
    proxy.attack = on(METHOD_PING, lambda ex: Body(
        proxy.resign(ex.forward(), METHOD_PING, terminal_id="T9999")))
    with pytest.raises(HostError):
        terminal.client.ping()


def test_query_answer_under_the_pay_key_is_not_an_approval(terminal, proxy):
    """A genuine WAIT_BUYER_PAY query answer (code 10000) of the very same trade, placed
    under the pay key: the trade is not paid, so it must not read as an approval."""
    from drivers.host.wire import METHOD_QUERY
    from terminal.host_messages import PayRequest
    from tests.hostile.conftest import code
    from drivers.host.simulator.behaviours import Behaviour
    request = PayRequest(out_trade_no="T0001WAITING0001", auth_code=code(
        Behaviour.PASSWORD_THEN_SUCCESS), total_fen=2_000, subject="t", terminal_id=TERMINAL_ID)
    assert terminal.client.pay(request).outcome is PayOutcome.WAITING_FOR_PASSWORD
    assert terminal.client.query(request.out_trade_no).status.value == "WAIT_BUYER_PAY"
    waiting = proxy.genuine(METHOD_QUERY, request.out_trade_no)
    proxy.attack = on(METHOD_PAY, lambda ex: Body(transplant(waiting, METHOD_QUERY, METHOD_PAY)))
    try:
        answer = terminal.client.pay(request)
    except HostError:
        return
    assert answer.outcome is not PayOutcome.APPROVED


# -- offline batches ---------------------------------------------------------------------
@pytest.fixture
def outbox(terminal, tmp_path):
    return Outbox(terminal.journal, OutboxSealer.from_key_file(tmp_path / "keys" / "store.key"))


def take_offline(outbox, amount_fen: int) -> str:
    return outbox.enqueue(terminal_id=TERMINAL_ID, tender=Tender.CASH, amount_fen=amount_fen,
                          subject="offline", now=time.time()).out_trade_no


def sync_once(terminal, outbox) -> None:
    settings = terminal.settings.offline
    sync_pass(OutboxSync(outbox, settings), terminal.client, terminal.clock, settings)


def outbox_state(terminal, no: str) -> str:
    return terminal.journal.db.execute("SELECT state FROM outbox WHERE out_trade_no = ?",
                                       [no]).fetchone()[0]


def test_batch_answer_with_other_amounts_marks_nothing_synced(terminal, proxy, outbox, sim):
    no = take_offline(outbox, 4_200)

    def other_amount(exchange):
        body = exchange.forward()
        results = proxy_results(body)
        for item in results:
            item["total_amount"] = "0.01"
        return Body(proxy.resign(body, METHOD_BATCH_UPLOAD, results=results))

    def proxy_results(body):
        from tests.hostile.hostile_proxy import response_member
        return response_member(body, METHOD_BATCH_UPLOAD)[0]["results"]

    proxy.attack = on(METHOD_BATCH_UPLOAD, other_amount)
    sync_once(terminal, outbox)
    assert outbox_state(terminal, no) == "pending"
    assert terminal.journal.get(no).offline      # still "not synced"


def test_forged_batch_results_for_records_never_sent_mark_nothing_synced(terminal, proxy,
                                                                          outbox, sim):
    first = take_offline(outbox, 4_200)
    sync_once(terminal, outbox)
    assert outbox_state(terminal, first) == "synced"
    genuine = proxy.genuine(METHOD_BATCH_UPLOAD)
    second = take_offline(outbox, 9_900)
    from tests.hostile.hostile_proxy import response_member
    results = response_member(genuine, METHOD_BATCH_UPLOAD)[0]["results"]
    for item in results:
        item["out_trade_no"] = second
    proxy.attack = on(METHOD_BATCH_UPLOAD, lambda ex: Body(
        proxy.resign(genuine, METHOD_BATCH_UPLOAD, results=results)))   # never sent
    sync_once(terminal, outbox)
    assert outbox_state(terminal, second) == "pending"
    assert second not in {t["out_trade_no"] for t in sim.ledger.trades()}


# -- end of day ----------------------------------------------------------------------------
def test_bill_without_the_terminals_trades_does_not_close_the_day(terminal, proxy, sim):
    sales = [terminal.pay(1_000 + i).attempt.out_trade_no for i in range(5)]
    proxy.attack = on(METHOD_BILL_DAILY, lambda ex: Body(
        proxy.resign(ex.forward(), METHOD_BILL_DAILY, trades=[])))
    result = close_day(terminal.journal, terminal.client, today(time.time()), time.time())
    assert not result.closed
    text = repr(result.as_dict())
    assert all(no in text for no in sales)


def test_bill_of_another_day_does_not_close_the_day(terminal, proxy, sim):
    terminal.pay(1_000)
    proxy.attack = on(METHOD_BILL_DAILY, lambda ex: Body(
        proxy.resign(ex.forward(), METHOD_BILL_DAILY, bill_date="2001-01-01")))
    result = close_day(terminal.journal, terminal.client, today(time.time()), time.time())
    assert not result.closed


def test_bill_with_another_amount_does_not_close_the_day(terminal, proxy, sim):
    sale = terminal.pay(1_000).attempt.out_trade_no

    def other_amount(exchange):
        from tests.hostile.hostile_proxy import response_member
        body = exchange.forward()
        trades = response_member(body, METHOD_BILL_DAILY)[0]["trades"]
        for item in trades:
            item["total_amount"] = "1000.00"
        return Body(proxy.resign(body, METHOD_BILL_DAILY, trades=trades))

    proxy.attack = on(METHOD_BILL_DAILY, other_amount)
    result = close_day(terminal.journal, terminal.client, today(time.time()), time.time())
    assert not result.closed and sale in repr(result.as_dict())


def test_day_closes_when_the_host_agrees(terminal, proxy, sim):
    terminal.pay(1_000)
    result = close_day(terminal.journal, terminal.client, today(time.time()), time.time())
    assert result.closed and result.reconciliation["balanced"]
    assert date.fromisoformat(result.day) == today(time.time())


def test_member_payment_is_not_approved_on_an_answer_for_another_member(terminal, proxy,
                                                                        outbox, sim):
    """The whole member tender: the forged answer decides nothing; the checked query
    (the host did debit M001 30.00 for this trade) does."""
    from terminal.connectivity import ConnectivityMonitor
    from terminal.member_payment import MemberPayment
    proxy.attack = on(METHOD_MEMBER_PAY, lambda ex: Body(
        proxy.resign(ex.forward(), METHOD_MEMBER_PAY, member_id="M002")))
    monitor = ConnectivityMonitor(terminal.settings.offline, terminal.clock)
    payment = MemberPayment(terminal.client, terminal.journal, outbox, terminal.settings,
                            terminal.clock, monitor)
    result = payment.pay("M001", 3_000, evidence={"score": 0.9})
    no = result.attempt.out_trade_no
    assert terminal.approving_event(no) == "query_answered"
    assert "answer_inconsistent" in [e["state"] for e in terminal.journal.history(no)]
    member = {m["member_id"]: m["balance_fen"] for m in sim.ledger.members()}
    assert member == {"M001": 1_000_000 - 3_000, "M002": 1_000_000}
