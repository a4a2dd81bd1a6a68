"""The Alipay open platform gateway as a sandbox: ``alipay.trade.pay/query/cancel/refund``
and ``alipay.data.dataservice.bill.downloadurl.query`` (with the bill file it points at).

Like the real gateway it reads the common parameters from the URL query string and the
form body (the official SDK puts them in the query string), checks ``app_id``, the RSA2
signature with the app's public key (and ``app_cert_sn`` / ``alipay_root_cert_sn`` in
certificate mode), the timestamp and the amounts; answers are JSON
``{"<method>_response": {...}, "sign": "..."}`` signed with the sandbox's Alipay key.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Callable
from urllib.parse import parse_qsl

from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPublicKey

from backoffice.wallets.sandbox.faults import HTML_PAGE, Fault
from backoffice.wallets.sandbox.http_server import SandboxAnswer, SandboxRequest
from backoffice.wallets.sandbox.wallet_ledger import Behaviour, State, WalletLedger
from drivers.host.signing import response_key, sign_text, verify_params

_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
METHODS = ("alipay.trade.pay", "alipay.trade.query", "alipay.trade.cancel",
           "alipay.trade.refund", "alipay.data.dataservice.bill.downloadurl.query")
BILL_PATH = "/sandbox/alipay/bill"


@dataclass
class AlipayApp:
    app_public_key: RSAPublicKey
    app_cert_sn: str = ""
    alipay_root_cert_sn: str = ""


@dataclass
class AlipaySandbox:
    ledger: WalletLedger
    alipay_private_key: RSAPrivateKey
    apps: dict[str, AlipayApp] = field(default_factory=dict)
    #: certificate mode: the SN of the sandbox's Alipay public certificate, sent back
    alipay_cert_sn: str = ""
    #: tests put the official SDK's signer here (text -> base64 signature)
    signer: Callable[[str], str] | None = None
    other_key: RSAPrivateKey | None = None
    faults: list[Fault] = field(default_factory=list)
    received: list[dict[str, str]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # -- the HTTP entry point -------------------------------------------------------------
    def handle(self, request: SandboxRequest) -> SandboxAnswer:
        if request.path == BILL_PATH:
            return self._bill_file(request.query)
        params = dict(parse_qsl(request.query, keep_blank_values=True))
        try:
            params.update(parse_qsl(request.body.decode("utf-8"), keep_blank_values=True,
                                    strict_parsing=bool(request.body)))
        except (UnicodeDecodeError, ValueError):
            return self._answer("error", _invalid("isv.invalid-format", "form body"))
        with self._lock:
            self.received.append(dict(params))
            fault = self.faults.pop(0) if self.faults else None
        method = params.get("method", "")
        refusal = self._check(params)
        if refusal is not None:
            return self._answer(method if method in METHODS else "error", refusal)
        biz = json.loads(params["biz_content"])
        app_id = params["app_id"]
        payload, extra = getattr(self, "_" + method.split(".", 1)[1].replace(".", "_"))(
            app_id, biz)
        if fault is Fault.OTHER_ORDER:
            payload["out_trade_no"] = str(payload.get("out_trade_no", "")) + "9"
        if fault is Fault.OTHER_AMOUNT and "total_amount" in payload:
            payload["total_amount"] = str(Decimal(payload["total_amount"]) + Decimal("0.01"))
        answer = self._answer(method, payload, fault=fault)
        if extra is not None:
            return SandboxAnswer(answer.body, answer.content_type, delay_s=extra.delay_s,
                                 drop=extra.drop or answer.drop)
        return answer

    # -- checks like the real gateway ---------------------------------------------------
    def _check(self, params: dict[str, str]) -> dict[str, Any] | None:
        for name in ("app_id", "method", "charset", "sign_type", "timestamp", "version",
                     "sign", "biz_content"):
            if not params.get(name):
                return _invalid(f"isv.missing-{name.replace('_', '-')}", f"missing {name}")
        if params["method"] not in METHODS:
            return _invalid("isv.invalid-method", "unknown method")
        app = self.apps.get(params["app_id"])
        if app is None:
            return _invalid("isv.invalid-app-id", "no such app_id")
        if params["sign_type"] != "RSA2":
            return _invalid("isv.invalid-signature-type", "sign_type must be RSA2")
        if params["charset"].lower() != "utf-8" or params["version"] != "1.0":
            return _invalid("isv.invalid-parameter", "charset utf-8, version 1.0")
        if not _TIMESTAMP.match(params["timestamp"]):
            return _invalid("isv.invalid-timestamp", "timestamp yyyy-MM-dd HH:mm:ss")
        if app.app_cert_sn and (params.get("app_cert_sn") != app.app_cert_sn
                                or params.get("alipay_root_cert_sn") != app.alipay_root_cert_sn):
            return _invalid("isv.app-cert-sn-mismatch", "app_cert_sn / alipay_root_cert_sn")
        if not verify_params(params, app.app_public_key):
            return _invalid("isv.invalid-signature", "验签出错 signature does not verify")
        try:
            biz = json.loads(params["biz_content"])
        except ValueError:
            biz = None
        if not isinstance(biz, dict):
            return _invalid("isv.invalid-parameter", "biz_content is not a JSON object")
        return None

    # -- methods ------------------------------------------------------------------------
    def _trade_pay(self, app_id: str, biz: dict[str, Any]):
        number, code = str(biz.get("out_trade_no", "")), str(biz.get("auth_code", ""))
        amount = _fen(biz.get("total_amount"))
        if not number or not code or amount is None or biz.get("scene") != "bar_code":
            return _business("ACQ.INVALID_PARAMETER", "参数无效 invalid parameter"), None
        order, reason = self.ledger.pay(app_id, number, code, amount, "2026")
        if order is None:
            return _pay_refusal(reason, number), None
        behaviour = order.behaviour
        if behaviour is Behaviour.DECLINE_BALANCE:
            return _business("ACQ.BUYER_BALANCE_NOT_ENOUGH", "买家余额不足", number), None
        if behaviour is Behaviour.DECLINE_INVALID_CODE:
            return _business("ACQ.PAYMENT_AUTH_CODE_INVALID", "付款码无效", number), None
        if order.state is State.WAITING:
            return {"code": "10003", "msg": "Order success pay inprocess",
                    "out_trade_no": number, "trade_no": order.trade_no,
                    "total_amount": _yuan(order.amount_fen)}, None
        if order.state is State.CLOSED:
            return _business("ACQ.TRADE_HAS_CLOSE", "交易已关闭", number), None
        paid = {"code": "10000", "msg": "Success", "out_trade_no": number,
                "trade_no": order.trade_no, "total_amount": _yuan(order.amount_fen),
                "receipt_amount": _yuan(order.amount_fen), "buyer_user_id": order.buyer_id,
                "gmt_payment": "2026-01-01 00:00:00"}
        if behaviour is Behaviour.SYSTEM_ERROR_BUT_PAID:
            return _system_error(), None
        if behaviour is Behaviour.SLOW_SUCCESS:
            return paid, SandboxAnswer(b"", "", delay_s=self.ledger.config.slow_delay_s)
        if behaviour is Behaviour.DROP_AFTER_COMMIT:
            return paid, SandboxAnswer(b"", "", drop=True)
        return paid, None

    def _trade_query(self, app_id: str, biz: dict[str, Any]):
        number = str(biz.get("out_trade_no", ""))
        order = self.ledger.order(app_id, number)
        if order is None:
            return _business("ACQ.TRADE_NOT_EXIST", "交易不存在", number), None
        return {"code": "10000", "msg": "Success", "out_trade_no": number,
                "trade_no": order.trade_no, "trade_status": order.state.value,
                "total_amount": _yuan(order.amount_fen), "buyer_user_id": order.buyer_id}, None

    def _trade_cancel(self, app_id: str, biz: dict[str, Any]):
        number = str(biz.get("out_trade_no", ""))
        order, action = self.ledger.cancel(app_id, number)
        if action == "retry":
            return {**_system_error(), "retry_flag": "Y", "out_trade_no": number}, None
        answer = {"code": "10000", "msg": "Success", "out_trade_no": number,
                  "retry_flag": "N", "action": action}
        if order is not None:
            answer["trade_no"] = order.trade_no
        return answer, None

    def _trade_refund(self, app_id: str, biz: dict[str, Any]):
        number = str(biz.get("out_trade_no", ""))
        request_no = str(biz.get("out_request_no") or number)
        amount = _fen(biz.get("refund_amount"))
        if amount is None or amount <= 0:
            return _business("ACQ.INVALID_PARAMETER", "refund_amount 无效", number), None
        order, reason = self.ledger.refund(app_id, number, request_no, amount)
        refusals = {"not_exist": ("ACQ.TRADE_NOT_EXIST", "交易不存在"),
                    "status": ("ACQ.TRADE_STATUS_ERROR", "交易状态不合法"),
                    "too_much": ("ACQ.REFUND_AMT_NOT_EQUAL_TOTAL", "退款金额超限"),
                    "other_amount": ("ACQ.CONTEXT_INCONSISTENT", "同一退款请求号金额不同")}
        if reason:
            return _business(*refusals[reason], number), None
        assert order is not None
        return {"code": "10000", "msg": "Success", "out_trade_no": number,
                "trade_no": order.trade_no, "refund_fee": _yuan(order.refunded_fen),
                "send_back_fee": _yuan(amount), "fund_change": "Y",
                "buyer_user_id": order.buyer_id}, None

    def _data_dataservice_bill_downloadurl_query(self, app_id: str, biz: dict[str, Any]):
        day = str(biz.get("bill_date", ""))
        if biz.get("bill_type") != "trade" or not re.match(r"^\d{4}-\d{2}-\d{2}$", day):
            return _business("isv.invalid-parameter", "bill_type trade, bill_date"), None
        url = f"{BILL_PATH}?app_id={app_id}&bill_date={day}"
        return {"code": "10000", "msg": "Success", "bill_download_url": url}, None

    def _bill_file(self, query: str) -> SandboxAnswer:
        from backoffice.wallets.sandbox.bills import alipay_bill_csv
        params = dict(parse_qsl(query))
        archive = alipay_bill_csv(self.ledger, params.get("app_id", ""),
                                  params.get("bill_date", ""))
        return SandboxAnswer(archive, "application/zip")

    # -- answers ------------------------------------------------------------------------
    def _answer(self, method: str, payload: dict[str, Any], *,
                fault: Fault | None = None) -> SandboxAnswer:
        member = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        key = response_key(method) if method in METHODS else "error_response"
        if fault is Fault.OTHER_KEY and self.other_key is not None:
            sign = sign_text(member, self.other_key)
        elif self.signer is not None:
            sign = self.signer(member)
        else:
            sign = sign_text(member, self.alipay_private_key)
        cert = f',"alipay_cert_sn":"{self.alipay_cert_sn}"' if self.alipay_cert_sn else ""
        body = ('{"%s":%s%s}' % (key, member, cert) if fault is Fault.UNSIGNED
                else '{"%s":%s,"sign":"%s"%s}' % (key, member, sign, cert)).encode("utf-8")
        content_type = "application/json;charset=utf-8"
        if fault is Fault.TRUNCATED:
            body = body[: len(body) // 2]
        if fault is Fault.HTML:
            return SandboxAnswer(HTML_PAGE, "text/html", status=502)
        if fault is Fault.TIMEOUT:
            return SandboxAnswer(body, content_type, delay_s=self.ledger.config.slow_delay_s)
        return SandboxAnswer(body, content_type, drop=fault is Fault.DROP)


def _fen(value: Any) -> int | None:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        return None
    if amount > Decimal("100000000"):
        return None
    return int(amount * 100)


def _yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def _invalid(sub_code: str, sub_msg: str) -> dict[str, Any]:
    return {"code": "40002", "msg": "Invalid Arguments", "sub_code": sub_code,
            "sub_msg": sub_msg}


def _business(sub_code: str, sub_msg: str, number: str = "") -> dict[str, Any]:
    answer = {"code": "40004", "msg": "Business Failed", "sub_code": sub_code,
              "sub_msg": sub_msg}
    if number:
        answer["out_trade_no"] = number
    return answer


def _system_error() -> dict[str, Any]:
    return {"code": "20000", "msg": "Service Currently Unavailable",
            "sub_code": "ACQ.SYSTEM_ERROR", "sub_msg": "系统繁忙"}


def _pay_refusal(reason: str, number: str) -> dict[str, Any]:
    if reason == "no_trade":
        return _system_error()
    if reason == "closed":
        return _business("ACQ.TRADE_HAS_CLOSE", "交易已关闭", number)
    if reason == "other_content":
        return _business("ACQ.CONTEXT_INCONSISTENT", "交易信息被篡改", number)
    return _business("ACQ.PAYMENT_AUTH_CODE_INVALID", "付款码已使用", number)
