"""payterm payment outcomes as nexo answers.

The rules a POS relies on:
* ``Success`` only for an approved payment (also after a later refund: the payment was
  made; ``AdditionalResponse`` says how much was refunded).
* ``InProgress`` while the outcome is not final: the payment runs, the host's answer is
  being confirmed (unknown, resolving) or was not about this payment and is being
  checked by query (``answer_inconsistent``). The POS asks again (TransactionStatus).
* ``held`` (the host kept answering about something else): Failure, never Success,
  ErrorCondition UnavailableService and ``payterm.state=held``: money may have moved,
  staff must check before anything is charged again.
* declined / closed / cancelled: Failure Refusal (nothing charged, or returned);
  a POS abort: Failure Aborted; a payment refused before it reached the host: the
  recorded condition (Refusal, UnreachableHost, ...).
"""

from __future__ import annotations

from typing import Any

from dataclasses import dataclass

from terminal.attempt import Attempt, Tender
from terminal.bilingual import Bilingual
from terminal.pos_api.amounts import CURRENCY, fen_to_yuan
from terminal.pos_api.envelope import failure, success
from terminal.pos_api.errors import ErrorCondition, encode_additional
from terminal.transaction import TxState

#: The payterm-specific states a POS can read in AdditionalResponse (payterm.state=...).
STATE_KEY = "payterm.state"


@dataclass(frozen=True)
class SaleRecord:
    """What the Terminal API keeps about one POS sale (offline_queue.pos_api_store)."""
    sale_id: str
    transaction_id: str
    service_id: str
    timestamp: str
    amount_fen: int
    out_trade_no: str = ""          # set before the pay request leaves
    status: str = "started"         # started | linked | refused
    condition: str = ""             # for refused: the ErrorCondition
    message: str = ""               # for refused: why
    aborted: bool = False
    created_at: float = 0.0


def is_final_for_pos(record: SaleRecord, attempt: Attempt | None, running: bool) -> bool:
    if record.status == "refused":
        return True
    if running or attempt is None:
        return False
    return not attempt.state.needs_resolution


def payment_answer(record: SaleRecord, attempt: Attempt | None, *, running: bool,
                   message: Bilingual | None = None) -> dict[str, Any]:
    """The Response object of a PaymentResponse for this sale, now."""
    if record.status == "refused":
        return failure(ErrorCondition(record.condition),
                       encode_additional({"message": record.message}))
    if attempt is None:
        if running:
            return failure(ErrorCondition.IN_PROGRESS, encode_additional(
                {STATE_KEY: "waiting_for_customer", "message": "the payment is running"}))
        # Started but never linked to a journal attempt and no longer running: the pay
        # request is sent only after the link is stored, so nothing left the terminal.
        return failure(ErrorCondition.ABORTED if record.aborted else ErrorCondition.CANCEL,
                       encode_additional({STATE_KEY: "not_sent",
                                          "message": "stopped before anything was sent; "
                                                     "nothing was charged"}))
    text = message.en if message else ""
    state = attempt.state
    parts = {STATE_KEY: state.value}
    if text:
        parts["message"] = text
    if state is TxState.APPROVED or state in (TxState.REFUNDED, TxState.PARTIALLY_REFUNDED):
        if record.aborted and state is TxState.REFUNDED:
            parts["refunded"] = str(fen_to_yuan(attempt.refunded_fen))
            return failure(ErrorCondition.ABORTED, encode_additional(
                {**parts, "message": "aborted by the POS: the approved payment was "
                                     "refunded in full"}))
        if attempt.refunded_fen:
            parts["refunded"] = str(fen_to_yuan(attempt.refunded_fen))
        return success(encode_additional(parts))
    if state.needs_resolution or running:
        if attempt.waiting_for_password:
            parts["waiting_for_password"] = "true"
        return failure(ErrorCondition.IN_PROGRESS, encode_additional(parts))
    if state is TxState.HELD:
        parts["message"] = ("host answers were not about this payment: held for staff; "
                            "money may have moved, do not charge again before staff checks")
        return failure(ErrorCondition.UNAVAILABLE_SERVICE, encode_additional(parts))
    if record.aborted:
        return failure(ErrorCondition.ABORTED, encode_additional(parts))
    if attempt.sub_code:
        parts["reason"] = attempt.sub_code
    if attempt.sub_code == "PAYTERM.HOST_UNREACHABLE":
        return failure(ErrorCondition.UNREACHABLE_HOST, encode_additional(parts))
    return failure(ErrorCondition.REFUSAL, encode_additional(parts))


def instrument_data(attempt: Attempt) -> dict[str, Any]:
    """PaymentInstrumentData: the wallet or member, masked (never the full code)."""
    if attempt.tender is Tender.WALLET:
        return {"PaymentInstrumentType": "Mobile",
                "MobileData": {"Wallet": attempt.wallet.value if attempt.wallet else "",
                               "MaskedCode": attempt.code_masked}}
    if attempt.tender is Tender.MEMBER:
        return {"PaymentInstrumentType": "StoredValue",
                "StoredValueData": {"MaskedAccount": attempt.member_ref}}
    return {"PaymentInstrumentType": "Cash"}


def payment_response(record: SaleRecord, attempt: Attempt | None, *, running: bool,
                     poi_timestamp: str, receipt_lines: tuple[str, ...] = (),
                     message: Bilingual | None = None) -> dict[str, Any]:
    """The whole PaymentResponse body."""
    body: dict[str, Any] = {
        "Response": payment_answer(record, attempt, running=running, message=message),
        "SaleData": {"SaleTransactionID": {"TransactionID": record.transaction_id,
                                           "TimeStamp": record.timestamp}},
    }
    if attempt is not None:
        body["POIData"] = {"POITransactionID": {"TransactionID": attempt.out_trade_no,
                                                "TimeStamp": poi_timestamp}}
        approved = attempt.state in (TxState.APPROVED, TxState.REFUNDED,
                                     TxState.PARTIALLY_REFUNDED)
        body["PaymentResult"] = {
            "PaymentType": "Normal",
            "PaymentInstrumentData": instrument_data(attempt),
            "AmountsResp": {"Currency": CURRENCY,
                            "AuthorizedAmount": fen_to_yuan(attempt.amount_fen if approved
                                                            else 0)},
        }
    if receipt_lines:
        body["PaymentReceipt"] = [receipt_document("CustomerReceipt", receipt_lines)]
    return body


def receipt_document(qualifier: str, lines: tuple[str, ...]) -> dict[str, Any]:
    return {"DocumentQualifier": qualifier, "RequiredSignatureFlag": False,
            "OutputContent": {"OutputFormat": "Text",
                              "OutputText": [{"Text": line} for line in lines]}}
