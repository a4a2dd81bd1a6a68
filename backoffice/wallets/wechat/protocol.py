"""WeChat Pay v2 answers read against their requests (pure).

An answer is believed only when it is well-formed XML, signed with the merchant's API
key, and names the same ``appid``, ``mch_id`` (and ``sub_mch_id``), ``out_trade_no`` and
amount as the request. ``return_code=FAIL`` answers are not signed by WeChat: they never
close a payment, they only make it UNKNOWN (asked again by ``orderquery``).

WeChat's refusal codes are mapped to the host protocol's where the terminal knows them
(``NOTENOUGH`` -> ``ACQ.BUYER_BALANCE_NOT_ENOUGH``, the code errors ->
``ACQ.PAYMENT_AUTH_CODE_INVALID``), else passed on as ``WECHAT.<err_code>``.
"""

from __future__ import annotations

from backoffice.wallets.outcome import Outcome, WalletAnswer, unknown
from backoffice.wallets.wechat.account import WechatAccount
from backoffice.wallets.wechat.xml_sign import XmlInvalid, from_xml, signature_ok

#: micropay refusals that are final (nothing taken)
FINAL_PAY_ERRORS = frozenset({
    "AUTHCODEEXPIRE", "AUTH_CODE_INVALID", "AUTH_CODE_ERROR", "NOTENOUGH", "NOTSUPORTCARD",
    "ORDERCLOSED", "ORDERREVERSED", "BUYER_MISMATCH", "PARAM_ERROR", "INVALID_REQUEST",
    "TRADE_ERROR", "NOAUTH", "AMOUNT_LIMITED", "OUT_TRADE_NO_USED", "XML_FORMAT_ERROR",
    "APPID_MCHID_NOT_MATCH", "LACK_PARAMS", "POST_DATA_EMPTY", "NOT_UTF8"})
TERMINAL_CODES = {"NOTENOUGH": "ACQ.BUYER_BALANCE_NOT_ENOUGH",
                  "AUTHCODEEXPIRE": "ACQ.PAYMENT_AUTH_CODE_INVALID",
                  "AUTH_CODE_INVALID": "ACQ.PAYMENT_AUTH_CODE_INVALID",
                  "AUTH_CODE_ERROR": "ACQ.PAYMENT_AUTH_CODE_INVALID"}


class NotTrusted(ValueError):
    pass


def verified(account: WechatAccount, body: str) -> dict[str, str]:
    """The answer's fields when they are signed and about this merchant account."""
    try:
        fields = from_xml(body)
    except XmlInvalid as exc:
        raise NotTrusted(str(exc)) from None
    if fields.get("return_code") != "SUCCESS":
        raise NotTrusted(f"return_code {fields.get('return_code', '')[:20]!r}: "
                         f"{fields.get('return_msg', '')[:100]}")
    if not signature_ok(fields, account.api_key, fields.get("sign_type") or "HMAC-SHA256"):
        raise NotTrusted("answer's signature does not verify with the API key")
    for name, expected in (("appid", account.appid), ("mch_id", account.mch_id),
                           ("sub_mch_id", account.sub_mch_id)):
        if expected and fields.get(name) != expected:
            raise NotTrusted(f"answer names {name} {fields.get(name, '')[:32]!r}, "
                             f"not {expected!r}")
    return fields


def _about(fields: dict[str, str], out_trade_no: str) -> str:
    named = fields.get("out_trade_no")
    return "" if named == out_trade_no else (
        f"answer names out_trade_no {str(named)[:32]!r}, not {out_trade_no!r}")


def _fen(fields: dict[str, str], name: str) -> int | None:
    value = fields.get(name, "")
    return int(value) if value.isdigit() and len(value) <= 12 else None


def terminal_code(err_code: str) -> str:
    return TERMINAL_CODES.get(err_code, f"WECHAT.{err_code}" if err_code else "WECHAT.FAIL")


