"""Alipay requests and answers as pure functions: the signed form of a call, and what
a verified answer says about THIS request.

Every answer is believed only when it is signed by Alipay's key (in certificate mode
also naming the configured ``alipay_cert_sn``) and names the same ``out_trade_no``, the
same amount (pay, query) and the same refund request; otherwise it is UNKNOWN and the
payment is resolved by query, never approved or closed on it.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Any

from backoffice.wallets.alipay.account import AlipayAccount
from backoffice.wallets.outcome import Outcome, WalletAnswer, unknown
from drivers.host.signing import response_key, sign_params
from drivers.host.wire import (ResponseInvalid, encode_biz_content, host_timestamp,
                               parse_signed_answer)
from terminal.money import to_yuan_string

PAY, QUERY = "alipay.trade.pay", "alipay.trade.query"
CANCEL, REFUND = "alipay.trade.cancel", "alipay.trade.refund"
#: Pay refusals that are final (nothing taken); any other 40004 is asked again by query.
FINAL_PAY_REFUSALS = frozenset({
    "ACQ.BUYER_BALANCE_NOT_ENOUGH", "ACQ.PAYMENT_AUTH_CODE_INVALID", "ACQ.TRADE_HAS_CLOSE",
    "ACQ.BUYER_BANKCARD_BALANCE_NOT_ENOUGH", "ACQ.ERROR_BALANCE_PAYMENT_DISABLE",
    "ACQ.BUYER_SELLER_EQUAL", "ACQ.TRADE_BUYER_NOT_MATCH", "ACQ.BUYER_ENABLE_STATUS_FORBID",
    "ACQ.PAYMENT_FAIL", "ACQ.BUYER_PAYMENT_AMOUNT_DAY_LIMIT_ERROR",
    "ACQ.BUYER_PAYMENT_AMOUNT_MONTH_LIMIT_ERROR", "ACQ.PAYMENT_REQUEST_HAS_RISK",
    "ACQ.NO_PAYMENT_INSTRUMENTS_AVAILABLE", "ACQ.USER_FACE_PAYMENT_SWITCH_OFF",
    "ACQ.INVALID_PARAMETER", "ACQ.TOTAL_FEE_EXCEED", "ACQ.ACCESS_FORBIDDEN",
    "ACQ.EXIST_FORBIDDEN_WORD", "ACQ.PARTNER_ERROR", "ACQ.CONTEXT_INCONSISTENT"})


def request_params(account: AlipayAccount, method: str, biz: dict[str, Any],
                   now: float) -> dict[str, str]:
    """Every form parameter of one call, ``sign`` included."""
    params = {"app_id": account.app_id, "method": method, "format": "JSON",
              "charset": "utf-8", "sign_type": "RSA2", "timestamp": host_timestamp(now),
              "version": "1.0", "biz_content": encode_biz_content(biz)}
    if account.app_auth_token:
        params["app_auth_token"] = account.app_auth_token
    if account.cert_mode:
        params["app_cert_sn"] = account.app_cert_sn
        params["alipay_root_cert_sn"] = account.alipay_root_cert_sn
    params["sign"] = sign_params(params, account.private_key)
    return params


def pay_biz(account: AlipayAccount, out_trade_no: str, auth_code: str, amount_fen: int,
            subject: str) -> dict[str, Any]:
    biz: dict[str, Any] = {"out_trade_no": out_trade_no, "scene": "bar_code",
                           "auth_code": auth_code, "total_amount": to_yuan_string(amount_fen),
                           "subject": subject or "payterm", "timeout_express": "2m"}
    if account.sub_merchant_id:
        biz["sub_merchant"] = {"merchant_id": account.sub_merchant_id}
    return biz


def verified_payload(account: AlipayAccount, method: str, body: str) -> dict[str, Any]:
    """The verified answer object, or ResponseInvalid saying why it cannot be believed."""
    answer = parse_signed_answer(body, method, account.alipay_public_key)
    if account.cert_mode:
        try:
            sn = json.loads(body).get("alipay_cert_sn", "")
        except ValueError:
            sn = ""
        if sn != account.alipay_cert_sn:
            raise ResponseInvalid(f"answer names alipay_cert_sn {str(sn)[:40]!r}, "
                                  "not the configured Alipay certificate")
    if answer.under_error_key and answer.payload.get("code") == "10000":
        raise ResponseInvalid("a success under error_response")
    return answer.payload


def _same_amount(payload: dict[str, Any], key: str, amount_fen: int) -> bool:
    try:
        return Decimal(str(payload.get(key))) * 100 == amount_fen
    except (InvalidOperation, ValueError):
        return False


def _about(payload: dict[str, Any], out_trade_no: str) -> str:
    """Why the answer is not about this order ('' when it is)."""
    named = payload.get("out_trade_no")
    if named != out_trade_no:
        return f"answer names out_trade_no {str(named)[:64]!r}, not {out_trade_no!r}"
    return ""


def _refusal(payload: dict[str, Any]) -> tuple[str, str]:
    return (str(payload.get("sub_code", payload.get("code", ""))),
            str(payload.get("sub_msg", payload.get("msg", "")))[:160])


def read_pay(account: AlipayAccount, payload: dict[str, Any], out_trade_no: str,
             amount_fen: int) -> WalletAnswer:
    code = payload.get("code")
    sub_code, sub_msg = _refusal(payload)
    if code == "10000":
        wrong = _about(payload, out_trade_no)
        if wrong:
            return unknown(wrong)
        if not _same_amount(payload, "total_amount", amount_fen):
            return unknown(f"answer's total_amount {str(payload.get('total_amount'))[:20]!r} "
                           f"is not {to_yuan_string(amount_fen)}")
        if account.seller_id and payload.get("seller_id", account.seller_id) != account.seller_id:
            return unknown("answer names another seller_id")
        if not payload.get("trade_no"):
            return unknown("a success without trade_no")
        return WalletAnswer(Outcome.PAID, wallet_trade_no=str(payload["trade_no"])[:64],
                            buyer_id=str(payload.get("buyer_user_id", ""))[:64])
    if code == "10003":
        if payload.get("out_trade_no") not in (None, out_trade_no):
            return unknown(_about(payload, out_trade_no))
        return WalletAnswer(Outcome.WAITING, code="10003", message="用户支付中 buyer is paying",
                            wallet_trade_no=str(payload.get("trade_no", ""))[:64])
    if code == "40004" and sub_code in FINAL_PAY_REFUSALS:
        return WalletAnswer(Outcome.DECLINED, code=sub_code, message=sub_msg)
    if code == "40002":
        return WalletAnswer(Outcome.DECLINED, code=sub_code or "40002",
                            message=f"支付宝拒绝请求 Alipay refused the request: {sub_msg}")
    return unknown(f"Alipay {code} {sub_code} {sub_msg}".strip(), code=sub_code)


def read_query(payload: dict[str, Any], out_trade_no: str, amount_fen: int) -> WalletAnswer:
    code = payload.get("code")
    sub_code, sub_msg = _refusal(payload)
    if code == "10000":
        wrong = _about(payload, out_trade_no)
        if wrong:
            return unknown(wrong)
        if not _same_amount(payload, "total_amount", amount_fen):
            return unknown("query answer's total_amount is not this payment's amount")
        status = payload.get("trade_status")
        trade_no = str(payload.get("trade_no", ""))[:64]
        buyer = str(payload.get("buyer_user_id", ""))[:64]
        if status in ("TRADE_SUCCESS", "TRADE_FINISHED"):
            return WalletAnswer(Outcome.PAID, wallet_trade_no=trade_no, buyer_id=buyer)
        if status == "WAIT_BUYER_PAY":
            return WalletAnswer(Outcome.WAITING, code=str(status), wallet_trade_no=trade_no)
        if status == "TRADE_CLOSED":
            return WalletAnswer(Outcome.CLOSED, code=str(status), wallet_trade_no=trade_no)
        return unknown(f"query answer has trade_status {str(status)[:32]!r}")
    if code == "40004" and sub_code == "ACQ.TRADE_NOT_EXIST":
        return WalletAnswer(Outcome.NOT_FOUND, code=sub_code, message=sub_msg)
    return unknown(f"Alipay query {code} {sub_code} {sub_msg}".strip(), code=sub_code)


def read_cancel(payload: dict[str, Any], out_trade_no: str) -> WalletAnswer:
    code = payload.get("code")
    sub_code, sub_msg = _refusal(payload)
    retry = str(payload.get("retry_flag", "N")).upper() == "Y"
    if code == "10000" and not retry:
        wrong = _about(payload, out_trade_no)
        if wrong:
            return unknown(wrong)
        return WalletAnswer(Outcome.CLOSED, action=str(payload.get("action", ""))[:16],
                            wallet_trade_no=str(payload.get("trade_no", ""))[:64])
    if retry or code == "20000":
        return WalletAnswer(Outcome.RETRY, code=sub_code, message=sub_msg)
    return unknown(f"Alipay cancel {code} {sub_code} {sub_msg}".strip(), code=sub_code)


def read_refund(payload: dict[str, Any], out_trade_no: str, refund_fen: int) -> WalletAnswer:
    code = payload.get("code")
    sub_code, sub_msg = _refusal(payload)
    if code == "10000":
        wrong = _about(payload, out_trade_no)
        if wrong:
            return unknown(wrong)
        if "refund_amount" in payload and not _same_amount(payload, "refund_amount",
                                                           refund_fen):
            return unknown("refund answer's refund_amount is not this refund's amount")
        return WalletAnswer(Outcome.REFUNDED, wallet_trade_no=str(payload.get("trade_no", "")))
    if code == "40004" and sub_code != "ACQ.SYSTEM_ERROR":
        return WalletAnswer(Outcome.DECLINED, code=sub_code, message=sub_msg)
    return unknown(f"Alipay refund {code} {sub_code} {sub_msg}".strip(), code=sub_code)


def answer_key(method: str) -> str:
    return response_key(method)
