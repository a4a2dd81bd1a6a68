"""Calls to the Alipay open platform for one merchant account: build, sign, send, verify
and read every answer against its request (alipay/protocol.py)."""

from __future__ import annotations

import time
from typing import Any, Callable
from urllib.parse import urlencode, urljoin

from backoffice.wallets.alipay import protocol
from backoffice.wallets.alipay.account import AlipayAccount
from backoffice.wallets.outcome import Outcome, WalletAnswer, unknown
from backoffice.wallets.bills import BillInvalid, BillLine, parse_alipay_bill
from backoffice.wallets.transport import Deadlines, NoAnswer, get, post
from drivers.host.wire import ResponseInvalid
from terminal.money import to_yuan_string

FORM = "application/x-www-form-urlencoded;charset=utf-8"


class AlipayConnector:
    wallet = "alipay"

    def __init__(self, account: AlipayAccount, deadlines: Deadlines | None = None, *,
                 clock: Callable[[], float] = time.time) -> None:
        self.account = account
        self.deadlines = deadlines if deadlines is not None else Deadlines()
        self._clock = clock

    def _call(self, method: str, biz: dict[str, Any]) -> dict[str, Any]:
        params = protocol.request_params(self.account, method, biz, self._clock())
        body = post(self.account.gateway_url, urlencode(params).encode("utf-8"), FORM,
                    self.deadlines)
        return protocol.verified_payload(self.account, method, body)

    def pay(self, out_trade_no: str, auth_code: str, amount_fen: int,
            subject: str) -> WalletAnswer:
        biz = protocol.pay_biz(self.account, out_trade_no, auth_code, amount_fen, subject)
        try:
            payload = self._call(protocol.PAY, biz)
        except NoAnswer as exc:
            if not exc.sent:
                return WalletAnswer(Outcome.DECLINED, code="PAYTERM.WALLET_UNREACHABLE",
                                    message=f"支付宝无法连接 cannot reach Alipay ({exc.reason})")
            return unknown(f"Alipay pay: {exc.reason}")
        except ResponseInvalid as exc:
            return unknown(f"Alipay pay answer not trusted: {exc}")
        return protocol.read_pay(self.account, payload, out_trade_no, amount_fen)

    def query(self, out_trade_no: str, amount_fen: int) -> WalletAnswer:
        try:
            payload = self._call(protocol.QUERY, {"out_trade_no": out_trade_no})
        except (NoAnswer, ResponseInvalid) as exc:
            return unknown(f"Alipay query: {exc}")
        return protocol.read_query(payload, out_trade_no, amount_fen)

    def cancel(self, out_trade_no: str) -> WalletAnswer:
        try:
            payload = self._call(protocol.CANCEL, {"out_trade_no": out_trade_no})
        except (NoAnswer, ResponseInvalid) as exc:
            return WalletAnswer(Outcome.RETRY, message=f"Alipay cancel: {exc}")
        return protocol.read_cancel(payload, out_trade_no)

    def refund(self, out_trade_no: str, request_no: str, refund_fen: int, total_fen: int,
               reason: str) -> WalletAnswer:
        biz = {"out_trade_no": out_trade_no, "out_request_no": request_no,
               "refund_amount": to_yuan_string(refund_fen)}
        if reason:
            biz["refund_reason"] = reason[:256]
        try:
            payload = self._call(protocol.REFUND, biz)
        except (NoAnswer, ResponseInvalid) as exc:
            return unknown(f"Alipay refund: {exc}")
        return protocol.read_refund(payload, out_trade_no, refund_fen)

    def bill(self, day: str) -> list[BillLine]:
        """The day's trade bill (``alipay.data.dataservice.bill.downloadurl.query``)."""
        try:
            payload = self._call("alipay.data.dataservice.bill.downloadurl.query",
                                 {"bill_type": "trade", "bill_date": day})
        except (NoAnswer, ResponseInvalid) as exc:
            raise BillInvalid(f"Alipay bill: {exc}") from None
        url = payload.get("bill_download_url")
        if payload.get("code") != "10000" or not isinstance(url, str):
            raise BillInvalid(f"Alipay bill: {payload.get('sub_code', payload.get('code'))} "
                              f"{payload.get('sub_msg', '')}")
        try:
            return parse_alipay_bill(get(urljoin(self.account.gateway_url, url), self.deadlines))
        except NoAnswer as exc:
            raise BillInvalid(f"Alipay bill file: {exc}") from None
