"""Request parameters, answer parsing and the mapping of result codes."""

from __future__ import annotations

import json
from datetime import date

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from drivers.host import answers, signing
from drivers.host.wire import ResponseInvalid, parse_signed_response, signed_request
from terminal.errors import HostRejected, OutcomeUnknown
from terminal.host_batch_messages import BatchOutcome
from terminal.host_messages import PayOutcome, TradeStatus


@pytest.fixture(scope="module")
def key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def test_signed_request_has_the_common_parameters(key):
    params = signed_request("alipay.trade.pay", {"total_amount": "12.34", "subject": "饭"},
                            app_id="APP", private_key=key, now_epoch_s=0)
    assert params["timestamp"] == "1970-01-01 08:00:00"           # Beijing time
    assert {k: params[k] for k in ("app_id", "method", "format", "charset", "sign_type",
                                   "version")} == {
        "app_id": "APP", "method": "alipay.trade.pay", "format": "JSON", "charset": "utf-8",
        "sign_type": "RSA2", "version": "1.0"}
    assert json.loads(params["biz_content"]) == {"total_amount": "12.34", "subject": "饭"}
    assert signing.verify_params(params, key.public_key())


def answer(key, method, payload):
    return signing.signed_response_body(method, payload, key)


def test_parse_accepts_signed_and_error_response(key):
    body = answer(key, "alipay.trade.pay", {"code": "10000"})
    assert parse_signed_response(body, "alipay.trade.pay", key.public_key())["code"] == "10000"
    error = answer(key, "error", {"code": "40002", "sub_code": "isv.invalid-method"})
    assert parse_signed_response(error, "alipay.trade.pay", key.public_key())["code"] == "40002"


@pytest.mark.parametrize("body", [
    "<html>502</html>", "", '{"other_response":{"code":"10000"},"sign":"x"}',
    '{"alipay_trade_pay_response":{"code":"10000"}}',
    '{"alipay_trade_pay_response":{"code":"10000"},"sign":"AAAA"}',
])
def test_parse_refuses_anything_unsigned_or_foreign(key, body):
    with pytest.raises(ResponseInvalid):
        parse_signed_response(body, "alipay.trade.pay", key.public_key())


def test_parse_refuses_a_reformatted_body(key):
    body = answer(key, "alipay.trade.pay", {"code": "10000", "msg": "Success"})
    reformatted = body.replace('"code":"10000",', '"code": "10000", ')
    with pytest.raises(ResponseInvalid):
        parse_signed_response(reformatted, "alipay.trade.pay", key.public_key())


@pytest.mark.parametrize("payload, outcome", [
    ({"code": "10000", "total_amount": "12.34"}, PayOutcome.APPROVED),
    ({"code": "10003"}, PayOutcome.WAITING_FOR_PASSWORD),
    ({"code": "20000"}, PayOutcome.UNKNOWN),
    ({"code": "40004", "sub_code": "ACQ.BUYER_BALANCE_NOT_ENOUGH"}, PayOutcome.DECLINED),
    ({"code": "40004", "sub_code": "ACQ.SYSTEM_ERROR"}, PayOutcome.UNKNOWN),
    ({"code": "40004", "sub_code": "ACQ.TRADE_HAS_SUCCESS"}, PayOutcome.UNKNOWN),
])
def test_pay_answer_mapping(payload, outcome):
    assert answers.pay_answer(payload).outcome is outcome


@pytest.mark.parametrize("code", ["40002", "40001", "40003"])
def test_pay_refused(code):
    with pytest.raises(HostRejected) as caught:
        answers.pay_answer({"code": code, "sub_code": "isv.invalid-signature"})
    assert caught.value.code == code


def test_pay_answer_amount_in_fen():
    assert answers.pay_answer({"code": "10000", "total_amount": "12.3"}).total_fen == 1230
    with pytest.raises(OutcomeUnknown):
        answers.pay_answer({"code": "10000", "total_amount": "abc"})


def test_query_mapping():
    ok = answers.query_answer({"code": "10000", "trade_status": "WAIT_BUYER_PAY"})
    assert ok.status is TradeStatus.WAIT_BUYER_PAY
    gone = answers.query_answer({"code": "40004", "sub_code": "ACQ.TRADE_NOT_EXIST"})
    assert gone.status is TradeStatus.NOT_EXIST
    for payload in ({"code": "20000"}, {"code": "10000", "trade_status": "WHATEVER"}):
        with pytest.raises(OutcomeUnknown):
            answers.query_answer(payload)


def test_cancel_mapping():
    done = answers.cancel_answer({"code": "10000", "action": "refund", "retry_flag": "N"})
    assert (done.done, done.retry, done.action) == (True, False, "refund")
    retry = answers.cancel_answer({"code": "20000", "retry_flag": "Y"})
    assert (retry.done, retry.retry) == (False, True)
    stuck = answers.cancel_answer({"code": "40004", "sub_code": "ACQ.REASON_TRADE_BEEN_FREEZEN"})
    assert (stuck.done, stuck.retry) == (False, False)


def test_refund_mapping():
    assert answers.refund_answer({"code": "10000"}, 300).refund_fen == 300
    refused = answers.refund_answer({"code": "40004", "sub_code": "ACQ.TRADE_STATUS_ERROR"}, 1)
    assert not refused.accepted
    with pytest.raises(OutcomeUnknown):
        answers.refund_answer({"code": "20000"}, 1)


def test_batch_results_must_cover_exactly_what_was_sent():
    payload = {"code": "10000", "results": [
        {"out_trade_no": "B", "result": "declined", "sub_code": "X"},
        {"out_trade_no": "A", "result": "duplicate"}]}
    results = answers.batch_results(payload, ["A", "B"])
    assert [r.outcome for r in results] == [BatchOutcome.DUPLICATE, BatchOutcome.DECLINED]
    with pytest.raises(OutcomeUnknown):
        answers.batch_results(payload, ["A", "B", "C"])
    with pytest.raises(OutcomeUnknown):
        answers.batch_results({"code": "10000", "results": [{"out_trade_no": "A",
                                                             "result": "maybe"}]}, ["A"])


def test_daily_statement_parsing():
    statement = answers.daily_statement({"code": "10000", "trades": [
        {"out_trade_no": "A", "tender": "wallet", "wallet": "alipay", "total_amount": "10.00",
         "refund_amount": "2.50", "trade_status": "TRADE_SUCCESS"},
        {"out_trade_no": "B", "tender": "member", "total_amount": "3.00",
         "refund_amount": "0.00", "trade_status": "TRADE_CLOSED"}]}, "T0001", date(2026, 5, 1))
    assert statement.net_total_fen == 750
    with pytest.raises(OutcomeUnknown):
        answers.daily_statement({"code": "10000", "trades": [{"tender": "x"}]}, "T", date.today())
