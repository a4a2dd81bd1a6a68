"""The answers about one trade, with the echo fields of docs/host.md (the terminal
refuses to finalise a payment on an answer that does not name it)."""

from __future__ import annotations

from backoffice.clock import host_time_text
from backoffice.gateway.replies import Reply, business_failed, success, waiting
from backoffice.trades.records import Tender, Trade
from terminal.host_batch_messages import SUB_CONTEXT_INCONSISTENT
from terminal.host_messages import TradeStatus
from terminal.money import to_yuan_string

SUB_TRADE_HAS_CLOSE = "ACQ.TRADE_HAS_CLOSE"
SUB_TRADE_NOT_EXIST = "ACQ.TRADE_NOT_EXIST"
SUB_TRADE_STATUS_ERROR = "ACQ.TRADE_STATUS_ERROR"

#: Why a declined trade was declined, for people (sub_msg), by sub_code.
DECLINE_MESSAGES = {
    "ACQ.BUYER_BALANCE_NOT_ENOUGH": "会员余额不足 member balance not enough",
    "PAYTERM.MEMBER_NOT_FOUND": "会员不存在 no such member at this store",
    "PAYTERM.MEMBER_FROZEN": "会员账户已冻结 member account is frozen",
}


def decline_message(sub_code: str) -> str:
    return DECLINE_MESSAGES.get(sub_code, "交易失败 declined")


def buyer_id(trade: Trade) -> str:
    return trade.member_id if trade.tender == Tender.MEMBER.value else ""


def paid_answer(trade: Trade) -> Reply:
    fields = dict(out_trade_no=trade.out_trade_no, trade_no=trade.trade_no,
                  total_amount=to_yuan_string(trade.amount_fen),
                  receipt_amount=to_yuan_string(trade.amount_fen),
                  gmt_payment=host_time_text(trade.created_at))
    if trade.tender == Tender.MEMBER.value:
        fields.update(buyer_user_id=trade.member_id, member_id=trade.member_id)
    return success(**fields)


def repeat_answer(trade: Trade, *, tender: Tender, amount_fen: int,
                  member_id: str = "") -> Reply:
    """A pay for an out_trade_no this terminal already used: the trade's state, never a
    second charge; other content under the same number is refused."""
    echo = {"out_trade_no": trade.out_trade_no}
    if member_id:
        echo["member_id"] = member_id
    if trade.is_cancel_marker:
        return business_failed(SUB_TRADE_HAS_CLOSE, "交易已撤销 trade was cancelled", **echo)
    if (trade.tender != tender.value or trade.amount_fen != amount_fen
            or (member_id and trade.member_id != member_id)):
        return business_failed(SUB_CONTEXT_INCONSISTENT,
                               "交易信息被篡改 out_trade_no reused with other content", **echo)
    if trade.paid:
        return paid_answer(trade)
    if trade.state == TradeStatus.WAIT_BUYER_PAY.value:
        return waiting(trade_no=trade.trade_no, total_amount=to_yuan_string(trade.amount_fen),
                       **echo)
    if trade.decline_code:
        return business_failed(trade.decline_code, decline_message(trade.decline_code), **echo)
    return business_failed(SUB_TRADE_HAS_CLOSE, "交易已关闭 trade is closed", **echo)


def query_answer(trade: Trade) -> Reply:
    fields = dict(out_trade_no=trade.out_trade_no, trade_no=trade.trade_no,
                  trade_status=trade.state, total_amount=to_yuan_string(trade.amount_fen))
    if trade.tender == Tender.MEMBER.value:
        fields.update(buyer_user_id=trade.member_id, member_id=trade.member_id)
    # No refund_fee here: the terminal refuses an answer that carries another method's
    # fields (a refund answer passed off as a query answer); refunds show in the bill.
    return success(**fields)


def not_exist(out_trade_no: str) -> Reply:
    return business_failed(SUB_TRADE_NOT_EXIST, "交易不存在 trade does not exist",
                           out_trade_no=out_trade_no)


def cancel_done(out_trade_no: str, action: str, trade: Trade | None = None) -> Reply:
    fields = {"out_trade_no": out_trade_no, "retry_flag": "N", "action": action}
    if trade is not None:
        fields["trade_no"] = trade.trade_no
    return success(**fields)


def refund_done(trade: Trade, *, out_request_no: str, amount_fen: int, fund_change: str) -> Reply:
    return success(out_trade_no=trade.out_trade_no, out_request_no=out_request_no,
                   trade_no=trade.trade_no, refund_amount=to_yuan_string(amount_fen),
                   refund_fee=to_yuan_string(trade.refunded_fen),
                   send_back_fee=to_yuan_string(amount_fen), fund_change=fund_change)
