"""Printer commands: ``print-test``, ``receipt render``, ``printer status|detect|
profiles|reprint-last`` (the emulator is ``printer_emulator_commands``)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from drivers.printer.baud_detect import CANDIDATE_BAUDS, detect_baud
from drivers.printer.detect import detect
from drivers.printer.encoder import EncodeOptions, encode_receipt
from drivers.printer.escpos_printer import EscPosPrinter
from drivers.printer.printer_factory import printer_from_settings
from drivers.printer.profiles import (database_version, excluded_models, get_profile,
                                      list_profiles, profile_names)
from terminal.settings.printer_port import PortKind, parse_printer_port
from offline_queue.print_jobs import PrintJobStore
from offline_queue.print_worker import PrintWorker
from terminal.errors import UserFacingError
from terminal.receipt import Receipt, ReceiptKind, ReceiptLine
from terminal.receipt_input import receipt_from_input
from ui.cli.output import print_json, print_table
from ui.composition.payments import store_path_to_open

BAUDS = (2400, 4800, 9600, 19200, 38400, 57600, 115200)


def register(sub) -> None:
    test = sub.add_parser("print-test", help="print a test page / 打印测试页")
    _port_options(test)
    test.set_defaults(handler=print_test)

    receipt = sub.add_parser("receipt", help="receipt tools")
    receipt_sub = receipt.add_subparsers(dest="receipt_command", required=True)
    render = receipt_sub.add_parser("render", help="receipt JSON -> ESC/POS bytes")
    render.add_argument("--from", dest="source", required=True, help="receipt JSON file")
    render.add_argument("--out", required=True, help="output .bin file")
    render.add_argument("--profile", choices=profile_names(), metavar="MODEL",
                        help="default: settings printer.profile")
    render.set_defaults(handler=render_receipt)

    printer = sub.add_parser("printer", help="receipt printer / 小票打印机")
    printer_sub = printer.add_subparsers(dest="printer_command", required=True)
    status = printer_sub.add_parser("status", help="real-time status (DLE EOT)")
    _port_options(status)
    status.add_argument("--json", action="store_true")
    status.set_defaults(handler=printer_status)
    detect = printer_sub.add_parser(
        "detect", help="list serial ports and USB printers; probe one LAN address")
    detect.add_argument("--address", metavar="HOST[:PORT]",
                        help="probe this one LAN printer (port 9100 by default); never a range")
    detect.add_argument("--port", help="also find the baud rate of this serial port")
    detect.add_argument("--json", action="store_true")
    detect.set_defaults(handler=printer_detect)
    profiles = printer_sub.add_parser("profiles", help="printer models (python-escpos "
                                      "capability database + payterm overrides)")
    profiles.add_argument("--json", action="store_true")
    profiles.set_defaults(handler=printer_profiles)
    reprint = printer_sub.add_parser("reprint-last", help="reprint the last receipt")
    _port_options(reprint)
    reprint.add_argument("--queue-only", action="store_true",
                         help="only queue it (the running kiosk prints it)")
    reprint.set_defaults(handler=reprint_last)



def _port_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", help="default: settings printer.port")
    parser.add_argument("--baud", type=int, choices=BAUDS, help="default: settings")
    parser.add_argument("--profile", choices=profile_names(), metavar="MODEL",
                        help="default: settings printer.profile")


def build_printer(args, ctx) -> EscPosPrinter:
    """The configured printer (serial, LAN or USB), with command-line overrides."""
    return printer_from_settings(ctx.settings.printer, port=getattr(args, "port", None),
                                 profile=getattr(args, "profile", None),
                                 baud=getattr(args, "baud", None), drawer_kick=False)


def print_test(args, ctx) -> int:
    printer = build_printer(args, ctx)
    ctx.on_close(printer.close)
    before = printer.status()
    print(f"打印前状态 / before: {before.describe()}")
    if not before.ready:
        return 1
    page = Receipt(merchant_name="打印测试 Print test",
                   terminal_id=ctx.settings.terminal.terminal_id,
                   out_trade_no="TEST0000000001", created_at="", total_fen=1,
                   tender_label="测试 Test", kind=ReceiptKind.TEST_PAGE,
                   lines=(ReceiptLine("中文宽字符 CJK width 测试", 1, 1),),
                   extra_lines=(("型号 Profile", printer.profile.name),
                                ("端口 Port", printer.port)),
                   footer="￥ 0123456789 ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    sent = printer.print_receipt(page)
    after = printer.status_after_job()
    confirmed = {True: "已确认打印完成 / print end confirmed",
                 False: "未确认（打印机不回应 GS r）/ print end not confirmed (no GS r answer)",
                 None: "未请求确认 / no confirmation asked"}[printer.last_job_confirmed]
    print(f"已发送 / sent: {sent} bytes; {confirmed}; 打印后状态 / after: {after.describe()}")
    return 0 if after.ready else 1


def render_receipt(args, ctx) -> int:
    try:
        data = json.loads(Path(args.source).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserFacingError(f"找不到文件 / file not found: {args.source}") from None
    except (ValueError, OSError) as exc:     # not UTF-8, not JSON, a number too long
        raise UserFacingError(f"小票 JSON 无效 / invalid receipt JSON in {args.source}: "
                              f"{exc}") from None
    receipt = receipt_from_input(data)
    profile = get_profile(args.profile or ctx.settings.printer.profile)
    options = EncodeOptions(drawer_kick=ctx.settings.printer.drawer_kick,
                            qr_link_template=ctx.settings.printer.qr_link_template)
    payload = encode_receipt(receipt, profile, options)
    Path(args.out).write_bytes(payload)
    print(f"{args.out}: {len(payload)} bytes ({profile.name}, {profile.columns} columns)")
    return 0


def printer_status(args, ctx) -> int:
    printer = build_printer(args, ctx)
    ctx.on_close(printer.close)
    status = printer.status()
    if args.json:
        print_json({"port": printer.port, "profile": printer.profile.name, **status.as_dict()})
    else:
        print(f"{printer.port} ({printer.profile.name}): {status.describe()}")
    return 0 if status.ready else 1


def printer_detect(args, ctx) -> int:
    found = detect(address=args.address)
    baud_result = None
    if args.port:
        port = parse_printer_port(args.port)
        if port.kind is not PortKind.SERIAL:
            raise UserFacingError("--port 只用于串口波特率探测 / --port is for finding a serial "
                                  "port's baud rate; use --address HOST[:PORT] for a LAN printer")
        baud, probes = detect_baud(port.device, get_profile(ctx.settings.printer.profile))
        baud_result = {"port": port.device, "baud": baud, "tried": [
            {"baud": p.baud, **p.status.as_dict()} for p in probes]}
    if args.json:
        print_json({**found.as_dict(), "baud_detection": baud_result})
    else:
        _print_detection(found, baud_result)
    answered = found.network is not None and bool(found.network.status) and \
        found.network.status["known"]
    return 0 if (found.usb_printers or answered or (baud_result and baud_result["baud"])) else 1


def _print_detection(found, baud_result) -> None:
    print("串口 / Serial ports:")
    print_table([{"device": p.device, "usb id": p.usb_id, "description": p.description}
                 for p in found.serial_ports], ["device", "usb id", "description"])
    print("\nUSB 打印机 / USB printers:")
    if found.usb_problem:
        print(f"  USB 不可用 / USB unavailable: {found.usb_problem}")
    else:
        print_table([{"printer.port": p.port, "maker": p.manufacturer, "product": p.product,
                      "interface": p.interface_class,
                      "status": "yes" if p.bidirectional else "no (one-way)"}
                     for p in found.usb_printers],
                    ["printer.port", "maker", "product", "interface", "status"])
    if found.network is not None:
        net = found.network
        text = net.status["text"] if net.status else ""
        print(f"\n网络 / LAN {net.port}: " + (f"已连接 {net.connect_ms} ms / connected; {text}"
                                            if net.connected else "未连接 / not connected")
              + (f" ({net.problem})" if net.problem else ""))
    if baud_result is not None:
        print(f"\n波特率 / baud rate on {baud_result['port']}: " + (
            str(baud_result["baud"]) if baud_result["baud"] else
            f"none answered ({', '.join(map(str, CANDIDATE_BAUDS))})"))


def printer_profiles(args, ctx) -> int:
    profiles = list_profiles()
    excluded = excluded_models()
    if args.json:
        print_json({"database": database_version(), "count": len(profiles),
                    "profiles": [p.as_dict() for p in profiles],
                    "excluded": [m.as_dict() for m in excluded]})
        return 0
    current = ctx.settings.printer.profile
    print_table([{"model": ("* " if current in (p.name, *p.aliases) else "  ") + p.name,
                  "vendor": p.vendor, "columns": p.columns, "dots": p.dots_per_line,
                  "chinese": p.encoding, "qr": "native" if p.native_qr else "raster",
                  "cut": p.cut, "source": p.source,
                  "aliases": ", ".join(p.aliases)} for p in profiles],
                ["model", "vendor", "columns", "dots", "chinese", "qr", "cut", "source",
                 "aliases"])
    print(f"\n{len(profiles)} 个型号 / models ({database_version()} + payterm); "
          f"* = printer.profile")
    print(f"不支持 / not usable ({len(excluded)}): " + "; ".join(
        f"{m.name} ({m.reason})" for m in excluded))
    return 0


def reprint_last(args, ctx) -> int:
    store = PrintJobStore.open(store_path_to_open(ctx))
    ctx.on_close(store.close)
    job = store.request_reprint()
    print(f"已加入重打印 / reprint queued: {job.job_id} (REPRINT #{job.reprint_count + 1})")
    if args.queue_only:
        return 0
    printer = build_printer(args, ctx)
    worker = PrintWorker(store_path_to_open(ctx), printer)
    printed = worker.drain(store)
    printer.close()
    final = store.get(job.job_id)
    print(f"{final.job_id}: {final.state} {final.last_error}".rstrip())
    return 0 if printed and final.state == "done" else 1
