"""Property tests of the answer checks: a genuine answer about the request passes; any
change to what it is about, any missing required field, another method's answer or a
success under ``error_response`` is refused."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import assume, given, settings, strategies as st

from drivers.host.answer_checks import Asked, answer_problems, check_answer
from drivers.host.wire import (METHOD_BATCH_UPLOAD, METHOD_BILL_DAILY, METHOD_CANCEL,
                               METHOD_MEMBER_BALANCE, METHOD_MEMBER_PAY, METHOD_PAY,
                               METHOD_PING, METHOD_QUERY, METHOD_REFUND)
from terminal.errors import AnswerInconsistent, OutcomeUnknown
from terminal.money import to_yuan_string

ALL = (METHOD_PAY, METHOD_MEMBER_PAY, METHOD_QUERY, METHOD_CANCEL, METHOD_REFUND,
       METHOD_MEMBER_BALANCE, METHOD_PING, METHOD_BATCH_UPLOAD, METHOD_BILL_DAILY)
ids = st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-",
              min_size=1, max_size=64)
fen = st.integers(min_value=1, max_value=100_000_000)
days = st.dates(min_value=date(2020, 1, 1), max_value=date(2040, 12, 31))


@st.composite
def asked_for(draw, method: str) -> Asked:
    records = tuple(draw(st.dictionaries(ids, fen, min_size=1, max_size=5)).items())
    return Asked(method, draw(ids), out_trade_no=draw(ids), total_fen=draw(fen),
                 member_id=draw(ids), out_request_no=draw(ids), refund_fen=draw(fen),
                 bill_date=draw(days).isoformat(), records=records)


def genuine(asked: Asked, code: str = "10000") -> dict:
    """What a host that keeps docs/host.md answers with ``code``."""
    base = {"code": code, "msg": "x", "terminal_id": asked.terminal_id}
    m = asked.method
    if m in (METHOD_PAY, METHOD_MEMBER_PAY):
        base["out_trade_no"] = asked.out_trade_no
        if code in ("10000", "10003"):
            base["total_amount"] = to_yuan_string(asked.total_fen)
            if m == METHOD_MEMBER_PAY:
                base["member_id"] = asked.member_id
        if code == "10000":
            base["trade_no"] = "2026" + asked.out_trade_no
    elif m == METHOD_QUERY:
        base["out_trade_no"] = asked.out_trade_no
        if code == "10000":
            base.update(trade_status="TRADE_SUCCESS", trade_no="H1",
                        total_amount=to_yuan_string(asked.total_fen))
    elif m == METHOD_CANCEL:
        base.update(out_trade_no=asked.out_trade_no, retry_flag="N")
        if code == "10000":
            base["action"] = "close"
    elif m == METHOD_REFUND:
        base.update(out_trade_no=asked.out_trade_no, out_request_no=asked.out_request_no)
        if code == "10000":
            base.update(refund_amount=to_yuan_string(asked.refund_fen),
                        refund_fee=to_yuan_string(asked.refund_fen), trade_no="H1")
    elif m == METHOD_MEMBER_BALANCE:
        base["member_id"] = asked.member_id
        if code == "10000":
            base["balance"] = "12.34"
    elif m == METHOD_PING:
        if code == "10000":
            base["server_time"] = "1780000000.123"
    elif m == METHOD_BATCH_UPLOAD:
        if code == "10000":
            base["results"] = [{"out_trade_no": no, "result": "accepted",
                                "total_amount": to_yuan_string(amount)}
                               for no, amount in asked.records]
    elif m == METHOD_BILL_DAILY:
        if code == "10000":
            base.update(bill_date=asked.bill_date, trades=[])
    return base


method = st.sampled_from(ALL)
codes = st.sampled_from(["10000", "10003", "20000", "40004", "40002", "40006"])


@given(st.data(), method, codes)
def test_a_genuine_answer_passes(data, m, code):
    assume(code != "10003" or m in (METHOD_PAY, METHOD_MEMBER_PAY))
    asked = data.draw(asked_for(m))
    assert answer_problems(asked, genuine(asked, code)) == []
    check_answer(asked, genuine(asked, code))


ECHOES = {METHOD_PAY: ("terminal_id", "out_trade_no"),
          METHOD_MEMBER_PAY: ("terminal_id", "out_trade_no", "member_id"),
          METHOD_QUERY: ("terminal_id", "out_trade_no"),
          METHOD_CANCEL: ("terminal_id", "out_trade_no"),
          METHOD_REFUND: ("terminal_id", "out_trade_no", "out_request_no"),
          METHOD_MEMBER_BALANCE: ("terminal_id", "member_id"),
          METHOD_PING: ("terminal_id",), METHOD_BATCH_UPLOAD: ("terminal_id",),
          METHOD_BILL_DAILY: ("terminal_id", "bill_date")}


@given(st.data(), method, ids)
def test_another_identifier_is_refused(data, m, other):
    asked = data.draw(asked_for(m))
    payload = genuine(asked)
    key = data.draw(st.sampled_from(ECHOES[m]))
    assume(other != payload[key])
    with pytest.raises(AnswerInconsistent) as info:
        check_answer(asked, {**payload, key: other})
    assert key in str(info.value)


@given(st.data(), method)
def test_a_missing_required_field_is_refused(data, m):
    asked = data.draw(asked_for(m))
    payload = genuine(asked)
    required = [k for k in payload if k not in ("code", "msg")]
    key = data.draw(st.sampled_from(required))
    del payload[key]
    assert answer_problems(asked, payload)


AMOUNTS = {METHOD_PAY: "total_amount", METHOD_MEMBER_PAY: "total_amount",
           METHOD_REFUND: "refund_amount"}


@given(st.data(), st.sampled_from(sorted(AMOUNTS)), fen, st.sampled_from(["10000", "10003"]))
def test_another_amount_is_refused(data, m, other, code):
    assume(code == "10000" or m != METHOD_REFUND)
    asked = data.draw(asked_for(m))
    asked_fen = asked.refund_fen if m == METHOD_REFUND else asked.total_fen
    assume(other != asked_fen)
    payload = {**genuine(asked, code), AMOUNTS[m]: to_yuan_string(other)}
    if m == METHOD_REFUND:
        payload["refund_fee"] = to_yuan_string(max(other, asked_fen))
    assert answer_problems(asked, payload)


@given(st.data(), fen, st.sampled_from(["NaN", "inf", "-1.00", "1e3", "１２", "12.345",
                                        " ", "9" * 40, ""]))
def test_amounts_that_are_not_yuan_are_refused(data, _fen, text):
    asked = data.draw(asked_for(METHOD_PAY))
    assert answer_problems(asked, {**genuine(asked), "total_amount": text})


@given(st.data(), st.sampled_from(ALL), st.sampled_from(ALL))
@settings(max_examples=300)
def test_an_answer_of_another_method_is_refused(data, source, target):
    """A genuine answer of ``source`` about the same things, under ``target``'s key."""
    assume(source != target)
    # A query answer saying the very same trade is paid reads as that trade's approval:
    # it is true, so it is not refused (a waiting or closed one is, see below).
    assume(not (source == METHOD_QUERY and target in (METHOD_PAY, METHOD_MEMBER_PAY)))
    asked = data.draw(asked_for(source))
    payload = genuine(asked)
    target_asked = Asked(target, asked.terminal_id, out_trade_no=asked.out_trade_no,
                         total_fen=asked.total_fen, member_id=asked.member_id,
                         out_request_no=asked.out_request_no, refund_fen=asked.refund_fen,
                         bill_date=asked.bill_date, records=asked.records)
    assert answer_problems(target_asked, payload)


