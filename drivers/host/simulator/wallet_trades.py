"""Wallet trades at the simulated host: pay, query, cancel, refund (Alipay semantics).

Idempotent by ``out_trade_no``: a repeated pay answers the existing trade's state and
never charges again. Payment codes are single-use. The behaviour of a new trade comes
from the code's last two digits (behaviours.py).
"""

from __future__ import annotations

import sqlite3
from typing import Any, Callable, cast

from drivers.host.simulator import biz_fields
from drivers.host.simulator.behaviours import Behaviour, behaviour_for_code
from drivers.host.simulator.config import SimulatorConfig
from drivers.host.simulator.ledger import Ledger, code_hash
from drivers.host.simulator.reply import (Reply, business_failed, host_time_text,
                                          new_trade_no, success, system_error)
from terminal.money import to_yuan_string
from terminal.payment_code import NotAPaymentCode, classify_code

CANCEL_REQUEST_NO = "__cancel__"   # the refund a cancel of a paid trade makes
_DECLINES = {
    Behaviour.DECLINE_BALANCE: ("ACQ.BUYER_BALANCE_NOT_ENOUGH", "买家余额不足 balance not enough"),
    Behaviour.DECLINE_INVALID_CODE: ("ACQ.PAYMENT_AUTH_CODE_INVALID",
                                     "付款码无效 payment code invalid"),
}


