"""The wallets' published rules for a payment whose outcome is not known yet, as the
back office's connectors follow them (pure: no clock, no I/O).

WeChat Pay v2 (micropay): ``USERPAYING`` -> ``orderquery`` every 5 s for up to 30 s
after the pay call, then ``reverse``; ``SYSTEMERROR`` or no answer -> ``orderquery``;
``reverse`` never earlier than 15 s after the pay call, and called again while its
answer says ``recall=Y``.

Alipay (alipay.trade.pay): 10003 -> poll by query every 3 s for up to 30 s, then
``cancel``; 20000 or no answer -> query; an order the wallet does not know after an
unknown pay -> ``cancel`` (which closes it, so a late pay is refused); a cancel answered
with ``retry_flag=Y`` is called again.

Phases of a journaled wallet payment: ``sending`` (the pay call may or may not have
left), ``waiting`` (the buyer is entering a password), ``unknown`` (no trustworthy
answer), ``reversing`` (cancel/reverse decided, not confirmed), ``final``.
"""

from __future__ import annotations

from dataclasses import dataclass

ALIPAY, WECHAT = "alipay", "wechat"


@dataclass(frozen=True)
class WalletTiming:
    poll_interval_s: float
    poll_budget_s: float           # from the pay call, then cancel / reverse
    reverse_not_before_s: float    # from the pay call
    retry_interval_s: float        # a cancel / reverse asked to retry, or no answer


TIMINGS = {
    WECHAT: WalletTiming(poll_interval_s=5.0, poll_budget_s=30.0, reverse_not_before_s=15.0,
                         retry_interval_s=5.0),
    ALIPAY: WalletTiming(poll_interval_s=3.0, poll_budget_s=30.0, reverse_not_before_s=0.0,
                         retry_interval_s=3.0),
}


@dataclass(frozen=True)
class Step:
    action: str          # "query" | "reverse" | "none"
    due_at: float


def next_step(wallet: str, phase: str, pay_sent_at: float, now: float, *,
              not_found: bool = False, queried: bool = True,
              timing: WalletTiming | None = None) -> Step:
    """What to do next for a journaled wallet payment, and from when.

    ``not_found``: the last query said the wallet has no such order (after a pay whose
    answer never came, the order is closed by cancel/reverse, never assumed absent).
    ``queried``: the wallet was asked at least once since the pay; a pay without any
    answer is always asked about before it is reversed (it may have been paid).
    """
    rules = timing or TIMINGS[wallet]
    earliest_reverse = pay_sent_at + rules.reverse_not_before_s
    if phase == "final":
        return Step("none", now)
    if phase == "reversing" or not_found:
        return Step("reverse", max(now, earliest_reverse))
    if phase in ("sending", "unknown") and not queried:
        # The pay may still be in flight (a crash after journaling): ask first.
        return Step("query", now)
    if now >= pay_sent_at + rules.poll_budget_s:
        return Step("reverse", max(now, earliest_reverse))
    return Step("query", now)


def next_poll_at(wallet: str, now: float, pay_sent_at: float,
                 timing: WalletTiming | None = None) -> float:
    """When to ask again after a waiting or unknown answer: one poll interval later,
    but not past the budget (then it is time to reverse)."""
    rules = timing or TIMINGS[wallet]
    return min(now + rules.poll_interval_s, pay_sent_at + rules.poll_budget_s)


def retry_at(wallet: str, now: float, timing: WalletTiming | None = None) -> float:
    return now + (timing or TIMINGS[wallet]).retry_interval_s
