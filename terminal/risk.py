"""Step-up and velocity rules for face-pay (pure, no I/O).

After a face was identified and found live, ``RiskRules.assess`` says whether to pay,
to ask for the member's phone last 4 digits first (step-up), or to refuse face-pay for
this attempt. Whatever the answer, a non-face way to pay is always offered.

Velocity is counted per member over a sliding window; the kiosk records each approved
face payment with ``record_payment``. With a ``VelocityLedger`` (the face store) the
payments are persisted, so the limits survive a restart; a ledger that cannot be read
refuses face-pay (the limit cannot be checked), one that cannot be written keeps the
payment in memory for this process and logs it.
"""

from __future__ import annotations

import hmac
import logging
from collections import deque
from dataclasses import dataclass, field
from enum import Enum
from typing import Callable, Protocol

from terminal.errors import TerminalError

from terminal.face_policy import Decision, IdentificationResult
from terminal.settings.face_section import FaceSettings

log = logging.getLogger(__name__)

#: Offered on every face-pay screen and after every refusal.
NON_FACE_TENDERS = ("payment_code", "cash")


class RiskAction(str, Enum):
    ALLOW = "allow"
    STEP_UP = "step_up"      # ask the phone last 4 digits (or PIN) before paying
    REFUSE = "refuse"        # no face-pay for this attempt; use another tender


class StepUpMethod(str, Enum):
    PHONE_LAST4 = "phone_last4"
    PIN = "pin"


@dataclass(frozen=True)
class RiskDecision:
    action: RiskAction
    method: StepUpMethod | None
    reasons: tuple[str, ...]
    message: str                                   # bilingual, for the customer
    other_tenders: tuple[str, ...] = NON_FACE_TENDERS


class VelocityLedger(Protocol):
    """Persisted face payments per member (``offline_queue.face_store.FaceStore``).
    Blocking (SQLite), called on the caller's thread; raises TerminalError."""

    def record_face_payment(self, member_id: str, amount_fen: int, at_s: float,
                            keep_s: float) -> None:
        """Store one approved payment; entries older than ``keep_s`` may be dropped."""

    def face_payments_since(self, member_id: str, since_s: float) -> list[tuple[float, int]]:
        """(time_s, amount_fen) of the member's payments after ``since_s``."""


class DeferredLedger:
    """A ledger opened on first use (on the thread that uses it: SQLite connections
    stay on the thread that opened them)."""

    def __init__(self, open_ledger: Callable[[], VelocityLedger]) -> None:
        self._open = open_ledger
        self._ledger: VelocityLedger | None = None

    def _get(self) -> VelocityLedger:
        if self._ledger is None:
            self._ledger = self._open()
        return self._ledger

    def record_face_payment(self, member_id: str, amount_fen: int, at_s: float,
                            keep_s: float) -> None:
        self._get().record_face_payment(member_id, amount_fen, at_s, keep_s)

    def face_payments_since(self, member_id: str, since_s: float) -> list[tuple[float, int]]:
        return self._get().face_payments_since(member_id, since_s)


@dataclass
class RiskRules:
    """Velocity per member from ``ledger`` (plus payments it could not store) or, with
    no ledger, from memory; every time is passed in."""

    settings: FaceSettings
    ledger: VelocityLedger | None = None
    _history: dict[str, deque[tuple[float, int]]] = field(default_factory=dict)   # not in the ledger

    def assess(self, result: IdentificationResult, amount_fen: int, *, now_s: float,
               failed_attempts: int = 0,
               method: StepUpMethod = StepUpMethod.PHONE_LAST4) -> RiskDecision:
        """Decide for an identification whose decision is PAY.

        ``failed_attempts``: face attempts that failed in this checkout so far.
        ``method``: what to ask for when a step-up is needed (PIN when the host holds
        member PINs, else the phone last 4 digits kept with the enrolment).
        """
        s = self.settings
        if result.decision is not Decision.PAY or result.member_id is None:
            return RiskDecision(RiskAction.REFUSE, None, ("not_identified",),
                                "刷脸未通过，请换其他方式付款 / Face-pay not possible, "
                                "please pay another way")
        try:
            count, total = self._window(result.member_id, now_s)
        except TerminalError as exc:
            log.warning("velocity history unreadable, face-pay refused: %s", exc)
            return RiskDecision(RiskAction.REFUSE, None, ("velocity_unavailable",),
                                "暂时无法刷脸支付，请换其他方式付款 / Face-pay is not "
                                "available now, please pay another way")
        if count + 1 > s.velocity_max_count or total + amount_fen > s.velocity_max_fen:
            return RiskDecision(RiskAction.REFUSE, None, ("velocity",),
                                "刷脸支付次数或金额已达上限，请换其他方式付款 / Face-pay "
                                "limit reached, please pay another way")
        reasons = []
        if amount_fen >= s.step_up_amount_fen:
            reasons.append("amount")
        if result.margin < s.step_up_margin:
            reasons.append("low_margin")
        if failed_attempts >= s.step_up_after_failures:
            reasons.append("failed_attempts")
        if not reasons:
            return RiskDecision(RiskAction.ALLOW, None, (), "")
        ask = ("请输入手机号后四位 / Enter the last 4 digits of your phone"
               if method is StepUpMethod.PHONE_LAST4 else
               "请输入支付密码 / Enter your payment PIN")
        return RiskDecision(RiskAction.STEP_UP, method, tuple(reasons), ask)

    def record_payment(self, member_id: str, amount_fen: int, now_s: float) -> None:
        """Count an approved face payment in the member's velocity window."""
        if self.ledger is not None:
            try:
                self.ledger.record_face_payment(member_id, amount_fen, now_s,
                                                self.settings.velocity_window_s)
                return
            except TerminalError as exc:
                log.warning("face payment not stored for velocity, kept in memory: %s", exc)
        self._history.setdefault(member_id, deque()).append((now_s, amount_fen))

    def _window(self, member_id: str, now_s: float) -> tuple[int, int]:
        cutoff = now_s - self.settings.velocity_window_s
        entries = self._history.get(member_id, deque())
        while entries and entries[0][0] <= cutoff:
            entries.popleft()
        stored = self.ledger.face_payments_since(member_id, cutoff) if self.ledger else []
        amounts = [fen for _, fen in entries] + [fen for _, fen in stored]
        return len(amounts), sum(amounts)


def phone_last4_matches(given: str, phone_last4: str) -> bool:
    """Constant-time check of the digits the member typed against the enrolled ones."""
    given = given.strip()
    if len(given) != 4 or not given.isdigit() or len(phone_last4) != 4:
        return False
    return hmac.compare_digest(given.encode(), phone_last4.encode())
