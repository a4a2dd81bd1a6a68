"""The reference POS client believes only an answer about its own request."""

from __future__ import annotations

import copy

import pytest

from drivers.pos_api.client import TerminalApiClient, TerminalApiError, check_answer


def request_and_answer() -> tuple[dict, dict]:
    client = TerminalApiClient.__new__(TerminalApiClient)
    client.sale_id, client.poi_id = "LANE1", "T0001"
    header = client.build_request("Payment", {})["SaleToPOIRequest"]["MessageHeader"]
    answer = {"SaleToPOIResponse": {
        "MessageHeader": {**header, "MessageType": "Response"},
        "PaymentResponse": {"Response": {"Result": "Success"}}}}
    return header, answer


def test_the_answer_to_this_request_is_believed():
    header, answer = request_and_answer()
    check_answer(header, answer)


@pytest.mark.parametrize("name", ["ServiceID", "SaleID", "POIID", "MessageCategory"])
@pytest.mark.parametrize("how", ["other", "missing"])
def test_another_or_missing_header_field_is_refused(name, how):
    header, answer = request_and_answer()
    got = answer["SaleToPOIResponse"]["MessageHeader"]
    if how == "other":
        got[name] = "Reversal" if name == "MessageCategory" else "X9"
    else:
        del got[name]
    with pytest.raises(TerminalApiError, match=name):
        check_answer(header, answer)


def test_another_service_body_or_no_envelope_is_refused():
    header, answer = request_and_answer()
    other = copy.deepcopy(answer)
    other["SaleToPOIResponse"]["ReversalResponse"] = other["SaleToPOIResponse"].pop(
        "PaymentResponse")
    with pytest.raises(TerminalApiError, match="PaymentResponse"):
        check_answer(header, other)
    for broken in ({}, {"SaleToPOIResponse": []}, {"SaleToPOIResponse": {}}):
        with pytest.raises(TerminalApiError, match="not a SaleToPOIResponse"):
            check_answer(header, broken)


def test_an_unreadable_request_error_response_is_passed_on():
    header, _ = request_and_answer()
    check_answer(header, {"SaleToPOIResponse": {
        "MessageHeader": {"ProtocolVersion": "3.0", "MessageClass": "Service",
                          "MessageType": "Response"},
        "ErrorResponse": {"Response": {"Result": "Failure",
                                       "ErrorCondition": "MessageFormat"}}}})
