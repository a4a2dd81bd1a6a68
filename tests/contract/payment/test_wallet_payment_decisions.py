"""How the payment flow and the resolver act on every kind of host answer.

The host is scripted (each answer chosen by the test); the journal is a real SQLite file;
the clock is fake so that a 60-second polling budget runs instantly.
"""

from __future__ import annotations

import pytest

from offline_queue.journal import SqliteJournal
from terminal.errors import HostUnreachable, OutcomeUnknown
from terminal.host_messages import (CancelAnswer, PayAnswer, PayOutcome, QueryAnswer,
                                    TradeStatus)
from terminal.payment_code import DuplicateCode, NotAPaymentCode
from terminal.settings.model import settings_from
from terminal.transaction import TxState
from terminal.wallet_payment import NOT_SENT, WalletPayment
from tests.fakes.clock import FakeClock
from tests.fakes.scripted_host import ScriptedHost

ALIPAY = "280012345678901234"
WECHAT = "134567890123456789"

APPROVED = PayAnswer(PayOutcome.APPROVED, "10000", host_trade_no="H1", total_fen=1234)
WAITING = PayAnswer(PayOutcome.WAITING_FOR_PASSWORD, "10003")
SYSTEM_ERROR = PayAnswer(PayOutcome.UNKNOWN, "20000", sub_code="ACQ.SYSTEM_ERROR")
DECLINED = PayAnswer(PayOutcome.DECLINED, "40004", sub_code="ACQ.BUYER_BALANCE_NOT_ENOUGH")


def q(status, total_fen=1234, trade_no=""):
    if status is TradeStatus.NOT_EXIST:
        return QueryAnswer(status, "40004", sub_code="ACQ.TRADE_NOT_EXIST")
    return QueryAnswer(status, "10000", total_fen=total_fen, host_trade_no=trade_no)


@pytest.fixture
def journal(tmp_path):
    j = SqliteJournal.open(tmp_path / "payterm.db")
    yield j
    j.close()


def flow(host, journal, clock, **resolver):
    settings = settings_from({"resolver": resolver} if resolver else {})
    return WalletPayment(host, journal, settings, clock)


def test_approved(journal):
    host, clock = ScriptedHost(pay=[APPROVED]), FakeClock()
    result = flow(host, journal, clock).pay(1234, ALIPAY)
    assert result.approved and "支付成功" in result.message
    assert journal.get(result.attempt.out_trade_no).host_trade_no == "H1"
    assert [e["event"] for e in journal.history(result.attempt.out_trade_no)] == \
        ["created", "pay_sent", "pay_answered"]


def test_declined_with_reason(journal):
    result = flow(ScriptedHost(pay=[DECLINED]), journal, FakeClock()).pay(1234, ALIPAY)
    assert result.state is TxState.DECLINED and "余额不足" in result.message


def test_attempt_is_journaled_before_the_request_goes_out(journal):
    seen = []

    class Spy(ScriptedHost):
        def pay(self, request):
            seen.append(journal.get(request.out_trade_no).state)
            return super().pay(request)

    flow(Spy(pay=[APPROVED]), journal, FakeClock()).pay(1234, ALIPAY)
    assert seen == [TxState.PENDING]


def test_waiting_for_password_then_success(journal):
    host = ScriptedHost(pay=[WAITING], query=[q(TradeStatus.WAIT_BUYER_PAY),
                                              q(TradeStatus.WAIT_BUYER_PAY),
                                              q(TradeStatus.TRADE_SUCCESS)])
    updates = []
    result = flow(host, journal, FakeClock()).pay(1234, ALIPAY, on_update=updates.append)
    assert result.approved
    assert any(u.waiting_for_password for u in updates)
    assert host.count("cancel") == 0


def test_waiting_until_the_budget_runs_out_is_cancelled(journal):
    clock = FakeClock()
    host = ScriptedHost(pay=[WAITING], query=[q(TradeStatus.WAIT_BUYER_PAY)] * 100,
                        cancel=[CancelAnswer(done=True, retry=False, action="close")])
    result = flow(host, journal, clock).pay(1234, ALIPAY)
    assert result.state is TxState.CANCELLED
    # Alipay: polled every 4 s for the 60 s budget, then one cancel.
    assert 10 <= host.count("query") <= 16 and host.count("cancel") == 1


