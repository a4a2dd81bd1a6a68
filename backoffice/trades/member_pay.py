"""``payterm.member.pay`` and ``payterm.member.balance``: online member payments.

The member's row is locked first, then the trade is looked up by (terminal_id,
out_trade_no): a repeat answers the existing trade, other content under the number is
refused, and a new payment either takes the money (balance, ledger, trade in one
transaction) or is declined and recorded as declined, so that a repeat gets the same
decline.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection

from backoffice.gateway import fields
from backoffice.gateway.replies import Reply, business_failed, success
from backoffice.members.accounts import (LedgerKind, MemberInfo, MemberStatus, find_member,
                                         move_balance)
from backoffice.registry.identity import Caller
from backoffice.trades.answers import decline_message, paid_answer, repeat_answer
from backoffice.trades.records import Tender, find_trade, insert_trade
from terminal.host_batch_messages import SUB_BALANCE_NOT_ENOUGH, SUB_MEMBER_NOT_FOUND
from terminal.host_messages import TradeStatus
from terminal.money import to_yuan_string

SUB_MEMBER_FROZEN = "PAYTERM.MEMBER_FROZEN"


@dataclass(frozen=True)
class MemberPay:
    out_trade_no: str
    member_id: str
    amount_fen: int
    subject: str
    evidence: dict[str, Any]


def parse_member_pay(biz: dict[str, Any]) -> MemberPay:
    return MemberPay(out_trade_no=fields.out_trade_no(biz),
                     member_id=fields.identifier(biz, "member_id"),
                     amount_fen=fields.amount_fen(biz, "total_amount"),
                     subject=fields.text(biz, "subject", max_len=256, required=False),
                     evidence=fields.evidence(biz))


def member_refusal(member: MemberInfo | None, store_id: str) -> str:
    """Why this member cannot pay at this store ("" when it can)."""
    if member is None or member.store_id != store_id or member.status is MemberStatus.DELETED:
        return SUB_MEMBER_NOT_FOUND
    if member.status is MemberStatus.FROZEN:
        return SUB_MEMBER_FROZEN
    return ""


def run_member_pay(conn: Connection, caller: Caller, pay: MemberPay, now: float) -> Reply:
    member = find_member(conn, pay.member_id, for_update=True)
    existing = find_trade(conn, caller.terminal_id, pay.out_trade_no)
    if existing is not None:
        return repeat_answer(existing, tender=Tender.MEMBER, amount_fen=pay.amount_fen,
                         member_id=pay.member_id)
    decline = member_refusal(member, caller.store_id)
    if not decline and member is not None and member.balance_fen < pay.amount_fen:
        decline = SUB_BALANCE_NOT_ENOUGH
    common = dict(terminal_id=caller.terminal_id, out_trade_no=pay.out_trade_no,
                  store_id=caller.store_id, tender=Tender.MEMBER, amount_fen=pay.amount_fen,
                  member_id=pay.member_id, subject=pay.subject, evidence=pay.evidence, now=now)
    if decline:
        insert_trade(conn, state=TradeStatus.TRADE_CLOSED, decline_code=decline, **common)
        return business_failed(decline, decline_message(decline), out_trade_no=pay.out_trade_no,
                               member_id=pay.member_id)
    assert member is not None
    move_balance(conn, member.member_id, member.balance_fen, -pay.amount_fen, LedgerKind.PAY,
                 now=now, terminal_id=caller.terminal_id, out_trade_no=pay.out_trade_no)
    trade = insert_trade(conn, state=TradeStatus.TRADE_SUCCESS, **common)
    return paid_answer(trade)


@dataclass(frozen=True)
class BalanceAsk:
    member_id: str


def parse_balance(biz: dict[str, Any]) -> BalanceAsk:
    return BalanceAsk(member_id=fields.identifier(biz, "member_id"))


def run_balance(conn: Connection, caller: Caller, ask: BalanceAsk, now: float) -> Reply:
    member = find_member(conn, ask.member_id)
    refusal = member_refusal(member, caller.store_id)
    if refusal:
        return business_failed(refusal, decline_message(refusal), member_id=ask.member_id)
    assert member is not None
    return success(member_id=member.member_id, balance=to_yuan_string(member.balance_fen),
                   phone_last4=member.phone_last4)
