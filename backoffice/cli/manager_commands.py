"""``manager add-user|passwd|disable|list``: logins of the store manager's page.

Passwords never appear on the command line: they are read from ``--password-file`` or
from standard input (asked without echo on a terminal).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from backoffice.cli.context import Context
from backoffice.cli.output import print_json, print_table
from backoffice.errors import SettingError
from backoffice.manager.accounts import (add_user, check_new_password, disable_user,
                                         list_users, set_password)


def register(sub: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    manager = sub.add_parser("manager", parents=[parent],
                             help="logins of the store manager's page (/manager/)")
    actions = manager.add_subparsers(dest="manager_command", metavar="ACTION", required=True)
    add = actions.add_parser("add-user", parents=[parent], help="a new login")
    add.add_argument("--username", required=True)
    add.add_argument("--store", default="", help="limit to one store (default: every store)")
    add.add_argument("--password-file", help="read the password from this file "
                                             "(default: standard input)")
    add.set_defaults(handler=add_command)
    passwd = actions.add_parser("passwd", parents=[parent],
                                help="set a new password (ends the user's sessions)")
    passwd.add_argument("username")
    passwd.add_argument("--password-file")
    passwd.set_defaults(handler=passwd_command)
    disable = actions.add_parser("disable", parents=[parent], help="stop a login")
    disable.add_argument("username")
    disable.set_defaults(handler=disable_command)
    listing = actions.add_parser("list", parents=[parent], help="every login")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=list_command)


def read_password(path: str | None) -> str:
    if path:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise SettingError("--password-file", f"cannot read {path}: {exc.strerror}") \
                from None
    elif sys.stdin.isatty():
        text = getpass.getpass("密码 password: ")
        if getpass.getpass("再次输入 again: ") != text:
            raise SettingError("--password", "the two passwords differ / 两次输入不一致")
    else:
        text = sys.stdin.readline()
    return check_new_password(text.rstrip("\r\n"))


def add_command(args: argparse.Namespace, ctx: Context) -> int:
    password = read_password(args.password_file)
    ctx.run(lambda conn, now: add_user(conn, args.username, password, args.store, now),
            write=True)
    print(f"已添加 added manager login {args.username} "
          f"({'store ' + args.store if args.store else 'every store'})")
    return 0


def passwd_command(args: argparse.Namespace, ctx: Context) -> int:
    password = read_password(args.password_file)
    ctx.run(lambda conn, now: set_password(conn, args.username, password), write=True)
    print(f"已更新密码 new password for {args.username}; older sessions ended")
    return 0


def disable_command(args: argparse.Namespace, ctx: Context) -> int:
    ctx.run(lambda conn, now: disable_user(conn, args.username, now), write=True)
    print(f"已停用 disabled {args.username}")
    return 0


def list_command(args: argparse.Namespace, ctx: Context) -> int:
    users = ctx.run(lambda conn, now: list_users(conn), write=False)
    if args.json:
        print_json({"count": len(users), "users": users})
    else:
        print_table([{"username": u["username"], "store": u["store_id"] or "*",
                      "disabled": "yes" if u["disabled_at"] else ""} for u in users],
                    ["username", "store", "disabled"])
    return 0
