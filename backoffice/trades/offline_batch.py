"""``payterm.offline.batch_upload``: offline records booked exactly once.

One transaction per batch (a crash or a database restart books all of it or none, and
the terminal sends it again). Every record gets its own result, echoing its
``out_trade_no`` and ``total_amount``:

* accepted   booked now (a member record takes the balance);
* duplicate  this terminal's record was booked before: nothing more happens;
* declined   a final refusal: a late decline (member unknown, frozen, short of balance)
             is booked as a closed trade and put on the store's exception list; an
             invalid record or a number reused with other content is refused;
  a declined record sent again gets the same decline;
* retryable  not booked now (the member's row was held by another transaction for
             longer than the lock timeout): send it again later.

Members are locked in sorted order before anything else, so two batches never deadlock.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection

from backoffice.gateway import fields
from backoffice.gateway.replies import Reply, success
from backoffice.members.accounts import (LedgerKind, MemberInfo, ledger_entry, lock_members,
                                         set_balance)
from backoffice.registry.identity import Caller
from backoffice.storage.schema import batch_receipts, member_ledger
from backoffice.trades.answers import decline_message
from backoffice.trades.member_pay import member_refusal
from backoffice.trades.records import (Tender, Trade, find_trades, insert_trades, trade_row,
                                       unsaved_trade)
from backoffice.trades.store_exceptions import ExceptionKind, record_exception
from terminal.host_batch_messages import (MAX_BATCH_RECORDS, SUB_BALANCE_NOT_ENOUGH,
                                          SUB_CONTEXT_INCONSISTENT, SUB_INVALID_RECORD,
                                          SUB_MEMBER_BUSY, BatchOutcome)
from terminal.host_messages import TradeStatus

DAY_S = 86_400.0


@dataclass(frozen=True)
class BatchUpload:
    records: tuple[Any, ...]


@dataclass(frozen=True)
class OfflineRecord:
    out_trade_no: str
    tender: Tender
    amount_fen: int
    member_id: str
    created_at: float
    subject: str
    evidence: dict[str, Any]


@dataclass(frozen=True)
class BadRecord:
    out_trade_no: str           # "" when the record has no usable number
    reason: str


def parse_batch(biz: dict[str, Any]) -> BatchUpload:
    records = biz.get("records")
    if not isinstance(records, list) or not records:
        raise fields.BadField(fields.SUB_MISSING, "records must be a non-empty list", "records")
    if len(records) > MAX_BATCH_RECORDS:
        raise fields.BadField(fields.SUB_INVALID, f"at most {MAX_BATCH_RECORDS} records per "
                                                  f"batch, not {len(records)}", "records")
    return BatchUpload(records=tuple(records))


def parse_record(raw: Any, caller: Caller, now: float, *, max_age_s: float,
                 max_ahead_s: float) -> OfflineRecord | BadRecord:
    if not isinstance(raw, dict):
        return BadRecord("", "record must be a JSON object")
    try:
        number = fields.out_trade_no(raw)
    except fields.BadField as exc:
        return BadRecord("", str(exc))
    try:
        tender_text = fields.text(raw, "tender", max_len=8)
        if tender_text not in (Tender.MEMBER.value, Tender.CASH.value):
            raise fields.BadField(SUB_INVALID_RECORD, "tender must be member or cash")
        tender = Tender(tender_text)
        amount = fields.amount_fen(raw, "total_amount")
        member_id = fields.identifier(raw, "member_id", required=tender is Tender.MEMBER)
        if tender is Tender.CASH and member_id:
            raise fields.BadField(SUB_INVALID_RECORD, "a cash record has no member_id")
        created_at = fields.epoch_seconds(raw, "created_at")
        if created_at < now - max_age_s or created_at > now + max_ahead_s:
            raise fields.BadField(SUB_INVALID_RECORD, "created_at is outside the accepted "
                                                      "window (too old or in the future)")
        record_terminal = fields.text(raw, "terminal_id", max_len=16, required=False)
        if record_terminal and record_terminal != caller.terminal_id:
            raise fields.BadField(SUB_INVALID_RECORD, "record belongs to another terminal")
        return OfflineRecord(out_trade_no=number, tender=tender, amount_fen=amount,
                             member_id=member_id, created_at=created_at,
                             subject=fields.text(raw, "subject", max_len=256, required=False),
                             evidence=fields.evidence(raw))
    except fields.BadField as exc:
        return BadRecord(number, str(exc))


class _Booking:
    """The books of one batch while its transaction runs. Decisions are made record by
    record against running balances; the writes are collected and made at the end in a
    few statements (``flush``), not a handful per record."""

    def __init__(self, conn: Connection, caller: Caller, now: float,
                 members: dict[str, MemberInfo], busy: set[str],
                 existing: dict[str, Trade]) -> None:
        self.conn, self.caller, self.now = conn, caller, now
        self.opening = {m.member_id: m.balance_fen for m in members.values()}
        self.balances = dict(self.opening)
        self.members, self.busy, self.existing = members, busy, existing
        self.new_trades: list[dict[str, Any]] = []
        self.ledger: list[dict[str, Any]] = []

    def book(self, record: OfflineRecord) -> dict[str, Any]:
        earlier = self.existing.get(record.out_trade_no)
        if earlier is not None:
            return self._repeat(record, earlier)
        if record.tender is Tender.MEMBER and record.member_id in self.busy:
            return _result(record.out_trade_no, BatchOutcome.RETRYABLE, SUB_MEMBER_BUSY,
                           "会员账户忙，请稍后重发 member account busy, send again later")
        decline = ""
        if record.tender is Tender.MEMBER:
            decline = member_refusal(self.members.get(record.member_id), self.caller.store_id)
            if not decline and self.balances[record.member_id] < record.amount_fen:
                decline = SUB_BALANCE_NOT_ENOUGH
        row = trade_row(terminal_id=self.caller.terminal_id, out_trade_no=record.out_trade_no,
                        store_id=self.caller.store_id, tender=record.tender,
                        amount_fen=record.amount_fen, member_id=record.member_id,
                        subject=record.subject, evidence=record.evidence, offline=True,
                        created_at=record.created_at, now=self.now,
                        state=TradeStatus.TRADE_CLOSED if decline else TradeStatus.TRADE_SUCCESS,
                        decline_code=decline)
        self.new_trades.append(row)
        self.existing[record.out_trade_no] = unsaved_trade(row)
        if decline:
            self._exception(record, ExceptionKind.LATE_DECLINE, decline, decline_message(decline))
            return _result(record.out_trade_no, BatchOutcome.DECLINED, decline,
                           decline_message(decline), row["trade_no"])
        if record.tender is Tender.MEMBER:
            after = self.balances[record.member_id] - record.amount_fen
            self.balances[record.member_id] = after
            self.ledger.append(ledger_entry(record.member_id, -record.amount_fen, after,
                                            LedgerKind.OFFLINE, now=self.now,
                                            terminal_id=self.caller.terminal_id,
                                            out_trade_no=record.out_trade_no))
        return _result(record.out_trade_no, BatchOutcome.ACCEPTED, trade_no=row["trade_no"])

    def flush(self) -> None:
        """Write what the batch decided: balances (still under their locks), trades,
        ledger entries."""
        for member_id, after in self.balances.items():
            if after != self.opening[member_id]:
                set_balance(self.conn, member_id, self.opening[member_id], after, self.now)
        insert_trades(self.conn, self.new_trades)
        if self.ledger:
            self.conn.execute(member_ledger.insert(), self.ledger)

    def refuse(self, bad: BadRecord, raw: Any) -> dict[str, Any]:
        if bad.out_trade_no and bad.out_trade_no not in self.existing:
            amount = raw.get("total_amount") if isinstance(raw, dict) else None
            try:
                amount_fen = fields.amount_fen({"a": amount}, "a")
            except fields.BadField:
                amount_fen = 0
            self._exception_raw(bad.out_trade_no, ExceptionKind.INVALID_RECORD,
                                SUB_INVALID_RECORD, bad.reason, amount_fen)
        return _result(bad.out_trade_no, BatchOutcome.DECLINED, SUB_INVALID_RECORD, bad.reason)

    def _repeat(self, record: OfflineRecord, earlier: Trade) -> dict[str, Any]:
        if (not earlier.offline or earlier.tender != record.tender.value
                or earlier.amount_fen != record.amount_fen
                or earlier.member_id != record.member_id):
            self._exception(record, ExceptionKind.CONFLICT, SUB_CONTEXT_INCONSISTENT,
                            "out_trade_no already used with other content")
            return _result(record.out_trade_no, BatchOutcome.DECLINED, SUB_CONTEXT_INCONSISTENT,
                           "交易号已用于其他内容 out_trade_no already used with other content")
        if earlier.decline_code:
            return _result(record.out_trade_no, BatchOutcome.DECLINED, earlier.decline_code,
                           decline_message(earlier.decline_code), earlier.trade_no)
        return _result(record.out_trade_no, BatchOutcome.DUPLICATE, trade_no=earlier.trade_no)

    def _exception(self, record: OfflineRecord, kind: ExceptionKind, code: str,
                   message: str) -> None:
        record_exception(self.conn, store_id=self.caller.store_id,
                         terminal_id=self.caller.terminal_id, out_trade_no=record.out_trade_no,
                         kind=kind, reason_code=code, reason_msg=message,
                         member_id=record.member_id, amount_fen=record.amount_fen,
                         taken_at=record.created_at, now=self.now)

    def _exception_raw(self, number: str, kind: ExceptionKind, code: str, message: str,
                       amount_fen: int) -> None:
        record_exception(self.conn, store_id=self.caller.store_id,
                         terminal_id=self.caller.terminal_id, out_trade_no=number, kind=kind,
                         reason_code=code, reason_msg=message, member_id="",
                         amount_fen=amount_fen, taken_at=self.now, now=self.now)


def run_batch(conn: Connection, caller: Caller, upload: BatchUpload, now: float, *,
              max_age_s: float, max_ahead_s: float) -> Reply:
    parsed = [parse_record(raw, caller, now, max_age_s=max_age_s, max_ahead_s=max_ahead_s)
              for raw in upload.records]
    good = [p for p in parsed if isinstance(p, OfflineRecord)]
    members, busy = lock_members(conn, [r.member_id for r in good if r.tender is Tender.MEMBER])
    existing = find_trades(conn, caller.terminal_id,
                           sorted({p.out_trade_no for p in parsed if p.out_trade_no}))
    booking = _Booking(conn, caller, now, members, busy, existing)
    results = []
    for raw, item in zip(upload.records, parsed):
        result = booking.book(item) if isinstance(item, OfflineRecord) else booking.refuse(item, raw)
        amount = raw.get("total_amount") if isinstance(raw, dict) else None
        result["total_amount"] = amount if isinstance(amount, str) else ""
        results.append(result)
    booking.flush()
    counts = {outcome: sum(1 for r in results if r["result"] == outcome.value)
              for outcome in BatchOutcome}
    conn.execute(batch_receipts.insert().values(
        terminal_id=caller.terminal_id, received_at=now, records=len(results),
        accepted=counts[BatchOutcome.ACCEPTED], duplicate=counts[BatchOutcome.DUPLICATE],
        declined=counts[BatchOutcome.DECLINED], retryable=counts[BatchOutcome.RETRYABLE]))
    return success(results=results)


def _result(out_trade_no: str, outcome: BatchOutcome, sub_code: str = "", sub_msg: str = "",
            trade_no: str = "") -> dict[str, Any]:
    item: dict[str, Any] = {"out_trade_no": out_trade_no, "result": outcome.value}
    if sub_code:
        item["sub_code"] = sub_code
        item["sub_msg"] = sub_msg
    if trade_no:
        item["trade_no"] = trade_no
    return item


def max_age_s(days: int) -> float:
    return days * DAY_S
