"""WeChat Pay v2 as a sandbox: ``/pay/micropay``, ``/pay/orderquery``,
``/secapi/pay/reverse`` and ``/secapi/pay/refund`` (these two only with the merchant's
API client certificate when the sandbox runs TLS with client certificates), and
``/pay/downloadbill``.

Like WeChat it checks the XML, the signature (HMAC-SHA256 or MD5 with the merchant's API
key), ``appid`` against ``mch_id``, the fields and the amounts, and answers signed XML:
``return_code`` for the call, ``result_code`` / ``err_code`` for the business.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Callable

from backoffice.wallets.sandbox.faults import HTML_PAGE, Fault
from backoffice.wallets.sandbox.http_server import SandboxAnswer, SandboxRequest
from backoffice.wallets.sandbox.wallet_ledger import Behaviour, Order, State, WalletLedger
from backoffice.wallets.wechat.xml_sign import (MD5, XmlInvalid, from_xml, nonce, signature,
                                                signature_ok, to_xml)

XML = "text/xml; charset=utf-8"
SECURE = ("/secapi/pay/reverse", "/secapi/pay/refund")


@dataclass
class WechatMerchant:
    appid: str
    api_key: str


@dataclass
class WechatSandbox:
    ledger: WalletLedger
    merchants: dict[str, WechatMerchant] = field(default_factory=dict)
    #: TLS with client certificates: reverse/refund need one whose CN is the mch_id
    require_client_cert: bool = False
    #: tests put wechatpy's signer here: (params, api_key) -> sign
    signer: Callable[[dict[str, str], str], str] | None = None
    faults: list[Fault] = field(default_factory=list)
    received: list[dict[str, str]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def handle(self, request: SandboxRequest) -> SandboxAnswer:
        if request.path == "/pay/downloadbill":
            return self._bill(request)
        handler = {"/pay/micropay": self._micropay, "/pay/orderquery": self._orderquery,
                   "/secapi/pay/reverse": self._reverse,
                   "/secapi/pay/refund": self._refund}.get(request.path)
        if handler is None:
            return SandboxAnswer(b"not found", "text/plain", status=404)
        try:
            params = from_xml(request.body)
        except XmlInvalid:
            return self._fail("XML格式错误")
        with self._lock:
            self.received.append(dict(params, _path=request.path))
            fault = self.faults.pop(0) if self.faults else None
        merchant = self.merchants.get(params.get("mch_id", ""))
        if merchant is None or merchant.appid != params.get("appid"):
            return self._fail("appid和mch_id不匹配")
        sign_type = params.get("sign_type") or MD5
        if sign_type not in ("HMAC-SHA256", MD5) or not signature_ok(params, merchant.api_key,
                                                                      sign_type):
            return self._fail("签名错误")
        if request.path in SECURE and self.require_client_cert and \
                request.client_cn != params["mch_id"]:
            return self._fail("证书错误 client certificate required")
        result, extra = handler(params)
        return self._answer(params, merchant, result, sign_type, fault, extra)

    # -- business -----------------------------------------------------------------------
    def _micropay(self, p: dict[str, str]):
        for name in ("out_trade_no", "total_fee", "auth_code", "body", "spbill_create_ip",
                     "nonce_str"):
            if not p.get(name):
                return _err("PARAM_ERROR", f"缺少参数 {name}"), None
        if not p["total_fee"].isdigit() or int(p["total_fee"]) <= 0:
            return _err("PARAM_ERROR", "total_fee 无效"), None
        order, reason = self.ledger.pay(_merchant(p), p["out_trade_no"], p["auth_code"],
                                        int(p["total_fee"]), "4200")
        if order is None:
            return {"no_trade": _err("SYSTEMERROR", "系统超时"),
                    "closed": _err("ORDERREVERSED", "订单已撤销"),
                    "other_content": _err("OUT_TRADE_NO_USED", "商户订单号重复"),
                    }.get(reason, _err("AUTH_CODE_INVALID", "每个二维码仅限使用一次")), None
        if order.behaviour is Behaviour.DECLINE_BALANCE:
            return _err("NOTENOUGH", "用户余额不足"), None
        if order.behaviour is Behaviour.DECLINE_INVALID_CODE:
            return _err("AUTHCODEEXPIRE", "二维码已过期，请用户在微信上刷新后再试"), None
        if order.state is State.WAITING:
            return _err("USERPAYING", "需要用户输入支付密码"), None
        if order.state is State.CLOSED:
            return _err("ORDERREVERSED", "订单已撤销"), None
        paid = {"result_code": "SUCCESS", **_order_fields(order), "trade_type": "MICROPAY",
                "bank_type": "CMC", "fee_type": "CNY", "cash_fee": str(order.amount_fen),
                "time_end": "20260101000000", "is_subscribe": "N"}
        if order.behaviour is Behaviour.SYSTEM_ERROR_BUT_PAID:
            return _err("SYSTEMERROR", "系统超时"), None
        if order.behaviour is Behaviour.SLOW_SUCCESS:
            return paid, SandboxAnswer(b"", "", delay_s=self.ledger.config.slow_delay_s)
        if order.behaviour is Behaviour.DROP_AFTER_COMMIT:
            return paid, SandboxAnswer(b"", "", drop=True)
        return paid, None

    def _orderquery(self, p: dict[str, str]):
        order = self.ledger.order(_merchant(p), p.get("out_trade_no", ""))
        if order is None:
            return _err("ORDERNOTEXIST", "此交易订单号不存在"), None
        if order.state is State.PAID:
            state = "REFUND" if order.refunded else "SUCCESS"
        elif order.state is State.WAITING:
            state = "USERPAYING"
        else:
            state = "REVOKED" if order.reversed else "PAYERROR"
        return {"result_code": "SUCCESS", **_order_fields(order), "trade_state": state,
                "trade_state_desc": state}, None

    def _reverse(self, p: dict[str, str]):
        order, action = self.ledger.cancel(_merchant(p), p.get("out_trade_no", ""))
        if action == "retry":
            return {**_err("SYSTEMERROR", "系统超时"), "recall": "Y"}, None
        return {"result_code": "SUCCESS", "recall": "N"}, None

    def _refund(self, p: dict[str, str]):
        number, refund_no = p.get("out_trade_no", ""), p.get("out_refund_no", "")
        if not (refund_no and p.get("refund_fee", "").isdigit()
                and p.get("total_fee", "").isdigit()):
            return _err("PARAM_ERROR", "参数错误"), None
        current = self.ledger.order(_merchant(p), number)
        if current is not None and int(p["total_fee"]) != current.amount_fen:
            return _err("INVALID_REQ_TOO_MUCH", "订单金额或退款金额与之前请求不一致"), None
        order, reason = self.ledger.refund(_merchant(p), number, refund_no,
                                           int(p["refund_fee"]))
        if reason:
            return {"not_exist": _err("ORDERNOTEXIST", "订单不存在"),
                    "status": _err("TRADE_STATE_ERROR", "订单状态错误"),
                    "too_much": _err("ERROR", "申请退款金额超过订单可退金额"),
                    "other_amount": _err("INVALID_REQ_TOO_MUCH", "同一退款单号金额不同"),
                    }[reason], None
        assert order is not None
        return {"result_code": "SUCCESS", **_order_fields(order), "out_refund_no": refund_no,
                "refund_id": f"50{order.trade_no}{len(order.refunded):02d}",
                "refund_fee": p["refund_fee"]}, None

    def _bill(self, request: SandboxRequest) -> SandboxAnswer:
        from backoffice.wallets.sandbox.bills import wechat_bill_text
        try:
            params = from_xml(request.body)
        except XmlInvalid:
            return self._fail("XML格式错误")
        merchant = self.merchants.get(params.get("mch_id", ""))
        if merchant is None or not signature_ok(params, merchant.api_key,
                                                params.get("sign_type") or MD5):
            return self._fail("签名错误")
        text = wechat_bill_text(self.ledger, _merchant(params), params.get("bill_date", ""))
        return SandboxAnswer(text.encode("utf-8"), "text/plain; charset=utf-8")

    # -- answers ------------------------------------------------------------------------
    @staticmethod
    def _fail(message: str) -> SandboxAnswer:
        return SandboxAnswer(to_xml({"return_code": "FAIL", "return_msg": message}), XML)

    def _answer(self, request: dict[str, str], merchant: WechatMerchant, result: dict,
                sign_type: str, fault: Fault | None, extra: SandboxAnswer | None
                ) -> SandboxAnswer:
        fields = {"return_code": "SUCCESS", "return_msg": "OK", "appid": request["appid"],
                  "mch_id": request["mch_id"], "nonce_str": nonce(), **result}
        if request.get("sub_mch_id"):
            fields["sub_mch_id"] = request["sub_mch_id"]
        if fault is Fault.OTHER_ORDER and "out_trade_no" in fields:
            fields["out_trade_no"] += "9"
        if fault is Fault.OTHER_AMOUNT and "total_fee" in fields:
            fields["total_fee"] = str(int(fields["total_fee"]) + 1)
        if fault is Fault.OTHER_MERCHANT:
            last = fields["mch_id"][-1:]
            fields["mch_id"] = fields["mch_id"][:-1] + ("8" if last == "9" else "9")
        key = merchant.api_key if fault is not Fault.OTHER_KEY else "0" * 32
        if fault is not Fault.UNSIGNED:
            fields["sign"] = (self.signer(fields, key) if self.signer is not None
                              and sign_type != MD5 else signature(fields, key, sign_type))
        body = to_xml(fields)
        if fault is Fault.TRUNCATED:
            body = body[: len(body) // 2]
        if fault is Fault.HTML:
            return SandboxAnswer(HTML_PAGE, "text/html", status=502)
        delay = self.ledger.config.slow_delay_s if fault is Fault.TIMEOUT else 0.0
        if extra is not None:
            return SandboxAnswer(body, XML, delay_s=extra.delay_s, drop=extra.drop)
        return SandboxAnswer(body, XML, delay_s=delay, drop=fault is Fault.DROP)


def _merchant(params: dict[str, str]) -> str:
    return params.get("mch_id", "") + ("/" + params["sub_mch_id"]
                                       if params.get("sub_mch_id") else "")


def _err(code: str, message: str) -> dict[str, str]:
    return {"result_code": "FAIL", "err_code": code, "err_code_des": message}


def _order_fields(order: Order) -> dict[str, str]:
    return {"out_trade_no": order.out_trade_no, "transaction_id": order.trade_no,
            "total_fee": str(order.amount_fen),
            "openid": "o" + order.buyer_id[4:] + "wx"}
