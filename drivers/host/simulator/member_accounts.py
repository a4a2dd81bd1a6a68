"""Closed-loop member accounts at the simulated host: online member pay and balance."""

from __future__ import annotations

import sqlite3
from typing import Any, cast

from drivers.host.simulator import biz_fields
from drivers.host.simulator.ledger import Ledger
from drivers.host.simulator.reply import Reply, business_failed, new_trade_no, success
from drivers.host.simulator.wallet_trades import paid_answer, repeat_answer
from terminal.host_batch_messages import SUB_BALANCE_NOT_ENOUGH, SUB_MEMBER_NOT_FOUND
from terminal.money import to_yuan_string


class MemberAccounts:
    def __init__(self, ledger: Ledger) -> None:
        self._ledger = ledger

    def pay(self, biz: dict[str, Any], now: float) -> Reply:
        """Debit a member; idempotent by out_trade_no; evidence stored, images refused."""
        out_trade_no = biz_fields.text(biz, "out_trade_no")
        member_id = biz_fields.text(biz, "member_id")
        amount = biz_fields.amount_fen(biz, "total_amount")
        subject = biz_fields.text(biz, "subject", max_len=256, required=False)
        terminal_id = biz_fields.text(biz, "terminal_id", max_len=32)
        evidence = biz_fields.evidence(biz)
        with self._ledger.transaction() as db:
            existing = self._ledger.trade(db, out_trade_no)
            if existing is not None:
                return repeat_answer(existing, tender="member", amount_fen=amount,
                                     member_id=member_id, terminal_id=terminal_id)
            member = self._ledger.member(db, member_id)
            if member is None:
                return business_failed(SUB_MEMBER_NOT_FOUND, "会员不存在 member not found")
            row = dict(out_trade_no=out_trade_no, trade_no=new_trade_no(now),
                       terminal_id=terminal_id, tender="member", member_id=member_id,
                       amount_fen=amount, subject=subject, evidence=evidence, created_at=now)
            if member["balance_fen"] < amount:
                self._ledger.insert_trade(db, state="TRADE_CLOSED",
                                          decline_code=SUB_BALANCE_NOT_ENOUGH, **row)
                return business_failed(SUB_BALANCE_NOT_ENOUGH, "会员余额不足 balance not enough")
            self._ledger.move_balance(db, member_id, -amount)
            self._ledger.insert_trade(db, state="TRADE_SUCCESS", **row)
            trade = cast(sqlite3.Row, self._ledger.trade(db, out_trade_no))   # just inserted
        return paid_answer(trade, now)

    def balance(self, biz: dict[str, Any], now: float) -> Reply:
        member_id = biz_fields.text(biz, "member_id")
        with self._ledger.transaction() as db:
            member = self._ledger.member(db, member_id)
        if member is None:
            return business_failed(SUB_MEMBER_NOT_FOUND, "会员不存在 member not found")
        return success(member_id=member_id, balance=to_yuan_string(member["balance_fen"]),
                       phone_last4=member["phone_last4"])
