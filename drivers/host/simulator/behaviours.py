"""Wallet behaviours of the simulator, chosen by the last two digits of the payment code.

The table is documented in docs/host.md; tests and the demo pick a behaviour by making a
code that ends in its digits (``code_for``).
"""

from __future__ import annotations

from enum import Enum


class Behaviour(str, Enum):
    APPROVE = "approve"
    DECLINE_BALANCE = "decline_balance"                 # 81
    DECLINE_INVALID_CODE = "decline_invalid_code"       # 82
    PASSWORD_THEN_SUCCESS = "password_then_success"     # 83
    PASSWORD_THEN_CLOSE = "password_then_close"         # 84
    SYSTEM_ERROR_NO_TRADE = "system_error_no_trade"     # 85
    SYSTEM_ERROR_BUT_PAID = "system_error_but_paid"     # 86
    SLOW_SUCCESS = "slow_success"                       # 87
    DROP_AFTER_COMMIT = "drop_after_commit"             # 88
    CANCEL_NEEDS_RETRY = "cancel_needs_retry"           # 89


SUFFIXES: dict[str, Behaviour] = {
    "81": Behaviour.DECLINE_BALANCE,
    "82": Behaviour.DECLINE_INVALID_CODE,
    "83": Behaviour.PASSWORD_THEN_SUCCESS,
    "84": Behaviour.PASSWORD_THEN_CLOSE,
    "85": Behaviour.SYSTEM_ERROR_NO_TRADE,
    "86": Behaviour.SYSTEM_ERROR_BUT_PAID,
    "87": Behaviour.SLOW_SUCCESS,
    "88": Behaviour.DROP_AFTER_COMMIT,
    "89": Behaviour.CANCEL_NEEDS_RETRY,
}

#: ``default_behaviour`` value meaning "decide by the code's last two digits".
BY_CODE = "by_code"


def behaviour_for_code(auth_code: str, default: str = BY_CODE) -> Behaviour:
    """The behaviour for a code: the configured default, or else by its last two digits."""
    if default != BY_CODE:
        return Behaviour(default)
    return SUFFIXES.get(auth_code[-2:], Behaviour.APPROVE)


def code_for(behaviour: Behaviour, serial: int, prefix: str = "28",
             length: int | None = None) -> str:
    """A unique code that triggers ``behaviour`` (tests, demo): 18 digits by default
    (Alipay with "28", WeChat with "10".."15"), 19 for the UnionPay prefix "62"."""
    suffix = next((s for s, b in SUFFIXES.items() if b is behaviour), "00")
    length = length or (19 if prefix == "62" else 18)
    middle = length - len(prefix) - len(suffix)
    body = f"{serial % 10**middle:0{middle}d}"
    return f"{prefix}{body}{suffix}"
