"""Wallet payment codes (付款码): classification, masking and the single-use guard.

A code is a string of digits shown on the customer's phone. Which wallet issued it is
known only from its prefix and length; the table is a setting because wallets add
prefixes over time.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Iterable

from terminal.errors import UserFacingError


class Wallet(str, Enum):
    ALIPAY = "alipay"
    WECHAT = "wechat"
    UNIONPAY = "unionpay"

    def __str__(self) -> str:      # as stored in the journal and shown in lists
        return self.value

    @property
    def display_name(self) -> str:
        return {"alipay": "支付宝 Alipay", "wechat": "微信支付 WeChat Pay",
                "unionpay": "云闪付 UnionPay"}[self.value]


@dataclass(frozen=True)
class CodeRule:
    """One row of the prefix/length table: two-digit prefixes lo..hi, lengths lo..hi."""

    wallet: Wallet
    prefix_lo: int
    prefix_hi: int
    length_lo: int
    length_hi: int
    prefix_digits: int = 2

    def matches(self, digits: str) -> bool:
        if not self.length_lo <= len(digits) <= self.length_hi:
            return False
        prefix = int(digits[: self.prefix_digits])
        return self.prefix_lo <= prefix <= self.prefix_hi


#: docs/scanning.md ("Which codes are payment codes"): Alipay 16-24 digits starting
#: 25-30, WeChat Pay 18 digits starting 10-15, UnionPay 19 digits starting 62.
DEFAULT_CODE_RULES: tuple[CodeRule, ...] = (
    CodeRule(Wallet.ALIPAY, 25, 30, 16, 24),
    CodeRule(Wallet.WECHAT, 10, 15, 18, 18),
    CodeRule(Wallet.UNIONPAY, 62, 62, 19, 19),
)


class NotAPaymentCode(UserFacingError):
    """Text that is not any wallet's payment code (a URL, a product barcode, typing)."""


@dataclass(frozen=True)
class PaymentCode:
    """A classified payment code. ``str()`` and ``repr()`` never show the digits."""

    digits: str
    wallet: Wallet

    @property
    def masked(self) -> str:
        return mask_code(self.digits)

    def __str__(self) -> str:
        return self.masked

    def __repr__(self) -> str:
        return f"PaymentCode({self.masked}, {self.wallet.value})"


def mask_code(digits: str) -> str:
    """Keep the first 4 and last 4 characters, star the middle: 2800********1234.

    Short strings are starred entirely apart from their last two characters, so
    nothing code-like ever reaches a log, a screen or a receipt in full.
    """
    text = str(digits)
    if len(text) >= 12:
        return text[:4] + "*" * (len(text) - 8) + text[-4:]
    if len(text) > 2:
        return "*" * (len(text) - 2) + text[-2:]
    return "*" * len(text)


def classify_code(text: str, rules: Iterable[CodeRule] = DEFAULT_CODE_RULES) -> PaymentCode:
    """Classify scanned or typed text as a payment code, or raise NotAPaymentCode
    with a reason a cashier understands."""
    raw = text if isinstance(text, str) else str(text)
    digits = raw.strip()
    if not digits:
        raise NotAPaymentCode("empty code", user_message="未读到付款码 / No code read")
    if not digits.isascii() or not digits.isdigit():
        raise NotAPaymentCode(
            "not a payment code: contains characters other than digits",
            user_message="这不是付款码（含非数字字符）/ Not a payment code (not all digits)")
    for rule in rules:
        if rule.matches(digits):
            return PaymentCode(digits=digits, wallet=rule.wallet)
    raise NotAPaymentCode(
        f"not a payment code: {len(digits)} digits starting {digits[:2]} match no wallet",
        user_message=f"这不是付款码（{len(digits)}位，以{digits[:2]}开头）/ "
                     f"Not a payment code ({len(digits)} digits starting {digits[:2]})")


class DuplicateCode(UserFacingError):
    """The same code presented again within the guard window."""


class DuplicateCodeGuard:
    """Refuses a code seen within ``window_s`` seconds: wallet codes are single-use, so a
    second presentation is a double scan or a replay, never a new payment.

    Pure: the caller passes the monotonic time. Keeps only a hash of each code.
    """

    def __init__(self, window_s: float) -> None:
        self._window_s = window_s
        self._seen: dict[int, float] = {}

    def check_and_remember(self, code: PaymentCode, now_s: float) -> None:
        self._expire(now_s)
        key = hash(("payterm-code", code.digits))
        if key in self._seen:
            raise DuplicateCode(
                f"code {code.masked} was already used {now_s - self._seen[key]:.1f}s ago",
                user_message="该付款码已使用，请刷新付款码 / This code was already used, "
                             "please refresh the payment code")
        self._seen[key] = now_s

    def _expire(self, now_s: float) -> None:
        cutoff = now_s - self._window_s
        for key in [k for k, t in self._seen.items() if t < cutoff]:
            del self._seen[key]
