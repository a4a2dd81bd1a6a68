"""``member add|show|list|topup|freeze|unfreeze|delete``."""

from __future__ import annotations

import argparse
import re

from backoffice.cli.context import Context
from backoffice.cli.output import print_json, print_table
from backoffice.errors import SettingError
from backoffice.faces.reports import member_face_summary
from backoffice.members.accounts import (MemberInfo, add_member, list_members,
                                         require_member, set_frozen, top_up)
from backoffice.members.erasure import delete_member
from backoffice.registry.terminals import check_store_id
from terminal.money import from_yuan_string, to_yuan_string

_YUAN = re.compile(r"^[0-9]{1,10}(\.[0-9]{1,2})?$")


def yuan_option(text: str, option: str, *, allow_zero: bool) -> int:
    """A yuan amount typed by an operator ("100", "100.5", "100.50") as fen."""
    cleaned = (text or "").strip()
    if not _YUAN.match(cleaned):
        raise SettingError(option, f"{text!r} is not a yuan amount like 100.00 (digits, at most "
                                   "two decimals, not negative)")
    fen = from_yuan_string(cleaned)
    if fen == 0 and not allow_zero:
        raise SettingError(option, "must be more than zero")
    return fen


def register(sub: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    member = sub.add_parser("member", parents=[parent], help="member accounts")
    actions = member.add_subparsers(dest="member_command", metavar="ACTION", required=True)
    add = actions.add_parser("add", parents=[parent], help="open a member account")
    add.add_argument("--id", required=True)
    add.add_argument("--phone", required=True, help="mobile number (11 digits)")
    add.add_argument("--balance", default="0.00", help="opening balance in yuan")
    add.add_argument("--store", required=True, help="the store whose terminals it pays at")
    add.add_argument("--json", action="store_true")
    add.set_defaults(handler=add_command)
    show = actions.add_parser("show", parents=[parent], help="one member (balance in yuan)")
    show.add_argument("member_id", metavar="ID")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=show_command)
    listing = actions.add_parser("list", parents=[parent], help="every member")
    listing.add_argument("--store")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=list_command)
    topup = actions.add_parser("topup", parents=[parent], help="add money to a balance")
    topup.add_argument("member_id", metavar="ID")
    topup.add_argument("--amount", required=True, help="yuan")
    topup.add_argument("--note", default="")
    topup.add_argument("--json", action="store_true")
    topup.set_defaults(handler=topup_command)
    for name, frozen, text in (("freeze", True, "stop the account paying"),
                               ("unfreeze", False, "let it pay again")):
        action = actions.add_parser(name, parents=[parent], help=text)
        action.add_argument("member_id", metavar="ID")
        action.add_argument("--json", action="store_true")
        action.set_defaults(handler=freeze_command, frozen=frozen)
    delete = actions.add_parser("delete", parents=[parent],
                                help="erase the member's personal data (faces too)")
    delete.add_argument("member_id", metavar="ID")
    delete.add_argument("--force", action="store_true",
                        help="also when a balance is left: it is booked as paid out")
    delete.add_argument("--json", action="store_true")
    delete.set_defaults(handler=delete_command)


def _print_member(args: argparse.Namespace, info: MemberInfo, verb: str = "") -> int:
    if args.json:
        print_json(info.as_dict())
    else:
        print(f"{verb + ' ' if verb else ''}会员 member {info.member_id}: store {info.store_id}, "
              f"{info.status.value}, 余额 balance {to_yuan_string(info.balance_fen)}, "
              f"phone ***{info.phone_last4}")
    return 0


def add_command(args: argparse.Namespace, ctx: Context) -> int:
    balance = yuan_option(args.balance, "--balance", allow_zero=True)
    check_store_id(args.store)
    info = ctx.run(lambda conn, now: add_member(conn, args.id, args.phone, balance, args.store,
                                                now), write=True)
    return _print_member(args, info, "已开户 opened")


def show_command(args: argparse.Namespace, ctx: Context) -> int:
    def read(conn, now):
        return require_member(conn, args.member_id), member_face_summary(conn, args.member_id)
    info, face = ctx.run(read, write=False)
    if args.json:
        print_json({**info.as_dict(), "face": face})
        return 0
    _print_member(args, info)
    if face["enrolled"]:
        print(f"人脸 face: enrolled, {face['templates']} templates, consent "
              f"{face['consent_version']} recorded by {face['consent_recorded_by']}")
    else:
        print("人脸 face: not enrolled")
    return 0


def list_command(args: argparse.Namespace, ctx: Context) -> int:
    infos = ctx.run(lambda conn, now: list_members(conn, args.store), write=False)
    if args.json:
        print_json({"count": len(infos), "members": [i.as_dict() for i in infos]})
        return 0
    print_table([{"member": i.member_id, "store": i.store_id, "status": i.status.value,
                  "balance": to_yuan_string(i.balance_fen), "phone": f"***{i.phone_last4}"}
                 for i in infos], ["member", "store", "status", "balance", "phone"])
    return 0


def topup_command(args: argparse.Namespace, ctx: Context) -> int:
    amount = yuan_option(args.amount, "--amount", allow_zero=False)
    info = ctx.run(lambda conn, now: top_up(conn, args.member_id, amount, now, args.note),
                   write=True)
    return _print_member(args, info, "已充值 topped up")


def freeze_command(args: argparse.Namespace, ctx: Context) -> int:
    info = ctx.run(lambda conn, now: set_frozen(conn, args.member_id, args.frozen, now),
                   write=True)
    return _print_member(args, info, "已冻结 frozen" if args.frozen else "已解冻 unfrozen")


def delete_command(args: argparse.Namespace, ctx: Context) -> int:
    result = ctx.run(lambda conn, now: delete_member(conn, args.member_id, now,
                                                     pay_out_balance=args.force), write=True)
    if args.json:
        print_json(result)
    elif result.get("already_deleted"):
        print(f"会员 member {args.member_id} 已注销 was already deleted")
    else:
        print(f"已注销 deleted member {args.member_id}: phone erased, face templates erased: "
              f"{result['face_templates']}, paid out {to_yuan_string(result['paid_out_fen'])}")
    return 0