def test_system_error_is_queried_never_guessed(journal):
    host = ScriptedHost(pay=[SYSTEM_ERROR], query=[q(TradeStatus.TRADE_SUCCESS)])
    assert flow(host, journal, FakeClock()).pay(1234, ALIPAY).approved


def test_timeout_then_trade_not_found_is_cancelled_so_a_late_arrival_cannot_charge(journal):
    host = ScriptedHost(pay=[OutcomeUnknown("read timeout")],
                        query=[q(TradeStatus.NOT_EXIST)],
                        cancel=[CancelAnswer(done=True, retry=False, action="close")])
    result = flow(host, journal, FakeClock()).pay(1234, ALIPAY)
    assert result.state is TxState.CANCELLED


def test_cancel_that_says_retry_is_retried(journal):
    host = ScriptedHost(pay=[SYSTEM_ERROR], query=[q(TradeStatus.NOT_EXIST)],
                        cancel=[CancelAnswer(done=False, retry=True),
                                CancelAnswer(done=False, retry=True),
                                CancelAnswer(done=True, retry=False, action="refund")])
    result = flow(host, journal, FakeClock()).pay(1234, ALIPAY)
    assert result.state is TxState.CANCELLED and host.count("cancel") == 3


def test_wechat_waits_before_querying_and_before_reversing(journal):
    clock = FakeClock()
    start = clock.now()
    times = {}

    class Timed(ScriptedHost):
        def query(self, no):
            times.setdefault("query", clock.now() - start)
            return super().query(no)

        def cancel(self, no):
            times.setdefault("cancel", clock.now() - start)
            return super().cancel(no)

    host = Timed(pay=[SYSTEM_ERROR], query=[q(TradeStatus.NOT_EXIST)],
                 cancel=[CancelAnswer(done=True, retry=False, action="close")])
    flow(host, journal, clock).pay(1234, WECHAT)
    assert times["query"] >= 5.0       # query 5 s after a system error
    assert times["cancel"] >= 15.0     # reverse not earlier than 15 s after the charge


def test_host_unreachable_means_nothing_was_charged(journal):
    result = flow(ScriptedHost(pay=[HostUnreachable("refused")]), journal,
                  FakeClock()).pay(1234, ALIPAY)
    assert result.state is TxState.DECLINED and result.attempt.sub_code == NOT_SENT
    assert "未扣款" in result.message


def test_host_down_during_resolution_keeps_it_unresolved(journal):
    host = ScriptedHost(pay=[OutcomeUnknown("dropped")],
                        query=[HostUnreachable("down")] * 200,
                        cancel=[HostUnreachable("down")] * 200)
    result = flow(host, journal, FakeClock()).pay(1234, ALIPAY, wait_s=120)
    assert result.state is TxState.RESOLVING      # never guessed
    assert "确认中" in result.message
    assert journal.unresolved()[0].out_trade_no == result.attempt.out_trade_no


def test_bad_codes_and_reuse_are_refused_before_anything_is_journaled(journal):
    payment = flow(ScriptedHost(pay=[APPROVED]), journal, FakeClock())
    with pytest.raises(NotAPaymentCode):
        payment.pay(1234, "https://example.com")
    payment.pay(1234, ALIPAY)
    with pytest.raises(DuplicateCode):
        payment.pay(1234, ALIPAY)
    assert len(journal.recent()) == 1


def test_the_full_code_is_never_stored(journal, tmp_path):
    flow(ScriptedHost(pay=[APPROVED]), journal, FakeClock()).pay(1234, ALIPAY)
    journal.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert ALIPAY.encode() not in (tmp_path / "payterm.db").read_bytes()


def test_wallet_codes_are_refused_up_front_when_forced_offline(journal):
    from terminal.offline_taking import OfflineRefused
    settings = settings_from({"offline": {"forced_offline": True}})
    host = ScriptedHost()
    with pytest.raises(OfflineRefused) as info:
        WalletPayment(host, journal, settings, FakeClock()).pay(1234, ALIPAY)
    assert "需要联网" in info.value.user_message and host.calls == []
    assert journal.recent() == []


def test_connectivity_monitor_learns_from_pay_and_then_refuses(journal):
    from terminal.connectivity import ConnectivityMonitor
    from terminal.offline_taking import OfflineRefused
    settings = settings_from({"offline": {"breaker_failures": 1}})
    clock = FakeClock()
    monitor = ConnectivityMonitor(settings.offline, clock)
    payment = WalletPayment(ScriptedHost(pay=[HostUnreachable("refused")]), journal, settings,
                            clock, connectivity=monitor)
    assert payment.pay(1234, ALIPAY).state is TxState.DECLINED
    assert not monitor.online
    with pytest.raises(OfflineRefused):
        payment.pay(1234, WECHAT)


