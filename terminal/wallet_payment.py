"""Taking a wallet payment code: journal first, then one pay request, then resolution.

Order of events (each durable before the next):
  1. the attempt is journaled with its ``out_trade_no``, already PENDING (one commit);
  2. the pay request goes out;
  3. the answer is journaled: approved, declined, or unknown (waiting for the password,
     system error, timeout) → resolved by query/poll/cancel (``terminal.resolution``).
A crash anywhere leaves an attempt that the resolver finishes on the next start.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Callable

from terminal.answer_consistency import SUB_ANSWER_INCONSISTENT, pay_problems
from terminal.attempt import Attempt, Tender
from terminal.bilingual import Bilingual
from terminal.errors import AnswerInconsistent, HostRejected, HostUnreachable, OutcomeUnknown
from terminal.host_batch_messages import SUB_CONTEXT_INCONSISTENT
from terminal.host_messages import (PayAnswer, PayOutcome, PayRequest, TerminalRefusal,
                                    terminal_refusal_text)
from terminal.connectivity import REASON_FORCED, ConnectivityMonitor
from terminal.money import format_amount, validate_fen
from terminal.offline_policy import OfflineDecision, wallet_offline_decision
from terminal.offline_taking import OfflineRefused
from terminal.payment_code import DuplicateCodeGuard, classify_code
from terminal.ports.host import Clock, PaymentHost
from terminal.ports.journal import AttemptChanges, Journal
from terminal.resolution import Resolver, timings_for
from terminal.settings.model import Settings
from terminal.transaction import TxState

log = logging.getLogger(__name__)

# sub_code recorded when the terminal knows for certain that nothing reached the host.
NOT_SENT = "PAYTERM.HOST_UNREACHABLE"


@dataclass(frozen=True)
class PaymentResult:
    attempt: Attempt
    message: Bilingual      # for the cashier / customer

    @property
    def state(self) -> TxState:
        return self.attempt.state

    @property
    def approved(self) -> bool:
        return self.attempt.state is TxState.APPROVED


def describe(attempt: Attempt) -> Bilingual:
    """What happened to ``attempt``, in both languages. A host's own words (``sub_msg``)
    go into each half as they are: they are never split on a separator."""
    amount = format_amount(attempt.amount_fen)
    state = attempt.state
    if state is TxState.APPROVED:
        return Bilingual(f"支付成功 {amount}", f"Payment approved {amount}")
    if state is TxState.DECLINED:
        if attempt.sub_code == NOT_SENT:
            return Bilingual("网络不可用，未扣款，请改用其他方式",
                             "Host unreachable, nothing was charged; use another way to pay")
        zh, en = DECLINE_REASONS.get(attempt.sub_code, (attempt.sub_msg or attempt.sub_code,) * 2)
        refusal = terminal_refusal_text(attempt.sub_code)
        if refusal is not None:
            zh, en = refusal.zh, refusal.en
        return Bilingual(f"支付失败：{zh}", f"Payment declined: {en}")
    if state is TxState.HELD:
        return Bilingual("主机应答不一致，已挂起待人工处理，请勿重复收款",
                         "Host answer inconsistent: held for staff, do not charge again")
    if state is TxState.INCONSISTENT:
        return Bilingual("主机应答不一致，正在查询核实，请勿重复收款",
                         "Host answer inconsistent: checking by query, do not charge again")
    if state is TxState.CLOSED:
        return Bilingual("交易已关闭，未扣款", "Trade closed, nothing was charged")
    if state is TxState.CANCELLED:
        return Bilingual("交易已撤销，款项已退回或未扣款",
                         "Trade cancelled; any money taken is returned")
    if state in (TxState.REFUNDED, TxState.PARTIALLY_REFUNDED):
        refunded = format_amount(attempt.refunded_fen)
        return Bilingual(f"已退款 {refunded}", f"Refunded {refunded}")
    if attempt.waiting_for_password:
        return Bilingual("等待顾客输入密码", "Waiting for the customer to enter the password")
    return Bilingual("结果确认中，请勿重复收款", "Confirming the result, do not charge again")


DECLINE_REASONS = {
    "ACQ.BUYER_BALANCE_NOT_ENOUGH": ("余额不足", "insufficient balance"),
    "ACQ.PAYMENT_AUTH_CODE_INVALID": ("付款码无效，请刷新", "invalid code, ask for a fresh one"),
    "ACQ.TRADE_HAS_CLOSE": ("交易已关闭", "trade closed"),
    "ACQ.BUYER_PAYMENT_AMOUNT_DAY_LIMIT_ERROR": ("超出日限额", "daily limit reached"),
    "ACQ.MEMBER_NOT_FOUND": ("会员不存在", "member not found"),
    "isv.invalid-signature": ("签名错误，请联系技术人员", "signature error, call a technician"),
    SUB_CONTEXT_INCONSISTENT: ("交易号已被平台占用（交易日志可能丢失），未扣款，请联系技术人员",
                               "the host already holds this trade number with other content "
                               "(journal lost?); nothing was charged, call a technician"),
}

#: Declines that also need a technician's attention (flagged on the attempt).
DECLINES_NEEDING_ATTENTION = frozenset({SUB_CONTEXT_INCONSISTENT,
                                        *(r.value for r in TerminalRefusal)})


def wallet_refusal(settings: Settings,
                   connectivity: ConnectivityMonitor | None) -> OfflineDecision | None:
    """Why a payment code cannot be taken now (the host is known to be offline, or the
    terminal is forced offline), or None when it can. Screens ask this before offering
    the tender; ``WalletPayment.pay`` asks it again before journaling anything."""
    if connectivity is not None:
        status = connectivity.status()
        if not status.online:
            return wallet_offline_decision(status.reason)
    elif settings.offline.forced_offline:
        return wallet_offline_decision(REASON_FORCED)
    return None


class WalletPayment:
    """The payment-code tender. Blocking: run it on a worker thread."""

    def __init__(self, host: PaymentHost, journal: Journal, settings: Settings, clock: Clock,
                 guard: DuplicateCodeGuard | None = None,
                 connectivity: ConnectivityMonitor | None = None) -> None:
        self._host = host
        self._connectivity = connectivity
        self._journal = journal
        self._settings = settings
        self._clock = clock
        self._guard = guard or DuplicateCodeGuard(settings.terminal.duplicate_code_window_s)
        self._resolver = Resolver(host, journal, settings.resolver, clock)

    def pay(self, amount_fen: int, code_text: str, *, subject: str | None = None,
            wait_s: float | None = None,
            on_update: Callable[[Attempt], None] | None = None,
            should_stop: Callable[[], bool] = lambda: False,
            also_journal: Callable[[Any, str], None] | None = None) -> PaymentResult:
        """Charge ``amount_fen`` to the payment code. Raises UserFacingError for a bad
        amount, a non-payment code or a reused code (nothing journaled then); a
        QueueError if the journal cannot record the attempt (nothing sent then).

        ``wait_s`` bounds how long an unknown outcome is resolved inline (default: the
        wallet's poll budget plus one cancel); past it the attempt stays RESOLVING for the
        background resolver and the result says so. ``also_journal(store, out_trade_no)``
        is written in the same commit as the attempt (``Journal.open_attempt``).
        """
        terminal = self._settings.terminal
        validate_fen(amount_fen, max_fen=terminal.max_amount_fen)
        self._refuse_when_offline()
        code = classify_code(code_text)
        self._guard.check_and_remember(code, self._clock.monotonic())
        attempt = self._journal.open_attempt(
            terminal_id=terminal.terminal_id, tender=Tender.WALLET, wallet=code.wallet.value,
            code_masked=code.masked, amount_fen=amount_fen, subject=subject or terminal.subject,
            now=self._clock.now(), sending=True, also=also_journal)
        log.info("pay %s %s via %s", attempt.out_trade_no, format_amount(amount_fen),
                 code.wallet.value, extra={"out_trade_no": attempt.out_trade_no})
        if on_update:
            on_update(attempt)
        request = PayRequest(out_trade_no=attempt.out_trade_no, auth_code=code.digits,
                             total_fen=amount_fen, subject=attempt.subject,
                             terminal_id=terminal.terminal_id)
        attempt = self._send(attempt, request)
        if on_update:
            on_update(attempt)
        if attempt.state.needs_resolution:
            attempt = self._resolve_inline(attempt, wait_s, on_update, should_stop)
        return PaymentResult(attempt, describe(attempt))

    def _refuse_when_offline(self) -> None:
        """Wallet codes are online-only: when the host is known to be unreachable the
        tender is refused up front, with the reason, before a code is even read."""
        refusal = wallet_refusal(self._settings, self._connectivity)
        if refusal is not None:
            raise OfflineRefused(refusal)

    def _send(self, attempt: Attempt, request: PayRequest) -> Attempt:
        no = attempt.out_trade_no
        try:
            answer = self._host.pay(request)
            if self._connectivity is not None:
                self._connectivity.record_success()
        except HostUnreachable as exc:
            if self._connectivity is not None:
                self._connectivity.record_failure(exc)
            # Connect failed: not a byte of the request reached the host.
            return self._journal.mark(no, TxState.DECLINED, now=self._clock.now(),
                                      event="pay_not_sent", detail={"error": str(exc)[:200]},
                                      sub_code=NOT_SENT, sub_msg="host unreachable")
        except HostRejected as exc:
            return self._journal.mark(no, TxState.DECLINED, now=self._clock.now(),
                                      event="pay_rejected",
                                      detail={"code": exc.code, "sub_code": exc.sub_code},
                                      result_code=exc.code, sub_code=exc.sub_code or exc.code,
                                      sub_msg=exc.sub_msg,
                                      needs_attention=exc.sub_code in DECLINES_NEEDING_ATTENTION)
        except AnswerInconsistent as exc:
            return mark_inconsistent(self._journal, no, self._clock.now(), "pay", exc.problems)
        except OutcomeUnknown as exc:
            return self._journal.mark(no, TxState.UNKNOWN, now=self._clock.now(),
                                      event="pay_outcome_unknown",
                                      detail={"error": str(exc)[:200]})
        return record_pay_answer(self._journal, no, request.total_fen, answer,
                                 self._clock.now())

    def _resolve_inline(self, attempt: Attempt, wait_s: float | None,
                        on_update: Callable[[Attempt], None] | None,
                        should_stop: Callable[[], bool]) -> Attempt:
        if wait_s is None:
            timings = timings_for(self._settings.resolver, attempt)
            wait_s = (max(timings.poll_budget_s, timings.cancel_not_before_s)
                      + timings.cancel_retry_interval_s + 1.0)
        deadline = self._clock.now() + wait_s
        return self._resolver.resolve_until(attempt.out_trade_no, deadline, on_update,
                                            should_stop)


def mark_inconsistent(journal: Journal, out_trade_no: str, now: float, method: str,
                      problems: tuple[str, ...]) -> Attempt:
    """The pay answer was not about this payment: nothing final; resolve by query."""
    log.warning("%s answer for %s not about it: %s", method, out_trade_no,
                "; ".join(problems)[:200], extra={"out_trade_no": out_trade_no})
    return journal.mark(out_trade_no, TxState.INCONSISTENT, now=now,
                        event="answer_inconsistent",
                        detail={"method": method, "problems": list(problems)[:10]},
                        sub_code=SUB_ANSWER_INCONSISTENT, sub_msg="; ".join(problems)[:200])


def record_pay_answer(journal: Journal, out_trade_no: str, amount_fen: int,
                      answer: PayAnswer, now: float) -> Attempt:
    """Journal a (wallet or member) pay answer: approved, declined, or unknown (waiting
    for the password, system error); an approval not about this payment decides
    nothing."""
    problems = pay_problems(amount_fen, answer)
    if problems:
        return mark_inconsistent(journal, out_trade_no, now, "pay", problems)
    detail = {"code": answer.code, "sub_code": answer.sub_code,
              "outcome": answer.outcome.value}
    fields: AttemptChanges = {"result_code": answer.code, "sub_code": answer.sub_code,
                              "sub_msg": answer.sub_msg, "host_trade_no": answer.host_trade_no}
    if answer.outcome is PayOutcome.APPROVED:
        return journal.mark(out_trade_no, TxState.APPROVED, now=now, event="pay_answered",
                            detail=detail, **fields)
    if answer.outcome is PayOutcome.DECLINED:
        fields["needs_attention"] = answer.sub_code in DECLINES_NEEDING_ATTENTION
        return journal.mark(out_trade_no, TxState.DECLINED, now=now, event="pay_answered",
                            detail=detail, **fields)
    fields["waiting_for_password"] = answer.outcome is PayOutcome.WAITING_FOR_PASSWORD
    return journal.mark(out_trade_no, TxState.UNKNOWN, now=now, event="pay_answered",
                        detail=detail, **fields)
