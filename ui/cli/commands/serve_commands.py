"""``payterm serve``: the terminal without a window, driven by the store's POS over the
Terminal API; ``payterm pos-api key``: the key, URL and certificate fingerprint a POS
needs (created on first use, 0600)."""

from __future__ import annotations

import signal
import sys
import threading

from ui.cli.output import print_json

EXIT_OK = 0


def register(sub) -> None:
    serve = sub.add_parser("serve", help="run the terminal headless with the Terminal API "
                                         "(POS-driven) / 无界面运行，供收银机调用")
    serve.set_defaults(handler=serve_command)

    api = sub.add_parser("pos-api", help="the Terminal API's key for the POS")
    api_sub = api.add_subparsers(dest="pos_api_command", metavar="ACTION", required=True)
    key = api_sub.add_parser("key", help="show the key, URL and TLS fingerprint "
                                         "(created on first use)")
    key.add_argument("--json", action="store_true")
    key.add_argument("--rotate", action="store_true",
                     help="make a new key (every POS must then be given it)")
    key.set_defaults(handler=key_command)


def serve_command(args, ctx) -> int:
    from ui.composition.terminal_api import serve_headless
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set())
                for sig in (signal.SIGTERM, signal.SIGINT)}

    def ready(running, printer_problem: str) -> None:
        creds = running.credentials
        print(f"终端接口已启动 / Terminal API listening: {creds.url}", flush=True)
        if creds.tls_sha256:
            print(f"  证书指纹 TLS sha256: {creds.tls_sha256}", flush=True)
        if printer_problem:
            print(f"  打印机 printer: {printer_problem}", flush=True)
        print("  按 Ctrl-C 停止 / press Ctrl-C to stop", flush=True)

    try:
        serve_headless(ctx, stop, on_ready=ready)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    print("终端接口已停止 / Terminal API stopped", file=sys.stderr, flush=True)
    return EXIT_OK


def key_command(args, ctx) -> int:
    from ui.composition.terminal_api import credentials
    from ui.terminal_api.credentials import rotate_key
    creds = rotate_key(ctx.settings, ctx.path) if args.rotate else credentials(ctx)
    if args.json:
        print_json(creds.as_dict())
    else:
        print(f"地址 URL: {creds.url}\n密钥 key: {creds.key}")
        if creds.tls_sha256:
            print(f"证书指纹 TLS sha256: {creds.tls_sha256}")
        print(f"文件 file: {ctx.path(ctx.settings.pos_api.key_file)} (0600)")
    return EXIT_OK
