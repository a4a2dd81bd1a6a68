"""The receipt printer: every DLE EOT status class, and optionally a test page.

The test page carries the terminal's details and a QR code, so one glance at the paper
shows the encoder, the Chinese font, the cutter and the QR support all work.
"""

from __future__ import annotations

import socket
import time

from drivers.printer.profiles import get_profile
from drivers.printer.serial_printer import SerialPrinter
from terminal.receipt import Receipt, ReceiptKind
from ui.diagnostics.environment import DiagEnvironment
from ui.diagnostics.facts import package_version
from ui.diagnostics.result import CheckResult, failed, passed, skipped, warned
from ui.diagnostics.spec import CheckSpec


def open_printer(env: DiagEnvironment) -> SerialPrinter:
    s = env.settings.printer
    return SerialPrinter(s.port, get_profile(s.profile), baud=s.baud,
                         status_timeout_ms=s.status_timeout_ms, write_timeout_s=s.write_timeout_s,
                         chunk_bytes=s.chunk_bytes)


def test_page(env: DiagEnvironment) -> Receipt:
    t = env.settings.terminal
    now = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(env.now()))
    return Receipt(merchant_name=t.merchant_name, terminal_id=t.terminal_id,
                   out_trade_no=f"TEST-{time.strftime('%Y%m%d%H%M%S', time.localtime(env.now()))}",
                   created_at=now, total_fen=0, tender_label="测试页 Test page",
                   kind=ReceiptKind.TEST_PAGE, store_name=t.store_name,
                   qr_payload=f"payterm:test:{t.terminal_id}",
                   footer="打印测试 Printer test 一二三四五 ABCDE 12345",
                   extra_lines=(("终端 Terminal", t.terminal_id),
                                ("版本 Version", package_version("payterm")),
                                ("主机 Host name", socket.gethostname()),
                                ("端口 Port", env.settings.printer.port),
                                ("型号 Profile", env.settings.printer.profile),
                                ("波特率 Baud", str(env.settings.printer.baud))))


def check_printer(env: DiagEnvironment) -> CheckResult:
    if not env.settings.printer.enabled:
        return skipped("未启用打印机 / Printer disabled (printer.enabled = false)")
    printer = open_printer(env)
    try:
        status = printer.status()
        details = {"port": env.settings.printer.port, "status": status.as_dict()}
        if not status.known:
            return failed(f"打印机无应答 / The printer does not answer: {status.problem}",
                          "检查电源、数据线与波特率（printer.baud）/ Check power, cable and "
                          "printer.baud", **details)
        if not status.ready:
            return failed(f"打印机不可用：{status.describe()} / Printer not ready",
                          "装纸、合上纸仓盖；切刀卡纸请清理后重启打印机 / Load paper, close the "
                          "cover; clear a cutter jam and power-cycle the printer", **details)
        if env.print_test_page:
            details["test_page_bytes"] = printer.print_receipt(test_page(env))
        if status.paper_near_end:
            return warned("纸将用完 / Paper near end", "准备更换纸卷 / Have a new roll ready",
                          **details)
        printed = "，已打印测试页 / test page printed" if env.print_test_page else ""
        return passed(f"打印机就绪{printed} / Printer ready", **details)
    finally:
        printer.close()


def _printer_timeout(settings) -> float:
    # A test page takes the longest: allow for the write timeout on top.
    return settings.diagnostics.check_timeout_s + settings.printer.write_timeout_s


SPEC = CheckSpec("printer", "打印机 / Printer", check_printer, timeout_s=_printer_timeout,
                 group="serial")
