"""Calls to WeChat Pay v2 for one merchant account: ``micropay`` and ``orderquery``
over HTTPS, ``reverse`` and ``refund`` with the merchant's API client certificate."""

from __future__ import annotations

import hashlib
import os
import ssl
from pathlib import Path
from typing import Any

from backoffice.wallets.accounts import WalletAccount
from backoffice.wallets.outcome import Outcome, WalletAnswer, unknown
from backoffice.wallets.bills import BillInvalid, BillLine, parse_wechat_bill
from backoffice.wallets.transport import Deadlines, NoAnswer, post
from backoffice.wallets.wechat import protocol
from backoffice.wallets.wechat.account import WechatAccount
from backoffice.wallets.wechat.xml_sign import HMAC_SHA256, nonce, signature, to_xml

XML = "text/xml; charset=utf-8"


class WechatConnector:
    wallet = "wechat"

    def __init__(self, account: WechatAccount, deadlines: Deadlines | None = None) -> None:
        self.account = account
        self.deadlines = deadlines if deadlines is not None else Deadlines()

    def signed_body(self, fields: dict[str, Any]) -> bytes:
        account = self.account
        params = {"appid": account.appid, "mch_id": account.mch_id, "nonce_str": nonce(),
                  "sign_type": HMAC_SHA256, **{k: str(v) for k, v in fields.items()}}
        if account.sub_mch_id:
            params["sub_mch_id"] = account.sub_mch_id
        if account.sub_appid:
            params["sub_appid"] = account.sub_appid
        params["sign"] = signature(params, account.api_key)
        return to_xml(params)

    def _call(self, path: str, fields: dict[str, Any], *, with_cert: bool = False
              ) -> dict[str, str]:
        account = self.account
        context = ssl.create_default_context(cafile=account.ca_file or None)
        if with_cert:
            if not (account.cert_file and account.key_file):
                raise NoAnswer("no API client certificate configured (wallet set wechat "
                               "--cert FILE --key FILE)", sent=False)
            context.load_cert_chain(account.cert_file, account.key_file)
        body = post(account.api_url + path, self.signed_body(fields), XML, self.deadlines,
                    verify=context)
        return protocol.verified(account, body)

    def _context(self, with_cert: bool = False) -> ssl.SSLContext:
        context = ssl.create_default_context(cafile=self.account.ca_file or None)
        if with_cert:
            context.load_cert_chain(self.account.cert_file, self.account.key_file)
        return context

    def bill(self, day: str) -> list[BillLine]:
        """The day's bill (``downloadbill``, bill_type ALL): text, not signed XML."""
        fields = {"bill_date": day.replace("-", ""), "bill_type": "ALL"}
        try:
            body = post(self.account.api_url + "/pay/downloadbill", self.signed_body(fields),
                        XML, self.deadlines, verify=self._context())
        except NoAnswer as exc:
            raise BillInvalid(f"WeChat bill: {exc}") from None
        return parse_wechat_bill(body)

    def pay(self, out_trade_no: str, auth_code: str, amount_fen: int,
            subject: str) -> WalletAnswer:
        fields = {"body": (subject or "payterm")[:128], "out_trade_no": out_trade_no,
                  "total_fee": amount_fen, "fee_type": "CNY",
                  "spbill_create_ip": self.account.client_ip, "auth_code": auth_code}
        try:
            answer = self._call("/pay/micropay", fields)
        except NoAnswer as exc:
            if not exc.sent:
                return WalletAnswer(Outcome.DECLINED, code="PAYTERM.WALLET_UNREACHABLE",
                                    message=f"微信支付无法连接 cannot reach WeChat Pay "
                                            f"({exc.reason})")
            return unknown(f"WeChat micropay: {exc.reason}")
        except protocol.NotTrusted as exc:
            return unknown(f"WeChat micropay answer not trusted: {exc}")
        return protocol.read_pay(answer, out_trade_no, amount_fen)

    def query(self, out_trade_no: str, amount_fen: int) -> WalletAnswer:
        try:
            answer = self._call("/pay/orderquery", {"out_trade_no": out_trade_no})
        except (NoAnswer, protocol.NotTrusted) as exc:
            return unknown(f"WeChat orderquery: {exc}")
        return protocol.read_query(answer, out_trade_no, amount_fen)

    def cancel(self, out_trade_no: str) -> WalletAnswer:
        """``reverse`` (the caller keeps the 15 s rule: terminal/wallet_rules.py)."""
        try:
            answer = self._call("/secapi/pay/reverse", {"out_trade_no": out_trade_no},
                                with_cert=True)
        except (NoAnswer, protocol.NotTrusted) as exc:
            return WalletAnswer(Outcome.RETRY, message=f"WeChat reverse: {exc}")
        return protocol.read_reverse(answer)

    def refund(self, out_trade_no: str, request_no: str, refund_fen: int, total_fen: int,
               reason: str) -> WalletAnswer:
        number = refund_number(out_trade_no, request_no)
        fields = {"out_trade_no": out_trade_no, "out_refund_no": number,
                  "total_fee": total_fen, "refund_fee": refund_fen}
        if reason:
            fields["refund_desc"] = reason[:80]
        if not (self.account.cert_file and self.account.key_file):
            return WalletAnswer(Outcome.DECLINED, code="PAYTERM.WALLET_CERT_MISSING",
                                message="后台未配置微信支付API证书，不能退款 no WeChat Pay API "
                                        "client certificate at the back office (wallet set "
                                        "wechat --cert FILE --key FILE); nothing refunded")
        try:
            answer = self._call("/secapi/pay/refund", fields, with_cert=True)
        except NoAnswer as exc:
            if not exc.sent:
                return WalletAnswer(Outcome.DECLINED, code="PAYTERM.WALLET_UNREACHABLE",
                                    message=str(exc))
            return unknown(f"WeChat refund: {exc}")
        except protocol.NotTrusted as exc:
            return unknown(f"WeChat refund: {exc}")
        return protocol.read_refund(answer, out_trade_no, number, refund_fen)


