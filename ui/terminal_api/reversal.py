"""Reversal: refund a payment, whole or part, idempotently.

The POS names the payment by ``OriginalPOITransaction.POITransactionID.TransactionID``
(the ``out_trade_no`` its PaymentResponse carried). The reversal's own key is
``SaleData.SaleTransactionID.TransactionID`` when given, else the request's ServiceID:
the same key again never refunds twice: it answers the first outcome (or sends the same
refund number again while the host's answer is in doubt).
"""

from __future__ import annotations

import threading
from datetime import datetime, timezone

from terminal.pos_api.amounts import fen_to_yuan
from terminal.pos_api.envelope import Request, failure, response, success
from terminal.pos_api.errors import ApiError, ErrorCondition, encode_additional
from terminal.pos_api.requests import parse_reversal
from terminal.refund import RefundError, RefundState, refund_request_no
from ui.terminal_api.deps import ApiDeps, PerThread

ORIGINAL_FIELD = "ReversalRequest.OriginalPOITransaction.POITransactionID.TransactionID"


class Reversals:
    def __init__(self, deps: ApiDeps, resources: PerThread) -> None:
        self._deps = deps
        self._res = resources
        self._lock = threading.Lock()

    def handle(self, request: Request) -> dict:
        header = request.header
        order = parse_reversal(request.body,
                               max_fen=self._deps.settings.terminal.max_amount_fen)
        key = order.key or header.service_id
        journal, store = self._res.journal(), self._res.store()
        with self._lock:
            attempt = journal.get(order.out_trade_no)
            if attempt is None:
                raise ApiError(ErrorCondition.NOT_FOUND, "no payment with this "
                               "POITransactionID on this terminal", ORIGINAL_FIELD)
            prior = store.reversal(header.sale_id, key)
            if prior is not None:
                if prior["out_trade_no"] != order.out_trade_no or (
                        order.amount_fen is not None
                        and order.amount_fen != prior["amount_fen"]):
                    raise ApiError(ErrorCondition.NOT_ALLOWED, "this reversal key was "
                                   "already used for another payment or amount",
                                   "ReversalRequest.SaleData.SaleTransactionID")
                request_no, amount = prior["out_request_no"], prior["amount_fen"]
                settled = _refund_state(journal, order.out_trade_no, request_no)
                if settled is not None and not settled.in_doubt:
                    return self._answer(request, settled, amount, request_no)
            else:
                amount = (order.amount_fen if order.amount_fen is not None
                          else attempt.refundable_fen)
                if attempt.refundable_fen <= 0:
                    raise ApiError(ErrorCondition.NOT_ALLOWED, f"the payment is "
                                   f"{attempt.state.value}: nothing to refund", ORIGINAL_FIELD)
                refunds = journal.refunds(order.out_trade_no)
                if any(RefundState(r["state"]).in_doubt for r in refunds):
                    raise ApiError(ErrorCondition.IN_PROGRESS, "an earlier refund of this "
                                   "payment is still being settled: repeat that Reversal")
                request_no = refund_request_no(attempt, len(refunds))
                store.add_reversal(header.sale_id, key, order.out_trade_no, amount,
                                   request_no, self._deps.clock())
            try:
                result = self._deps.refunds(journal).refund(order.out_trade_no, amount,
                                                            order.reason)
            except RefundError as exc:
                raise ApiError(ErrorCondition.NOT_ALLOWED, str(exc.user_message),
                               "ReversalRequest.ReversedAmount") from None
            state = _refund_state(journal, order.out_trade_no, result.out_request_no)
            return self._answer(request, state, amount, result.out_request_no)

    def _answer(self, request: Request, state: RefundState | None, amount_fen: int,
                request_no: str) -> dict:
        parts = {"payterm.out_request_no": request_no}
        if state is RefundState.ACCEPTED:
            answer = success(encode_additional(parts))
        elif state is RefundState.REFUSED:
            answer = failure(ErrorCondition.REFUSAL, encode_additional(
                {**parts, "message": "the host refused the refund"}))
        else:
            answer = failure(ErrorCondition.IN_PROGRESS, encode_additional(
                {**parts, "payterm.refund_state": state.value if state else "unknown",
                 "message": "refund outcome not known yet: repeat the same Reversal"}))
        body = {"Response": answer, "ReversedAmount": fen_to_yuan(amount_fen),
                "POIData": {"POITransactionID": {"TransactionID": request_no,
                                                 "TimeStamp": _iso(self._deps.clock())}}}
        return response(request.header, "ReversalResponse", body)


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, timezone.utc).isoformat(timespec="seconds")


def _refund_state(journal, out_trade_no: str, request_no: str) -> RefundState | None:
    for row in journal.refunds(out_trade_no):
        if row["out_request_no"] == request_no:
            return RefundState(row["state"])
    return None
