"""What a wallet said, in one shape for both wallets, after every check.

A connector turns each raw answer into a ``WalletAnswer`` only when it is signed by the
wallet's key AND about this very request (order number, amount, account ids); anything
else is ``UNKNOWN`` with the reason, so nothing is ever approved or closed on an answer
that is not about this payment.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Outcome(str, Enum):
    PAID = "paid"                 # the money is taken
    WAITING = "waiting"           # the buyer is entering a password (10003 / USERPAYING)
    DECLINED = "declined"         # final refusal, nothing taken
    CLOSED = "closed"             # the order is closed / reversed / cancelled
    NOT_FOUND = "not_found"       # the wallet has no such order
    RETRY = "retry"               # cancel / reverse: the wallet asks to call again
    REFUNDED = "refunded"         # a refund was accepted
    UNKNOWN = "unknown"           # no answer, system error, or an answer we cannot trust


@dataclass(frozen=True)
class WalletAnswer:
    outcome: Outcome
    code: str = ""                 # the wallet's own sub_code / err_code
    message: str = ""              # for the cashier and the log (no secrets, no codes)
    wallet_trade_no: str = ""      # Alipay trade_no / WeChat transaction_id
    buyer_id: str = ""
    action: str = ""               # cancel: close | refund

    @property
    def final(self) -> bool:
        return self.outcome not in (Outcome.WAITING, Outcome.UNKNOWN, Outcome.RETRY)


def unknown(reason: str, code: str = "") -> WalletAnswer:
    return WalletAnswer(Outcome.UNKNOWN, code=code, message=reason[:200])


class WalletRefusedRequest(Exception):
    """The wallet refused the request itself (bad signature, bad parameter): a setting
    is wrong at the back office. Nothing was done at the wallet."""
