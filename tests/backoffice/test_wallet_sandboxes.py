"""The sandboxes tested as wallets: the official SDKs' own clients pay through them (so
they speak the real protocols), Alipay's certificate mode, and the terminal talking
straight to Alipay's gateway (``host.alipay_direct``) for a one-terminal shop."""

from __future__ import annotations

import http.client
import json
import time
import urllib.parse

import pytest
import alipay.aop.api.DefaultAlipayClient as sdk_client_module
from alipay.aop.api.AlipayClientConfig import AlipayClientConfig
from alipay.aop.api.DefaultAlipayClient import DefaultAlipayClient
from alipay.aop.api.domain.AlipayTradePayModel import AlipayTradePayModel
from alipay.aop.api.request.AlipayTradePayRequest import AlipayTradePayRequest
from alipay.aop.api.util import WebUtils

from backoffice.wallets.alipay import certificates
from backoffice.wallets.alipay.account import AlipayAccount
from backoffice.wallets.alipay.connector import AlipayConnector
from backoffice.wallets.outcome import Outcome
from backoffice.wallets.sandbox.alipay_gateway import AlipayApp
from backoffice.wallets.sandbox.tls import make_pems
from backoffice.wallets.sandbox.wallet_ledger import State
from drivers.host.client import HostClient
from terminal.errors import AnswerInconsistent
from terminal.host_messages import PayOutcome, PayRequest, TradeStatus
from terminal.settings.host_section import HostSettings
from tests.backoffice.wallet_fixtures import (ALIPAY_APP_ID, WECHAT_API_KEY, WECHAT_APPID,
                                              WECHAT_MCH_ID, private_pem, public_pem, sdk_body)

pytestmark = pytest.mark.timeout(60)


