"""Refusals before any method runs: every one a signed answer, nothing booked
(unsigned, badly signed, unknown/disabled/conflicting terminals, app_id, clock skew,
content type, unknown method, oversized body, malformed amounts and JSON, rate)."""

from __future__ import annotations

import json
import time
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa

from backoffice.registry.terminals import TerminalStatus, rekey_terminal, set_terminal_status
from backoffice.settings import BackofficeSettings
from backoffice.storage.schema import trades
from drivers.host.signing import sign_params
from terminal.errors import HostRejected
from terminal.host_messages import MemberPayRequest
from tests.backoffice.harness import TerminalIdentity, in_transaction

PAY = "payterm.member.pay"


def biz(number: str = "T0001S1", amount: object = "1.00") -> dict:
    return {"out_trade_no": number, "member_id": "M001", "total_amount": amount,
            "terminal_id": "T0001", "subject": "s"}


def booked(backoffice) -> int:
    return in_transaction(backoffice.engine, lambda conn, now: conn.execute(
        sa.select(sa.func.count()).select_from(trades)).scalar_one())


def test_unsigned_and_badly_signed(raw, terminal, key_pool, backoffice):
    params = raw.params(PAY, biz(), terminal.private_key)
    unsigned = {k: v for k, v in params.items() if k != "sign"}
    answer = raw.post(unsigned, PAY)
    assert (answer["code"], answer["sub_code"]) == ("40002", "isv.missing-signature")
    tampered = dict(params, biz_content=params["biz_content"].replace("1.00", "0.01"))
    answer = raw.post(tampered, PAY)
    assert (answer["code"], answer["sub_code"]) == ("40002", "isv.invalid-signature")
    assert answer["terminal_id"] == "T0001" and answer["out_trade_no"] == "T0001S1"
    garbage = dict(params, sign="bm90IGEgc2lnbmF0dXJl")
    assert raw.post(garbage, PAY)["sub_code"] == "isv.invalid-signature"
    foreign = raw.params(PAY, biz(), key_pool[3])       # a key nobody registered
    assert raw.post(foreign, PAY)["sub_code"] == "isv.invalid-signature"
    assert booked(backoffice) == 0


def test_unknown_disabled_and_conflicting_terminals(raw, terminal, key_pool, backoffice):
    unknown = raw.call(PAY, dict(biz(), terminal_id="T0404"), terminal.private_key)
    assert (unknown["code"], unknown["msg"], unknown["sub_code"], unknown["terminal_id"]) == \
        ("40006", "Insufficient Permissions", "PAYTERM.TERMINAL_UNKNOWN", "T0404")
    second = TerminalIdentity("T0002", "S1", key_pool[1])
    backoffice.register(second)
    # T0002's device configured with T0001's id: signed with T0002's registered key.
    conflict = raw.call(PAY, biz(), second.private_key)
    assert (conflict["code"], conflict["sub_code"]) == ("40006", "PAYTERM.TERMINAL_ID_CONFLICT")
    assert "T0002" in conflict["sub_msg"]
    in_transaction(backoffice.engine, lambda conn, now: set_terminal_status(
        conn, "T0001", TerminalStatus.DISABLED, now))
    disabled = raw.call(PAY, biz(), terminal.private_key)
    assert (disabled["code"], disabled["sub_code"]) == ("40006", "PAYTERM.TERMINAL_DISABLED")
    assert booked(backoffice) == 0


def test_a_retired_key_is_an_id_conflict(raw, terminal, key_pool, backoffice):
    replacement = TerminalIdentity("T0001", "S1", key_pool[2])
    in_transaction(backoffice.engine, lambda conn, now: rekey_terminal(
        conn, "T0001", replacement.public_pem, now))
    old = raw.call(PAY, biz(), terminal.private_key)
    assert (old["code"], old["sub_code"]) == ("40006", "PAYTERM.TERMINAL_ID_CONFLICT")
    assert "retired" in old["sub_msg"]
    new = raw.call(PAY, biz(), replacement.private_key)
    assert new["code"] == "10000"


def test_client_maps_identity_refusals_to_rejected(backoffice, terminal):
    impostor = TerminalIdentity("T0404", "S1", terminal.private_key)
    with backoffice.client(impostor) as client:
        with pytest.raises(HostRejected) as refused:
            client.member_pay(MemberPayRequest("T0404A", "M001", 100, "", "T0404"))
    assert (refused.value.code, refused.value.sub_code) == ("40006", "PAYTERM.TERMINAL_UNKNOWN")


