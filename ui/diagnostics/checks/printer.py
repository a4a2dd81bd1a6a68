"""The receipt printer: every DLE EOT status class, and optionally a test page.

The test page carries the terminal's details and a QR code, so one glance at the paper
shows the encoder, the Chinese font, the cutter and the QR support all work.
"""

from __future__ import annotations

import socket
import time

from drivers.printer.escpos_printer import EscPosPrinter
from drivers.printer.printer_factory import printer_from_settings
from terminal.errors import DeviceError
from terminal.settings.printer_port import PortKind, parse_printer_port
from terminal.receipt import Receipt, ReceiptKind
from ui.diagnostics.environment import DiagEnvironment
from ui.diagnostics.facts import package_version
from ui.diagnostics.result import CheckResult, failed, passed, skipped, warned
from ui.diagnostics.spec import CheckSpec


def open_printer(env: DiagEnvironment) -> EscPosPrinter:
    return printer_from_settings(env.settings.printer, drawer_kick=False)


def _model_details(printer: EscPosPrinter) -> dict:
    """The model the technician picked (printer.profile) and what payterm takes from it."""
    p = printer.profile
    return {"profile": p.name, "vendor": p.vendor, "source": p.source,
            "columns": p.columns, "dots_per_line": p.dots_per_line,
            "chinese_encoding": p.encoding, "qr": "native" if p.native_qr else "raster",
            "cut": p.cut, "print_end_confirmation": printer.confirm_print_end}


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
                                ("型号 Profile", env.settings.printer.profile)) + _baud_line(env))


def _baud_line(env: DiagEnvironment) -> tuple:
    if parse_printer_port(env.settings.printer.port).kind is PortKind.SERIAL:
        return (("波特率 Baud", str(env.settings.printer.baud)),)
    return ()


def check_printer(env: DiagEnvironment) -> CheckResult:
    if not env.settings.printer.enabled:
        return skipped("未启用打印机 / Printer disabled (printer.enabled = false)")
    printer = open_printer(env)
    kind = parse_printer_port(env.settings.printer.port).kind
    details = {"port": env.settings.printer.port, "transport": kind.value,
               "model": _model_details(printer)}
    try:
        try:
            status = printer.status()
        except DeviceError as exc:
            return failed(f"打印机无法连接 / Cannot reach the printer: {exc}", _REACH[kind],
                          **details)
        details["status"] = status.as_dict()
        if not status.known:
            return failed(f"打印机无应答 / The printer does not answer: {status.problem}",
                          _REACH[kind], **details)
        if not status.ready:
            return failed(f"打印机不可用：{status.describe()} / Printer not ready",
                          "装纸、合上纸仓盖；切刀卡纸请清理后重启打印机 / Load paper, close the "
                          "cover; clear a cutter jam and power-cycle the printer", **details)
        if env.print_test_page:
            details["test_page_bytes"] = printer.print_receipt(test_page(env))
            after = printer.status_after_job()
            details["after_test_page"] = after.as_dict()
            details["print_end_confirmed"] = printer.last_job_confirmed
            if not after.ready:
                return failed(f"测试页未打完：{after.describe()} / Test page cut short",
                              "检查纸卷与纸仓盖后重试 / Check the paper and cover, then retry",
                              **details)
            if printer.last_job_confirmed is False:
                return warned("打印机未确认打印完成（不回应 GS r）/ The printer did not confirm "
                              "the end of the test page (no answer to GS r)",
                              "若型号不支持，设 printer.confirm_print_end = false / If this model "
                              "lacks it, set printer.confirm_print_end = false", **details)
        if status.paper_near_end:
            return warned("纸将用完 / Paper near end", "准备更换纸卷 / Have a new roll ready",
                          **details)
        printed = "，已打印测试页 / test page printed" if env.print_test_page else ""
        return passed(f"打印机就绪{printed} / Printer ready", **details)
    finally:
        printer.close()


_REACH = {
    PortKind.SERIAL: "检查电源、数据线与波特率（printer.baud）/ Check power, cable and printer.baud",
    PortKind.TCP: "检查打印机电源、网线与 IP 地址（printer.port = tcp://HOST:9100）；payterm printer "
                  "detect --address HOST 可单独探测 / Check power, network cable and the address "
                  "in printer.port; probe it with payterm printer detect --address HOST",
    PortKind.USB: "检查 USB 线与电源，用 payterm printer detect 核对 usb://VID:PID / Check the USB "
                  "cable and power; compare printer.port with payterm printer detect",
}


def _printer_timeout(settings) -> float:
    # A test page takes the longest: allow for the write and print-end timeouts on top.
    return (settings.diagnostics.check_timeout_s + settings.printer.write_timeout_s
            + settings.printer.print_end_timeout_s + settings.printer.connect_timeout_s)


SPEC = CheckSpec("printer", "打印机 / Printer", check_printer, timeout_s=_printer_timeout,
                 group="serial")
