"""Plain values the services hand to the screens (no Qt, no drivers inside)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Callable

from terminal.attempt import Tender
from terminal.bilingual import Bilingual


class Outcome(str, Enum):
    IN_PROGRESS = "in_progress"
    APPROVED = "approved"
    DECLINED = "declined"
    WAITING_PASSWORD = "waiting_password"   # the customer confirms in the wallet app
    RESOLVING = "resolving"                 # unknown: the resolver is finding out
    HELD = "held"                           # host answers inconsistent: staff must look


@dataclass(frozen=True)
class PaymentView:
    """One report about one payment, for whoever started it (``request_id``)."""

    out_trade_no: str
    amount_fen: int
    tender: str                 # "wallet" | "member" | "cash"
    outcome: Outcome
    message: Bilingual          # from the domain (a host's words are never split)
    reason: str = ""            # decline reason code (sub_code)
    payer: str = ""             # masked code or member reference
    offline: bool = False
    change_fen: int = 0         # cash: change to give
    wait_s_left: float = 0.0    # waiting for the password: seconds the terminal still waits
    request_id: str = ""        # the id ``PaymentService.start`` returned for this payment


@dataclass(frozen=True)
class TxRow:
    """One line of today's transactions."""

    out_trade_no: str
    time: str
    amount_fen: int
    tender: str
    payer: str
    state: str
    reason: str
    refundable_fen: int
    offline: bool
    message: Bilingual


@dataclass(frozen=True)
class TxLists:
    recent: tuple[TxRow, ...]
    unresolved: tuple[TxRow, ...]
    exceptions: tuple[TxRow, ...]   # offline sales the host declined afterwards


@dataclass(frozen=True)
class RefundView:
    out_trade_no: str
    accepted: bool
    amount_fen: int
    message: Bilingual


@dataclass(frozen=True)
class ReceiptView:
    out_trade_no: str
    preview_text: str
    printed: bool
    problem: str = ""           # bilingual sentence when not printed


@dataclass(frozen=True)
class EndOfDayView:
    closed: bool
    report_text: str            # the Z-report, or why the day cannot be closed
    blockers: tuple[str, ...] = ()


@dataclass(frozen=True)
class TerminalStatus:
    """What the offline banner and the tender buttons show."""

    host_online: bool
    unsynced_count: int = 0
    unsynced_fen: int = 0
    unresolved_count: int = 0
    exception_count: int = 0
    held_count: int = 0         # payments/refunds held: host answers inconsistent (alarm)
    detail: str = ""            # why the host is considered offline


@dataclass(frozen=True)
class PreviewFrame:
    """One camera picture for the screen, with what the workers found on it."""

    image: Any                  # QImage (made on the worker thread, owned by this value)
    code_box: tuple[tuple[int, int], ...] = ()      # polygon of the detected code
    face_box: tuple[float, float, float, float] | None = None
    seq: int = 0


@dataclass(frozen=True)
class FaceProgress:
    stage: str                  # "looking" | "challenge" | "identified"
    guidance: str               # bilingual sentence for the customer
    challenge: str = ""         # "blink" | "turn_left" | ...


@dataclass(frozen=True)
class FaceMatch:
    member_id: str
    member_label: str           # masked, safe to show
    step_up: bool               # ask the phone last 4 digits before paying
    phone_last4: str = field(default="", repr=False)   # kept off logs and reprs
    evidence: dict = field(default_factory=dict, repr=False)


@dataclass(frozen=True)
class EnrolmentView:
    member_id: str
    ok: bool
    message: str


@dataclass(frozen=True)
class SelfTestView:
    overall: str
    lines: tuple[tuple[str, str, str], ...]    # (check, status, sentence)


@dataclass(frozen=True)
class Capability:
    """Whether a capability can be used now, and why not."""

    available: bool
    reason: Bilingual | str = ""    # when unavailable: a pair or a "中文 / English" constant


@dataclass(frozen=True)
class PaymentOrder:
    """A payment someone asks for: the tender, the amount, and what that tender needs
    (the code read, the cash handed over, the identified member)."""

    tender: Tender
    amount_fen: int
    code: str = field(default="", repr=False)      # a payment code: never in a repr
    tendered_fen: int = 0                           # cash: what the customer handed over
    match: FaceMatch | None = None                  # member: who was identified

    @classmethod
    def with_code(cls, amount_fen: int, code: str) -> "PaymentOrder":
        return cls(Tender.WALLET, amount_fen, code=code)

    @classmethod
    def with_cash(cls, amount_fen: int, tendered_fen: int) -> "PaymentOrder":
        return cls(Tender.CASH, amount_fen, tendered_fen=tendered_fen)

    @classmethod
    def for_member(cls, amount_fen: int, match: FaceMatch | None) -> "PaymentOrder":
        return cls(Tender.MEMBER, amount_fen, match=match)


#: Called on the GUI thread with every PaymentView of one payment, the last one final.
PaymentReply = Callable[[PaymentView], None]
