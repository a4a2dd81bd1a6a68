"""``payterm eod [--day YYYY-MM-DD] [--json]``: close the day (exit 0) or say why not (1):
anything unsynced, unresolved or held, an unavailable host statement, or a reconciliation
that does not balance (every differing line is listed)."""

from __future__ import annotations

import time
from datetime import date

from terminal.errors import UserFacingError
from terminal.money import format_amount
from offline_queue.end_of_day import close_day, find_blockers, today
from ui.cli.output import print_json
from ui.composition.payments import open_host, open_journal

EXIT_CLOSED, EXIT_REFUSED = 0, 1


def register(sub) -> None:
    eod = sub.add_parser("eod", help="end of day: Z-report and reconciliation with the host")
    eod.add_argument("--day", help="host calendar day YYYY-MM-DD (default: today, Beijing time)")
    eod.add_argument("--json", action="store_true")
    eod.set_defaults(handler=eod_command)


def eod_command(args, ctx) -> int:
    try:
        day = date.fromisoformat(args.day) if args.day else today(time.time())
    except ValueError:
        raise UserFacingError(f"--day {args.day!r} is not YYYY-MM-DD") from None
    journal = open_journal(ctx)
    blockers = find_blockers(journal)
    if blockers:
        # Refuse before touching the network: nothing may close with records in doubt.
        result_dict = {"day": day.isoformat(), "closed": False, "blockers": blockers,
                       "z_report": {}, "reconciliation": {}}
    else:
        result_dict = close_day(journal, open_host(ctx), day, time.time()).as_dict()
    if args.json:
        print_json(result_dict)
    else:
        _print(result_dict)
    return EXIT_CLOSED if result_dict["closed"] else EXIT_REFUSED


def _print(data: dict) -> None:
    if not data["closed"]:
        print(f"不能日结 {data['day']} / Cannot close {data['day']}:")
        blockers = data["blockers"]
        if "unresolved_count" in blockers:
            print(f"  {blockers['unresolved_count']} 笔结果待确认 / payments with an unknown "
                  "outcome (run `payterm resolve --until-done`):")
            for item in blockers["unresolved"]:
                print(f"    {item['out_trade_no']} {item['tender']} {item['amount']} {item['state']}")
        if "unsynced_count" in blockers:
            print(f"  {blockers['unsynced_count']} 条未上传 ({blockers['unsynced_amount']}) / "
                  "records not synced (keep online, `payterm queue sync`, `queue retry`):")
            for item in blockers["unsynced"]:
                print(f"    {item['out_trade_no']} {item['tender']} {item['amount']} "
                      f"{item['state']} {item['last_error']}")
        if "held_count" in blockers:
            print(f"  {blockers['held_count']} 笔主机应答不一致，已挂起待人工处理 / payments HELD "
                  "(host answers inconsistent; `payterm journal recheck <out_trade_no>`):")
            for item in blockers["held"]:
                print(f"    {item['out_trade_no']} {item['tender']} {item['amount']} {item['reason']}")
        if "refunds_in_doubt_count" in blockers:
            print(f"  {blockers['refunds_in_doubt_count']} 笔退款主机应答不一致 / refunds whose host "
                  "answer was inconsistent (refund again: the same request is re-sent):")
            for item in blockers["refunds_in_doubt"]:
                print(f"    {item['out_request_no']} {item['amount']} {item['state']}")
        if "host_statement" in blockers:
            print(f"  {blockers['host_statement']}")
        if "reconciliation" in blockers:
            print(f"  {blockers['reconciliation']['message']}")
            for item in blockers["reconciliation"]["lines"]:
                print(f"    {item['kind']}: {item['out_trade_no']} {item['detail']}")
        return
    z = data["z_report"]
    print(f"日结完成 Day closed: {data['day']}")
    print(f"  销售 sales: {z['sales_count']} 笔, {format_amount(z['gross_fen'])}")
    for key, slot in sorted(z["by_tender"].items()):
        print(f"    {key}: {slot['count']} 笔 {format_amount(slot['amount_fen'])}")
    print(f"  退款 refunds: {z['refunds']['count']} 笔 {format_amount(z['refunds']['amount_fen'])}")
    print(f"  净额 net: {z['net']}")
    print(f"  离线 offline: {z['offline']['count']} 笔 {format_amount(z['offline']['amount_fen'])}")
    print(f"  作废 voided: {z['voided']['count']} 笔 {format_amount(z['voided']['amount_fen'])}")
    print(f"  异常 exceptions (declined after sync): {len(z['exceptions'])}")
    for item in z["exceptions"]:
        print(f"    {item['out_trade_no']} {item['member']} {item['amount']} {item['reason_code']}")
    rec = data["reconciliation"]
    verdict = "一致 balanced" if rec["balanced"] else "不一致 DISCREPANCIES"
    print(f"  对账 reconciliation: {verdict} (terminal {format_amount(max(0, rec['terminal_net_fen']))}"
          f", host {format_amount(max(0, rec['host_net_fen']))}, matched {rec['matched']})")
    for item in rec["discrepancies"]:
        print(f"    {item['kind']}: {item['out_trade_no']} {item['detail']}")
