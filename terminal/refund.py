"""Refunding an approved sale, in part or in full, exactly once.

The refund request is journaled (with its ``out_request_no``) before it is sent; the
host is idempotent by that number, so an unknown answer is resolved by sending the same
request again, never a new one.

A signed answer that is not about the refund (another trade or request number, another
amount, another method's answer) records no refund: the request is kept
``answer_inconsistent`` and the next refund of that sale sends the same request again;
if the host disagrees again it is ``held`` for a person (the sale is flagged, end of day
refuses to close until a consistent answer settles it).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import Enum

from terminal.answer_consistency import SUB_ANSWER_INCONSISTENT, refund_problems
from terminal.attempt import Attempt
from terminal.bilingual import Bilingual
from terminal.errors import AnswerInconsistent, HostError, UserFacingError
from terminal.money import format_amount
from terminal.ports.host import Clock, PaymentHost
from terminal.ports.journal import AttemptChanges, RefundJournal
from terminal.transaction import TxState

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RefundResult:
    attempt: Attempt
    out_request_no: str
    accepted: bool
    message: Bilingual


class RefundState(str, Enum):
    """State of one refund request (``out_request_no``) in the journal."""

    UNKNOWN = "unknown"                        # sent (or about to be), no usable answer
    ACCEPTED = "accepted"
    REFUSED = "refused"
    INCONSISTENT = "answer_inconsistent"       # a signed answer about something else
    HELD = "held"                              # ... twice: a person must look

    @property
    def in_doubt(self) -> bool:
        """The host may have refunded: the same request must be sent again."""
        return self in (RefundState.UNKNOWN, RefundState.INCONSISTENT, RefundState.HELD)


INCONSISTENT_REFUND = Bilingual("主机应答不一致，退款未记录；再次退款将重发同一请求",
                                "Host answer inconsistent: no refund recorded; refunding "
                                "again re-sends the same request")
HELD_REFUND = Bilingual("主机应答仍不一致，退款已挂起待人工处理",
                        "Host answer still inconsistent: the refund is held for staff")


class RefundError(UserFacingError):
    """A refund that cannot be made (wrong state, amount too large, not yet synced)."""


def refund_request_no(attempt: Attempt, existing: int) -> str:
    return f"{attempt.out_trade_no}R{existing + 1}"


class Refunds:
    """Blocking (network): call from a worker thread. ``journal`` is a SqliteJournal-like
    object with ``get``, ``mark``, ``record_refund`` and ``refunds``."""

    def __init__(self, host: PaymentHost, journal: RefundJournal, clock: Clock) -> None:
        self._host = host
        self._journal = journal
        self._clock = clock

    def refund(self, out_trade_no: str, amount_fen: int, reason: str = "") -> RefundResult:
        attempt = self._journal.get(out_trade_no)
        if attempt is None:
            raise RefundError(f"no sale {out_trade_no}",
                              user_message=f"找不到交易 {out_trade_no} / No sale {out_trade_no}")
        if attempt.offline:
            raise RefundError("the original sale is not synced yet",
                              user_message="原交易尚未上传，暂不能退款 / The sale is not synced yet; "
                                           "refund after it is uploaded")
        if attempt.refundable_fen <= 0:
            raise RefundError(f"{out_trade_no} is {attempt.state.value}, nothing to refund",
                              user_message="该交易不可退款 / This sale cannot be refunded")
        if amount_fen <= 0 or amount_fen > attempt.refundable_fen:
            raise RefundError(
                f"refund {amount_fen} fen exceeds refundable {attempt.refundable_fen} fen",
                user_message=f"退款金额超过可退金额 {format_amount(attempt.refundable_fen)} / "
                             f"At most {format_amount(attempt.refundable_fen)} can be refunded")
        pending = [r for r in self._journal.refunds(out_trade_no)
                   if RefundState(r["state"]).in_doubt]
        now = self._clock.now()
        if pending:
            # Finish the earlier, unsettled request first: same number, same amount.
            previous = pending[0]
            request_no, amount_fen = previous["out_request_no"], previous["amount_fen"]
            earlier = RefundState(previous["state"])
        else:
            request_no = refund_request_no(attempt, len(self._journal.refunds(out_trade_no)))
            earlier = RefundState.UNKNOWN
            self._journal.record_refund(request_no, out_trade_no, amount_fen,
                                        RefundState.UNKNOWN.value, now)
        try:
            answer = self._host.refund(out_trade_no, amount_fen, request_no, reason)
            problems = refund_problems(attempt, answer)
        except AnswerInconsistent as exc:
            problems = exc.problems
        except HostError as exc:
            log.warning("refund %s unanswered: %s", request_no, type(exc).__name__)
            return RefundResult(attempt, request_no, False, Bilingual(
                "退款结果未知，请稍后重试同一退款",
                "Refund outcome unknown; retry later (the same refund is re-sent, never "
                "doubled)"))
        now = self._clock.now()
        if problems:
            return self._inconsistent(attempt, request_no, amount_fen, earlier, problems, now)
        if not answer.accepted:
            self._journal.record_refund(request_no, out_trade_no, amount_fen,
                                        RefundState.REFUSED.value, now, answer.sub_code)
            return RefundResult(attempt, request_no, False,
                                Bilingual(f"退款被拒绝：{answer.sub_code}",
                                          f"Refund refused: {answer.sub_code}"))
        self._journal.record_refund(request_no, out_trade_no, amount_fen,
                                    RefundState.ACCEPTED.value, now)
        refunded = attempt.refunded_fen + amount_fen
        state = TxState.REFUNDED if refunded >= attempt.amount_fen else TxState.PARTIALLY_REFUNDED
        attempt = self._journal.mark(out_trade_no, state, now=now, event="refunded",
                                     detail={"out_request_no": request_no,
                                             "amount_fen": amount_fen},
                                     refunded_fen=refunded)
        amount = format_amount(amount_fen)
        return RefundResult(attempt, request_no, True,
                            Bilingual(f"退款成功 {amount}", f"Refunded {amount}"))

    def _inconsistent(self, attempt: Attempt, request_no: str, amount_fen: int,
                      earlier: RefundState, problems: tuple[str, ...],
                      now: float) -> RefundResult:
        """No refund is recorded; the request stays in doubt (held the second time)."""
        held = earlier in (RefundState.INCONSISTENT, RefundState.HELD)
        state = RefundState.HELD if held else RefundState.INCONSISTENT
        log.warning("refund %s: host answer not about it: %s", request_no,
                    "; ".join(problems)[:200])
        self._journal.record_refund(request_no, attempt.out_trade_no, amount_fen, state.value,
                                    now, SUB_ANSWER_INCONSISTENT)
        extra: AttemptChanges = {"needs_attention": True} if held else {}
        attempt = self._journal.note(attempt.out_trade_no, now=now,
                                     event="refund_held" if held
                                     else "refund_answer_inconsistent",
                                     detail={"out_request_no": request_no,
                                             "problems": list(problems)[:10]}, **extra)
        return RefundResult(attempt, request_no, False, HELD_REFUND if held
                            else INCONSISTENT_REFUND)
