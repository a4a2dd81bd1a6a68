"""``payterm config check|show``."""

from __future__ import annotations

from terminal.settings.loader import redacted
from ui.cli.output import print_json


def register(sub) -> None:
    config = sub.add_parser("config", help="check or show the settings")
    config_sub = config.add_subparsers(dest="config_command", required=True)
    check = config_sub.add_parser("check", help="validate the settings file and environment")
    check.set_defaults(handler=check_config)
    show = config_sub.add_parser("show", help="print the effective settings (secrets hidden)")
    show.set_defaults(handler=show_config)


def check_config(args, ctx) -> int:
    # Reaching here means build_context validated everything; a bad value exited with 3.
    source = ctx.config_file or "(defaults; no settings file)"
    print(f"配置有效 / settings OK: {source}")
    print(f"数据目录 / data directory: {ctx.data_dir}")
    return 0


def show_config(args, ctx) -> int:
    print_json(redacted(ctx.settings))
    return 0
