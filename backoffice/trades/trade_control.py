"""``alipay.trade.query``, ``alipay.trade.cancel`` and ``alipay.trade.refund`` for the
trades the back office books itself (member pays and offline records).

The same semantics as the terminal's simulator (docs/host.md): a cancel closes a
waiting trade, reverses a paid one (money back to the member, ``action=refund``), is
remembered when it comes before any pay (a late pay is then refused), and answers a
second time with the same action; offline records cannot be cancelled (they were voided
on the terminal before forwarding, or are refunded). Refunds: only of a paid trade, in
total at most its amount, idempotent by ``out_request_no``; a full refund closes it.

Wallet trades (issue 15) are routed to their connector before these run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection

from backoffice.gateway import fields
from backoffice.gateway.replies import Reply, business_failed
from backoffice.members.accounts import LedgerKind, MemberStatus, find_member, move_balance
from backoffice.registry.identity import Caller
from backoffice.trades.answers import (SUB_TRADE_STATUS_ERROR, cancel_done, not_exist,
                                       query_answer, refund_done)
from backoffice.trades.records import (CANCEL_REQUEST_NO, Tender, Trade, add_refund,
                                       find_refund, find_trade, insert_trade, update_trade)
from terminal.host_batch_messages import SUB_CONTEXT_INCONSISTENT, SUB_MEMBER_NOT_FOUND
from terminal.host_messages import TradeStatus

SUB_REFUND_TOO_MUCH = "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL"


@dataclass(frozen=True)
class TradeRef:
    out_trade_no: str


def parse_trade_ref(biz: dict[str, Any]) -> TradeRef:
    return TradeRef(out_trade_no=fields.out_trade_no(biz))


def run_query(conn: Connection, caller: Caller, ref: TradeRef, now: float) -> Reply:
    trade = find_trade(conn, caller.terminal_id, ref.out_trade_no)
    return not_exist(ref.out_trade_no) if trade is None else query_answer(trade)


def run_cancel(conn: Connection, caller: Caller, ref: TradeRef, now: float) -> Reply:
    trade = find_trade(conn, caller.terminal_id, ref.out_trade_no, for_update=True)
    if trade is None:
        # Nothing to cancel; remembered so that a pay arriving late is refused.
        insert_trade(conn, terminal_id=caller.terminal_id, out_trade_no=ref.out_trade_no,
                     store_id=caller.store_id, tender=Tender.MEMBER, amount_fen=0,
                     state=TradeStatus.TRADE_CLOSED, cancelled=True, now=now)
        return cancel_done(ref.out_trade_no, "close")
    if trade.offline:
        return business_failed(SUB_TRADE_STATUS_ERROR,
                               "离线记录不能撤销，请退款 offline records cannot be cancelled; "
                               "refund instead", out_trade_no=ref.out_trade_no, retry_flag="N")
    if trade.state == TradeStatus.WAIT_BUYER_PAY.value:
        update_trade(conn, trade, now, state=TradeStatus.TRADE_CLOSED.value, cancelled=True)
        return cancel_done(ref.out_trade_no, "close", trade)
    if trade.paid:
        back = trade.amount_fen - trade.refunded_fen
        if back > 0:
            refusal = _credit_member(conn, trade, back, LedgerKind.CANCEL, now)
            if refusal is not None:
                return refusal.with_fields(retry_flag="N")
            trade = add_refund(conn, trade, CANCEL_REQUEST_NO, back, now, reason="cancel")
        update_trade(conn, trade, now, state=TradeStatus.TRADE_CLOSED.value, cancelled=True)
        return cancel_done(ref.out_trade_no, "refund", trade)
    # Already closed (declined, refunded in full, or cancelled): done, same action.
    took_back = find_refund(conn, trade, CANCEL_REQUEST_NO) is not None
    return cancel_done(ref.out_trade_no, "refund" if took_back else "close", trade)


@dataclass(frozen=True)
class RefundAsk:
    out_trade_no: str
    out_request_no: str
    amount_fen: int
    reason: str


def parse_refund(biz: dict[str, Any]) -> RefundAsk:
    out_trade_no = fields.out_trade_no(biz)
    request_no = (fields.out_trade_no(biz, "out_request_no") if biz.get("out_request_no")
                  else out_trade_no)
    return RefundAsk(out_trade_no=out_trade_no, out_request_no=request_no,
                     amount_fen=fields.amount_fen(biz, "refund_amount"),
                     reason=fields.text(biz, "refund_reason", max_len=256, required=False))


def run_refund(conn: Connection, caller: Caller, ask: RefundAsk, now: float) -> Reply:
    echo = {"out_trade_no": ask.out_trade_no, "out_request_no": ask.out_request_no}
    trade = find_trade(conn, caller.terminal_id, ask.out_trade_no, for_update=True)
    if trade is None:
        return not_exist(ask.out_trade_no).with_fields(**echo)
    earlier = find_refund(conn, trade, ask.out_request_no)
    if earlier is not None:
        if earlier != ask.amount_fen:
            return business_failed(SUB_CONTEXT_INCONSISTENT,
                                   "同一退款请求号金额不同 same out_request_no, other amount",
                                   **echo)
        return refund_done(trade, out_request_no=ask.out_request_no, amount_fen=ask.amount_fen,
                           fund_change="N")
    if not trade.paid:
        return business_failed(SUB_TRADE_STATUS_ERROR,
                               "交易状态不允许退款 trade cannot be refunded", **echo)
    if trade.refunded_fen + ask.amount_fen > trade.amount_fen:
        return business_failed(SUB_REFUND_TOO_MUCH,
                               "退款金额超限 refund exceeds the amount paid", **echo)
    refusal = _credit_member(conn, trade, ask.amount_fen, LedgerKind.REFUND, now)
    if refusal is not None:
        return refusal.with_fields(**echo)
    trade = add_refund(conn, trade, ask.out_request_no, ask.amount_fen, now, ask.reason)
    if trade.refunded_fen == trade.amount_fen:
        trade = update_trade(conn, trade, now, state=TradeStatus.TRADE_CLOSED.value)
    return refund_done(trade, out_request_no=ask.out_request_no, amount_fen=ask.amount_fen,
                       fund_change="Y")


def _credit_member(conn: Connection, trade: Trade, amount_fen: int, kind: LedgerKind,
                   now: float) -> Reply | None:
    """Money back to the member of a member trade (cash trades: the cashier hands it
    back). A refusal when the member was erased: refund in cash at the store."""
    if trade.tender != Tender.MEMBER.value:
        return None
    member = find_member(conn, trade.member_id, for_update=True)
    if member is None or member.status is MemberStatus.DELETED:
        return business_failed(SUB_MEMBER_NOT_FOUND,
                               "会员已注销，请现金退款 member was erased; refund in cash")
    move_balance(conn, member.member_id, member.balance_fen, amount_fen, kind, now=now,
                 terminal_id=trade.terminal_id, out_trade_no=trade.out_trade_no)
    return None
