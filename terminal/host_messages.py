"""What the terminal asks the payment host and what it hears back, as plain data.

The wire form (form-encoded, ``biz_content`` JSON, yuan strings, RSA2) lives in
``drivers/host``; here every amount is fen and every answer is already classified.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

# Result codes of the Alipay face-to-face API, which the host follows.
CODE_SUCCESS = "10000"
CODE_WAITING = "10003"        # user is entering the password
CODE_SYSTEM_ERROR = "20000"   # unknown: query before deciding anything
CODE_BUSINESS_FAILED = "40004"
CODE_INVALID_PARAMS = "40002"  # includes bad signature: the request was refused


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
    evidence: dict = field(default_factory=dict)   # scores, liveness, template version


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


@dataclass(frozen=True)
class PingAnswer:
    host_time_epoch_s: float
    round_trip_s: float
