"""Batch upload of offline records and the daily statement, at the simulated host.

A batch is booked in one transaction; each record gets its own result (accepted,
duplicate, declined with a reason, retryable), so one bad record never blocks the rest.
Idempotent by ``out_trade_no``: a record sent again answers "duplicate" if it was booked
and the same decline if it was declined.
"""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta
from typing import Any

from drivers.host.simulator import biz_fields
from drivers.host.simulator.faults import FaultBoard
from drivers.host.simulator.ledger import Ledger
from drivers.host.simulator.reply import Reply, invalid, new_trade_no, success
from drivers.host.wire import HOST_TZ
from terminal.host_batch_messages import (MAX_BATCH_RECORDS, SUB_BALANCE_NOT_ENOUGH,
                                          SUB_CONTEXT_INCONSISTENT, SUB_INVALID_RECORD,
                                          SUB_MEMBER_BUSY, SUB_MEMBER_NOT_FOUND, BatchOutcome)
from terminal.money import to_yuan_string


class OfflineBatches:
    def __init__(self, ledger: Ledger, faults: FaultBoard) -> None:
        self._ledger = ledger
        self._faults = faults

    def upload(self, biz: dict[str, Any], now: float) -> Reply:
        records = biz.get("records")
        if not isinstance(records, list) or not records:
            return invalid("isv.missing-parameter", "records must be a non-empty list")
        if len(records) > MAX_BATCH_RECORDS:
            return invalid("isv.invalid-parameter",
                           f"at most {MAX_BATCH_RECORDS} records per batch")
        batch_terminal = biz_fields.text(biz, "terminal_id", max_len=32)
        with self._ledger.transaction() as db:
            results = [self._book(db, record, batch_terminal, now) for record in records]
        return success(results=results)

    def _book(self, db: sqlite3.Connection, record: Any, batch_terminal: str,
              now: float) -> dict[str, Any]:
        """Book one record; its result echoes the record's out_trade_no and total_amount
        as they were sent (docs/host.md), whatever the outcome."""
        result = self._book_record(db, record, batch_terminal, now)
        sent_amount = record.get("total_amount") if isinstance(record, dict) else None
        if isinstance(sent_amount, str):
            result["total_amount"] = sent_amount
        return result

    def _book_record(self, db: sqlite3.Connection, record: Any, batch_terminal: str,
                     now: float) -> dict[str, Any]:
        out_trade_no = record.get("out_trade_no") if isinstance(record, dict) else None
        if not isinstance(out_trade_no, str) or not out_trade_no or len(out_trade_no) > 64:
            return _result(str(out_trade_no), BatchOutcome.DECLINED, SUB_INVALID_RECORD,
                           "out_trade_no missing or too long")
        try:
            tender = biz_fields.text(record, "tender", max_len=8)
            if tender not in ("member", "cash"):
                raise biz_fields.BadField(SUB_INVALID_RECORD, "tender must be member or cash")
            amount = biz_fields.amount_fen(record, "total_amount")
            member_id = biz_fields.text(record, "member_id", required=tender == "member")
            created_at = float(record.get("created_at"))
            evidence = biz_fields.evidence(record)
            subject = biz_fields.text(record, "subject", max_len=256, required=False)
            terminal_id = (biz_fields.text(record, "terminal_id", required=False)
                           or batch_terminal)
        except (biz_fields.BadField, TypeError, ValueError) as exc:
            return _result(out_trade_no, BatchOutcome.DECLINED, SUB_INVALID_RECORD, str(exc))
        existing = self._ledger.trade(db, out_trade_no)
        if existing is not None:
            if (not existing["offline"] or existing["tender"] != tender
                    or existing["amount_fen"] != amount or existing["member_id"] != member_id):
                return _result(out_trade_no, BatchOutcome.DECLINED, SUB_CONTEXT_INCONSISTENT,
                               "out_trade_no already used with other content")
            if existing["decline_code"]:
                return _result(out_trade_no, BatchOutcome.DECLINED, existing["decline_code"],
                               "declined earlier", existing["trade_no"])
            return _result(out_trade_no, BatchOutcome.DUPLICATE, trade_no=existing["trade_no"])
        if tender == "member" and self._faults.member_is_busy(member_id):
            return _result(out_trade_no, BatchOutcome.RETRYABLE, SUB_MEMBER_BUSY,
                           "member account busy, send again later")
        row: dict[str, Any] = dict(out_trade_no=out_trade_no, trade_no=new_trade_no(now),
                   terminal_id=terminal_id, tender=tender, member_id=member_id,
                   amount_fen=amount, subject=subject, evidence=evidence, offline=1,
                   created_at=created_at, updated_at=now)
        decline = ""
        if tender == "member":
            member = self._ledger.member(db, member_id)
            if member is None:
                decline = SUB_MEMBER_NOT_FOUND
            elif member["balance_fen"] < amount:
                decline = SUB_BALANCE_NOT_ENOUGH
            else:
                self._ledger.move_balance(db, member_id, -amount)
        if decline:
            self._ledger.insert_trade(db, state="TRADE_CLOSED", decline_code=decline, **row)
            return _result(out_trade_no, BatchOutcome.DECLINED, decline,
                           "会员不存在 member not found" if decline == SUB_MEMBER_NOT_FOUND
                           else "会员余额不足 balance not enough", row["trade_no"])
        self._ledger.insert_trade(db, state="TRADE_SUCCESS", **row)
        return _result(out_trade_no, BatchOutcome.ACCEPTED, trade_no=row["trade_no"])

    def daily_bill(self, biz: dict[str, Any], now: float) -> Reply:
        """Every trade of one terminal created on one Beijing calendar day."""
        terminal_id = biz_fields.text(biz, "terminal_id")
        try:
            day = date.fromisoformat(biz_fields.text(biz, "bill_date", max_len=10))
        except ValueError:
            return invalid("isv.invalid-parameter", "bill_date must be YYYY-MM-DD")
        start = datetime(day.year, day.month, day.day, tzinfo=HOST_TZ).timestamp()
        end = (datetime(day.year, day.month, day.day, tzinfo=HOST_TZ)
               + timedelta(days=1)).timestamp()
        with self._ledger.transaction() as db:
            self._ledger.settle_due(db, now)
            rows = db.execute("SELECT * FROM trades_now WHERE terminal_id = ? AND "
                              "created_at >= ? AND created_at < ? ORDER BY created_at",
                              (terminal_id, start, end)).fetchall()
        trades = [{"out_trade_no": r["out_trade_no"], "trade_no": r["trade_no"],
                   "tender": r["tender"], "wallet": r["wallet"], "member_id": r["member_id"],
                   "total_amount": to_yuan_string(r["amount_fen"]),
                   "refund_amount": to_yuan_string(r["refunded_fen"]),
                   "trade_status": r["effective_state"], "offline": bool(r["offline"]),
                   "decline_code": r["decline_code"], "created_at": r["created_at"]}
                  for r in rows]
        return success(terminal_id=terminal_id, bill_date=day.isoformat(), trades=trades)


def _result(out_trade_no: str, outcome: BatchOutcome, sub_code: str = "", sub_msg: str = "",
            trade_no: str = "") -> dict[str, Any]:
    item = {"out_trade_no": out_trade_no, "result": outcome.value}
    if sub_code:
        item["sub_code"] = sub_code
        item["sub_msg"] = sub_msg
    if trade_no:
        item["trade_no"] = trade_no
    return item