# -- answers that are not about this payment ---------------------------------------------
def test_approval_of_another_amount_is_settled_by_query(journal):
    cheap = PayAnswer(PayOutcome.APPROVED, "10000", host_trade_no="H1", total_fen=1)
    host = ScriptedHost(pay=[cheap], query=[q(TradeStatus.TRADE_SUCCESS)])
    result = flow(host, journal, FakeClock()).pay(1234, ALIPAY)
    assert result.approved
    events = [(e["event"], e["state"]) for e in journal.history(result.attempt.out_trade_no)]
    assert ("answer_inconsistent", "answer_inconsistent") in events
    assert events[-1] == ("query_answered", "approved")


def test_host_disagreeing_twice_holds_the_payment(journal):
    cheap = PayAnswer(PayOutcome.APPROVED, "10000", host_trade_no="H1", total_fen=1)
    host = ScriptedHost(pay=[cheap], query=[q(TradeStatus.TRADE_SUCCESS, total_fen=1)])
    result = flow(host, journal, FakeClock()).pay(1234, ALIPAY)
    assert result.state is TxState.HELD and not result.approved
    assert result.attempt.needs_attention and "人工" in result.message
    assert journal.held() == [result.attempt] and journal.unresolved() == []


def test_inconsistent_query_during_resolution_then_consistent_one(journal):
    host = ScriptedHost(pay=[SYSTEM_ERROR],
                        query=[OutcomeUnknown("timeout"), q(TradeStatus.TRADE_SUCCESS, 999),
                               q(TradeStatus.TRADE_SUCCESS)])
    result = flow(host, journal, FakeClock()).pay(1234, ALIPAY)
    assert result.approved and host.count("query") == 3


def test_query_naming_another_host_trade_is_not_about_this_payment(journal):
    waiting = PayAnswer(PayOutcome.WAITING_FOR_PASSWORD, "10003", host_trade_no="H1",
                        total_fen=1234)
    host = ScriptedHost(pay=[waiting], query=[q(TradeStatus.TRADE_SUCCESS, trade_no="H2"),
                                              q(TradeStatus.TRADE_SUCCESS, trade_no="H2")])
    result = flow(host, journal, FakeClock()).pay(1234, ALIPAY)
    assert result.state is TxState.HELD


def test_a_person_rechecks_a_held_payment(journal):
    from terminal.resolution import Resolver
    cheap = PayAnswer(PayOutcome.APPROVED, "10000", host_trade_no="H1", total_fen=1)
    host = ScriptedHost(pay=[cheap], query=[q(TradeStatus.TRADE_SUCCESS, total_fen=1),
                                            q(TradeStatus.TRADE_CLOSED)])
    clock = FakeClock()
    held = flow(host, journal, clock).pay(1234, ALIPAY).attempt
    settled = Resolver(host, journal, settings_from({}).resolver, clock).recheck(held)
    assert settled.state is TxState.CLOSED
    assert [e["event"] for e in journal.history(held.out_trade_no)][-2:] == \
        ["recheck_requested", "query_answered"]


def test_trade_number_taken_at_the_host_is_a_decline_no_query_can_approve(journal):
    """ACQ.CONTEXT_INCONSISTENT: the host holds this number with other content (a lost
    journal numbering again) and took nothing for this request."""
    taken = PayAnswer(PayOutcome.DECLINED, "40004", sub_code="ACQ.CONTEXT_INCONSISTENT")
    host = ScriptedHost(pay=[taken])
    result = flow(host, journal, FakeClock()).pay(1234, ALIPAY)
    assert result.state is TxState.DECLINED and result.attempt.needs_attention
    assert host.count("query") == 0 and "交易号" in result.message


def test_terminal_identity_refusal_says_why(journal):
    from terminal.errors import HostRejected
    refused = HostRejected("40006", code="40006", sub_code="PAYTERM.TERMINAL_ID_CONFLICT")
    result = flow(ScriptedHost(pay=[refused]), journal, FakeClock()).pay(1234, ALIPAY)
    assert result.state is TxState.DECLINED and result.attempt.needs_attention
    assert "终端号冲突" in result.message and "terminal id conflict" in result.message
