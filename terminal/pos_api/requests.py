"""The service bodies a POS sends, validated (each problem names its field)."""

from __future__ import annotations

from typing import Any

import re
from dataclasses import dataclass

from terminal.pos_api.amounts import parse_currency, parse_yuan
from terminal.pos_api.envelope import object_field, optional_object_field, text_field
from terminal.pos_api.errors import message_format

_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?"
                        r"(Z|[+-]\d{2}:\d{2})?")
_CODE = re.compile(r"[0-9]{10,32}")
_TRADE_NO = re.compile(r"[A-Za-z0-9_\-]{1,64}")
MAX_PRINT_LINES = 200
MAX_PRINT_LINE = 120


@dataclass(frozen=True)
class PaymentOrder:
    transaction_id: str        # SaleData.SaleTransactionID.TransactionID (the POS's sale)
    timestamp: str
    amount_fen: int
    code: str | None           # PaymentData.PaymentCode (payterm extension), never logged


@dataclass(frozen=True)
class MessageReference:
    sale_id: str
    service_id: str | None
    transaction_id: str | None     # payterm extension: look up by SaleTransactionID


@dataclass(frozen=True)
class ReversalOrder:
    out_trade_no: str              # OriginalPOITransaction.POITransactionID.TransactionID
    amount_fen: int | None         # ReversedAmount; None: whatever is left
    reason: str
    key: str | None                # SaleData.SaleTransactionID.TransactionID, if given


@dataclass(frozen=True)
class PrintOrder:
    document: str
    lines: tuple[str, ...]


def parse_payment(body: dict[str, Any], *, max_fen: int) -> PaymentOrder:
    where = "PaymentRequest"
    sale = object_field(body, "SaleData", where)
    txn = object_field(sale, "SaleTransactionID", f"{where}.SaleData")
    txn_where = f"{where}.SaleData.SaleTransactionID"
    transaction_id = text_field(txn, "TransactionID", txn_where)
    stamp = txn.get("TimeStamp")
    if not isinstance(stamp, str) or not _TIMESTAMP.fullmatch(stamp):
        raise message_format(f"{txn_where}.TimeStamp", "missing or not ISO 8601 "
                                                       "(2026-12-01T10:11:04+08:00)")
    trans = object_field(body, "PaymentTransaction", where)
    amounts = object_field(trans, "AmountsReq", f"{where}.PaymentTransaction")
    a_where = f"{where}.PaymentTransaction.AmountsReq"
    parse_currency(amounts.get("Currency"), f"{a_where}.Currency")
    fen = parse_yuan(amounts.get("RequestedAmount"), f"{a_where}.RequestedAmount",
                     max_fen=max_fen)
    code = None
    data = optional_object_field(body, "PaymentData", where)
    if data is not None and data.get("PaymentCode") is not None:
        code = data["PaymentCode"]
        if not isinstance(code, str) or not _CODE.fullmatch(code.strip()):
            raise message_format(f"{where}.PaymentData.PaymentCode",
                                 "must be the payment code's 10-32 digits")
        code = code.strip()
    return PaymentOrder(transaction_id, stamp, fen, code)


def parse_reference(body: dict[str, Any], service: str) -> MessageReference:
    where = f"{service}Request"
    ref = object_field(body, "MessageReference", where)
    r_where = f"{where}.MessageReference"
    category = ref.get("MessageCategory", "Payment")
    if category != "Payment":
        raise message_format(f"{r_where}.MessageCategory", "only 'Payment' can be referenced")
    sale_id = text_field(ref, "SaleID", r_where)
    service_id = ref.get("ServiceID")
    transaction_id = None
    txn = ref.get("SaleTransactionID")
    if txn is not None:
        if not isinstance(txn, dict):
            raise message_format(f"{r_where}.SaleTransactionID", "must be an object")
        transaction_id = text_field(txn, "TransactionID", f"{r_where}.SaleTransactionID")
    if service_id is not None:
        service_id = text_field(ref, "ServiceID", r_where, re.compile(r"[A-Za-z0-9_.\-]{1,10}"))
    if service_id is None and transaction_id is None:
        raise message_format(f"{r_where}.ServiceID",
                             "give the payment's ServiceID or its SaleTransactionID")
    return MessageReference(sale_id, service_id, transaction_id)


def parse_reversal(body: dict[str, Any], *, max_fen: int) -> ReversalOrder:
    where = "ReversalRequest"
    original = object_field(body, "OriginalPOITransaction", where)
    poi = object_field(original, "POITransactionID", f"{where}.OriginalPOITransaction")
    out_trade_no = text_field(poi, "TransactionID",
                              f"{where}.OriginalPOITransaction.POITransactionID", _TRADE_NO)
    reason = body.get("ReversalReason")
    if reason not in ("MerchantCancel", "CustCancel", "Malfunction", "Unable2Compl"):
        raise message_format(f"{where}.ReversalReason", "must be MerchantCancel, CustCancel, "
                                                        "Malfunction or Unable2Compl")
    amount = None
    if body.get("ReversedAmount") is not None:
        amount = parse_yuan(body["ReversedAmount"], f"{where}.ReversedAmount", max_fen=max_fen)
    key = None
    sale = optional_object_field(body, "SaleData", where)
    if sale is not None:
        txn = object_field(sale, "SaleTransactionID", f"{where}.SaleData")
        key = text_field(txn, "TransactionID", f"{where}.SaleData.SaleTransactionID")
    return ReversalOrder(out_trade_no, amount, reason, key)


def parse_print(body: dict[str, Any]) -> PrintOrder:
    where = "PrintRequest.PrintOutput"
    output = object_field(body, "PrintOutput", "PrintRequest")
    document = output.get("DocumentQualifier", "SaleReceipt")
    if document not in ("SaleReceipt", "CashierReceipt", "CustomerReceipt", "Document"):
        raise message_format(f"{where}.DocumentQualifier", "must be SaleReceipt, "
                             "CashierReceipt, CustomerReceipt or Document")
    content = object_field(output, "OutputContent", where)
    if content.get("OutputFormat") != "Text":
        raise message_format(f"{where}.OutputContent.OutputFormat", "only 'Text' is printed")
    texts = content.get("OutputText")
    t_where = f"{where}.OutputContent.OutputText"
    if not isinstance(texts, list) or not 1 <= len(texts) <= MAX_PRINT_LINES:
        raise message_format(t_where, f"must be a list of 1-{MAX_PRINT_LINES} lines")
    lines = []
    for index, item in enumerate(texts):
        text = item.get("Text") if isinstance(item, dict) else None
        if not isinstance(text, str) or len(text) > MAX_PRINT_LINE:
            raise message_format(f"{t_where}[{index}].Text",
                                 f"must be text of at most {MAX_PRINT_LINE} characters")
        lines.append(text)
    return PrintOrder(document, tuple(lines))


def parse_reconciliation(body: dict[str, Any]) -> str:
    kind = body.get("ReconciliationType", "SaleReconciliation")
    if not isinstance(kind, str) or kind not in ("SaleReconciliation", "AcquirerReconciliation"):
        raise message_format("ReconciliationRequest.ReconciliationType",
                             "must be SaleReconciliation or AcquirerReconciliation")
    return str(kind)
