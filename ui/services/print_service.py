"""Receipts: built from the journal, previewed on screen, printed through the durable
print-job queue and its worker thread (``offline_queue.print_worker``)."""

from __future__ import annotations

import logging
from datetime import datetime

from terminal.attempt import Attempt, Tender
from terminal.money import format_amount
from terminal.receipt import Receipt, ReceiptKind
from terminal.transaction import TxState
from ui.services.resources import ServiceResources
from ui.services.views import ReceiptView

log = logging.getLogger(__name__)

WIDTH = 32


def receipt_for(attempt: Attempt, settings, *, reprint_count: int = 0) -> Receipt:
    t = settings.terminal
    if attempt.tender is Tender.WALLET:
        label = attempt.wallet.display_name if attempt.wallet else attempt.tender.display_name
    else:
        label = attempt.tender.display_name
    return Receipt(merchant_name=t.merchant_name, store_name=t.store_name,
                   terminal_id=t.terminal_id, out_trade_no=attempt.out_trade_no,
                   created_at=datetime.fromtimestamp(attempt.created_at).strftime(
                       "%Y-%m-%d %H:%M:%S"),
                   total_fen=attempt.amount_fen, tender_label=label,
                   kind=ReceiptKind.SALE, payer_masked=attempt.code_masked or attempt.member_ref,
                   host_trade_no=attempt.host_trade_no, offline=attempt.offline,
                   unresolved=attempt.state.needs_resolution, reprint_count=reprint_count,
                   refund_fen=attempt.refunded_fen)


def preview_text(receipt: Receipt) -> str:
    """The receipt as monospaced text for the on-screen preview."""
    rows = [receipt.merchant_name]
    if receipt.store_name:
        rows.append(receipt.store_name)
    rows.append("-" * WIDTH)
    if receipt.reprint_count:
        rows.append(f"** 重打印 REPRINT #{receipt.reprint_count} **")
    if receipt.offline:
        rows.append("** 离线交易 待上传 OFFLINE **")
    if receipt.unresolved:
        rows.append("** 结果确认中 UNRESOLVED **")
    rows += [f"终端 Terminal: {receipt.terminal_id}", f"单号 No.: {receipt.out_trade_no}",
             f"时间 Time: {receipt.created_at}", f"方式 Tender: {receipt.tender_label}"]
    if receipt.payer_masked:
        rows.append(f"付款 Payer: {receipt.payer_masked}")
    if receipt.host_trade_no:
        rows.append(f"平台 Host No.: {receipt.host_trade_no}")
    rows += ["-" * WIDTH, f"合计 TOTAL: {format_amount(receipt.total_fen)}"]
    if receipt.refund_fen:
        rows.append(f"已退 Refunded: {format_amount(receipt.refund_fen)}")
    rows += ["-" * WIDTH, "谢谢惠顾 Thank you"]
    return "\n".join(rows)


class PrintService:
    """``printer_worker``: a started ``PrintWorker`` or None (no printer configured:
    preview only, and the preview says so)."""

    def __init__(self, runtime: ServiceResources, printer_worker=None, unavailable: str = "") -> None:
        self._rt = runtime
        self._worker = runtime.worker("printing")
        self._printer = printer_worker
        self._unavailable = unavailable or ("未配置打印机，仅显示预览 / No printer configured: "
                                            "preview only")
        self._reprints: dict[str, int] = {}

    def stop(self) -> None:
        self._worker.stop()

    def print_receipt(self, out_trade_no: str, *, reprint: bool = False) -> None:
        self._worker.submit(lambda: self._print(out_trade_no, reprint), capability="printing")

    def _print(self, out_trade_no: str, reprint: bool) -> None:
        attempt = self._rt.journal(self._worker).get(out_trade_no)
        if attempt is None or attempt.state not in (TxState.APPROVED, TxState.REFUNDED,
                                                    TxState.PARTIALLY_REFUNDED):
            self._rt.bridge.receipt_printed.emit(ReceiptView(
                out_trade_no, "", False, "该交易没有可打印的小票 / No receipt for this sale"))
            return
        count = self._reprints.get(out_trade_no, 0) + 1 if reprint else 0
        if reprint:
            self._reprints[out_trade_no] = count
        receipt = receipt_for(attempt, self._rt.settings, reprint_count=count)
        text = preview_text(receipt)
        if self._printer is None:
            self._rt.bridge.receipt_printed.emit(ReceiptView(out_trade_no, text, False,
                                                             self._unavailable))
            return
        job_id = f"{out_trade_no}-R{count}" if reprint else out_trade_no
        self._printer.submit(receipt, job_id)
        self._rt.bridge.receipt_printed.emit(ReceiptView(out_trade_no, text, True))
