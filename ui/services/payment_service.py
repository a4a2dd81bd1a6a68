"""Taking payments for the screens: payment code, member (face-pay) and cash.

One worker thread owns the journal connection and the host client; a payment never
runs on the GUI thread. Progress and outcome go out as PaymentViews on the bridge.
"""

from __future__ import annotations

import logging
import threading

from terminal.attempt import Attempt
from terminal.clock import SystemClock
from terminal.errors import HostUnreachable, UserFacingError
from terminal.resolution import timings_for
from terminal.transaction import TxState
from terminal.wallet_payment import NOT_SENT, WalletPayment, describe
from ui.services.runtime import Runtime
from ui.services.views import Capability, FaceMatch, Outcome, PaymentView
from ui.wiring.offline import cash_payment, member_payment

log = logging.getLogger(__name__)

OFFLINE_WALLET = ("网络不可用，付款码暂停使用，请收现金或会员刷脸 / Host offline: payment codes "
                  "cannot be taken; use cash or member face-pay")


def outcome_of(attempt: Attempt) -> Outcome:
    state = attempt.state
    if state is TxState.APPROVED:
        return Outcome.APPROVED
    if state in (TxState.DECLINED, TxState.CLOSED, TxState.CANCELLED):
        return Outcome.DECLINED
    if state in (TxState.CREATED, TxState.PENDING):
        return Outcome.IN_PROGRESS
    if state.needs_person:
        return Outcome.HELD
    if attempt.waiting_for_password:
        return Outcome.WAITING_PASSWORD
    return Outcome.RESOLVING


def view_of(attempt: Attempt, message: str = "", *, wait_s_left: float = 0.0,
            change_fen: int = 0) -> PaymentView:
    return PaymentView(attempt.out_trade_no, attempt.amount_fen, attempt.tender.value,
                       outcome_of(attempt), message or describe(attempt),
                       reason=attempt.sub_code, payer=attempt.code_masked or attempt.member_ref,
                       offline=attempt.offline, change_fen=change_fen, wait_s_left=wait_s_left)


class PaymentsService:
    def __init__(self, runtime: Runtime, *, on_unknown=None) -> None:
        self._rt = runtime
        self._worker = runtime.worker("payments")
        self._stop_wait = threading.Event()
        self._on_unknown = on_unknown or (lambda: None)
        self._clock = SystemClock()
        self._wallet: WalletPayment | None = None

    def stop(self) -> None:
        self._stop_wait.set()
        self._worker.stop()

    def capability(self, tender: str) -> Capability:
        if tender != "wallet":
            return Capability(True)
        if self._rt.host_problem:
            return Capability(False, self._rt.host_problem)
        if self._rt.ctx.settings.offline.forced_offline or not self._rt.monitor.online:
            return Capability(False, OFFLINE_WALLET)
        return Capability(True)

    def stop_waiting(self) -> None:
        self._stop_wait.set()

    # -- wallet ---------------------------------------------------------------------
    def pay_code(self, amount_fen: int, code: str) -> None:
        self._stop_wait.clear()
        self._worker.submit(lambda: self._pay_code(amount_fen, code), capability="payments")

    def _pay_code(self, amount_fen: int, code: str) -> None:
        host = self._rt.host(self._worker)
        if host is None:
            raise UserFacingError("no host client", user_message=self._rt.host_problem
                                  or OFFLINE_WALLET)
        journal = self._rt.journal(self._worker)
        if self._wallet is None:
            self._wallet = WalletPayment(host, journal, self._rt.ctx.settings, self._clock)
        budget = {}

        def update(attempt: Attempt) -> None:
            if attempt.waiting_for_password and "deadline" not in budget:
                timings = timings_for(self._rt.ctx.settings.resolver, attempt)
                budget["deadline"] = attempt.started_at + timings.poll_budget_s
            left = max(0.0, budget.get("deadline", 0.0) - self._clock.now())
            view = view_of(attempt, wait_s_left=left)
            if view.outcome is not Outcome.APPROVED and view.outcome is not Outcome.DECLINED:
                self._rt.bridge.emit_payment(view)

        try:
            result = self._wallet.pay(amount_fen, code, on_update=update,
                                      should_stop=self._stop_wait.is_set)
        except UserFacingError as exc:
            # Not a payment code, a reused code, a bad amount: nothing was sent.
            log.info("code payment refused before sending: %s", exc)
            self._rt.bridge.emit_payment(PaymentView("", amount_fen, "wallet", Outcome.DECLINED,
                                                     exc.user_message))
            return
        attempt = result.attempt
        if attempt.sub_code == NOT_SENT:
            self._rt.monitor.record_failure(HostUnreachable("pay not sent"))
        elif attempt.state is not TxState.RESOLVING:
            self._rt.monitor.record_success()
        if attempt.state.needs_resolution:
            self._on_unknown()
            attempt = journal.get(attempt.out_trade_no) or attempt
            view = view_of(attempt, result.message)
            if view.outcome is Outcome.WAITING_PASSWORD:
                # The inline wait is over: from now on the background resolver decides.
                view = PaymentView(**{**view.__dict__, "outcome": Outcome.RESOLVING})
            self._rt.bridge.emit_payment(view)
            return
        self._rt.bridge.emit_payment(view_of(attempt, result.message))

    # -- cash -----------------------------------------------------------------------
    def pay_cash(self, amount_fen: int, tendered_fen: int) -> None:
        self._worker.submit(lambda: self._pay_cash(amount_fen, tendered_fen),
                            capability="payments")

    def _pay_cash(self, amount_fen: int, tendered_fen: int) -> None:
        outbox = self._rt.outbox(self._worker)
        try:
            result = cash_payment(self._rt.ctx, outbox, self._rt.monitor).pay(
                amount_fen, tendered_fen=tendered_fen)
        except UserFacingError as exc:
            log.info("cash payment refused: %s", exc)
            self._rt.bridge.emit_payment(PaymentView("", amount_fen, "cash", Outcome.DECLINED,
                                                     exc.user_message))
            return
        self._rt.bridge.emit_payment(view_of(result.attempt, result.message,
                                             change_fen=result.change_fen))

    # -- member ---------------------------------------------------------------------
    def pay_member(self, amount_fen: int, match: FaceMatch | None) -> None:
        if match is None:
            # Only an identified member can be charged; a confirm without one is a
            # screen-flow bug, answered as a refusal, never as a charge.
            self._rt.bridge.task_failed.emit(
                "payments", "未识别会员，请重新刷脸或改用付款码 / No member identified: "
                            "look at the camera again or pay with a payment code")
            return
        self._stop_wait.clear()
        self._worker.submit(lambda: self._pay_member(amount_fen, match), capability="payments")

    def _pay_member(self, amount_fen: int, match: FaceMatch) -> None:
        journal = self._rt.journal(self._worker)
        outbox = self._rt.outbox(self._worker)
        host = self._rt.host(self._worker)
        payment = member_payment(self._rt.ctx, host, journal, outbox, self._rt.monitor)
        try:
            result = payment.pay(match.member_id, amount_fen, evidence=match.evidence,
                                 on_update=lambda a: self._rt.bridge.emit_payment(view_of(a)))
        except UserFacingError as exc:
            log.info("member payment refused: %s", exc)
            self._rt.bridge.emit_payment(PaymentView("", amount_fen, "member",
                                                     Outcome.DECLINED, exc.user_message))
            return
        if result.attempt.state.needs_resolution:
            self._on_unknown()
        self._rt.bridge.emit_payment(view_of(result.attempt, result.message))
