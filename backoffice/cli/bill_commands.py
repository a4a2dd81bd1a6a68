"""``bill`` (every trade of a day) and ``exceptions list|resolve`` (the store's list)."""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date, datetime
from typing import Any

from sqlalchemy.engine import Connection

from backoffice.cli.context import Context
from backoffice.cli.output import print_json, print_table
from backoffice.clock import HOST_TZ, today
from backoffice.errors import SettingError
from backoffice.registry.terminals import check_store_id
from backoffice.trades.daily_bill import bill_rows
from backoffice.trades.store_exceptions import list_exceptions, resolve_exception
from terminal.money import to_yuan_string


def register(sub: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    bill = sub.add_parser("bill", parents=[parent],
                          help="every trade of one day (offline ones included)")
    bill.add_argument("--date", help="YYYY-MM-DD, Beijing time (default today)")
    bill.add_argument("--store", help="only this store")
    bill.add_argument("--json", action="store_true")
    bill.set_defaults(handler=bill_command)
    exceptions = sub.add_parser("exceptions", parents=[parent],
                                help="late declines and other records the store must settle")
    actions = exceptions.add_subparsers(dest="exceptions_command", metavar="ACTION",
                                        required=True)
    listing = actions.add_parser("list", parents=[parent])
    listing.add_argument("--store")
    listing.add_argument("--date", help="YYYY-MM-DD (day the payment was taken)")
    listing.add_argument("--open", action="store_true", help="only unresolved ones")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=exceptions_list_command)
    resolve = actions.add_parser("resolve", parents=[parent], help="mark one settled")
    resolve.add_argument("exception_id", type=int, metavar="ID")
    resolve.add_argument("--note", required=True, help="what was done (e.g. cash collected)")
    resolve.add_argument("--json", action="store_true")
    resolve.set_defaults(handler=exceptions_resolve_command)


def _day(text: str | None) -> date:
    if not text:
        return today(time.time())
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise SettingError("--date", f"{text!r} is not a date YYYY-MM-DD") from None


class _Totals:
    def __init__(self) -> None:
        self.count = 0
        self.paid_fen = 0
        self.refund_fen = 0
        self.net_fen = 0
        self.by_tender: dict[str, dict[str, int]] = {}
        self.offline = {"count": 0, "net_fen": 0}
        self.declined = 0

    def add(self, line: dict[str, Any]) -> None:
        self.count += 1
        self.refund_fen += line["refund_fen"]
        self.net_fen += line["net_fen"]
        if line["net_fen"] or line["refund_fen"]:
            self.paid_fen += line["total_fen"]
        if line["decline_code"]:
            self.declined += 1
        slot = self.by_tender.setdefault(line["tender"], {"count": 0, "net_fen": 0})
        slot["count"] += 1
        slot["net_fen"] += line["net_fen"]
        if line["offline"]:
            self.offline["count"] += 1
            self.offline["net_fen"] += line["net_fen"]

    def as_dict(self) -> dict[str, Any]:
        return {"trades": self.count, "paid_fen": self.paid_fen, "refund_fen": self.refund_fen,
                "net_fen": self.net_fen, "net": to_yuan_string(self.net_fen),
                "declined": self.declined, "by_tender": self.by_tender, "offline": self.offline}


def bill_command(args: argparse.Namespace, ctx: Context) -> int:
    day = _day(args.date)
    store = check_store_id(args.store) if args.store else None
    if args.json:
        # Streamed: a chain's day is printed row by row, all of it, as one JSON object.
        def stream(conn: Connection, now: float) -> None:
            totals = _Totals()
            out = sys.stdout
            out.write('{"date": %s, "store": %s, "trades": [' % (json.dumps(day.isoformat()),
                                                                 json.dumps(store)))
            for index, line in enumerate(bill_rows(conn, day, store)):
                totals.add(line)
                out.write(("," if index else "") + "\n  "
                          + json.dumps(line, ensure_ascii=False, sort_keys=True))
            out.write('\n], "totals": %s}\n' % json.dumps(totals.as_dict(), sort_keys=True))
        ctx.run(stream, write=False)
        return 0

    def collect(conn: Connection, now: float) -> list[dict[str, Any]]:
        return list(bill_rows(conn, day, store))
    lines = ctx.run(collect, write=False)
    totals = _Totals()
    for line in lines:
        totals.add(line)
    print(f"账单 bill {day.isoformat()}" + (f"  store {store}" if store else ""))
    print_table([{"time": datetime.fromtimestamp(r["created_at"], HOST_TZ).strftime("%H:%M:%S"),
                  "terminal": r["terminal_id"], "out_trade_no": r["out_trade_no"],
                  "tender": r["tender"], "amount": r["total_amount"],
                  "refund": r["refund_amount"], "status": r["trade_status"],
                  "offline": "离线 offline" if r["offline"] else "",
                  "decline": r["decline_code"]} for r in lines],
                ["time", "terminal", "out_trade_no", "tender", "amount", "refund", "status",
                 "offline", "decline"])
    print(f"合计 total: {totals.count} trades, net {to_yuan_string(totals.net_fen)}, refunds "
          f"{to_yuan_string(totals.refund_fen)}, declined {totals.declined}")
    return 0


def exceptions_list_command(args: argparse.Namespace, ctx: Context) -> int:
    day = _day(args.date).isoformat() if args.date else None
    items = ctx.run(lambda conn, now: list_exceptions(conn, store_id=args.store, day=day,
                                                      open_only=args.open), write=False)
    if args.json:
        print_json({"count": len(items), "exceptions": [i.as_dict() for i in items]})
        return 0
    print_table([{"id": i.exception_id, "store": i.store_id, "terminal": i.terminal_id,
                  "out_trade_no": i.out_trade_no, "kind": i.kind, "reason": i.reason_code,
                  "amount": to_yuan_string(i.amount_fen), "member": i.member_id,
                  "resolved": i.resolution if i.resolved_at else ""} for i in items],
                ["id", "store", "terminal", "out_trade_no", "kind", "reason", "amount",
                 "member", "resolved"])
    return 0


def exceptions_resolve_command(args: argparse.Namespace, ctx: Context) -> int:
    item = ctx.run(lambda conn, now: resolve_exception(conn, args.exception_id, args.note, now),
                   write=True)
    if args.json:
        print_json(item.as_dict())
    else:
        print(f"已处理 resolved exception {item.exception_id}: {item.resolution}")
    return 0
