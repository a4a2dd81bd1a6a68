"""``payterm run``: the kiosk app on the configured devices; ``payterm technician
set-pin``: set the technician PIN (scrypt hash, file 0600)."""

from __future__ import annotations

import argparse
import getpass
import sys

from terminal.settings.kiosk_section import KioskMode
from ui.cli.output import print_error

EXIT_OK, EXIT_USAGE = 0, 2


def register(sub) -> None:
    run = sub.add_parser("run", help="start the touchscreen app (cashier or kiosk)")
    run.add_argument("--mode", choices=[mode.value for mode in KioskMode], default=None,
                     help="which app (default: setting kiosk.mode)")
    run.add_argument("--config", default=argparse.SUPPRESS,
                     help="settings TOML file (same as the global --config)")
    run.set_defaults(handler=run_command)

    tech = sub.add_parser("technician", help="technician access")
    tech_sub = tech.add_subparsers(dest="technician_command", metavar="ACTION", required=True)
    set_pin = tech_sub.add_parser("set-pin", help="set the technician PIN (6-12 digits)")
    set_pin.add_argument("--pin-stdin", action="store_true",
                         help="read the PIN from standard input (for provisioning scripts)")
    set_pin.set_defaults(handler=set_pin_command)


def run_command(args, ctx) -> int:
    from ui.composition.kiosk_app import run_kiosk
    return run_kiosk(ctx, mode=args.mode)


def set_pin_command(args, ctx) -> int:
    from ui.technician_pin import technician_pin
    if args.pin_stdin:
        pin = sys.stdin.readline().strip()
    else:
        pin = getpass.getpass("新技术员密码 / new technician PIN: ")
        again = getpass.getpass("再输入一次 / repeat it: ")
        if pin != again:
            print_error("两次输入不一致 / the two PINs differ")
            return EXIT_USAGE
    store = technician_pin(ctx)
    store.set_pin(pin)
    print(f"技术员密码已设置 / technician PIN set ({store.path})")
    return EXIT_OK
