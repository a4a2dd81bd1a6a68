"""Answering nexo requests: Payment, Abort, TransactionStatus (here), Reversal
(``reversal``), Reconciliation, Diagnosis and Print (``day_services``).

``handle(raw, timeout_s)`` never raises: every problem is a Failure answer with an
ErrorCondition (MessageFormat names the field) and changes nothing. Every request and
answer is journaled (payment codes masked). One payment runs at a time: another POS (or
another sale) gets Busy; the same sale again gets its outcome (or InProgress), never a
second charge.
"""

from __future__ import annotations

import copy
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

from terminal.payment_code import mask_code
from terminal.pos_api import envelope
from terminal.pos_api.envelope import Request, error_response, failure, response, success
from terminal.pos_api.errors import ApiError, ErrorCondition, encode_additional
from terminal.pos_api.outcomes import SaleRecord, is_final_for_pos, payment_response
from terminal.pos_api.requests import parse_payment, parse_reference
from offline_queue.pos_api_store import SaleConflict
from ui.terminal_api.day_services import DayServices
from ui.terminal_api.deps import ApiDeps, PerThread
from ui.terminal_api.payment_run import PaymentRun, reverse_if_aborted
from ui.terminal_api.reversal import Reversals

log = logging.getLogger(__name__)
TXN_FIELD = "PaymentRequest.SaleData.SaleTransactionID.TransactionID"


def iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, timezone.utc).isoformat(timespec="seconds")