def sdk_do_post(url, query_string=None, headers=None, params=None, charset="utf-8",
                timeout=15):
    """The SDK's ``WebUtils.do_post`` with one fix: the SDK always connects to port 80
    or 443 (it drops the URL's port), so it cannot reach a sandbox on a free port."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        body = WebUtils.url_encode(params, charset) if params else None
        connection.request("POST", f"{parts.path}?{query_string}", body=body,
                           headers=headers)
        response = connection.getresponse()
        assert response.status == 200
        return response.read()
    finally:
        connection.close()


def test_the_official_alipay_sdk_pays_through_the_sandbox(alipay_world, monkeypatch):
    monkeypatch.setattr(sdk_client_module, "do_post", sdk_do_post)
    config = AlipayClientConfig()
    config.server_url = alipay_world.gateway_url
    config.app_id = ALIPAY_APP_ID
    config.app_private_key = sdk_body(private_pem(alipay_world.app_key))
    config.alipay_public_key = sdk_body(public_pem(alipay_world.alipay_key.public_key()))
    config.sign_type = "RSA2"
    client = DefaultAlipayClient(alipay_client_config=config)
    model = AlipayTradePayModel()
    model.out_trade_no, model.scene = "SDK0001", "bar_code"
    model.auth_code, model.total_amount, model.subject = "280000000000007700", "9.99", "sdk"
    request = AlipayTradePayRequest(biz_model=model)
    answer = json.loads(client.execute(request))       # the SDK verified the signature
    assert (answer["code"], answer["out_trade_no"], answer["total_amount"]) == \
        ("10000", "SDK0001", "9.99")
    assert alipay_world.ledger.order(ALIPAY_APP_ID, "SDK0001").state is State.PAID
    # An SDK configured with another app key is refused by the sandbox's signature check.
    config.app_private_key = sdk_body(private_pem(alipay_world.alipay_key))
    refused = json.loads(DefaultAlipayClient(alipay_client_config=config).execute(request))
    assert refused["sub_code"] == "isv.invalid-signature"


def test_wechatpy_pays_and_reverses_through_the_sandbox(wechat_world, tmp_path):
    from wechatpy.pay import WeChatPay
    cert, key = tmp_path / "c.pem", tmp_path / "k.pem"
    cert.write_text(wechat_world.pems.client_cert)
    key.write_text(wechat_world.pems.client_key)
    ca = tmp_path / "ca.pem"
    ca.write_text(wechat_world.pems.ca_cert)
    pay = WeChatPay(WECHAT_APPID, WECHAT_API_KEY, WECHAT_MCH_ID, mch_cert=str(cert),
                    mch_key=str(key))
    pay.API_BASE_URL = wechat_world.api_url + "/"
    pay._http.verify, pay._http.trust_env = str(ca), False
    try:
        paid = pay.micropay.create(body="sdk", total_fee=501, auth_code="130000000000007700",
                                   out_trade_no="WXSDK1",       # MD5, the SDK's default
                                   client_ip="127.0.0.1")
        assert pay.check_signature(paid)
        assert (paid["result_code"], paid["total_fee"]) == ("SUCCESS", "501")
        reversed_ = pay.order.reverse(out_trade_no="WXSDK1")
        assert reversed_["recall"] == "N"
        assert pay.order.query(out_trade_no="WXSDK1")["trade_state"] == "REVOKED"
    finally:
        pay._http.close()


def test_alipay_certificate_mode(alipay_world):
    pems = make_pems("2088000000000001")
    app_cert_pem, root_pem = pems.client_cert.encode(), pems.ca_cert.encode()
    alipay_cert_pem = pems.server_cert.encode()
    app_sn = certificates.first_cert_sn(app_cert_pem)
    root_sn = certificates.root_cert_sn(root_pem)
    alipay_sn = certificates.first_cert_sn(alipay_cert_pem)
    assert len(app_sn) == 32 and app_sn != alipay_sn
    alipay_world.sandbox.apps[ALIPAY_APP_ID] = AlipayApp(
        alipay_world.app_key.public_key(), app_cert_sn=app_sn, alipay_root_cert_sn=root_sn)
    alipay_world.sandbox.alipay_cert_sn = alipay_sn
    account = AlipayAccount(gateway_url=alipay_world.gateway_url, app_id=ALIPAY_APP_ID,
                            private_key=alipay_world.app_key,
                            alipay_public_key=alipay_world.alipay_key.public_key(),
                            app_cert_sn=app_sn, alipay_root_cert_sn=root_sn,
                            alipay_cert_sn=alipay_sn)
    assert AlipayConnector(account).pay("CERT1", "280000000000007700", 100,
                                        "s").outcome is Outcome.PAID
    sent = alipay_world.sandbox.received[-1]
    assert (sent["app_cert_sn"], sent["alipay_root_cert_sn"]) == (app_sn, root_sn)
    # An answer naming another Alipay certificate is not believed.
    alipay_world.sandbox.alipay_cert_sn = "0" * 32
    assert AlipayConnector(account).query("CERT1", 100).outcome is Outcome.UNKNOWN
    alipay_world.sandbox.alipay_cert_sn = alipay_sn
    # A request with the wrong app_cert_sn is refused by the gateway (nothing paid).
    wrong = AlipayAccount(**{**account.__dict__, "app_cert_sn": "f" * 32})
    assert AlipayConnector(wrong).pay("CERT2", "280000000000007800", 100,
                                      "s").outcome is Outcome.DECLINED
    assert alipay_world.ledger.order(ALIPAY_APP_ID, "CERT2") is None


@pytest.mark.parametrize("direct", [True, False])
def test_the_terminal_talks_straight_to_alipay(alipay_world, direct):
    settings = HostSettings(base_url=alipay_world.gateway_url, app_id=ALIPAY_APP_ID,
                            alipay_direct=direct, read_timeout_s=5.0)
    with HostClient(settings, terminal_id="T0001", private_key=alipay_world.app_key,
                    host_public_key=alipay_world.alipay_key.public_key()) as client:
        request = PayRequest(out_trade_no="DIRECT1", auth_code="280000000000007783",
                             total_fen=1500, subject="s", terminal_id="T0001")
        if not direct:
            # Alipay does not echo terminal_id: without host.alipay_direct the terminal
            # refuses its answers (never approved; its resolver asks again).
            with pytest.raises(AnswerInconsistent):
                client.pay(request)
            return
        answer = client.pay(request)
        assert answer.outcome is PayOutcome.WAITING_FOR_PASSWORD
        time.sleep(1.2)
        assert client.query("DIRECT1").status is TradeStatus.TRADE_SUCCESS
        assert client.refund("DIRECT1", 500, "R1").accepted
        assert client.cancel("DIRECT1").done
