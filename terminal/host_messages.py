"""What the terminal asks the payment host and what it hears back, as plain data.

The wire form (form-encoded, ``biz_content`` JSON, yuan strings, RSA2) lives in
``drivers/host``; here every amount is fen and every answer is already classified.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from terminal.bilingual import Bilingual

# Result codes of the Alipay face-to-face API, which the host follows.
CODE_SUCCESS = "10000"
CODE_WAITING = "10003"        # user is entering the password
CODE_SYSTEM_ERROR = "20000"   # unknown: query before deciding anything
CODE_BUSINESS_FAILED = "40004"
CODE_INVALID_PARAMS = "40002"  # includes bad signature: the request was refused
CODE_INSUFFICIENT_PERMISSIONS = "40006"   # terminal identity refused; nothing booked


class TerminalRefusal(str, Enum):
    """``sub_code`` of a 40006 answer: the host refuses this terminal's identity."""

    UNKNOWN = "PAYTERM.TERMINAL_UNKNOWN"
    DISABLED = "PAYTERM.TERMINAL_DISABLED"
    ID_CONFLICT = "PAYTERM.TERMINAL_ID_CONFLICT"

    @property
    def meaning(self) -> tuple[str, str]:
        """(简体中文, English) for the cashier and the technician."""
        return _REFUSAL_MEANINGS[self]


_REFUSAL_MEANINGS = {
    TerminalRefusal.UNKNOWN: ("平台未登记此终端号，请技术人员在后台登记终端",
                              "the host does not know this terminal id; a technician must "
                              "register the terminal in the back office"),
    TerminalRefusal.DISABLED: ("此终端已在后台停用，请联系商户管理员",
                               "this terminal is disabled in the back office; ask the "
                               "merchant's administrator"),
    TerminalRefusal.ID_CONFLICT: ("终端号冲突：另一台终端（或另一份交易日志）正在使用同一终端号，"
                                  "请技术人员检查终端配置",
                                  "terminal id conflict: another terminal (or another "
                                  "journal) is using the same terminal id; a technician "
                                  "must check the terminal's configuration"),
}


def terminal_refusal_text(sub_code: str) -> Bilingual | None:
    """The bilingual sentence for a 40006 sub_code (None when it is not one)."""
    try:
        zh, en = TerminalRefusal(sub_code).meaning
    except ValueError:
        return None
    return Bilingual(zh, en)


class PayOutcome(str, Enum):
    APPROVED = "approved"
    DECLINED = "declined"
    WAITING_FOR_PASSWORD = "waiting_for_password"
    UNKNOWN = "unknown"


class TradeStatus(str, Enum):
    """``trade_status`` of a query, plus NOT_EXIST for ACQ.TRADE_NOT_EXIST."""

    WAIT_BUYER_PAY = "WAIT_BUYER_PAY"
    TRADE_SUCCESS = "TRADE_SUCCESS"
    TRADE_FINISHED = "TRADE_FINISHED"
    TRADE_CLOSED = "TRADE_CLOSED"
    NOT_EXIST = "NOT_EXIST"


@dataclass(frozen=True)
class PayRequest:
    out_trade_no: str
    auth_code: str              # the customer's payment code, digits; never logged
    total_fen: int
    subject: str
    terminal_id: str
    scene: str = "bar_code"


@dataclass(frozen=True)
class MemberPayRequest:
    """A closed-loop member payment (face-pay). Carries match evidence, never images."""

    out_trade_no: str
    member_id: str
    total_fen: int
    subject: str
    terminal_id: str
    evidence: dict[str, Any] = field(default_factory=dict)   # scores, liveness, template version


@dataclass(frozen=True)
class PayAnswer:
    outcome: PayOutcome
    code: str
    msg: str = ""
    sub_code: str = ""
    sub_msg: str = ""
    host_trade_no: str = ""
    total_fen: int = 0
    buyer_id: str = ""


@dataclass(frozen=True)
class QueryAnswer:
    status: TradeStatus
    code: str
    host_trade_no: str = ""
    total_fen: int = 0
    sub_code: str = ""
    sub_msg: str = ""


@dataclass(frozen=True)
class CancelAnswer:
    """``done`` when the trade is cancelled (or was never there); ``retry`` when the host
    says try again (Alipay ``retry_flag=Y``)."""

    done: bool
    retry: bool
    action: str = ""            # close | refund | "" (Alipay's ``action``)
    code: str = ""
    sub_code: str = ""
    sub_msg: str = ""


@dataclass(frozen=True)
class RefundAnswer:
    accepted: bool
    refund_fen: int
    code: str
    sub_code: str = ""
    sub_msg: str = ""
    total_refunded_fen: int | None = None    # ``refund_fee``: refunded on the trade so far
    host_trade_no: str = ""


@dataclass(frozen=True)
class PingAnswer:
    host_time_epoch_s: float
    round_trip_s: float
