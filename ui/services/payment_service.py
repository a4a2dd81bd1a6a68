"""Taking payments for whoever asks: payment code, member (face-pay) and cash.

``start(order, reply)`` returns a request id at once; the payment runs on the service's
one worker thread (its own journal connection, the run's shared host client) and every
report about it goes back to ``reply`` on the GUI thread, tagged with that id, the last
one final. No other screen sees it: the kiosk's result screen and, later, the store's
POS each get the answers to their own payments only.

The rules (journal first, connectivity, offline limits, resolution) are the domain's
tenders (``terminal.wallet_payment``, ``member_payment``, ``cash_payment``); this service
only runs them off the GUI thread and turns attempts into PaymentViews.
"""

from __future__ import annotations

import itertools
import logging
import threading
from dataclasses import replace

from terminal.attempt import Attempt, Tender
from terminal.bilingual import Bilingual
from terminal.clock import SystemClock
from terminal.errors import UserFacingError
from terminal.resolution import timings_for
from terminal.transaction import TxState
from terminal.wallet_payment import describe, wallet_refusal
from ui.services.resources import ServiceResources
from ui.services.views import Capability, Outcome, PaymentOrder, PaymentReply, PaymentView

log = logging.getLogger(__name__)

NO_HOST = Bilingual("没有支付平台连接，付款码不可用",
                    "No host connection: payment codes cannot be taken")
NO_MEMBER = ("未识别会员，请重新刷脸或改用付款码 / No member identified: look at the camera "
             "again or pay with a payment code")


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


def view_of(attempt: Attempt, message: Bilingual | None = None, *, wait_s_left: float = 0.0,
            change_fen: int = 0, request_id: str = "") -> PaymentView:
    return PaymentView(attempt.out_trade_no, attempt.amount_fen, attempt.tender.value,
                       outcome_of(attempt), message or describe(attempt),
                       reason=attempt.sub_code, payer=attempt.code_masked or attempt.member_ref,
                       offline=attempt.offline, change_fen=change_fen, wait_s_left=wait_s_left,
                       request_id=request_id)


class _Request:
    """One started payment: its id and the caller's reply (run on the GUI thread)."""

    def __init__(self, rt: ServiceResources, request_id: str, order: PaymentOrder,
                 reply: PaymentReply) -> None:
        self._rt, self.id, self.order, self._reply = rt, request_id, order, reply

    def send(self, view: PaymentView) -> None:
        self._rt.bridge.deliver(self._reply, replace(view, request_id=self.id))

    def refuse(self, sentence: Bilingual | str) -> None:
        """Nothing was charged: the payment could not even start (bad code, limits,
        no member, a storage error before the journal took the attempt)."""
        self.send(PaymentView("", self.order.amount_fen, self.order.tender.value,
                              Outcome.DECLINED, Bilingual.of(sentence)))


class PaymentsService:
    def __init__(self, resources: ServiceResources, *, on_unknown=None) -> None:
        self._rt = resources
        self._worker = resources.worker("payments")
        self._stop_wait = threading.Event()
        self._on_unknown = on_unknown or (lambda: None)
        self._clock = SystemClock()
        self._ids = itertools.count(1)

    def stop(self) -> None:
        self._stop_wait.set()
        self._worker.stop()

    def capability(self, tender: str) -> Capability:
        if tender != Tender.WALLET:
            return Capability(True)
        if self._rt.host_problem:
            return Capability(False, self._rt.host_problem)
        refusal = wallet_refusal(self._rt.settings, self._rt.monitor)
        return Capability(True) if refusal is None else Capability(False, refusal.message)

    def stop_waiting(self) -> None:
        self._stop_wait.set()

    def start(self, order: PaymentOrder, reply: PaymentReply) -> str:
        """Start ``order``; returns its request id. ``reply`` gets every PaymentView of
        this payment on the GUI thread."""
        request = _Request(self._rt, f"pay-{next(self._ids)}", order, reply)
        if order.tender is Tender.MEMBER and order.match is None:
            # Only an identified member can be charged; a confirm without one is a
            # screen-flow bug, answered as a refusal, never as a charge.
            request.refuse(NO_MEMBER)
            return request.id
        run = {Tender.WALLET: self._pay_code, Tender.CASH: self._pay_cash,
               Tender.MEMBER: self._pay_member}[order.tender]
        if order.tender is not Tender.CASH:
            self._stop_wait.clear()
        self._worker.submit(lambda: run(request), capability="payments",
                            on_error=request.refuse)
        return request.id

    # -- wallet ---------------------------------------------------------------------
    def _pay_code(self, request: _Request) -> None:
        order = request.order
        wallet = self._rt.wallet_payment(self._worker)
        if wallet is None:
            refusal = wallet_refusal(self._rt.settings, self._rt.monitor)
            request.refuse(self._rt.host_problem or (refusal.message if refusal else NO_HOST))
            return
        budget: dict[str, float] = {}

        def update(attempt: Attempt) -> None:
            if attempt.waiting_for_password and "deadline" not in budget:
                timings = timings_for(self._rt.settings.resolver, attempt)
                budget["deadline"] = attempt.started_at + timings.poll_budget_s
            left = max(0.0, budget.get("deadline", 0.0) - self._clock.now())
            view = view_of(attempt, wait_s_left=left)
            if view.outcome is not Outcome.APPROVED and view.outcome is not Outcome.DECLINED:
                request.send(view)

        try:
            result = wallet.pay(order.amount_fen, order.code, on_update=update,
                                should_stop=self._stop_wait.is_set)
        except UserFacingError as exc:
            # Not a payment code, a reused code, a bad amount, offline: nothing was sent.
            log.info("code payment refused before sending: %s", exc)
            request.refuse(exc.user_message)
            return
        attempt = result.attempt
        if attempt.state.needs_resolution:
            self._on_unknown()
            attempt = self._rt.journal(self._worker).get(attempt.out_trade_no) or attempt
            view = view_of(attempt, result.message)
            if view.outcome is Outcome.WAITING_PASSWORD:
                # The inline wait is over: from now on the background resolver decides.
                view = replace(view, outcome=Outcome.RESOLVING)
            request.send(view)
            return
        request.send(view_of(attempt, result.message))

    # -- cash -----------------------------------------------------------------------
    def _pay_cash(self, request: _Request) -> None:
        order = request.order
        try:
            result = self._rt.cash_payment(self._worker).pay(
                order.amount_fen, tendered_fen=order.tendered_fen)
        except UserFacingError as exc:
            log.info("cash payment refused: %s", exc)
            request.refuse(exc.user_message)
            return
        request.send(view_of(result.attempt, result.message, change_fen=result.change_fen))

    # -- member ---------------------------------------------------------------------
    def _pay_member(self, request: _Request) -> None:
        order = request.order
        match = order.match
        assert match is not None
        payment = self._rt.member_payment(self._worker)
        try:
            result = payment.pay(match.member_id, order.amount_fen, evidence=match.evidence,
                                 on_update=lambda a: request.send(view_of(a)))
        except UserFacingError as exc:
            log.info("member payment refused: %s", exc)
            request.refuse(exc.user_message)
            return
        if result.attempt.state.needs_resolution:
            self._on_unknown()
        request.send(view_of(result.attempt, result.message))
