"""``terminal add|list|show|disable|enable|rekey``."""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import Any

from backoffice.cli.context import Context, read_key_file
from backoffice.cli.output import print_json, print_table
from backoffice.clock import HOST_TZ
from backoffice.registry.terminals import (TerminalInfo, TerminalStatus, add_terminal,
                                           check_store_id, list_terminals, rekey_terminal,
                                           require_terminal, set_terminal_status)
from terminal.money import to_yuan_string


def register(sub: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    terminal = sub.add_parser("terminal", parents=[parent], help="the terminal registry")
    actions = terminal.add_subparsers(dest="terminal_command", metavar="ACTION", required=True)
    add = actions.add_parser("add", parents=[parent], help="register a terminal and its key")
    add.add_argument("--id", required=True, help="the terminal's terminal.id (e.g. T0001)")
    add.add_argument("--public-key", required=True, metavar="FILE",
                     help="its terminal_public.pem (payterm keys generate)")
    add.add_argument("--store", required=True, help="store id (created when new)")
    add.add_argument("--json", action="store_true")
    add.set_defaults(handler=add_command)
    listing = actions.add_parser("list", parents=[parent], help="every terminal")
    listing.add_argument("--store")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=list_command)
    show = actions.add_parser("show", parents=[parent], help="one terminal")
    show.add_argument("terminal_id", metavar="ID")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=show_command)
    for name, status, text in (("disable", TerminalStatus.DISABLED, "refuse its requests"),
                               ("enable", TerminalStatus.ACTIVE, "accept its requests again")):
        action = actions.add_parser(name, parents=[parent], help=text)
        action.add_argument("terminal_id", metavar="ID")
        action.add_argument("--json", action="store_true")
        action.set_defaults(handler=status_command, status=status)
    rekey = actions.add_parser("rekey", parents=[parent],
                               help="replace a terminal's key (the old one is refused)")
    rekey.add_argument("terminal_id", metavar="ID")
    rekey.add_argument("--public-key", required=True, metavar="FILE")
    rekey.add_argument("--json", action="store_true")
    rekey.set_defaults(handler=rekey_command)


def terminal_json(info: TerminalInfo) -> dict[str, Any]:
    data = info.as_dict()
    data["backlog_amount"] = (None if info.backlog_fen is None
                              else to_yuan_string(info.backlog_fen))
    return data


def _when(epoch: float | None) -> str:
    return "-" if epoch is None else datetime.fromtimestamp(epoch, HOST_TZ).strftime(
        "%Y-%m-%d %H:%M:%S")


def _show(args: argparse.Namespace, info: TerminalInfo, verb: str) -> int:
    if args.json:
        print_json(terminal_json(info))
    else:
        print(f"{verb} 终端 terminal {info.terminal_id}: store {info.store_id}, {info.status}, "
              f"key SHA-256 {info.key_fingerprint}")
    return 0


def add_command(args: argparse.Namespace, ctx: Context) -> int:
    pem = read_key_file(args.public_key)
    check_store_id(args.store)
    info = ctx.run(lambda conn, now: add_terminal(conn, args.id, args.store, pem, now),
                   write=True)
    return _show(args, info, "已登记 registered")


def list_command(args: argparse.Namespace, ctx: Context) -> int:
    infos = ctx.run(lambda conn, now: list_terminals(conn, args.store), write=False)
    if args.json:
        print_json({"count": len(infos), "terminals": [terminal_json(i) for i in infos]})
        return 0
    print_table([{"terminal": i.terminal_id, "store": i.store_id, "status": i.status,
                  "last_seen": _when(i.last_seen_at), "version": i.app_version or "-",
                  "backlog": "-" if i.backlog_count is None else
                  f"{i.backlog_count} / {to_yuan_string(i.backlog_fen or 0)}"}
                 for i in infos],
                ["terminal", "store", "status", "last_seen", "version", "backlog"])
    return 0


def show_command(args: argparse.Namespace, ctx: Context) -> int:
    info = ctx.run(lambda conn, now: require_terminal(conn, args.terminal_id), write=False)
    if args.json:
        print_json(terminal_json(info))
        return 0
    for key, value in terminal_json(info).items():
        print(f"{key}: {value}")
    return 0


def status_command(args: argparse.Namespace, ctx: Context) -> int:
    info = ctx.run(lambda conn, now: set_terminal_status(conn, args.terminal_id, args.status,
                                                         now), write=True)
    verb = "已停用 disabled" if args.status == TerminalStatus.DISABLED else "已启用 enabled"
    return _show(args, info, verb)


def rekey_command(args: argparse.Namespace, ctx: Context) -> int:
    pem = read_key_file(args.public_key)
    info = ctx.run(lambda conn, now: rekey_terminal(conn, args.terminal_id, pem, now),
                   write=True)
    return _show(args, info, "已换钥 new key for")