class WalletTrades:
    def __init__(self, ledger: Ledger, config_source: Callable[[], SimulatorConfig]) -> None:
        self._ledger = ledger
        self._config_source = config_source     # callable: the config in force now

    @property
    def _config(self) -> SimulatorConfig:
        return self._config_source()

    # -- pay ------------------------------------------------------------------------------
    def pay(self, biz: dict[str, Any], now: float) -> Reply:
        out_trade_no = biz_fields.text(biz, "out_trade_no")
        auth_code = biz_fields.text(biz, "auth_code", max_len=32)
        amount = biz_fields.amount_fen(biz, "total_amount")
        subject = biz_fields.text(biz, "subject", max_len=256, required=False)
        terminal_id = biz_fields.text(biz, "terminal_id", max_len=32)
        if biz.get("scene", "bar_code") != "bar_code":
            raise biz_fields.BadField("isv.invalid-parameter", "scene must be bar_code")
        digest = code_hash(auth_code)
        config = self._config
        behaviour = behaviour_for_code(auth_code, config.default_behaviour)
        with self._ledger.transaction() as db:
            self._ledger.settle_due(db, now)
            existing = self._ledger.trade(db, out_trade_no)
            if existing is not None:
                return repeat_answer(existing, tender="wallet", amount_fen=amount,
                                     code_digest=digest, terminal_id=terminal_id)
            if behaviour is Behaviour.SYSTEM_ERROR_NO_TRADE:
                return system_error()
            try:
                wallet = classify_code(auth_code).wallet.value
            except NotAPaymentCode:
                return business_failed("ACQ.PAYMENT_AUTH_CODE_INVALID",
                                       "付款码无效 not a payment code")
            if self._ledger.code_used_elsewhere(db, digest, out_trade_no):
                return business_failed("ACQ.PAYMENT_AUTH_CODE_INVALID",
                                       "付款码已使用 payment code already used")
            row = dict(out_trade_no=out_trade_no, trade_no=new_trade_no(now),
                       terminal_id=terminal_id, tender="wallet", wallet=wallet,
                       code_hash=digest, behaviour=behaviour.value, amount_fen=amount,
                       subject=subject, created_at=now)
            if behaviour in _DECLINES:
                sub_code, sub_msg = _DECLINES[behaviour]
                self._ledger.insert_trade(db, state="TRADE_CLOSED", decline_code=sub_code, **row)
                return business_failed(sub_code, sub_msg)
            if behaviour in (Behaviour.PASSWORD_THEN_SUCCESS, Behaviour.PASSWORD_THEN_CLOSE):
                settle_to = ("TRADE_SUCCESS" if behaviour is Behaviour.PASSWORD_THEN_SUCCESS
                             else "TRADE_CLOSED")
                self._ledger.insert_trade(db, state="WAIT_BUYER_PAY", settle_to=settle_to,
                                          settle_at=now + config.password_delay_s, **row)
                # Just inserted in this transaction: the row is there.
                return waiting_answer(cast(sqlite3.Row, self._ledger.trade(db, out_trade_no)))
            self._ledger.insert_trade(db, state="TRADE_SUCCESS", **row)
            trade = cast(sqlite3.Row, self._ledger.trade(db, out_trade_no))   # just inserted
        if behaviour is Behaviour.SYSTEM_ERROR_BUT_PAID:
            return system_error()
        answer = paid_answer(trade, now)
        if behaviour is Behaviour.SLOW_SUCCESS:
            return Reply(answer.payload, delay_s=config.slow_delay_s)
        if behaviour is Behaviour.DROP_AFTER_COMMIT:
            return Reply(answer.payload, drop=True)
        return answer

    # -- query ----------------------------------------------------------------------------
    def query(self, biz: dict[str, Any], now: float) -> Reply:
        out_trade_no = biz_fields.text(biz, "out_trade_no")
        with self._ledger.transaction() as db:
            self._ledger.settle_due(db, now)
            trade = own_trade(self._ledger.trade(db, out_trade_no), biz)
        if trade is None or is_cancel_marker(trade):
            # A cancel that found nothing leaves only a marker (no amount, no payment).
            return business_failed("ACQ.TRADE_NOT_EXIST", "交易不存在 trade does not exist")
        return success(out_trade_no=out_trade_no, trade_no=trade["trade_no"],
                       trade_status=trade["effective_state"],
                       total_amount=to_yuan_string(trade["amount_fen"]),
                       buyer_user_id=buyer_id(trade))

    # -- cancel ---------------------------------------------------------------------------
    def cancel(self, biz: dict[str, Any], now: float) -> Reply:
        out_trade_no = biz_fields.text(biz, "out_trade_no")
        with self._ledger.transaction() as db:
            self._ledger.settle_due(db, now)
            trade = self._ledger.trade(db, out_trade_no)
            if trade is not None and own_trade(trade, biz) is None:
                return business_failed("ACQ.TRADE_NOT_EXIST", "交易不存在 trade does not exist")
            if trade is None:
                # Nothing to cancel; remember it so that a late pay is refused.
                self._ledger.insert_trade(db, out_trade_no=out_trade_no,
                                          trade_no=new_trade_no(now), tender="wallet",
                                          amount_fen=0, state="TRADE_CLOSED", cancelled=1,
                                          terminal_id=str(biz.get("terminal_id", "")),
                                          created_at=now)
                return cancel_done(out_trade_no, "close")
            if trade["offline"]:
                return business_failed("ACQ.TRADE_STATUS_ERROR",
                                       "离线记录不能撤销 offline records cannot be cancelled")
            if (trade["behaviour"] == Behaviour.CANCEL_NEEDS_RETRY.value
                    and trade["cancel_attempts"] < self._config.cancel_retry_times):
                self._ledger.update_trade(db, out_trade_no, now,
                                          cancel_attempts=trade["cancel_attempts"] + 1)
                return system_error(retry_flag="Y", out_trade_no=out_trade_no)
            state = trade["effective_state"]
            if state == "WAIT_BUYER_PAY":
                self._ledger.update_trade(db, out_trade_no, now, state="TRADE_CLOSED",
                                          cancelled=1, settle_at=None)
                return cancel_done(out_trade_no, "close", trade)
            if state in ("TRADE_SUCCESS", "TRADE_FINISHED"):
                back = trade["amount_fen"] - trade["refunded_fen"]
                if back > 0:
                    self._ledger.add_refund(db, out_trade_no, CANCEL_REQUEST_NO, back, now)
                    if trade["tender"] == "member":
                        self._ledger.move_balance(db, trade["member_id"], back)
                self._ledger.update_trade(db, out_trade_no, now, state="TRADE_CLOSED",
                                          cancelled=1)
                return cancel_done(out_trade_no, "refund", trade)
            # Already closed: a second cancel is done, with the action it had.
            took_back = self._ledger.refund(db, out_trade_no, CANCEL_REQUEST_NO) is not None
            return cancel_done(out_trade_no, "refund" if took_back else "close", trade)

    # -- refund ---------------------------------------------------------------------------
    def refund(self, biz: dict[str, Any], now: float) -> Reply:
        out_trade_no = biz_fields.text(biz, "out_trade_no")
        out_request_no = biz_fields.text(biz, "out_request_no", required=False) or out_trade_no
        amount = biz_fields.amount_fen(biz, "refund_amount")
        with self._ledger.transaction() as db:
            self._ledger.settle_due(db, now)
            trade = own_trade(self._ledger.trade(db, out_trade_no), biz)
            if trade is None or is_cancel_marker(trade):
                return business_failed("ACQ.TRADE_NOT_EXIST", "交易不存在 trade does not exist")
            earlier = self._ledger.refund(db, out_trade_no, out_request_no)
            if earlier is not None:
                if earlier["amount_fen"] != amount:
                    return business_failed("ACQ.CONTEXT_INCONSISTENT",
                                           "同一退款请求号金额不同 same out_request_no, other amount")
                return refund_done(trade, out_request_no, amount, trade["refunded_fen"],
                                   fund_change="N")
            if trade["effective_state"] not in ("TRADE_SUCCESS", "TRADE_FINISHED"):
                return business_failed("ACQ.TRADE_STATUS_ERROR",
                                       "交易状态不允许退款 trade cannot be refunded")
            if trade["refunded_fen"] + amount > trade["amount_fen"]:
                return business_failed("ACQ.REFUND_AMT_NOT_EQUAL_TOTAL",
                                       "退款金额超限 refund exceeds the amount paid")
            self._ledger.add_refund(db, out_trade_no, out_request_no, amount, now)
            if trade["tender"] == "member":
                self._ledger.move_balance(db, trade["member_id"], amount)
            total_refunded = trade["refunded_fen"] + amount
            if total_refunded == trade["amount_fen"]:
                self._ledger.update_trade(db, out_trade_no, now, state="TRADE_CLOSED")
            return refund_done(trade, out_request_no, amount, total_refunded, fund_change="Y")


