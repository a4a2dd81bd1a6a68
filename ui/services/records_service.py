"""Today's transactions, refunds, end of day and the offline banner's status.

Each service has its own worker thread (own journal connection): a slow refund never
holds up the banner, and nothing here runs on the GUI thread.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime

from offline_queue.end_of_day import close_day, find_blockers, today
from offline_queue.outbox_view import count_entries, list_entries, queue_status
from terminal.attempt import Attempt
from terminal.bilingual import Bilingual
from terminal.money import format_amount
from terminal.refund import RefundState
from terminal.wallet_payment import describe
from ui.services.ping_report import ReportingPing, ping_report
from ui.services.resources import ServiceResources
from ui.services.views import EndOfDayView, RefundView, TerminalStatus, TxLists, TxRow

log = logging.getLogger(__name__)

RECENT_LIMIT = 300


def tx_row(attempt: Attempt) -> TxRow:
    return TxRow(attempt.out_trade_no,
                 datetime.fromtimestamp(attempt.created_at).strftime("%H:%M:%S"),
                 attempt.amount_fen, str(attempt.wallet or attempt.tender.value),
                 attempt.code_masked or attempt.member_ref, attempt.state.value,
                 attempt.sub_code, attempt.refundable_fen, attempt.offline, describe(attempt))


def midnight(now: float) -> float:
    day = datetime.fromtimestamp(now)
    return day.replace(hour=0, minute=0, second=0, microsecond=0).timestamp()


class TransactionsService:
    def __init__(self, runtime: ServiceResources) -> None:
        self._rt = runtime
        self._worker = runtime.worker("transactions")

    def stop(self) -> None:
        self._worker.stop()

    def load(self, search: str = "") -> None:
        self._worker.submit(lambda: self._load(search), capability="transactions")

    def _load(self, search: str) -> None:
        journal = self._rt.journal(self._worker)
        start = midnight(time.time())
        recent = [a for a in journal.recent(RECENT_LIMIT, search=search) if a.created_at >= start]
        # Held payments head the list of those being resolved: a person must look.
        unresolved = journal.held() + journal.unresolved()
        late = []
        for entry in list_entries(journal.db, states=("declined",), limit=100):
            attempt = journal.get(entry["out_trade_no"])
            if attempt is not None:
                late.append(attempt)
        self._rt.bridge.transactions_loaded.emit(TxLists(
            tuple(map(tx_row, recent)), tuple(map(tx_row, unresolved)), tuple(map(tx_row, late))))

    def refund(self, out_trade_no: str, amount_fen: int) -> None:
        self._worker.submit(lambda: self._refund(out_trade_no, amount_fen),
                            capability="transactions")

    def _refund(self, out_trade_no: str, amount_fen: int) -> None:
        refunds = self._rt.refunds(self._worker)
        if refunds is None:
            self._rt.bridge.refund_finished.emit(RefundView(
                out_trade_no, False, amount_fen,
                Bilingual("网络不可用，暂不能退款", "The host cannot be reached: refund later")))
            return
        result = refunds.refund(out_trade_no, amount_fen, "kiosk refund")
        self._rt.bridge.refund_finished.emit(RefundView(out_trade_no, result.accepted,
                                                        amount_fen, result.message))


def blocker_sentences(blockers: dict) -> tuple[str, ...]:
    out = []
    if blockers.get("unresolved_count"):
        out.append(f"{blockers['unresolved_count']} 笔结果待确认，请等待后台确认完成 / "
                   f"{blockers['unresolved_count']} payments still being resolved: wait "
                   "until the terminal has finished them")
    if blockers.get("unsynced_count"):
        out.append(f"{blockers['unsynced_count']} 条记录未上传（{blockers['unsynced_amount']}），"
                   f"请保持联网 / {blockers['unsynced_count']} records not synced "
                   f"({blockers['unsynced_amount']}): keep the terminal online")
    if blockers.get("held_count"):
        numbers = ", ".join(item["out_trade_no"] for item in blockers["held"])
        out.append(f"{blockers['held_count']} 笔主机应答不一致，已挂起待人工处理：{numbers} / "
                   f"{blockers['held_count']} payments held (host answers inconsistent): "
                   f"{numbers}; a technician checks them")
    if blockers.get("refunds_in_doubt_count"):
        out.append(f"{blockers['refunds_in_doubt_count']} 笔退款主机应答不一致，请再次退款以重发 / "
                   f"{blockers['refunds_in_doubt_count']} refunds with inconsistent host "
                   "answers: refund again (the same request is re-sent)")
    if blockers.get("host_statement"):
        out.append(str(blockers["host_statement"]))
    if blockers.get("reconciliation"):
        out.append(str(blockers["reconciliation"]["message"]))
    return tuple(out)


def z_report_text(data: dict) -> str:
    """The Z-report as the screen shows it (the same figures as ``payterm eod``)."""
    z, rec = data["z_report"], data.get("reconciliation") or {}
    lines = [f"Z 报表 / Z-report  {data['day']}", "-" * 32,
             f"销售 sales: {z['sales_count']}  {format_amount(z['gross_fen'])}"]
    for key, slot in sorted(z["by_tender"].items()):
        lines.append(f"  {key}: {slot['count']}  {format_amount(slot['amount_fen'])}")
    lines += [f"退款 refunds: {z['refunds']['count']}  {format_amount(z['refunds']['amount_fen'])}",
              f"净额 net: {z['net']}",
              f"离线 offline: {z['offline']['count']}  {format_amount(z['offline']['amount_fen'])}",
              f"异常 late declines: {len(z['exceptions'])}"]
    for item in z["exceptions"]:
        lines.append(f"  {item['out_trade_no']} {item['amount']} {item['reason_code']}")
    if rec:
        lines.append("对账 reconciliation: " + ("一致 balanced" if rec.get("balanced")
                                              else "不一致 discrepancies"))
        for item in rec.get("discrepancies", []):
            lines.append(f"  {item['kind']}: {item['out_trade_no']} {item['detail']}")
    return "\n".join(lines)


class EndOfDayService:
    def __init__(self, runtime: ServiceResources) -> None:
        self._rt = runtime
        self._worker = runtime.worker("end_of_day")

    def stop(self) -> None:
        self._worker.stop()

    def close_day(self) -> None:
        self._worker.submit(self._close, capability="end_of_day")

    def _close(self) -> None:
        journal = self._rt.journal(self._worker)
        blockers = find_blockers(journal)
        if blockers:
            self._rt.bridge.end_of_day_finished.emit(
                EndOfDayView(False, "", blocker_sentences(blockers)))
            return
        host = self._rt.host()
        if host is None:
            self._rt.bridge.end_of_day_finished.emit(EndOfDayView(False, "", (
                "网络不可用，无法与平台对账，请联网后再日结 / The host cannot be reached to "
                "reconcile: close the day when online",)))
            return
        now = time.time()
        result = close_day(journal, host, today(now), now).as_dict()
        if not result["closed"]:
            self._rt.bridge.end_of_day_finished.emit(
                EndOfDayView(False, "", blocker_sentences(result["blockers"])))
            return
        self._rt.bridge.end_of_day_finished.emit(EndOfDayView(True, z_report_text(result)))


class StatusService:
    """Probes the host when due and counts what the banner shows."""

    def __init__(self, runtime: ServiceResources) -> None:
        self._rt = runtime
        self._worker = runtime.worker("status")

    def stop(self) -> None:
        self._worker.stop()

    def refresh(self) -> None:
        if self._worker.pending() == 0:      # a slow probe never piles up refreshes
            self._worker.submit(self._refresh, capability="status")

    def _refresh(self) -> None:
        monitor = self._rt.monitor
        host = self._rt.host()
        journal = self._rt.journal(self._worker)
        if host is not None:
            # Online: a ping notices a host that went away between payments; offline:
            # the monitor's own backoff decides when to try again. Each ping carries
            # the version, offline backlog and last diag summary for the back office.
            data_dir = self._rt.data_dir
            monitor.probe(ReportingPing(host, lambda: ping_report(journal.db, data_dir)),
                          force=monitor.online)
        queue = queue_status(journal.db)
        exceptions = count_entries(journal.db, states=("declined",))
        status = monitor.status()
        held = len(journal.held()) + len(journal.refunds_in_states((RefundState.HELD.value,)))
        self._rt.bridge.status_changed.emit(TerminalStatus(
            host_online=status.online and host is not None,
            unsynced_count=queue.pending_count + queue.dead_count,
            unsynced_fen=queue.pending_fen + queue.dead_fen,
            unresolved_count=len(journal.unresolved()), exception_count=exceptions,
            held_count=held, detail=status.reason or self._rt.host_problem))
