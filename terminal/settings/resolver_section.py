"""Time budgets for resolving a payment whose outcome is unknown, per wallet.

Defaults follow the wallets' published rules (docs/host.md, "Unknown outcomes"): WeChat
queries 5 s after a system error, re-queries about every 10 s and reverses no earlier
than 15 s after the charge; Alipay polls every 3-5 s and cancels when the budget runs
out.
"""

from __future__ import annotations

from dataclasses import dataclass

from terminal.settings.schema import setting


@dataclass(frozen=True)
class WalletTimings:
    first_query_delay_s: float = setting(0.0, min=0, max=120)
    poll_interval_s: float = setting(5.0, min=0.01, max=120)
    poll_budget_s: float = setting(60.0, min=0, max=3600,
                                   doc="how long to keep polling before cancelling")
    cancel_not_before_s: float = setting(0.0, min=0, max=600,
                                         doc="no cancel/reverse earlier than this after the charge")
    cancel_retry_interval_s: float = setting(5.0, min=0.01, max=600)
    cancel_max_attempts: int = setting(10, min=1, max=1000,
                                       doc="after this many, the attempt stays unresolved and visible")


@dataclass(frozen=True)
class ResolverSettings:
    alipay: WalletTimings = WalletTimings(first_query_delay_s=0.0, poll_interval_s=4.0,
                                          poll_budget_s=60.0, cancel_not_before_s=0.0)
    wechat: WalletTimings = WalletTimings(first_query_delay_s=5.0, poll_interval_s=10.0,
                                          poll_budget_s=60.0, cancel_not_before_s=15.0)
    unionpay: WalletTimings = WalletTimings(first_query_delay_s=5.0, poll_interval_s=5.0,
                                            poll_budget_s=60.0, cancel_not_before_s=15.0)
    member: WalletTimings = WalletTimings(first_query_delay_s=0.0, poll_interval_s=2.0,
                                          poll_budget_s=20.0, cancel_not_before_s=0.0)
    idle_sleep_s: float = setting(1.0, min=0.01, max=60,
                                  doc="how often the resolver looks for work when idle")
