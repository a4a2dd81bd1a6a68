"""``alipay.trade.pay`` while no wallet connector is configured: a clear refusal.

The request is checked like a real pay (a malformed one gets 40002 naming the field);
the code is classified only to name the wallet in the message. The code itself is
never stored or logged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection

from backoffice.gateway import fields
from backoffice.gateway.replies import Reply, business_failed
from backoffice.registry.identity import Caller
from terminal.payment_code import NotAPaymentCode, Wallet, classify_code

SUB_WALLET_NOT_CONFIGURED = "PAYTERM.WALLET_NOT_CONFIGURED"
SUB_AUTH_CODE_INVALID = "ACQ.PAYMENT_AUTH_CODE_INVALID"
_WALLET_NAMES = {Wallet.ALIPAY: ("支付宝", "Alipay"), Wallet.WECHAT: ("微信支付", "WeChat Pay"),
                 Wallet.UNIONPAY: ("银联", "UnionPay")}


@dataclass(frozen=True)
class WalletPay:
    out_trade_no: str
    wallet: Wallet | None       # None: not a payment code at all
    amount_fen: int


def parse_wallet_pay(biz: dict[str, Any]) -> WalletPay:
    number = fields.out_trade_no(biz)
    code = fields.text(biz, "auth_code", max_len=32)
    amount = fields.amount_fen(biz, "total_amount")
    fields.text(biz, "subject", max_len=256, required=False)
    if biz.get("scene", "bar_code") != "bar_code":
        raise fields.BadField(fields.SUB_INVALID, "scene must be bar_code", "scene")
    try:
        wallet: Wallet | None = classify_code(code).wallet
    except NotAPaymentCode:
        wallet = None
    return WalletPay(out_trade_no=number, wallet=wallet, amount_fen=amount)


def refuse_wallet_pay(conn: Connection, caller: Caller, pay: WalletPay, now: float) -> Reply:
    if pay.wallet is None:
        return business_failed(SUB_AUTH_CODE_INVALID, "付款码无效 not a payment code",
                               out_trade_no=pay.out_trade_no)
    chinese, english = _WALLET_NAMES[pay.wallet]
    return business_failed(SUB_WALLET_NOT_CONFIGURED,
                           f"后台未配置{chinese}收款，请换其他方式 {english} payments are not "
                           f"configured at this back office; take another tender",
                           out_trade_no=pay.out_trade_no)
