"""Is a host answer about the attempt in hand? The rules that need the journal (pure).

The host client already refuses answers that do not echo the request
(``drivers/host/answer_checks.py``: trade number, amount asked, member, terminal,
method's own fields). What only the domain can check, because only the journal knows
it, is here:

* a query answer (a trade that exists) must carry this attempt's amount, and the host's
  trade number it already gave for this attempt, if it gave one;
* an approval must carry this attempt's amount and a host trade number;
* a refund answer cannot say that more was refunded than the sale's amount.

A non-empty result means: the answer decides nothing; the attempt becomes
``answer_inconsistent`` (or ``held`` when the host disagrees again).
"""

from __future__ import annotations

from terminal.attempt import Attempt
from terminal.host_messages import PayAnswer, PayOutcome, QueryAnswer, RefundAnswer, TradeStatus
from terminal.money import format_amount

#: ``sub_code`` recorded on an attempt whose host answer was not about it.
SUB_ANSWER_INCONSISTENT = "PAYTERM.ANSWER_INCONSISTENT"


def pay_problems(amount_fen: int, answer: PayAnswer) -> tuple[str, ...]:
    """What is wrong with a pay answer for a payment of ``amount_fen``."""
    if answer.outcome is not PayOutcome.APPROVED:
        return ()
    problems = []
    if answer.total_fen != amount_fen:
        problems.append(f"approved {format_amount(answer.total_fen)}, the payment is "
                        f"{format_amount(amount_fen)}")
    if not answer.host_trade_no:
        problems.append("approval without the host's trade number")
    return tuple(problems)


def query_problems(attempt: Attempt, answer: QueryAnswer) -> tuple[str, ...]:
    """What is wrong with a query answer about ``attempt``."""
    if answer.status is TradeStatus.NOT_EXIST:
        return ()
    problems = []
    if answer.total_fen != attempt.amount_fen:
        problems.append(f"the host's trade is {format_amount(answer.total_fen)}, the payment "
                        f"is {format_amount(attempt.amount_fen)}")
    if attempt.host_trade_no and answer.host_trade_no != attempt.host_trade_no:
        problems.append(f"host trade number {answer.host_trade_no!r} is not the "
                        f"{attempt.host_trade_no!r} the host gave before")
    return tuple(problems)


def refund_problems(attempt: Attempt, answer: RefundAnswer) -> tuple[str, ...]:
    """What is wrong with an accepted refund answer for a refund of ``attempt``."""
    if not answer.accepted:
        return ()
    problems = []
    total = answer.total_refunded_fen
    if total is not None and total > attempt.amount_fen:
        problems.append(f"the host says {format_amount(total)} refunded on a sale of "
                        f"{format_amount(attempt.amount_fen)}")
    if attempt.host_trade_no and answer.host_trade_no \
            and answer.host_trade_no != attempt.host_trade_no:
        problems.append(f"host trade number {answer.host_trade_no!r} is not the sale's "
                        f"{attempt.host_trade_no!r}")
    return tuple(problems)
