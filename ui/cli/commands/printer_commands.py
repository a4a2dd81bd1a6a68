"""Printer commands: ``print-test``, ``receipt render``, ``printer status|detect|
reprint-last``, ``printer-emu``."""

from __future__ import annotations

import argparse
import json
import signal
import threading
from pathlib import Path

from drivers.printer.baud_detect import CANDIDATE_BAUDS, detect_baud
from drivers.printer.emulator import PrinterEmulator, PrinterFaults
from drivers.printer.encoder import EncodeOptions, encode_receipt
from drivers.printer.profiles import PROFILES, get_profile
from drivers.printer.serial_printer import SerialPrinter
from offline_queue.print_jobs import PrintJobStore
from offline_queue.print_worker import PrintWorker
from terminal.errors import UserFacingError
from terminal.receipt import Receipt, ReceiptKind, ReceiptLine, receipt_from_dict
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
    render.add_argument("--profile", choices=sorted(PROFILES), help="default: settings")
    render.set_defaults(handler=render_receipt)

    printer = sub.add_parser("printer", help="receipt printer / 小票打印机")
    printer_sub = printer.add_subparsers(dest="printer_command", required=True)
    status = printer_sub.add_parser("status", help="real-time status (DLE EOT)")
    _port_options(status)
    status.add_argument("--json", action="store_true")
    status.set_defaults(handler=printer_status)
    detect = printer_sub.add_parser("detect", help="find the baud rate (DLE EOT handshake)")
    detect.add_argument("--port", help="default: settings printer.port")
    detect.add_argument("--json", action="store_true")
    detect.set_defaults(handler=printer_detect)
    reprint = printer_sub.add_parser("reprint-last", help="reprint the last receipt")
    _port_options(reprint)
    reprint.add_argument("--queue-only", action="store_true",
                         help="only queue it (the running kiosk prints it)")
    reprint.set_defaults(handler=reprint_last)

    emu = sub.add_parser("printer-emu", help="run the ESC/POS printer emulator on a pty")
    emu.add_argument("--link", required=True, help="symlink to create for the pty")
    state = emu.add_mutually_exclusive_group()
    state.add_argument("--paper-out", action="store_true")
    state.add_argument("--cover-open", action="store_true")
    state.add_argument("--silent", action="store_true", help="never answer DLE EOT")
    emu.add_argument("--baud", type=int, choices=BAUDS, help="pace at this baud rate")
    emu.add_argument("--xonxoff", action="store_true", help="send XOFF/XON (slow printer)")
    emu.add_argument("--print-speed", type=float, help="bytes/s the head prints")
    emu.add_argument("--paper", choices=("58", "80"), default="80")
    emu.add_argument("--out", help="directory for receipt-NNNN.txt/.png (default: "
                                   "<data dir>/printer-emu)")
    emu.add_argument("--seconds", type=float, help="stop after this long (default: Ctrl-C)")
    emu.set_defaults(handler=run_emulator)


def _port_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", help="default: settings printer.port")
    parser.add_argument("--baud", type=int, choices=BAUDS, help="default: settings")
    parser.add_argument("--profile", choices=sorted(PROFILES), help="default: settings")


def build_printer(args, ctx) -> SerialPrinter:
    """The configured serial printer, with command-line overrides."""
    cfg = ctx.settings.printer
    return SerialPrinter(getattr(args, "port", None) or cfg.port,
                         get_profile(getattr(args, "profile", None) or cfg.profile),
                         baud=getattr(args, "baud", None) or cfg.baud,
                         status_timeout_ms=cfg.status_timeout_ms,
                         write_timeout_s=cfg.write_timeout_s, chunk_bytes=cfg.chunk_bytes,
                         options=EncodeOptions(qr_link_template=cfg.qr_link_template))


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
                                ("波特率 Baud", str(printer.baud))),
                   footer="￥ 0123456789 ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    sent = printer.print_receipt(page)
    after = printer.status()
    print(f"已发送 / sent: {sent} bytes; 打印后状态 / after: {after.describe()}")
    return 0 if after.ready else 1


def render_receipt(args, ctx) -> int:
    try:
        data = json.loads(Path(args.source).read_text(encoding="utf-8"))
        receipt = receipt_from_dict(data)
    except FileNotFoundError:
        raise UserFacingError(f"找不到文件 / file not found: {args.source}") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise UserFacingError(f"小票 JSON 无效 / invalid receipt JSON in {args.source}: "
                              f"{exc}") from None
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
        print_json({"port": printer.port, "baud": printer.baud, **status.as_dict()})
    else:
        print(f"{printer.port} @ {printer.baud}: {status.describe()}")
    return 0 if status.ready else 1


def printer_detect(args, ctx) -> int:
    port = args.port or ctx.settings.printer.port
    baud, probes = detect_baud(port, get_profile(ctx.settings.printer.profile))
    if args.json:
        print_json({"port": port, "baud": baud, "tried": [
            {"baud": p.baud, **p.status.as_dict()} for p in probes]})
    else:
        print_table([{"baud": p.baud, "status": p.status.describe()} for p in probes],
                    ["baud", "status"])
        print(f"波特率 / baud rate: {baud}" if baud else
              f"未找到打印机 / no printer answered at {', '.join(map(str, CANDIDATE_BAUDS))}")
    return 0 if baud else 1


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


def run_emulator(args, ctx) -> int:
    faults = PrinterFaults(paper_out=args.paper_out, cover_open=args.cover_open,
                           silent=args.silent)
    out_dir = Path(args.out) if args.out else ctx.path("printer-emu")
    columns, dots = (32, 384) if args.paper == "58" else (48, 576)
    emulator = PrinterEmulator(Path(args.link), baud=args.baud,
                               flow_control="xonxoff" if args.xonxoff else "none",
                               faults=faults, out_dir=out_dir, columns=columns,
                               dots_per_line=dots, print_bytes_per_s=args.print_speed)
    emulator.on_receipt = lambda r: print(
        f"小票 / receipt #{r.index}: {len(r.lines)} lines, qr={r.codes('qr')}, "
        f"{'cut' if r.cut else 'not cut'}{', TRUNCATED' if r.truncated else ''} -> "
        f"{out_dir}/receipt-{r.index:04d}.png", flush=True)
    done = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda *_: done.set())
    emulator.start()
    print(f"打印机模拟器 / printer emulator on {emulator.slave_name} -> {args.link} "
          f"(baud {args.baud or 'unpaced'}, state {faults})", flush=True)
    try:
        done.wait(args.seconds)
    except KeyboardInterrupt:
        pass
    finally:
        emulator.stop()
        signal.signal(signal.SIGTERM, previous)
    print(f"收到 / received {emulator.received_bytes} bytes, "
          f"{len(emulator.receipts())} receipt(s)")
    return 0