def read_pay(fields: dict[str, str], out_trade_no: str, amount_fen: int) -> WalletAnswer:
    if fields.get("result_code") == "SUCCESS":
        wrong = _about(fields, out_trade_no)
        if wrong:
            return unknown(wrong)
        if _fen(fields, "total_fee") != amount_fen:
            return unknown(f"answer's total_fee {fields.get('total_fee', '')[:12]!r} is not "
                           f"this payment's amount ({amount_fen} fen)")
        if not fields.get("transaction_id"):
            return unknown("a success without transaction_id")
        return WalletAnswer(Outcome.PAID, wallet_trade_no=fields["transaction_id"][:64],
                            buyer_id=fields.get("openid", "")[:64])
    err = fields.get("err_code", "")
    message = fields.get("err_code_des", "")[:160]
    if err == "USERPAYING":
        return WalletAnswer(Outcome.WAITING, code=err, message="用户支付中 buyer is paying")
    if err in FINAL_PAY_ERRORS:
        return WalletAnswer(Outcome.DECLINED, code=terminal_code(err),
                            message=f"微信支付 WeChat Pay: {message or err}")
    return unknown(f"WeChat micropay {err} {message}".strip(), code=err)


def read_query(fields: dict[str, str], out_trade_no: str, amount_fen: int) -> WalletAnswer:
    if fields.get("result_code") == "SUCCESS":
        wrong = _about(fields, out_trade_no)
        if wrong:
            return unknown(wrong)
        if "total_fee" in fields and _fen(fields, "total_fee") != amount_fen:
            return unknown("orderquery answer's total_fee is not this payment's amount")
        state = fields.get("trade_state", "")
        number = fields.get("transaction_id", "")[:64]
        if state in ("SUCCESS", "REFUND"):
            return WalletAnswer(Outcome.PAID, wallet_trade_no=number,
                                buyer_id=fields.get("openid", "")[:64])
        if state in ("USERPAYING", "NOTPAY"):
            return WalletAnswer(Outcome.WAITING, code=state, wallet_trade_no=number)
        if state in ("CLOSED", "REVOKED", "PAYERROR"):
            return WalletAnswer(Outcome.CLOSED, code=state, wallet_trade_no=number)
        return unknown(f"orderquery trade_state {state[:20]!r}")
    err = fields.get("err_code", "")
    if err == "ORDERNOTEXIST":
        return WalletAnswer(Outcome.NOT_FOUND, code=err)
    return unknown(f"WeChat orderquery {err} {fields.get('err_code_des', '')[:100]}".strip())


def read_reverse(fields: dict[str, str]) -> WalletAnswer:
    recall = fields.get("recall", "N").upper() == "Y"
    if fields.get("result_code") == "SUCCESS" and not recall:
        return WalletAnswer(Outcome.CLOSED, action="close")
    err = fields.get("err_code", "")
    if recall or err in ("SYSTEMERROR", "USERPAYING"):
        return WalletAnswer(Outcome.RETRY, code=err, message="recall=Y")
    if err == "ORDERNOTEXIST":
        return WalletAnswer(Outcome.CLOSED, code=err, action="close")
    return unknown(f"WeChat reverse {err} {fields.get('err_code_des', '')[:100]}".strip(),
                   code=err)


def read_refund(fields: dict[str, str], out_trade_no: str, out_refund_no: str,
                refund_fen: int) -> WalletAnswer:
    if fields.get("result_code") == "SUCCESS":
        wrong = _about(fields, out_trade_no)
        if wrong:
            return unknown(wrong)
        if fields.get("out_refund_no") != out_refund_no:
            return unknown("refund answer names another out_refund_no")
        if _fen(fields, "refund_fee") != refund_fen:
            return unknown("refund answer's refund_fee is not this refund's amount")
        return WalletAnswer(Outcome.REFUNDED, wallet_trade_no=fields.get("transaction_id", ""))
    err = fields.get("err_code", "")
    if err in ("SYSTEMERROR", "BIZERR_NEED_RETRY", "FREQUENCY_LIMITED"):
        return unknown(f"WeChat refund {err}", code=err)
    return WalletAnswer(Outcome.DECLINED, code=f"WECHAT.{err or 'FAIL'}",
                        message=fields.get("err_code_des", "")[:160] or err)
