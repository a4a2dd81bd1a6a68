"""The wallet router: ``alipay.trade.pay`` for wallet codes, and query / cancel / refund
of wallet trades, at the back office.

A pay is checked, its trade and journal row committed, and only then sent to the wallet
of the code (Alipay or WeChat Pay; UnionPay refused unless an acquirer is configured)
with the store's merchant account. What the terminal hears is the wallet's state as the
journal has it: paid, declined (with the wallet's reason), waiting (10003: the buyer is
typing a password) or unknown (20000: the terminal asks again by query, and the query
asks the wallet before it answers).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection

from backoffice.gateway import fields
from backoffice.gateway.replies import (Deferred, Reply, business_failed, system_error,
                                        waiting)
from backoffice.registry.identity import Caller
from backoffice.trades.answers import (SUB_TRADE_HAS_CLOSE, SUB_TRADE_STATUS_ERROR,
                                       cancel_done, paid_answer, query_answer, refund_done,
                                       repeat_answer)
from backoffice.trades.answers import decline_message as member_decline_message
from backoffice.trades.records import (CANCEL_REQUEST_NO, Tender, Trade, add_refund,
                                       find_refund, find_trade, find_trade_by_id, insert_trade,
                                       update_trade)
from backoffice.wallets import journal
from backoffice.wallets.accounts import account_version
from backoffice.wallets.outcome import Outcome, WalletAnswer
from backoffice.wallets.resolution import Resolver
from terminal.host_batch_messages import SUB_CONTEXT_INCONSISTENT
from terminal.host_messages import TradeStatus
from terminal.money import to_yuan_string
from terminal.payment_code import NotAPaymentCode, Wallet, classify_code

SUB_WALLET_NOT_CONFIGURED = "PAYTERM.WALLET_NOT_CONFIGURED"
SUB_NO_ACQUIRER = "PAYTERM.NO_ACQUIRER"
SUB_AUTH_CODE_INVALID = "ACQ.PAYMENT_AUTH_CODE_INVALID"
SUB_REFUND_TOO_MUCH = "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL"
NAMES = {Wallet.ALIPAY: ("支付宝", "Alipay"), Wallet.WECHAT: ("微信支付", "WeChat Pay"),
         Wallet.UNIONPAY: ("银联", "UnionPay")}
#: How long a terminal's query or cancel may spend asking the wallet.
ASK_WAIT_S = 0.0


@dataclass(frozen=True)
class WalletPayAsk:
    out_trade_no: str
    auth_code: str = ""
    amount_fen: int = 0
    subject: str = ""
    wallet: Wallet | None = None


def parse_wallet_pay(biz: dict[str, Any]) -> WalletPayAsk:
    number = fields.out_trade_no(biz)
    code = fields.text(biz, "auth_code", max_len=32)
    amount = fields.amount_fen(biz, "total_amount")
    subject = fields.text(biz, "subject", max_len=256, required=False)
    if biz.get("scene", "bar_code") != "bar_code":
        raise fields.BadField(fields.SUB_INVALID, "scene must be bar_code", "scene")
    try:
        wallet: Wallet | None = classify_code(code).wallet
    except NotAPaymentCode:
        wallet = None
    return WalletPayAsk(out_trade_no=number, auth_code=code, amount_fen=amount,
                        subject=subject, wallet=wallet)


class WalletService:
    def __init__(self, resolver: Resolver) -> None:
        self.resolver = resolver

    # -- pay ------------------------------------------------------------------------------
    def run_pay(self, conn: Connection, caller: Caller, pay: WalletPayAsk,
                now: float) -> Reply | Deferred:
        echo = {"out_trade_no": pay.out_trade_no}
        existing = find_trade(conn, caller.terminal_id, pay.out_trade_no, for_update=True)
        if existing is not None:
            if existing.tender == Tender.WALLET.value and existing.amount_fen == pay.amount_fen:
                trade_id = existing.trade_id
                return Deferred(lambda: self._pay_state(trade_id, ask=True))
            return repeat_answer(existing, tender=Tender.WALLET, amount_fen=pay.amount_fen)
        if pay.wallet is None:
            return business_failed(SUB_AUTH_CODE_INVALID, "付款码无效 not a payment code",
                                   **echo)
        chinese, english = NAMES[pay.wallet]
        if pay.wallet is Wallet.UNIONPAY:
            return business_failed(SUB_NO_ACQUIRER, "未配置银联收单机构，请换其他方式 no UnionPay "
                                   "acquirer is configured at this back office; take another "
                                   "tender", **echo)
        if account_version(conn, caller.store_id, pay.wallet.value) is None:
            return business_failed(SUB_WALLET_NOT_CONFIGURED,
                                   f"本店未配置{chinese}收款，请换其他方式 {english} payments are "
                                   f"not configured for store {caller.store_id}; take another "
                                   f"tender", **echo)
        trade = insert_trade(conn, terminal_id=caller.terminal_id,
                             out_trade_no=pay.out_trade_no, store_id=caller.store_id,
                             tender=Tender.WALLET, wallet=pay.wallet.value,
                             amount_fen=pay.amount_fen, state=TradeStatus.WAIT_BUYER_PAY,
                             now=now, subject=pay.subject)
        journal.journal_pay(conn, trade_id=trade.trade_id, wallet=pay.wallet.value,
                            store_id=caller.store_id, wallet_out_trade_no=trade.trade_no,
                            amount_fen=pay.amount_fen, now=now, lease_s=self.resolver.lease_s)
        return Deferred(lambda: self._send_pay(trade, pay))

    def _send_pay(self, trade: Trade, pay: WalletPayAsk) -> Reply:
        resolver = self.resolver
        try:
            connector = resolver.connector(trade.store_id, trade.wallet)
            call_id = resolver.tx(lambda conn: journal.log_call(
                conn, trade.trade_id, "pay", resolver.clock()))
            if connector is None:
                answer = WalletAnswer(Outcome.DECLINED, code=SUB_WALLET_NOT_CONFIGURED,
                                      message="wallet account removed")
            else:
                answer = connector.pay(trade.trade_no, pay.auth_code, pay.amount_fen,
                                       pay.subject)
            entry = resolver.tx(lambda conn: journal.find_journal(conn, trade.trade_id),
                                write=False)
            resolver.tx(lambda conn: resolver.apply(conn, entry, "pay", answer, call_id))
        finally:
            resolver.tx(lambda conn: journal.release(conn, trade.trade_id))
        return self._pay_state(trade.trade_id, ask=False, last=answer)

    def _pay_state(self, trade_id: int, *, ask: bool, last: WalletAnswer | None = None
                   ) -> Reply:
        if ask:
            self.resolver.advance(trade_id, ask_now=True, wait_s=ASK_WAIT_S)
        trade, entry = self._state(trade_id)
        echo = {"out_trade_no": trade.out_trade_no}
        if trade.paid:
            return paid_answer(trade)
        if trade.state == TradeStatus.TRADE_CLOSED.value:
            if trade.decline_code and trade.decline_code != SUB_TRADE_HAS_CLOSE:
                message = (last.message if last is not None and last.message
                           else decline_message(trade.decline_code))
                return business_failed(trade.decline_code, message, **echo)
            return business_failed(SUB_TRADE_HAS_CLOSE, "交易已关闭 trade is closed", **echo)
        if entry is not None and entry.phase == "waiting":
            return waiting(trade_no=trade.trade_no, total_amount=to_yuan_string(trade.amount_fen),
                           **echo)
        return self._unknown(trade, entry)

    def _state(self, trade_id: int) -> tuple[Trade, journal.Journaled | None]:
        return self.resolver.tx(lambda conn: (find_trade_by_id(conn, trade_id),
                                              journal.find_journal(conn, trade_id)),
                                write=False)

    @staticmethod
    def _unknown(trade: Trade, entry: journal.Journaled | None, **extra: str) -> Reply:
        why = entry.last_result if entry is not None and entry.last_result else "no answer yet"
        return system_error(f"钱包结果未知，正在查询，请稍后再查 the wallet's outcome is not known "
                            f"yet ({why[:120]}); query again", out_trade_no=trade.out_trade_no,
                            **extra)

    # -- query ----------------------------------------------------------------------------
    def run_query(self, conn: Connection, caller: Caller, trade: Trade,
                  now: float) -> Reply | Deferred:
        entry = journal.find_journal(conn, trade.trade_id)
        if entry is None or entry.phase == "final":
            return query_answer(trade)
        return Deferred(lambda: self._query_state(trade.trade_id))

    def _query_state(self, trade_id: int) -> Reply:
        self.resolver.advance(trade_id, ask_now=True, wait_s=ASK_WAIT_S)
        trade, entry = self._state(trade_id)
        if entry is None or entry.phase in ("final", "waiting"):
            return query_answer(trade)
        return self._unknown(trade, entry)

    # -- cancel ---------------------------------------------------------------------------
    def run_cancel(self, conn: Connection, caller: Caller, trade: Trade,
                   now: float) -> Reply | Deferred:
        entry = journal.find_journal(conn, trade.trade_id, for_update=True)
        if entry is None:
            return cancel_done(trade.out_trade_no, "close", trade)
        if entry.phase == "final":
            if not trade.paid:
                took_back = find_refund(conn, trade, CANCEL_REQUEST_NO) is not None
                return cancel_done(trade.out_trade_no, "refund" if took_back else "close",
                                   trade)
            if trade.refunded_fen:
                return business_failed(SUB_TRADE_STATUS_ERROR, "已部分退款，不能撤销，请退款 "
                                       "partly refunded: refund the rest instead",
                                       out_trade_no=trade.out_trade_no, retry_flag="N")
        journal.update_journal(conn, trade.trade_id, now, phase="reversing", next_at=now,
                               last_result="cancel asked by the terminal")
        return Deferred(lambda: self._cancel_state(trade.trade_id))

    def _cancel_state(self, trade_id: int) -> Reply:
        self.resolver.advance(trade_id, wait_s=ASK_WAIT_S)
        trade, entry = self._state(trade_id)
        if entry is not None and entry.phase == "final" and not trade.paid:
            took_back = self.resolver.tx(lambda conn: find_refund(conn, trade,
                                                                  CANCEL_REQUEST_NO))
            return cancel_done(trade.out_trade_no, "close" if took_back is None else "refund",
                               trade)
        return self._unknown(trade, entry, retry_flag="Y")

    # -- refund ---------------------------------------------------------------------------
    def run_refund(self, conn: Connection, caller: Caller, trade: Trade, ask: Any,
                   now: float) -> Reply | Deferred:
        echo = {"out_trade_no": ask.out_trade_no, "out_request_no": ask.out_request_no}
        earlier = find_refund(conn, trade, ask.out_request_no)
        if earlier is not None:
            if earlier != ask.amount_fen:
                return business_failed(SUB_CONTEXT_INCONSISTENT,
                                       "同一退款请求号金额不同 same out_request_no, other amount",
                                       **echo)
            return refund_answer(trade, ask, fund_change="N")
        if not trade.paid:
            return business_failed(SUB_TRADE_STATUS_ERROR,
                                   "交易状态不允许退款 trade cannot be refunded", **echo)
        if trade.refunded_fen + ask.amount_fen > trade.amount_fen:
            return business_failed(SUB_REFUND_TOO_MUCH,
                                   "退款金额超限 refund exceeds the amount paid", **echo)
        call_id = journal.log_call(conn, trade.trade_id, "refund", now, ask.out_request_no)
        return Deferred(lambda: self._send_refund(trade, ask, call_id, echo))

    def _send_refund(self, trade: Trade, ask: Any, call_id: int,
                     echo: dict[str, str]) -> Reply:
        resolver = self.resolver
        connector = resolver.connector(trade.store_id, trade.wallet)
        if connector is None:
            return business_failed(SUB_WALLET_NOT_CONFIGURED, "钱包账户已删除 the store's wallet "
                                   "account was removed; set it again", **echo)
        answer = connector.refund(trade.trade_no, ask.out_request_no, ask.amount_fen,
                                  trade.amount_fen, ask.reason)

        def book(conn: Connection) -> Reply:
            journal.log_answer(conn, call_id, resolver.clock(),
                               f"{answer.outcome.value} {answer.code} {answer.message}")
            if answer.outcome is Outcome.REFUNDED:
                current = find_trade_by_id(conn, trade.trade_id, for_update=True)
                if find_refund(conn, current, ask.out_request_no) is None:
                    current = add_refund(conn, current, ask.out_request_no, ask.amount_fen,
                                         resolver.clock(), ask.reason)
                    if current.refunded_fen == current.amount_fen:
                        current = update_trade(conn, current, resolver.clock(),
                                               state=TradeStatus.TRADE_CLOSED.value)
                return refund_answer(current, ask, fund_change="Y")
            if answer.outcome is Outcome.DECLINED:
                return business_failed(answer.code or "PAYTERM.WALLET_REFUSED",
                                       answer.message or "钱包拒绝退款 the wallet refused", **echo)
            return system_error("钱包退款结果未知，请用同一退款请求号重试 the wallet's refund "
                                f"outcome is unknown ({answer.message[:100]}); repeat with the "
                                "same out_request_no", **echo)

        return resolver.tx(book)


def refund_answer(trade: Trade, ask: Any, *, fund_change: str) -> Reply:
    return refund_done(trade, out_request_no=ask.out_request_no, amount_fen=ask.amount_fen,
                       fund_change=fund_change)


WALLET_DECLINES = {
    "ACQ.BUYER_BALANCE_NOT_ENOUGH": "余额不足 the buyer's balance is not enough",
    "ACQ.PAYMENT_AUTH_CODE_INVALID": "付款码无效或已过期，请刷新 payment code invalid or expired; "
                                     "ask the buyer to refresh it",
    "PAYTERM.WALLET_UNREACHABLE": "无法连接钱包，未扣款 the wallet cannot be reached; nothing "
                                  "was charged",
}


def decline_message(code: str) -> str:
    return WALLET_DECLINES.get(code, member_decline_message(code))
