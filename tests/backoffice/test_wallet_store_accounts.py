"""Per store: which merchant account takes the money. Two stores of one back office,
the second a service provider's sub-merchant (WeChat ``sub_mch_id``, Alipay
``sub_merchant.merchant_id``), a third with no wallet account: each terminal's payment
lands at its own store's account in the sandboxes, and an answer that names another
sub-merchant is not trusted."""

from __future__ import annotations

import json

import pytest
from wechatpy.pay.utils import calculate_signature_hmac

from backoffice.wallets.wechat.account import WechatAccount
from backoffice.wallets.wechat.protocol import NotTrusted, verified
from backoffice.wallets.wechat.xml_sign import to_xml
from terminal.host_messages import PayOutcome, PayRequest
from tests.backoffice.harness import TerminalIdentity
from tests.backoffice.wallet_fixtures import (ALIPAY_APP_ID, WECHAT_API_KEY, WECHAT_APPID,
                                              WECHAT_MCH_ID, configure, sdk_verifies_request)

pytestmark = pytest.mark.timeout(90)
SUB_MCH_ID, SUB_MERCHANT_ID = "1900000200", "2088000000000002"


def pay(client, terminal_id: str, number: str, auth_code: str, fen: int = 700):
    return client.pay(PayRequest(out_trade_no=number, auth_code=auth_code, total_fen=fen,
                                 subject="茶 tea", terminal_id=terminal_id))


@pytest.fixture
def two_stores(wallet_backoffice, alipay_world, wechat_world, key_pool):
    for wallet, world in (("alipay", alipay_world), ("wechat", wechat_world)):
        configure(wallet_backoffice, wallet, world.public_settings(), world.secrets())
    configure(wallet_backoffice, "wechat", {**wechat_world.public_settings(),
                                            "sub_mch_id": SUB_MCH_ID},
              wechat_world.secrets(), store_id="S2")
    configure(wallet_backoffice, "alipay", {**alipay_world.public_settings(),
                                            "sub_merchant_id": SUB_MERCHANT_ID},
              alipay_world.secrets(), store_id="S2")
    second = TerminalIdentity("T0002", "S2", key_pool[1])
    third = TerminalIdentity("T0003", "S3", key_pool[2])
    wallet_backoffice.register(second)
    wallet_backoffice.register(third)
    return wallet_backoffice, second, third


def test_each_store_is_charged_at_its_own_merchant_account(two_stores, wallet_terminal,
                                                           alipay_world, wechat_world):
    backoffice, second, third = two_stores
    with backoffice.client(wallet_terminal) as first_client, \
            backoffice.client(second) as second_client, \
            backoffice.client(third) as third_client:
        assert pay(first_client, "T0001", "T0001P1", "134567890123450100"
                   ).outcome is PayOutcome.APPROVED
        assert pay(second_client, "T0002", "T0002P1", "134567890123450200"
                   ).outcome is PayOutcome.APPROVED
        assert pay(second_client, "T0002", "T0002P2", "284567890123450200"
                   ).outcome is PayOutcome.APPROVED
        refused = pay(third_client, "T0003", "T0003P1", "284567890123450300")
    assert (refused.outcome, refused.sub_code) == (PayOutcome.DECLINED,
                                                   "PAYTERM.WALLET_NOT_CONFIGURED")
    assert "S3" in refused.sub_msg
    main_orders = wechat_world.ledger.orders(WECHAT_MCH_ID)
    sub_orders = wechat_world.ledger.orders(f"{WECHAT_MCH_ID}/{SUB_MCH_ID}")
    assert [o.amount_fen for o in main_orders] == [700]
    assert [o.amount_fen for o in sub_orders] == [700]
    assert main_orders[0].out_trade_no != sub_orders[0].out_trade_no
    micropays = [p for p in wechat_world.sandbox.received if p["_path"] == "/pay/micropay"]
    assert [p.get("sub_mch_id") for p in micropays] == [None, SUB_MCH_ID]
    for params in wechat_world.sandbox.received:          # wechatpy signs the same
        fields = {k: v for k, v in params.items() if k not in ("_path", "sign")}
        assert params["sign"] == calculate_signature_hmac(fields, WECHAT_API_KEY)
    alipay_pays = [json.loads(p["biz_content"]) for p in alipay_world.sandbox.received
                   if p["method"] == "alipay.trade.pay"]
    assert [b.get("sub_merchant") for b in alipay_pays] == [{"merchant_id": SUB_MERCHANT_ID}]
    assert all(sdk_verifies_request(p, alipay_world.app_key.public_key())
               for p in alipay_world.sandbox.received)
    assert len(alipay_world.ledger.orders(ALIPAY_APP_ID)) == 1
    # nothing was sent for the store without an account
    assert not any("T0003" in json.dumps(p) for p in alipay_world.sandbox.received)


def test_an_answer_about_another_sub_merchant_is_not_trusted():
    account = WechatAccount(api_url="https://api.mch.weixin.qq.com", mch_id=WECHAT_MCH_ID,
                            appid=WECHAT_APPID, api_key=WECHAT_API_KEY, sub_mch_id=SUB_MCH_ID)

    def answer(sub_mch_id: str) -> bytes:
        fields = {"return_code": "SUCCESS", "result_code": "SUCCESS", "appid": WECHAT_APPID,
                  "mch_id": WECHAT_MCH_ID, "sub_mch_id": sub_mch_id, "nonce_str": "n1",
                  "out_trade_no": "X1", "total_fee": "700", "transaction_id": "42",
                  "sign_type": "HMAC-SHA256"}
        fields["sign"] = calculate_signature_hmac(fields, WECHAT_API_KEY)
        return to_xml(fields)

    assert verified(account, answer(SUB_MCH_ID))["transaction_id"] == "42"
    with pytest.raises(NotTrusted, match="sub_mch_id"):
        verified(account, answer("1900000299"))
