"""``faces key|status|erasure``: the operator's template key, the enrolled count
against the filing threshold, each terminal's gallery sync, and erasure proof."""

from __future__ import annotations

import argparse
from pathlib import Path

from backoffice.cli.context import Context
from backoffice.cli.output import print_json, print_table
from backoffice.errors import SettingError
from backoffice.faces.reports import erasure_report, filing_status, terminal_sync_states
from backoffice.faces.template_key import (key_path, load_template_cipher, parse_key,
                                           write_key_file)


def register(sub: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    faces = sub.add_parser("faces", parents=[parent], help="member faces: key, status, erasure")
    actions = faces.add_subparsers(dest="faces_command", metavar="ACTION", required=True)
    key = actions.add_parser("key", parents=[parent],
                             help="show, make or import the face template key")
    key.add_argument("--create", action="store_true", help="make a new random key (0600)")
    key.add_argument("--import", dest="import_file", metavar="FILE",
                     help="store the operator's own 32-byte key (raw or base64) from FILE")
    key.add_argument("--json", action="store_true")
    key.set_defaults(handler=key_command)
    status = actions.add_parser("status", parents=[parent],
                                help="enrolled people against the 100,000 filing threshold, "
                                     "and each terminal's gallery sync")
    status.add_argument("--store")
    status.add_argument("--json", action="store_true")
    status.set_defaults(handler=status_command)
    erasure = actions.add_parser("erasure", parents=[parent],
                                 help="show that a deleted member's faces left every terminal")
    erasure.add_argument("member_id", metavar="ID")
    erasure.add_argument("--json", action="store_true")
    erasure.set_defaults(handler=erasure_command)


def key_command(args: argparse.Namespace, ctx: Context) -> int:
    path = key_path(ctx.settings.face_key_file, ctx.locations.face_key)
    if args.create and args.import_file:
        raise SettingError("--create", "give either --create or --import")
    if args.import_file:
        try:
            data = Path(args.import_file).read_bytes()[:1024]
        except OSError as exc:
            raise SettingError("--import", f"cannot read {args.import_file}: {exc.strerror}") \
                from None
        cipher = write_key_file(path, parse_key(data, args.import_file))
    elif args.create:
        cipher = write_key_file(path)
    else:
        cipher = load_template_cipher(path)
    result = {"key_file": str(path), "present": cipher is not None,
              "key_id": cipher.key_id if cipher else None}
    if args.json:
        print_json(result)
    elif cipher is None:
        print(f"没有人脸模板密钥 no face template key at {path}: create one with "
              "`payterm-backoffice faces key --create` (or --import FILE)")
    else:
        print(f"人脸模板密钥 face template key {cipher.key_id} at {path}; copy it (0600) to "
              "every instance, and keep a safe copy: without it no template can be read")
    return 0


def status_command(args: argparse.Namespace, ctx: Context) -> int:
    def read(conn, now):
        return filing_status(conn), terminal_sync_states(conn, args.store)
    status, terminals = ctx.run(read, write=False)
    if args.json:
        print_json({**status, "terminals": terminals})
        return 0
    print(f"已登记人脸 enrolled people: {status['enrolled_people']:,} / filing threshold "
          f"{status['filing_threshold']:,} ({status['share_of_threshold']:.2%})"
          + ("  须备案 FILING REQUIRED" if status["over_threshold"] else
             "  接近门槛 near the threshold" if status["warning"] else ""))
    print_table([{"terminal": t["terminal_id"], "store": t["store_id"], "status": t["status"],
                  "gallery version applied": "-" if t["applied_version"] is None
                  else str(t["applied_version"])} for t in terminals],
                ["terminal", "store", "status", "gallery version applied"])
    return 0


def erasure_command(args: argparse.Namespace, ctx: Context) -> int:
    report = ctx.run(lambda conn, now: erasure_report(conn, args.member_id), write=False)
    if args.json:
        print_json(report)
        return 0
    if not report["erased"]:
        print(f"会员 member {args.member_id} is not deleted")
        return 1
    print(f"会员 member {args.member_id} erased; templates left: {report['templates_left']}; "
          f"gallery version {report['gallery_version']}; every terminal reached: "
          f"{'yes 是' if report['reached_every_terminal'] else 'NOT YET 尚未'}")
    print_table([{"terminal": t["terminal_id"], "reached": "yes" if t["reached"] else "no",
                  "applied": str(t["applied_version"])} for t in report["terminals"]],
                ["terminal", "reached", "applied"])
    return 0
