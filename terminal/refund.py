"""Refunding an approved sale, in part or in full, exactly once.

The refund request is journaled (with its ``out_request_no``) before it is sent; the
host is idempotent by that number, so an unknown answer is resolved by sending the same
request again, never a new one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from terminal.attempt import Attempt
from terminal.bilingual import Bilingual
from terminal.errors import HostError, UserFacingError
from terminal.money import format_amount
from terminal.ports.host import Clock, PaymentHost
from terminal.transaction import TxState

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RefundResult:
    attempt: Attempt
    out_request_no: str
    accepted: bool
    message: Bilingual


class RefundError(UserFacingError):
    """A refund that cannot be made (wrong state, amount too large, not yet synced)."""


def refund_request_no(attempt: Attempt, existing: int) -> str:
    return f"{attempt.out_trade_no}R{existing + 1}"


class Refunds:
    """Blocking (network): call from a worker thread. ``journal`` is a SqliteJournal-like
    object with ``get``, ``mark``, ``record_refund`` and ``refunds``."""

    def __init__(self, host: PaymentHost, journal, clock: Clock) -> None:
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
        pending = [r for r in self._journal.refunds(out_trade_no) if r["state"] == "unknown"]
        if pending:
            # Finish the earlier, unanswered request first: same number, same amount.
            previous = pending[0]
            request_no, amount_fen = previous["out_request_no"], previous["amount_fen"]
        else:
            request_no = refund_request_no(attempt, len(self._journal.refunds(out_trade_no)))
        now = self._clock.now()
        self._journal.record_refund(request_no, out_trade_no, amount_fen, "unknown", now)
        try:
            answer = self._host.refund(out_trade_no, amount_fen, request_no, reason)
        except HostError as exc:
            log.warning("refund %s unanswered: %s", request_no, type(exc).__name__)
            return RefundResult(attempt, request_no, False, Bilingual(
                "退款结果未知，请稍后重试同一退款",
                "Refund outcome unknown; retry later (the same refund is re-sent, never "
                "doubled)"))
        now = self._clock.now()
        if not answer.accepted:
            self._journal.record_refund(request_no, out_trade_no, amount_fen, "refused", now,
                                        answer.sub_code)
            return RefundResult(attempt, request_no, False,
                                Bilingual(f"退款被拒绝：{answer.sub_code}",
                                          f"Refund refused: {answer.sub_code}"))
        self._journal.record_refund(request_no, out_trade_no, amount_fen, "accepted", now)
        refunded = attempt.refunded_fen + amount_fen
        state = TxState.REFUNDED if refunded >= attempt.amount_fen else TxState.PARTIALLY_REFUNDED
        attempt = self._journal.mark(out_trade_no, state, now=now, event="refunded",
                                     detail={"out_request_no": request_no,
                                             "amount_fen": amount_fen},
                                     refunded_fen=refunded)
        amount = format_amount(amount_fen)
        return RefundResult(attempt, request_no, True,
                            Bilingual(f"退款成功 {amount}", f"Refunded {amount}"))
