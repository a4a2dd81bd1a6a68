"""End of day: refuse while anything is unsynced, unresolved or held for a person; else
a Z-report and a reconciliation against the host's daily statement. The day closes (and
is recorded in ``day_closes``) only when the reconciliation balances: a line only on the
terminal, only on the host, or with other amounts keeps it open, and the refusal names
those lines.

The day is the host's calendar day (Beijing time), so both sides cut at the same instant.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import sqlite_utils

from terminal.errors import HostError
from terminal.money import format_amount
from terminal.ports.host_batch import BatchHost
from terminal.reconciliation import Reconciliation, TerminalLine, reconcile
from terminal.refund import RefundState
from offline_queue.journal import SqliteJournal
from offline_queue.outbox import BUSINESS_TZ, VOID_SUB_CODE
from offline_queue.outbox_view import list_entries, queue_status
from offline_queue.store import transaction

log = logging.getLogger(__name__)

BOOKED_STATES = ("approved", "partially_refunded", "refunded")
LISTED_BLOCKERS = 50


@dataclass
class EodResult:
    day: str
    closed: bool
    blockers: dict[str, Any] = field(default_factory=dict)     # why it was refused
    z_report: dict[str, Any] = field(default_factory=dict)
    reconciliation: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"day": self.day, "closed": self.closed, "blockers": self.blockers,
                "z_report": self.z_report, "reconciliation": self.reconciliation}


def day_bounds(day: date) -> tuple[float, float]:
    start = datetime(day.year, day.month, day.day, tzinfo=BUSINESS_TZ)
    return start.timestamp(), (start + timedelta(days=1)).timestamp()


def today(now: float) -> date:
    return datetime.fromtimestamp(now, BUSINESS_TZ).date()


def find_blockers(journal: SqliteJournal) -> dict[str, Any]:
    """Everything that stops the day from closing (empty dict: nothing)."""
    blockers: dict[str, Any] = {}
    unresolved = journal.unresolved()
    if unresolved:
        blockers["unresolved"] = [
            {"out_trade_no": a.out_trade_no, "tender": a.tender.value,
             "amount": format_amount(a.amount_fen), "state": a.state.value}
            for a in unresolved[:LISTED_BLOCKERS]]
        blockers["unresolved_count"] = len(unresolved)
    held = journal.held()
    if held:
        blockers["held"] = [
            {"out_trade_no": a.out_trade_no, "tender": a.tender.value,
             "amount": format_amount(a.amount_fen), "state": a.state.value,
             "reason": a.sub_msg} for a in held[:LISTED_BLOCKERS]]
        blockers["held_count"] = len(held)
    doubtful = journal.refunds_in_states(
        s.value for s in RefundState if s in (RefundState.INCONSISTENT, RefundState.HELD))
    if doubtful:
        blockers["refunds_in_doubt"] = [
            {"out_request_no": r["out_request_no"], "out_trade_no": r["out_trade_no"],
             "amount": format_amount(r["amount_fen"]), "state": r["state"]}
            for r in doubtful[:LISTED_BLOCKERS]]
        blockers["refunds_in_doubt_count"] = len(doubtful)
    status = queue_status(journal.db)
    if status.pending_count or status.dead_count:
        blockers["unsynced_count"] = status.pending_count + status.dead_count
        blockers["unsynced_amount"] = format_amount(status.pending_fen + status.dead_fen)
        blockers["unsynced"] = [
            {k: e[k] for k in ("out_trade_no", "tender", "amount", "state", "last_error")}
            for e in list_entries(journal.db, states=("pending", "dead"),
                                  limit=LISTED_BLOCKERS)]
    return blockers


def z_report(journal: SqliteJournal, day: date) -> tuple[dict[str, Any], list[TerminalLine]]:
    """Counts and totals of the day, and the lines to reconcile."""
    start, end = day_bounds(day)
    db = journal.db
    rows = db.execute(
        "SELECT a.out_trade_no, a.tender, a.wallet, a.amount_fen, a.refunded_fen, a.state, "
        "a.sub_code, o.state AS outbox_state, o.taken_offline FROM attempts a "
        "LEFT JOIN outbox o USING (out_trade_no) WHERE a.created_at >= ? AND a.created_at < ?",
        [start, end]).fetchall()
    by_tender: dict[str, dict[str, Any]] = {}
    offline = {"count": 0, "amount_fen": 0}
    voided = {"count": 0, "amount_fen": 0}
    exceptions, lines = [], []
    not_paid = 0
    for r in rows:
        is_void = r["outbox_state"] == "voided" or r["sub_code"] == VOID_SUB_CODE
        is_exception = r["outbox_state"] == "declined"
        booked = r["state"] in BOOKED_STATES and not is_void and not is_exception
        lines.append(TerminalLine(r["out_trade_no"], r["tender"], r["amount_fen"],
                                  r["refunded_fen"] if booked else 0, booked))
        if is_void:
            voided["count"] += 1
            voided["amount_fen"] += r["amount_fen"]
        elif is_exception:
            exceptions.append(r["out_trade_no"])
        elif not booked:
            not_paid += 1
        if not booked:
            continue
        key = r["tender"] + (f":{r['wallet']}" if r["wallet"] else "")
        slot = by_tender.setdefault(key, {"count": 0, "amount_fen": 0})
        slot["count"] += 1
        slot["amount_fen"] += r["amount_fen"]
        if r["taken_offline"]:
            offline["count"] += 1
            offline["amount_fen"] += r["amount_fen"]
    refund = db.execute(
        "SELECT COUNT(*), COALESCE(SUM(amount_fen), 0) FROM refunds WHERE state = 'accepted' "
        "AND created_at >= ? AND created_at < ?", [start, end]).fetchone()
    gross = sum(v["amount_fen"] for v in by_tender.values())
    report = {
        "day": day.isoformat(), "by_tender": by_tender,
        "sales_count": sum(v["count"] for v in by_tender.values()), "gross_fen": gross,
        "refunds": {"count": refund[0], "amount_fen": refund[1]},
        "net_fen": gross - refund[1], "net": format_amount(max(0, gross - refund[1])),
        "offline": offline, "voided": voided, "not_paid_attempts": not_paid,
        "exceptions": _exception_details(db, exceptions),
    }
    return report, lines


def _exception_details(db: sqlite_utils.Database, numbers: list[str]) -> list[dict[str, Any]]:
    if not numbers:
        return []
    marks = ",".join("?" * len(numbers))
    rows = db.execute(f"SELECT o.out_trade_no, o.tender, o.amount_fen, o.reason_code, "
                      f"o.reason_msg, a.member_ref FROM outbox o JOIN attempts a "
                      f"USING (out_trade_no) WHERE o.out_trade_no IN ({marks}) ORDER BY o.seq",
                      numbers).fetchall()
    return [{"out_trade_no": r[0], "tender": r[1], "amount": format_amount(r[2]),
             "reason_code": r[3], "reason": r[4], "member": r[5]} for r in rows]


_KIND_TEXT = {"only_terminal": ("仅终端有", "only on the terminal"),
              "only_host": ("仅平台有", "only on the host"),
              "amount_mismatch": ("金额不一致", "amounts differ")}


def reconciliation_blocker(reconciliation: Reconciliation) -> dict[str, Any]:
    """Why an unbalanced day stays open, naming every line (none left out)."""
    lines = [d.as_dict() for d in reconciliation.discrepancies]
    parts_zh, parts_en = [], []
    for kind, (zh, en) in _KIND_TEXT.items():
        numbers = [d.out_trade_no for d in reconciliation.discrepancies if d.kind == kind]
        if numbers:
            parts_zh.append(f"{zh} {len(numbers)} 笔：{', '.join(numbers)}")
            parts_en.append(f"{en} ({len(numbers)}): {', '.join(numbers)}")
    if not lines:
        parts_zh.append(f"净额不一致（终端 {reconciliation.terminal_net_fen} 分，平台 "
                        f"{reconciliation.host_net_fen} 分）")
        parts_en.append(f"net totals differ (terminal {reconciliation.terminal_net_fen} fen, "
                        f"host {reconciliation.host_net_fen} fen)")
    message = (f"对账不一致，不能日结：{'；'.join(parts_zh)} / Reconciliation does not balance, "
               f"the day stays open: {'; '.join(parts_en)}")
    return {"count": len(lines), "lines": lines, "message": message}


def close_day(journal: SqliteJournal, host: BatchHost, day: date, now: float) -> EodResult:
    """Refuse (``closed`` False with ``blockers``) or close and record the day. A day
    whose reconciliation does not balance is refused with the Z-report and the
    reconciliation attached, so the person sees every line that differs."""
    result = EodResult(day=day.isoformat(), closed=False)
    result.blockers = find_blockers(journal)
    if result.blockers:
        return result
    report, lines = z_report(journal, day)
    result.z_report = report
    try:
        statement = host.daily_statement(day)
    except HostError as exc:
        result.blockers = {"host_statement": f"平台对账单无法获取 / the host's daily statement "
                                             f"is unavailable: {exc}"}
        return result
    reconciliation = reconcile(lines, statement)
    result.reconciliation = reconciliation.as_dict()
    if not reconciliation.balanced:
        result.blockers = {"reconciliation": reconciliation_blocker(reconciliation)}
        log.warning("day %s not closed: %s", result.day,
                    result.blockers["reconciliation"]["message"])
        return result
    result.closed = True
    with transaction(journal.db):
        journal.db.execute("INSERT INTO day_closes (day, closed_at, report) VALUES (?,?,?) "
                           "ON CONFLICT(day) DO UPDATE SET closed_at = excluded.closed_at, "
                           "report = excluded.report",
                           [result.day, now, json.dumps(result.as_dict(), ensure_ascii=False)])
    log.info("day %s closed: %s sales, balanced=%s", result.day, report["sales_count"],
             result.reconciliation["balanced"])
    return result