class TerminalApi:
    def __init__(self, deps: ApiDeps) -> None:
        self.deps = deps
        self.res = PerThread(deps)
        self._lock = threading.Lock()
        self._running: PaymentRun | None = None
        # One payment runs at a time, always on this one thread.
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pos-payment")
        self._reversals = Reversals(deps, self.res)
        self._day = DayServices(deps, self.res, self.busy)

    def close(self) -> None:
        run = self._running
        if run is not None:
            run.abort()
            run.wait(5.0)
        try:
            self._worker.submit(self.res.close_current_thread).result(5.0)
        except RuntimeError:
            pass                  # closed before
        except Exception:
            log.warning("Terminal API: the payment thread did not close its connections")
        self._worker.shutdown(wait=False)
        self.res.close()

    def busy(self) -> bool:
        run = self._running
        return run is not None and not run.done.is_set()

    # -- entry -----------------------------------------------------------------------
    def handle(self, raw: bytes, timeout_s: float | None = None) -> dict:
        header = None
        store = self.res.store()
        try:
            request = envelope.parse_request(raw, poi_id=self.deps.poi_id)
            header = request.header
            store.log_message("request", masked(request), self.deps.clock(),
                              sale_id=header.sale_id, service_id=header.service_id,
                              category=header.category)
            answer = self._dispatch(request, timeout_s)
        except ApiError as exc:
            if header is None:
                store.log_message("request", {"unreadable": len(raw), "error": str(exc)},
                                  self.deps.clock())
            answer = error_response(header, exc)
        except Exception as exc:   # never a crash: the POS gets an answer, the log the rest
            log.exception("Terminal API request failed")
            answer = error_response(header, ApiError(ErrorCondition.UNAVAILABLE_SERVICE,
                                                     f"terminal error: {type(exc).__name__}"))
        store.log_message("response", answer, self.deps.clock(),
                          sale_id=header.sale_id if header else "",
                          service_id=header.service_id if header else "",
                          category=header.category if header else "")
        return answer

    def _dispatch(self, request: Request, timeout_s: float | None) -> dict:
        category = request.header.category
        if category == "Payment":
            return self._payment(request, timeout_s)
        if category == "Abort":
            return self._abort(request)
        if category == "TransactionStatus":
            return self._status(request)
        if category == "Reversal":
            return self._reversals.handle(request)
        return self._day.handle(request)

    # -- Payment -----------------------------------------------------------------------
    def _payment(self, request: Request, timeout_s: float | None) -> dict:
        header = request.header
        settings = self.deps.settings
        order = parse_payment(request.body, max_fen=settings.terminal.max_amount_fen)
        store = self.res.store()
        with self._lock:
            record = store.find(header.sale_id, transaction_id=order.transaction_id)
            if record is not None and record.amount_fen != order.amount_fen:
                raise ApiError(ErrorCondition.NOT_ALLOWED, "this TransactionID was already "
                               "used for another amount; use a new TransactionID", TXN_FIELD)
            run = self._running
            if record is None:
                if self.busy():
                    raise ApiError(ErrorCondition.BUSY, "another payment is running on this "
                                   f"terminal (SaleID {run.record.sale_id})")
                new = SaleRecord(header.sale_id, order.transaction_id, header.service_id,
                                 order.timestamp, order.amount_fen)
                try:
                    record = store.start_sale(new, self.deps.clock())
                except SaleConflict:
                    raise ApiError(ErrorCondition.NOT_ALLOWED, "this ServiceID was already "
                                   "used by another payment of this SaleID",
                                   "MessageHeader.ServiceID") from None
                run = self._running = PaymentRun(self.deps, self.res, record, order.code)
                run.start(self._worker)
            elif run is not None and run.record.transaction_id != record.transaction_id:
                run = None
        if run is not None:
            run.wait(self._timeout(timeout_s))
        return response(header, "PaymentResponse", self._payment_body(record))

    def _timeout(self, timeout_s: float | None) -> float:
        cfg = self.deps.settings.pos_api
        return cfg.default_timeout_s if timeout_s is None else min(timeout_s,
                                                                   cfg.max_timeout_s)

    def _payment_body(self, record: SaleRecord) -> dict:
        store = self.res.store()
        record = store.find(record.sale_id, transaction_id=record.transaction_id) or record
        run = self._running
        mine = run is not None and ((run.record.sale_id, run.record.transaction_id)
                                    == (record.sale_id, record.transaction_id))
        running = mine and not run.done.is_set()
        attempt = None
        if record.out_trade_no:
            attempt = self.res.journal().get(record.out_trade_no)
        lines = ()
        if attempt is not None and is_final_for_pos(record, attempt, running):
            lines = self.deps.receipt_lines(attempt)
        stamp = iso(attempt.created_at) if attempt else iso(record.created_at)
        message = run.message if mine else None
        return payment_response(record, attempt, running=running, poi_timestamp=stamp,
                                receipt_lines=lines, message=message)

    # -- Abort ---------------------------------------------------------------------------
    def _abort(self, request: Request) -> dict:
        ref = parse_reference(request.body, "Abort")
        store = self.res.store()
        with self._lock:
            run = self._running
            if run is not None and not run.done.is_set() and run.is_for(
                    ref.sale_id, ref.service_id, ref.transaction_id):
                store.mark_aborted(run.record.sale_id, run.record.transaction_id,
                                   self.deps.clock())
                run.abort()
                return self._abort_answer(request, success(encode_additional(
                    {"message": "abort accepted: nothing is charged, or it is reversed"})))
        record = self._find(ref)
        attempt = self.res.journal().get(record.out_trade_no) if record.out_trade_no else None
        if attempt is not None and attempt.state.needs_resolution:
            store.mark_aborted(record.sale_id, record.transaction_id, self.deps.clock())
            return self._abort_answer(request, success(encode_additional(
                {"message": "abort accepted: reversed if the host approves it"})))
        raise ApiError(ErrorCondition.NOT_ALLOWED, "the payment has already finished; "
                       "use a Reversal to refund it", "AbortRequest.MessageReference")

    def _abort_answer(self, request: Request, answer: dict) -> dict:
        return response(request.header, "AbortResponse", {"Response": answer})

    def sweep_aborted(self) -> None:
        """After a restart or a long resolution: an aborted sale whose payment ended up
        approved is refunded (the background resolver decided it)."""
        store, journal = self.res.store(), self.res.journal()
        for record in store.sales():
            if record.aborted and record.out_trade_no:
                attempt = journal.get(record.out_trade_no)
                if attempt is not None and attempt.refunded_fen == 0:
                    reverse_if_aborted(self.deps, journal, attempt)

    def on_resolved(self, attempt) -> None:
        """The background resolver settled ``attempt``: reverse it if its POS aborted it."""
        if attempt.state.needs_resolution:
            return
        record = self.res.store().by_trade_no(attempt.out_trade_no)
        if record is not None and record.aborted and attempt.refunded_fen == 0:
            reverse_if_aborted(self.deps, self.res.journal(), attempt)

    # -- TransactionStatus -----------------------------------------------------------------
    def _status(self, request: Request) -> dict:
        ref = parse_reference(request.body, "TransactionStatus")
        record = self._find(ref)
        body = self._payment_body(record)
        ref_out = {"MessageCategory": "Payment", "SaleID": record.sale_id,
                   "ServiceID": record.service_id}
        if body["Response"].get("ErrorCondition") == ErrorCondition.IN_PROGRESS.value:
            answer = failure(ErrorCondition.IN_PROGRESS,
                             body["Response"].get("AdditionalResponse", ""))
            return response(request.header, "TransactionStatusResponse",
                            {"Response": answer, "MessageReference": ref_out})
        original = envelope.Header("Payment", record.service_id, record.sale_id,
                                   self.deps.poi_id).as_response()
        return response(request.header, "TransactionStatusResponse", {
            "Response": success(), "MessageReference": ref_out,
            "RepeatedMessageResponse": {"MessageHeader": original,
                                        "RepeatedResponseMessageBody": {
                                            "PaymentResponse": body}}})

    def _find(self, ref) -> SaleRecord:
        store = self.res.store()
        record = (store.find(ref.sale_id, transaction_id=ref.transaction_id)
                  if ref.transaction_id else store.find(ref.sale_id, service_id=ref.service_id))
        if record is None:
            raise ApiError(ErrorCondition.NOT_FOUND, "no payment of this SaleID with that "
                           "ServiceID / SaleTransactionID", "MessageReference")
        return record


def masked(request: Request) -> dict:
    """The request as journaled: the payment code masked, everything else as sent."""
    body = request.body
    code = body.get("PaymentData", {}).get("PaymentCode") if isinstance(
        body.get("PaymentData"), dict) else None
    if isinstance(code, str):
        body = copy.deepcopy(body)
        body["PaymentData"]["PaymentCode"] = mask_code(code) if code.isdigit() else "(masked)"
    return {"MessageHeader": request.header.__dict__, f"{request.header.category}Request": body}
