"""RSA2 signing as the Alipay SDKs do it, checked against an independent computation."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from drivers.host import signing

PARAMS = {
    "app_id": "2014072300007148",
    "method": "alipay.trade.pay",
    "format": "JSON",
    "charset": "utf-8",
    "sign_type": "RSA2",
    "timestamp": "2014-07-24 03:07:50",
    "version": "1.0",
    "biz_content": '{"out_trade_no":"T0001","subject":"测试 a&b=c","total_amount":"0.01"}',
    "notify_url": "",
    "sign": "ignored",
}
# Written out by hand: sorted keys, no URL-encoding, empty notify_url and sign left out,
# sign_type kept.
EXPECTED_CONTENT = (
    'app_id=2014072300007148'
    '&biz_content={"out_trade_no":"T0001","subject":"测试 a&b=c","total_amount":"0.01"}'
    '&charset=utf-8&format=JSON&method=alipay.trade.pay&sign_type=RSA2'
    '&timestamp=2014-07-24 03:07:50&version=1.0')


@pytest.fixture(scope="module")
def key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def test_sign_content_matches_the_alipay_convention():
    assert signing.sign_content(PARAMS) == EXPECTED_CONTENT


def test_signature_equals_an_independent_sha256withrsa(key):
    independent = base64.b64encode(key.sign(EXPECTED_CONTENT.encode("utf-8"),
                                            padding.PKCS1v15(), hashes.SHA256())).decode()
    assert signing.sign_params(PARAMS, key) == independent


def test_verify_params_accepts_good_and_refuses_tampered(key):
    params = dict(PARAMS)
    params["sign"] = signing.sign_params(params, key)
    assert signing.verify_params(params, key.public_key())
    params["biz_content"] = params["biz_content"].replace("0.01", "0.02")
    assert not signing.verify_params(params, key.public_key())


@pytest.mark.parametrize("bad", ["", "not base64!", base64.b64encode(b"x" * 256).decode()])
def test_verify_text_refuses_bad_signatures(key, bad):
    assert not signing.verify_text("hello", bad, key.public_key())


def test_sort_is_by_key_bytes_like_a_treemap():
    assert signing.sign_content({"b": "1", "B": "2", "a_b": "3", "ab": "4"}) == "B=2&a_b=3&ab=4&b=1"


def test_response_member_is_cut_out_verbatim():
    body = '{ "alipay_trade_pay_response" : {"code":"10000","msg":"Success","x":[1, 2]} ,' \
           ' "sign":"abc=" }'
    members = signing.top_level_members(body)
    assert members["alipay_trade_pay_response"] == '{"code":"10000","msg":"Success","x":[1, 2]}'
    assert members["sign"] == '"abc="'


@pytest.mark.parametrize("body", ["", "[]", "<html>", '{"a":1', '{"a":1} extra', '{"a" 1}'])
def test_top_level_members_refuses_non_objects(body):
    with pytest.raises(ValueError):
        signing.top_level_members(body)


def test_signed_response_body_verifies_over_the_raw_member(key):
    body = signing.signed_response_body("alipay.trade.query",
                                        {"code": "10000", "msg": "成功"}, key)
    members = signing.top_level_members(body)
    raw = members["alipay_trade_query_response"]
    assert raw == '{"code":"10000","msg":"成功"}'
    import json
    assert signing.verify_text(raw, json.loads(members["sign"]), key.public_key())


def test_response_key():
    assert signing.response_key("payterm.offline.batch_upload") == \
        "payterm_offline_batch_upload_response"
