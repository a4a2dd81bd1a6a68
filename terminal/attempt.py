"""One payment attempt as the journal keeps it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from terminal.payment_code import Wallet
from terminal.transaction import TxState


class Tender(str, Enum):
    WALLET = "wallet"      # a wallet payment code (online only)
    MEMBER = "member"      # closed-loop member account (face-pay), may be offline
    CASH = "cash"          # may be offline

    @property
    def display_name(self) -> str:
        return {"wallet": "付款码 Payment code", "member": "会员 Member",
                "cash": "现金 Cash"}[self.value]


@dataclass(frozen=True)
class Attempt:
    out_trade_no: str
    seq: int
    tender: Tender
    wallet: Wallet | None       # which wallet issued the code; None for member and cash
    code_masked: str            # masked payment code; the full code is never stored
    amount_fen: int
    subject: str
    state: TxState
    created_at: float
    updated_at: float
    first_request_at: float | None = None
    host_trade_no: str = ""
    result_code: str = ""
    sub_code: str = ""
    sub_msg: str = ""
    waiting_for_password: bool = False
    query_count: int = 0
    last_query_at: float | None = None
    cancel_count: int = 0
    last_cancel_at: float | None = None
    cancelling: bool = False
    needs_attention: bool = False
    refunded_fen: int = 0
    offline: bool = False
    member_ref: str = ""        # masked member reference for display

    def __post_init__(self) -> None:
        # The journal stores the wallet's name; "" for member and cash tenders.
        if not isinstance(self.wallet, Wallet):
            object.__setattr__(self, "wallet", Wallet(self.wallet) if self.wallet else None)

    @property
    def started_at(self) -> float:
        """When the money may have started to move: the first request, else creation."""
        return self.first_request_at if self.first_request_at is not None else self.created_at

    @property
    def refundable_fen(self) -> int:
        if self.state not in (TxState.APPROVED, TxState.PARTIALLY_REFUNDED):
            return 0
        return self.amount_fen - self.refunded_fen