def test_app_id_clock_skew_and_envelope_fields(raw, terminal, backoffice):
    wrong_app = raw.call(PAY, biz(), terminal.private_key, app_id="2026000000000999")
    assert wrong_app["sub_code"] == "isv.invalid-app-id"
    late = raw.call(PAY, biz(), terminal.private_key, now=time.time() - 3600)
    assert (late["code"], late["sub_code"]) == ("40002", "isv.invalid-timestamp")
    assert "clock is -360" in late["sub_msg"]
    params = raw.params(PAY, biz(), terminal.private_key)
    for key, value, sub in (("sign_type", "RSA", "isv.invalid-signature-type"),
                            ("charset", "gbk", "isv.invalid-charset"),
                            ("timestamp", "yesterday", "isv.invalid-timestamp")):
        changed = dict(params, **{key: value})
        changed["sign"] = sign_params(changed, terminal.private_key)
        assert raw.post(changed, PAY)["sub_code"] == sub, key
    assert booked(backoffice) == 0


def test_unknown_method_and_bad_body_answer_error_response(raw, terminal):
    params = raw.params("alipay.trade.precreate", biz(), terminal.private_key)
    answer = raw.post(params, "alipay.trade.precreate")
    assert (answer["code"], answer["sub_code"]) == ("40002", "isv.invalid-method")
    json_body = raw.post(json.dumps(params).encode(), PAY, content_type="application/json")
    assert json_body["sub_code"] == "isv.invalid-content-type"
    broken = raw.post(b"\xff\xfe=1", PAY)
    assert broken["sub_code"] == "isv.invalid-parameter"
    doubled = urlencode(list(params.items()) + [("method", PAY)]).encode()
    assert "twice" in raw.post(doubled, PAY)["sub_msg"]


@pytest.mark.parametrize("amount", ["12.345", "-1.00", "1e3", "0.00", "", " 1.00", "NaN",
                                    "１２.00", 12.34, None, "100000000.01"])
def test_bad_amounts_are_refused_naming_the_field(raw, terminal, backoffice, amount):
    answer = raw.call(PAY, biz(amount=amount), terminal.private_key)
    assert answer["code"] == "40002", answer
    assert answer["sub_code"] in ("isv.invalid-parameter", "isv.missing-parameter")
    assert "total_amount" in answer["sub_msg"]
    assert answer["out_trade_no"] == "T0001S1"
    assert booked(backoffice) == 0


def test_nan_and_duplicate_keys_in_biz_content(raw, terminal):
    params = raw.params(PAY, biz(), terminal.private_key)
    for text in ('{"out_trade_no":"A","total_amount":NaN,"terminal_id":"T0001"}',
                 '{"terminal_id":"T0001","terminal_id":"T0002"}', '[1,2]', '{"a":'):
        changed = dict(params, biz_content=text)
        changed["sign"] = sign_params(changed, terminal.private_key)
        answer = raw.post(changed, PAY)
        assert (answer["code"], answer["sub_code"]) == ("40002", "isv.invalid-parameter"), text


@pytest.fixture
def bo_settings() -> BackofficeSettings:
    return BackofficeSettings(max_request_bytes=64 * 1024, rate_limit_per_s=1.0,
                              rate_limit_burst=15)


def test_oversized_body_is_refused_unread(raw, terminal, backoffice):
    big = dict(biz(), subject="x" * 100_000)
    params = raw.params(PAY, big, terminal.private_key)
    answer = raw.post(params, PAY)
    assert (answer["code"], answer["sub_code"]) == ("40002", "PAYTERM.REQUEST_TOO_LARGE")
    assert booked(backoffice) == 0


def test_rate_limit_refuses_a_runaway_terminal(raw, terminal):
    codes = [raw.call("payterm.ping", {"terminal_id": "T0001"}, terminal.private_key)
             for _ in range(20)]
    limited = [a for a in codes if a.get("sub_code") == "PAYTERM.RATE_LIMITED"]
    assert codes[0]["code"] == "10000"
    assert 3 <= len(limited) <= 6, [a["code"] for a in codes]
    assert limited[0]["terminal_id"] == "T0001" and limited[0]["code"] == "40002"