def own_trade(trade: sqlite3.Row | None, biz: dict[str, Any]) -> sqlite3.Row | None:
    """The trade if it belongs to the asking terminal: trades are unique per
    (terminal_id, out_trade_no), so another terminal's trade is none of its business."""
    if trade is None:
        return None
    asking = biz.get("terminal_id")
    if trade["terminal_id"] and asking and trade["terminal_id"] != asking:
        return None
    return trade


def is_cancel_marker(trade: sqlite3.Row) -> bool:
    """The row a cancel leaves when it found no trade: no payment, no amount."""
    return bool(trade["cancelled"]) and trade["amount_fen"] == 0


def buyer_id(trade: sqlite3.Row) -> str:
    if trade["tender"] == "member":
        return cast(str, trade["member_id"])
    return "2088" + (trade["code_hash"] or "0" * 12)[:12].translate(
        str.maketrans("abcdef", "123456"))


def paid_answer(trade: sqlite3.Row, now: float) -> Reply:
    """10000 for a paid trade: its number, amount (from the books) and payer."""
    fields = dict(out_trade_no=trade["out_trade_no"], trade_no=trade["trade_no"],
                  total_amount=to_yuan_string(trade["amount_fen"]),
                  receipt_amount=to_yuan_string(trade["amount_fen"]),
                  buyer_user_id=buyer_id(trade), gmt_payment=host_time_text(now))
    if trade["tender"] == "member":
        fields["member_id"] = trade["member_id"]
    return success(**fields)


def waiting_answer(trade: sqlite3.Row) -> Reply:
    """10003: the customer is entering the password."""
    return Reply({"code": "10003", "msg": "Order success pay inprocess",
                  "out_trade_no": trade["out_trade_no"], "trade_no": trade["trade_no"],
                  "total_amount": to_yuan_string(trade["amount_fen"])})


def repeat_answer(trade: sqlite3.Row, *, tender: str, amount_fen: int, code_digest: str = "",
                  member_id: str = "", terminal_id: str = "") -> Reply:
    """A pay for an ``out_trade_no`` the host already has: its state, never a new charge."""
    if trade["cancelled"] and trade["amount_fen"] == 0:
        return business_failed("ACQ.TRADE_HAS_CLOSE", "交易已撤销 trade was cancelled")
    if (trade["tender"] != tender or trade["amount_fen"] != amount_fen
            or (code_digest and trade["code_hash"] != code_digest)
            or (member_id and trade["member_id"] != member_id)
            or (terminal_id and trade["terminal_id"] and trade["terminal_id"] != terminal_id)):
        return business_failed("ACQ.CONTEXT_INCONSISTENT",
                               "交易信息被篡改 out_trade_no reused with other content")
    state = trade["effective_state"]
    if state in ("TRADE_SUCCESS", "TRADE_FINISHED"):
        return paid_answer(trade, trade["updated_at"])
    if state == "WAIT_BUYER_PAY":
        return waiting_answer(trade)
    if trade["decline_code"]:
        return business_failed(trade["decline_code"], "交易失败 declined")
    return business_failed("ACQ.TRADE_HAS_CLOSE", "交易已关闭 trade is closed")


def cancel_done(out_trade_no: str, action: str, trade: sqlite3.Row | None = None) -> Reply:
    fields = {"out_trade_no": out_trade_no, "retry_flag": "N", "action": action}
    if trade is not None:
        fields["trade_no"] = trade["trade_no"]
    return success(**fields)


def refund_done(trade: sqlite3.Row, out_request_no: str, amount_fen: int,
                total_refunded_fen: int, *, fund_change: str) -> Reply:
    """10000 for a refund: this request's amount and the trade's total refunded so far."""
    return success(out_trade_no=trade["out_trade_no"], out_request_no=out_request_no,
                   trade_no=trade["trade_no"], fund_change=fund_change,
                   refund_amount=to_yuan_string(amount_fen),
                   refund_fee=to_yuan_string(total_refunded_fen),
                   send_back_fee=to_yuan_string(amount_fen))
