"""Offline records forwarded to the host in batches, and the host's daily statement.

Plain data in fen. The wire form (``payterm.offline.batch_upload``, ``payterm.bill.daily``)
lives in ``drivers/host``. Sub-codes of the host extensions are named here so that the
offline queue and the reports can recognise them without knowing the wire.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from typing import Any

#: Member extensions' sub-codes (with code 40004). The Alipay ones are reused where the
#: meaning is the same.
SUB_BALANCE_NOT_ENOUGH = "ACQ.BUYER_BALANCE_NOT_ENOUGH"
SUB_MEMBER_NOT_FOUND = "PAYTERM.MEMBER_NOT_FOUND"
SUB_INVALID_RECORD = "PAYTERM.INVALID_RECORD"
SUB_CONTEXT_INCONSISTENT = "ACQ.CONTEXT_INCONSISTENT"   # same out_trade_no, other content
SUB_MEMBER_BUSY = "PAYTERM.MEMBER_BUSY"                 # account locked for a moment: retry

#: Most records one batch may carry; the host refuses larger batches with 40002.
MAX_BATCH_RECORDS = 500


class OfflineTender(str, Enum):
    MEMBER = "member"
    CASH = "cash"


@dataclass(frozen=True)
class OfflineRecord:
    """One payment taken offline, forwarded later. ``out_trade_no`` is the idempotency key.

    ``evidence`` carries the face-match facts (scores, liveness, template version) and
    never an image; the host refuses evidence that looks like one.
    """

    out_trade_no: str
    tender: OfflineTender
    amount_fen: int
    created_at_epoch_s: float
    terminal_id: str
    member_id: str = ""          # required for MEMBER, empty for CASH
    subject: str = ""
    evidence: dict[str, Any] = field(default_factory=dict)


class BatchOutcome(str, Enum):
    ACCEPTED = "accepted"        # the host booked it now
    DUPLICATE = "duplicate"      # the host already had it: counts as accepted
    DECLINED = "declined"        # final refusal (late decline): goes on the exception list
    RETRYABLE = "retryable"      # not booked; send it again later


@dataclass(frozen=True)
class BatchItemResult:
    out_trade_no: str
    outcome: BatchOutcome
    reason_code: str = ""        # the host's sub_code when declined or retryable
    reason_msg: str = ""
    host_trade_no: str = ""

    @property
    def booked(self) -> bool:
        """True when the host holds the record (accepted now or before)."""
        return self.outcome in (BatchOutcome.ACCEPTED, BatchOutcome.DUPLICATE)


@dataclass(frozen=True)
class StatementLine:
    """One trade as the host sees it. ``tender``: wallet | member | cash;
    ``state``: a TradeStatus value (TRADE_SUCCESS, TRADE_CLOSED, WAIT_BUYER_PAY, ...)."""

    out_trade_no: str
    tender: str
    wallet: str                  # alipay | wechat | unionpay for wallet trades, else ""
    amount_fen: int
    state: str
    refunded_fen: int = 0
    host_trade_no: str = ""
    member_id: str = ""
    offline: bool = False        # arrived through the batch upload
    created_at_epoch_s: float = 0.0

    @property
    def net_fen(self) -> int:
        """What the host finally kept from this trade."""
        if self.state not in ("TRADE_SUCCESS", "TRADE_FINISHED") and not self.refunded_fen:
            return 0
        return self.amount_fen - self.refunded_fen


@dataclass(frozen=True)
class DailyStatement:
    terminal_id: str
    day: date
    lines: tuple[StatementLine, ...]

    def by_trade_no(self) -> dict[str, StatementLine]:
        return {line.out_trade_no: line for line in self.lines}

    @property
    def net_total_fen(self) -> int:
        return sum(line.net_fen for line in self.lines)
