"""Parsing nexo requests: every problem is an ApiError naming the field."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from terminal.pos_api.envelope import parse_request
from terminal.pos_api.errors import ApiError, ErrorCondition
from terminal.pos_api.requests import (parse_payment, parse_print, parse_reference,
                                       parse_reversal)

MAX = 5_000_000


def envelope(category="Payment", body=None, **header_changes) -> bytes:
    header = {"ProtocolVersion": "3.0", "MessageClass": "Service",
              "MessageCategory": category, "MessageType": "Request", "ServiceID": "S1",
              "SaleID": "POS1", "POIID": "T0001", **header_changes}
    header = {k: v for k, v in header.items() if v is not None}
    return json.dumps({"SaleToPOIRequest": {"MessageHeader": header,
                                            f"{category}Request": body or {}}},
                      default=float).encode()


def payment(amount=Decimal("12.34"), currency="CNY", **extra) -> dict:
    return {"SaleData": {"SaleTransactionID": {"TransactionID": "T-1",
                                               "TimeStamp": "2026-12-01T10:00:00+08:00"}},
            "PaymentTransaction": {"AmountsReq": {"Currency": currency,
                                                  "RequestedAmount": amount}}, **extra}


def error_of(call) -> ApiError:
    with pytest.raises(ApiError) as info:
        call()
    return info.value


def test_a_good_payment_request_parses_with_the_amount_in_fen():
    request = parse_request(envelope(body={}), poi_id="T0001")
    assert request.header.category == "Payment" and request.header.sale_id == "POS1"
    raw = json.loads(envelope(body=payment()), parse_float=Decimal)
    order = parse_payment(raw["SaleToPOIRequest"]["PaymentRequest"], max_fen=MAX)
    assert (order.transaction_id, order.amount_fen, order.code) == ("T-1", 1234, None)


@pytest.mark.parametrize("raw, field", [
    (b"{not json", "(body)"),
    (b"\xff\xfe", "(body)"),
    (b'{"SaleToPOIRequest": {"MessageHeader": 1}}', "MessageHeader"),
    (b'[]', "SaleToPOIRequest"),
    (b'{"SaleToPOIRequest": {}, "x": 1}', "SaleToPOIRequest"),
])
def test_malformed_bodies_are_message_format_errors_naming_the_part(raw, field):
    error = error_of(lambda: parse_request(raw, poi_id="T0001"))
    assert error.condition is ErrorCondition.MESSAGE_FORMAT and error.field == field


@pytest.mark.parametrize("change, field", [
    ({"ProtocolVersion": "2.0"}, "MessageHeader.ProtocolVersion"),
    ({"MessageType": "Response"}, "MessageHeader.MessageType"),
    ({"ServiceID": None}, "MessageHeader.ServiceID"),
    ({"ServiceID": "way-too-long-id"}, "MessageHeader.ServiceID"),
    ({"SaleID": "has space"}, "MessageHeader.SaleID"),
])
def test_header_problems_name_the_header_field(change, field):
    error = error_of(lambda: parse_request(envelope(**change), poi_id="T0001"))
    assert error.condition is ErrorCondition.MESSAGE_FORMAT and error.field == field


def test_an_unknown_service_is_unavailable_and_another_poi_is_not_allowed():
    unknown = error_of(lambda: parse_request(envelope("Loyalty"), poi_id="T0001"))
    assert unknown.condition is ErrorCondition.UNAVAILABLE_SERVICE
    assert unknown.field == "MessageHeader.MessageCategory"
    other = error_of(lambda: parse_request(envelope(POIID="T0002"), poi_id="T0001"))
    assert other.condition is ErrorCondition.NOT_ALLOWED


def test_nan_and_infinity_are_not_numbers():
    raw = envelope(body=payment()).replace(b"12.34", b"NaN")
    error = error_of(lambda: parse_request(raw, poi_id="T0001"))
    assert error.condition is ErrorCondition.MESSAGE_FORMAT


AMOUNT = "PaymentRequest.PaymentTransaction.AmountsReq.RequestedAmount"


@pytest.mark.parametrize("amount, field", [
    (Decimal("12.345"), AMOUNT), (Decimal("12.340"), AMOUNT), (Decimal("-1.00"), AMOUNT),
    (0, AMOUNT), (Decimal("50000.01"), AMOUNT), ("12.34", AMOUNT), (True, AMOUNT),
])
def test_bad_amounts_name_the_amount_field(amount, field):
    error = error_of(lambda: parse_payment(payment(amount), max_fen=MAX))
    assert error.condition is ErrorCondition.MESSAGE_FORMAT and error.field == field


def test_only_cny_and_the_code_must_be_digits():
    currency = error_of(lambda: parse_payment(payment(Decimal("1"), "USD"), max_fen=MAX))
    assert currency.field.endswith("AmountsReq.Currency")
    code = error_of(lambda: parse_payment(payment(Decimal("1"), PaymentData={
        "PaymentCode": "28abc"}), max_fen=MAX))
    assert code.field == "PaymentRequest.PaymentData.PaymentCode"
    assert "28abc" not in code.message


def test_missing_transaction_id_and_bad_timestamp_are_named():
    body = payment(Decimal("1"))
    del body["SaleData"]["SaleTransactionID"]["TransactionID"]
    assert error_of(lambda: parse_payment(body, max_fen=MAX)).field == \
        "PaymentRequest.SaleData.SaleTransactionID.TransactionID"
    body = payment(Decimal("1"))
    body["SaleData"]["SaleTransactionID"]["TimeStamp"] = "yesterday"
    assert error_of(lambda: parse_payment(body, max_fen=MAX)).field.endswith("TimeStamp")


def test_references_need_a_service_id_or_a_transaction_id():
    ref = parse_reference({"MessageReference": {"SaleID": "POS1", "ServiceID": "S9"}},
                          "TransactionStatus")
    assert (ref.sale_id, ref.service_id, ref.transaction_id) == ("POS1", "S9", None)
    error = error_of(lambda: parse_reference({"MessageReference": {"SaleID": "POS1"}},
                                             "Abort"))
    assert error.field == "AbortRequest.MessageReference.ServiceID"


def test_reversal_and_print_bodies():
    order = parse_reversal({"OriginalPOITransaction": {"POITransactionID": {
        "TransactionID": "T000112345678"}}, "ReversalReason": "MerchantCancel",
        "ReversedAmount": Decimal("1.50")}, max_fen=MAX)
    assert (order.out_trade_no, order.amount_fen) == ("T000112345678", 150)
    bad = error_of(lambda: parse_reversal({"OriginalPOITransaction": {"POITransactionID": {
        "TransactionID": "X"}}, "ReversalReason": "Because"}, max_fen=MAX))
    assert bad.field == "ReversalRequest.ReversalReason"
    printed = parse_print({"PrintOutput": {"OutputContent": {
        "OutputFormat": "Text", "OutputText": [{"Text": "小票 receipt"}]}}})
    assert printed.lines == ("小票 receipt",)
    long = error_of(lambda: parse_print({"PrintOutput": {"OutputContent": {
        "OutputFormat": "Text", "OutputText": [{"Text": "x" * 500}]}}}))
    assert long.field == "PrintRequest.PrintOutput.OutputContent.OutputText[0].Text"