def refund_number(out_trade_no: str, request_no: str) -> str:
    """WeChat's ``out_refund_no`` is unique per merchant (<= 64): the trade's number and
    a digest of the terminal's request number, the same for every retry."""
    return f"{out_trade_no}R{hashlib.sha256(request_no.encode()).hexdigest()[:16]}"


def _private_file(folder: Path, name: str, text: str) -> str:
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = folder / name
    if not path.exists():
        tmp = folder / f".{name}.{os.getpid()}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(text)
        os.replace(tmp, path)
    return str(path)


def wechat_connector(account: WalletAccount, deadlines: Deadlines,
                     runtime_dir: Path | None) -> WechatConnector:
    public, secrets = account.public, account.secrets
    cert_file = key_file = ca_file = ""
    stem = f"{account.store_id}-wechat-v{account.version}"
    if runtime_dir is not None and secrets.get("cert_pem") and secrets.get("key_pem"):
        # httpx/ssl load client certificates from files only: 0600, in keys/.
        cert_file = _private_file(runtime_dir, stem + "-cert.pem", secrets["cert_pem"])
        key_file = _private_file(runtime_dir, stem + "-key.pem", secrets["key_pem"])
    if runtime_dir is not None and public.get("ca_pem"):
        ca_file = _private_file(runtime_dir, stem + "-ca.pem", public["ca_pem"])
    return WechatConnector(WechatAccount(
        api_url=public["api_url"].rstrip("/"), appid=public["appid"],
        mch_id=public["mch_id"], api_key=secrets["api_key"], cert_file=cert_file,
        key_file=key_file, ca_file=ca_file, sub_mch_id=public.get("sub_mch_id", ""),
        sub_appid=public.get("sub_appid", "")), deadlines)
