"""``payterm demo``: the kiosk with every device simulated; headless when asked or when
there is no display."""

from __future__ import annotations

import os
import sys


def register(sub) -> None:
    demo = sub.add_parser("demo", help="run the demo (simulated devices and host)")
    demo.add_argument("--headless", action="store_true",
                      help="no window: take payments through every outcome and print a summary")
    demo.add_argument("--backoffice", action="store_true",
                      help="wallet codes charged through payterm-backoffice and its Alipay "
                           "and WeChat Pay sandboxes (headless)")
    demo.add_argument("--mode", choices=("cashier", "kiosk"), default=None,
                      help="which screen the GUI demo opens on")
    demo.add_argument("--autopilot", action="store_true",
                      help="GUI demo drives one payment by itself, then exits (for tests)")
    demo.add_argument("--screenshot-dir", default=None,
                      help="GUI demo saves screenshots of its screens here")
    demo.set_defaults(handler=demo_command)


def has_display(env=os.environ) -> bool:
    return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")
                or env.get("QT_QPA_PLATFORM") in ("offscreen", "vnc", "eglfs", "linuxfb"))


def demo_command(args, ctx) -> int:
    from ui.demo.headless import run_headless_demo
    if args.backoffice:
        from ui.demo.backoffice_wallets import run_backoffice_wallet_demo
        return run_backoffice_wallet_demo(args)
    if args.headless:
        return run_headless_demo(args, ctx)
    if not has_display():
        print("没有显示器，改为无界面演示 / No display found: running the headless demo "
              "(use xvfb-run for the window)", file=sys.stderr)
        return run_headless_demo(args, ctx)
    try:
        from ui.demo.gui import run_gui_demo
    except ImportError as exc:
        print(f"图形界面不可用（{exc}），改为无界面演示 / GUI unavailable ({exc}): running "
              "the headless demo", file=sys.stderr)
        return run_headless_demo(args, ctx)
    return run_gui_demo(ctx, args)
