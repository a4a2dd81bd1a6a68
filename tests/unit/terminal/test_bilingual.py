"""Bilingual text as keyed pairs: a host's words are never split on a separator they
happen to contain; wallet and kiosk mode are enums."""

from __future__ import annotations

import pytest

from terminal.attempt import Attempt, Tender
from terminal.bilingual import Bilingual
from terminal.errors import ConfigError
from terminal.offline_policy import wallet_offline_decision
from terminal.payment_code import Wallet
from terminal.resolution import timings_for
from terminal.settings.kiosk_section import KioskMode
from terminal.settings.model import settings_from
from terminal.transaction import TxState
from terminal.wallet_payment import describe


def attempt(**changes) -> Attempt:
    fields = dict(out_trade_no="T1", seq=1, tender=Tender.WALLET, wallet="alipay",
                  code_masked="2812**********3456", amount_fen=1234, subject="s",
                  state=TxState.DECLINED, created_at=0.0, updated_at=0.0)
    return Attempt(**{**fields, **changes})


def test_a_host_message_with_a_separator_stays_whole_in_each_language():
    host_words = "余额不足 / insufficient funds (code 51)"
    declined = describe(attempt(sub_code="ACQ.SOMETHING_NEW", sub_msg=host_words))
    assert declined.zh == f"支付失败：{host_words}"
    assert declined.en == f"Payment declined: {host_words}"
    assert declined.pick("en").startswith("Payment declined: 余额不足 / insufficient")
    # The old way (split the joined string at its first " / ") put the host's English
    # and the whole English sentence together, and cut the Chinese half short:
    joined = str(declined)
    assert joined.partition(" / ")[0] != declined.zh


def test_known_decline_reasons_are_translated():
    text = describe(attempt(sub_code="ACQ.BUYER_BALANCE_NOT_ENOUGH"))
    assert text == Bilingual("支付失败：余额不足", "Payment declined: insufficient balance")
    assert "余额不足" in text and "insufficient balance" in text


def test_offline_wallet_refusal_has_no_chinese_in_its_english_half():
    message = wallet_offline_decision("forced offline").message
    assert message.en.startswith("Payment codes need the host") and "请改用" not in message.en
    assert "请改用会员或现金" in message.zh and "Payment" not in message.zh


def test_constants_are_read_once_and_pairs_pass_through():
    assert Bilingual.of("请靠近一点 / Please come closer") == Bilingual("请靠近一点", "Please come closer")
    assert Bilingual.of("T0001") == Bilingual.same("T0001") and str(Bilingual.same("x")) == "x"
    pair = Bilingual("甲 / 乙", "A / B")
    assert Bilingual.of(pair) is pair and str(pair) == "甲 / 乙 / A / B"


def test_wallet_is_an_enum_on_attempts():
    assert attempt().wallet is Wallet.ALIPAY and str(Wallet.ALIPAY) == "alipay"
    cash = attempt(tender=Tender.CASH, wallet="")
    assert cash.wallet is None
    settings = settings_from({}, {})
    assert timings_for(settings.resolver, attempt(wallet="wechat")) is settings.resolver.wechat
    assert timings_for(settings.resolver, cash) is settings.resolver.alipay
    with pytest.raises(ValueError):
        attempt(wallet="paypal")


def test_kiosk_mode_is_an_enum_in_the_settings():
    assert settings_from({}, {}).kiosk.mode is KioskMode.CASHIER
    assert settings_from({"kiosk": {"mode": "kiosk"}}, {}).kiosk.mode is KioskMode.KIOSK
    from_env = settings_from({}, {"PAYTERM__KIOSK__MODE": "kiosk"})
    assert from_env.kiosk.mode is KioskMode.KIOSK and f"{from_env.kiosk.mode}" == "kiosk"
    with pytest.raises(ConfigError) as refused:
        settings_from({"kiosk": {"mode": "self-service"}}, {})
    assert refused.value.key == "kiosk.mode" and "cashier, kiosk" in refused.value.problem
