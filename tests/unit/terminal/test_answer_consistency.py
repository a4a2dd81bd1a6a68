"""The domain's own checks of host answers against the journal (property tests)."""

from __future__ import annotations

from hypothesis import given, strategies as st

from terminal.answer_consistency import pay_problems, query_problems, refund_problems
from terminal.attempt import Attempt, Tender
from terminal.host_messages import (PayAnswer, PayOutcome, QueryAnswer, RefundAnswer,
                                    TradeStatus)
from terminal.transaction import TxState

fen = st.integers(min_value=1, max_value=10**8)
paid_or_not = st.sampled_from([s for s in TradeStatus if s is not TradeStatus.NOT_EXIST])


def attempt(amount_fen: int, host_trade_no: str = "") -> Attempt:
    return Attempt("T1", 1, Tender.WALLET, "alipay", "28**", amount_fen, "s",
                   TxState.RESOLVING, 0.0, 0.0, host_trade_no=host_trade_no)


@given(fen, fen, paid_or_not)
def test_query_of_another_amount_is_never_about_this_payment(ours, theirs, status):
    problems = query_problems(attempt(ours), QueryAnswer(status, "10000", total_fen=theirs))
    assert bool(problems) == (ours != theirs)


@given(fen, st.text(min_size=1, max_size=8), st.text(min_size=1, max_size=8))
def test_query_naming_another_host_trade_is_refused(amount, before, now):
    problems = query_problems(attempt(amount, before),
                              QueryAnswer(TradeStatus.TRADE_SUCCESS, "10000",
                                          host_trade_no=now, total_fen=amount))
    assert bool(problems) == (before != now)


def test_a_trade_that_does_not_exist_has_no_amount_to_compare():
    assert query_problems(attempt(100), QueryAnswer(TradeStatus.NOT_EXIST, "40004")) == ()


@given(fen, fen)
def test_approval_must_be_for_this_amount_with_a_host_trade_number(ours, theirs):
    answer = PayAnswer(PayOutcome.APPROVED, "10000", host_trade_no="H", total_fen=theirs)
    assert bool(pay_problems(ours, answer)) == (ours != theirs)
    assert pay_problems(ours, PayAnswer(PayOutcome.APPROVED, "10000", total_fen=ours))
    assert pay_problems(ours, PayAnswer(PayOutcome.DECLINED, "40004", total_fen=1)) == ()


@given(fen, fen)
def test_refunds_cannot_exceed_the_sale(sale, total):
    answer = RefundAnswer(True, 1, "10000", total_refunded_fen=total)
    assert bool(refund_problems(attempt(sale), answer)) == (total > sale)
