"""``payterm printer-emu``: the ESC/POS printer emulator on a pty (``--link``, a serial
printer) or on TCP (``--tcp [HOST:]PORT``, a LAN printer), with injectable faults."""

from __future__ import annotations

import signal
import threading
from pathlib import Path

from drivers.printer.emulator import PrinterEmulator, PrinterFaults, TcpPrinterEmulator
from terminal.errors import UserFacingError

BAUDS = (2400, 4800, 9600, 19200, 38400, 57600, 115200)


def register(sub) -> None:
    emu = sub.add_parser("printer-emu", help="run the ESC/POS printer emulator (pty or TCP)")
    where = emu.add_mutually_exclusive_group(required=True)
    where.add_argument("--link", help="symlink to create for the pty (serial printer)")
    where.add_argument("--tcp", metavar="[HOST:]PORT",
                       help="listen on this loopback/LAN port (LAN printer), e.g. 9100")
    state = emu.add_mutually_exclusive_group()
    state.add_argument("--paper-out", action="store_true")
    state.add_argument("--cover-open", action="store_true")
    state.add_argument("--offline", action="store_true")
    state.add_argument("--silent", action="store_true", help="never answer DLE EOT")
    emu.add_argument("--disconnect-after", type=int, metavar="BYTES",
                     help="TCP: reset the connection after this many bytes (once)")
    emu.add_argument("--power-cycle-after", type=int, metavar="BYTES",
                     help="TCP: lose power after this many bytes (once), unprinted data lost")
    emu.add_argument("--boot-s", type=float, default=2.0,
                     help="TCP: seconds a power-cycled printer is unreachable")
    emu.add_argument("--baud", type=int, choices=BAUDS, help="pty: pace at this baud rate")
    emu.add_argument("--xonxoff", action="store_true", help="pty: send XOFF/XON (slow printer)")
    emu.add_argument("--print-speed", type=float, help="bytes/s the head prints")
    emu.add_argument("--paper", choices=("58", "80"), default="80")
    emu.add_argument("--out", help="directory for receipt-NNNN.txt/.png (default: "
                                   "<data dir>/printer-emu)")
    emu.add_argument("--seconds", type=float, help="stop after this long (default: Ctrl-C)")
    emu.set_defaults(handler=run_emulator)


def _tcp_address(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise UserFacingError(f"--tcp {text!r}: expected [HOST:]PORT, e.g. 9100 or "
                              "127.0.0.1:9100")
    return host or "127.0.0.1", int(port)


def run_emulator(args, ctx) -> int:
    for name in ("disconnect_after", "power_cycle_after"):
        value = getattr(args, name)
        if value is not None and (args.link or value < 1):
            raise UserFacingError(f"--{name.replace('_', '-')} needs --tcp and a byte count ≥ 1")
    if args.boot_s < 0 or args.boot_s != args.boot_s or args.boot_s > 600:
        raise UserFacingError("--boot-s must be 0..600 seconds")
    faults = PrinterFaults(paper_out=args.paper_out, cover_open=args.cover_open,
                           offline=args.offline, silent=args.silent,
                           disconnect_after_bytes=args.disconnect_after,
                           power_cycle_after_bytes=args.power_cycle_after, boot_s=args.boot_s)
    out_dir = Path(args.out) if args.out else ctx.path("printer-emu")
    columns, dots = (32, 384) if args.paper == "58" else (48, 576)
    if args.tcp:
        host, port = _tcp_address(args.tcp)
        emulator = TcpPrinterEmulator(host, port, faults=faults, out_dir=out_dir,
                                      columns=columns, dots_per_line=dots,
                                      print_bytes_per_s=args.print_speed)
    else:
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
    try:
        emulator.start()
    except OSError as exc:
        signal.signal(signal.SIGTERM, previous)
        raise UserFacingError(f"模拟器无法启动 / cannot start the emulator: {exc}") from None
    where = (f"tcp://{emulator.host}:{emulator.port}" if args.tcp
             else f"{emulator.slave_name} -> {args.link}")
    print(f"打印机模拟器 / printer emulator on {where} "
          f"(baud {getattr(args, 'baud', None) or 'unpaced'}, state {faults})", flush=True)
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
