"""One POS-driven payment, run on the engine's payment thread.

Order (each step durable before the next): the sale is stored ``started`` (by the
engine); the customer's code is taken (from the POS's PaymentData.PaymentCode, else the
terminal's customer input); the wallet tender journals the attempt; this run links the
sale to it (``out_trade_no``) *before* the pay request leaves; the tender sends and
resolves. A POS abort stops a wait for the customer at once; once the request was sent,
the outcome is resolved by the wallet's rules and an approved payment is refunded in
full (``reverse_if_aborted``, also run by the engine's sweep after a restart).
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Executor

from offline_queue.pos_api_store import link_in_open_transaction
from terminal.attempt import Attempt
from terminal.bilingual import Bilingual
from terminal.errors import UserFacingError
from terminal.offline_taking import OfflineRefused
from terminal.pos_api.errors import CustomerInputBusy, ErrorCondition
from terminal.pos_api.outcomes import SaleRecord
from terminal.transaction import TxState
from ui.terminal_api.deps import ApiDeps, PerThread

log = logging.getLogger(__name__)
ABORT_REASON = "POS abort / 收银机取消"


class PaymentRun:
    def __init__(self, deps: ApiDeps, resources: PerThread, record: SaleRecord,
                 code: str | None) -> None:
        self._deps = deps
        self._res = resources
        self.record = record
        self._code = code
        self.done = threading.Event()
        self.aborted = threading.Event()
        self.message: Bilingual | None = None
        self._linked = False
        self._attempt: Attempt | None = None     # the payment's attempt, once it ended

    def start(self, worker: Executor) -> None:
        """Run on the engine's one payment thread (its journal and store connections
        are opened once, not per payment)."""
        worker.submit(self._run)

    def wait(self, timeout_s: float) -> bool:
        return self.done.wait(timeout_s)

    def abort(self) -> None:
        self.aborted.set()

    def is_for(self, sale_id: str, service_id: str | None, transaction_id: str | None) -> bool:
        r = self.record
        return r.sale_id == sale_id and (service_id == r.service_id
                                         or transaction_id == r.transaction_id)

    def _event(self, name: str, message: str = "", **extra) -> None:
        r = self.record
        self._deps.events.publish(r.sale_id, r.service_id, r.transaction_id, name, message,
                                  AmountFen=r.amount_fen, **extra)

    def _run(self) -> None:
        store = self._res.store()
        try:
            self._pay(store)
        except CustomerInputBusy as exc:
            self._refuse(store, ErrorCondition.BUSY, str(exc))
        except OfflineRefused as exc:
            self._refuse(store, ErrorCondition.UNREACHABLE_HOST, exc.user_message)
        except UserFacingError as exc:
            self._refuse(store, ErrorCondition.REFUSAL, exc.user_message)
        except Exception as exc:   # storage, host client: answered, never a crash
            log.exception("POS payment %s failed", self.record.transaction_id)
            self._refuse(store, ErrorCondition.UNAVAILABLE_SERVICE,
                         f"terminal error: {type(exc).__name__}")
        finally:
            self._event("Finished", str(self.message) if self.message else "",
                        State=self._final_state(store))
            self.done.set()

    def _final_state(self, store) -> str:
        """For screens: the payment's state after this run ("refused" when it never
        reached the journal)."""
        if self._attempt is not None:
            return self._attempt.state.value
        r = self.record
        record = store.find(r.sale_id, transaction_id=r.transaction_id)
        if record is None or not record.out_trade_no:
            return "refused"
        attempt = self._res.journal().get(record.out_trade_no)
        return attempt.state.value if attempt else "refused"

    def _refuse(self, store, condition: ErrorCondition, message) -> None:
        r = self.record
        stored = store.find(r.sale_id, transaction_id=r.transaction_id)
        if self._linked or (stored is not None and stored.out_trade_no):
            return   # the journal holds the attempt: its state is the answer
        text = Bilingual.of(message).en if not isinstance(message, str) else message
        store.refuse(r.sale_id, r.transaction_id, condition.value, text, self._deps.clock())

    def _pay(self, store) -> None:
        code = self._code
        if code is None:
            code = self._customer_code()
            if code is None:
                return
        journal = self._res.journal()
        r = self.record

        def link(db, out_trade_no: str) -> None:
            # In the journal's commit of the attempt, before the pay request leaves.
            link_in_open_transaction(db, r.sale_id, r.transaction_id, out_trade_no,
                                     self._deps.clock())

        def update(attempt: Attempt) -> None:
            if not self._linked:
                self._linked = True
                self._event("SendingToHost", out_trade_no=attempt.out_trade_no)
            elif attempt.waiting_for_password:
                self._event("WaitingForPassword", "等待顾客输入密码 / waiting for the "
                                                  "customer's password")
            elif attempt.state.needs_resolution:
                self._event("ConfirmingResult", "结果确认中 / confirming the result")

        result = self._deps.wallet_payment(journal).pay(r.amount_fen, code, on_update=update,
                                                        also_journal=link)
        self.message = result.message
        self._attempt = result.attempt
        if self.aborted.is_set():
            reverse_if_aborted(self._deps, journal, result.attempt)
            self._attempt = None      # refunded or not: the journal says (_final_state)

    def _customer_code(self) -> str | None:
        r = self.record
        source = self._deps.customer_input
        if source is None:
            self._refuse(self._res.store(), ErrorCondition.UNAVAILABLE_SERVICE,
                         "no customer input on this terminal: send the code in "
                         "PaymentRequest.PaymentData.PaymentCode")
            return None
        self._event("WaitingForCustomer", "等待顾客付款 / waiting for the customer")
        sale = {"sale_id": r.sale_id, "transaction_id": r.transaction_id,
                "amount_fen": r.amount_fen}
        code = source.wait_for_code(sale, self.aborted, self._deps.customer_wait_s)
        if code is None:
            condition = ErrorCondition.ABORTED if self.aborted.is_set() else ErrorCondition.CANCEL
            self._refuse(self._res.store(), condition,
                         "aborted by the POS before payment; nothing was charged"
                         if self.aborted.is_set() else
                         "the customer cancelled or did not pay in time; nothing was charged")
        return code


def reverse_if_aborted(deps: ApiDeps, journal, attempt: Attempt) -> Attempt:
    """A POS aborted this payment and it was approved anyway (the request had left):
    refund it in full. A refund in doubt is sent again (same number) next time."""
    if attempt.state is not TxState.APPROVED:
        return attempt
    log.info("POS aborted %s after approval: refunding", attempt.out_trade_no)
    result = deps.refunds(journal).refund(attempt.out_trade_no, attempt.refundable_fen,
                                          ABORT_REASON)
    return result.attempt