@given(st.data(), st.sampled_from(["WAIT_BUYER_PAY", "TRADE_CLOSED"]))
def test_a_query_answer_of_an_unpaid_trade_is_no_approval(data, status):
    asked = data.draw(asked_for(METHOD_PAY))
    query_answer = {**genuine(asked), "trade_status": status}
    assert answer_problems(asked, query_answer)


@given(st.data(), method, st.sampled_from(["10000", "10003"]))
def test_success_under_error_response_is_refused(data, m, code):
    asked = data.draw(asked_for(m))
    assert answer_problems(asked, genuine(asked, code), under_error_key=True)


@given(st.data())
def test_batch_results_must_cover_exactly_the_records_sent(data):
    asked = data.draw(asked_for(METHOD_BATCH_UPLOAD))
    results = genuine(asked)["results"]
    change = data.draw(st.sampled_from(["drop", "twice", "extra", "amount"]))
    if change == "drop":
        results = results[1:]
    elif change == "twice":
        results = results + results[:1]
    elif change == "extra":
        results = results + [{"out_trade_no": "X" * 65, "result": "accepted",
                              "total_amount": "1.00"}]
    else:
        no, amount = asked.records[0]
        results = [{**results[0], "total_amount": to_yuan_string(amount + 1)}] + results[1:]
    problems = answer_problems(asked, {**genuine(asked), "results": results})
    assert problems


def test_inconsistent_is_an_unknown_outcome_so_nothing_is_final():
    assert issubclass(AnswerInconsistent, OutcomeUnknown)
    error = AnswerInconsistent(METHOD_PAY, ["a", "b"])
    assert error.problems == ("a", "b") and "a; b" in str(error)
    assert "主机应答不一致" in error.user_message
