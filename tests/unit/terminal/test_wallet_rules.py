"""The wallets' published rules as the back office follows them (terminal/wallet_rules.py):
WeChat Pay polls every 5 s for 30 s and reverses no earlier than 15 s after the pay;
Alipay polls every 3 s for 30 s; an unanswered pay is always asked about first."""

from __future__ import annotations

import pytest

from terminal.wallet_rules import (ALIPAY, TIMINGS, WECHAT, WalletTiming, next_poll_at,
                                   next_step, retry_at)

PAY_AT = 1_000.0


def test_the_published_timings():
    assert TIMINGS[WECHAT] == WalletTiming(poll_interval_s=5.0, poll_budget_s=30.0,
                                           reverse_not_before_s=15.0, retry_interval_s=5.0)
    assert (TIMINGS[ALIPAY].poll_interval_s, TIMINGS[ALIPAY].poll_budget_s,
            TIMINGS[ALIPAY].reverse_not_before_s) == (3.0, 30.0, 0.0)


@pytest.mark.parametrize("wallet, interval", [(WECHAT, 5.0), (ALIPAY, 3.0)])
def test_a_waiting_buyer_is_polled_at_the_wallets_interval_until_the_budget(wallet, interval):
    polls, now = [], PAY_AT
    while next_step(wallet, "waiting", PAY_AT, now).action == "query":
        polls.append(now - PAY_AT)
        now = next_poll_at(wallet, now, PAY_AT)
    assert polls == [interval * i for i in range(len(polls))]
    assert polls[-1] < 30.0 <= now - PAY_AT              # then the budget is spent
    step = next_step(wallet, "waiting", PAY_AT, now)
    assert step.action == "reverse" and step.due_at == now


def test_the_last_poll_is_not_later_than_the_budget():
    assert next_poll_at(WECHAT, PAY_AT + 28.0, PAY_AT) == PAY_AT + 30.0
    assert next_poll_at(ALIPAY, PAY_AT + 29.0, PAY_AT) == PAY_AT + 30.0


@pytest.mark.parametrize("phase", ["reversing", "waiting", "unknown"])
def test_wechat_never_reverses_earlier_than_15s_after_the_pay(phase):
    for now in (PAY_AT, PAY_AT + 2.0, PAY_AT + 14.9):
        step = next_step(WECHAT, phase, PAY_AT, now, not_found=True)
        assert step.action == "reverse" and step.due_at == PAY_AT + 15.0
    later = next_step(WECHAT, "reversing", PAY_AT, PAY_AT + 40.0)
    assert later.due_at == PAY_AT + 40.0


def test_alipay_cancels_at_once_when_the_order_is_unknown_to_it():
    step = next_step(ALIPAY, "unknown", PAY_AT, PAY_AT + 1.0, not_found=True)
    assert (step.action, step.due_at) == ("reverse", PAY_AT + 1.0)


@pytest.mark.parametrize("wallet", [WECHAT, ALIPAY])
@pytest.mark.parametrize("phase", ["sending", "unknown"])
def test_an_unanswered_pay_is_asked_about_before_anything_else(wallet, phase):
    # Even past the budget (a back office that was down for a minute): it may be paid.
    step = next_step(wallet, phase, PAY_AT, PAY_AT + 90.0, queried=False)
    assert (step.action, step.due_at) == ("query", PAY_AT + 90.0)
    assert next_step(wallet, phase, PAY_AT, PAY_AT + 90.0, queried=True).action == "reverse"


def test_a_final_payment_needs_nothing_and_retries_wait_the_interval():
    assert next_step(WECHAT, "final", PAY_AT, PAY_AT + 5).action == "none"
    assert retry_at(WECHAT, PAY_AT) == PAY_AT + 5.0
    assert retry_at(ALIPAY, PAY_AT) == PAY_AT + 3.0
    fast = WalletTiming(0.5, 3.0, 1.5, 0.5)           # the tests' tenth of the real rules
    assert next_step(WECHAT, "reversing", PAY_AT, PAY_AT, timing=fast).due_at == PAY_AT + 1.5
