"""``payterm queue status|list|show|retry|void|sync|export``: the outbox of offline records."""

from __future__ import annotations

import csv
import json
import sys
import time

from terminal.errors import UserFacingError
from terminal.money import format_amount
from offline_queue.outbox_view import (STATES, count_entries, get_entry, iter_all, list_entries,
                                       queue_status)
from ui.cli.attempt_view import local_time
from ui.cli.output import print_json, print_table
from ui.cli.paging import add_paging_args, page_of
from ui.composition.offline import open_host_unless_forced_offline, open_outbox, sync_now
from ui.composition.payments import open_journal

EXIT_OK, EXIT_FAILED = 0, 1
EXPORT_FIELDS = ("out_trade_no", "seq", "tender", "amount", "amount_fen", "created_at", "state",
                 "journal_state", "member", "taken_offline", "attempts", "last_error",
                 "synced_at", "host_trade_no", "reason_code", "reason_msg", "dead_reason")


def register(sub) -> None:
    queue = sub.add_parser("queue", help="offline records waiting for, or done with, the host")
    q = queue.add_subparsers(dest="queue_command", metavar="ACTION", required=True)
    status = q.add_parser("status", help="what is waiting, how old, the last error")
    status.add_argument("--json", action="store_true")
    status.set_defaults(handler=status_command)
    lst = q.add_parser("list", help="records in creation order")
    lst.add_argument("--state", action="append", choices=STATES,
                     help="only these states (repeatable); exceptions are 'declined'")
    add_paging_args(lst, default_limit=50)
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(handler=list_command)
    show = q.add_parser("show", help="one record with its journal history")
    show.add_argument("out_trade_no")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=show_command)
    retry = q.add_parser("retry", help="send a dead letter (or a backed-off record) again")
    retry.add_argument("out_trade_no", nargs="?")
    retry.add_argument("--all-dead", action="store_true")
    retry.add_argument("--json", action="store_true")
    retry.set_defaults(handler=retry_command)
    void = q.add_parser("void", help="cancel an unsynced record locally (never uploaded)")
    void.add_argument("out_trade_no")
    void.add_argument("--reason", default="")
    void.add_argument("--json", action="store_true")
    void.set_defaults(handler=void_command)
    sync = q.add_parser("sync", help="forward what is due now (the kiosk does this itself)")
    sync.add_argument("--json", action="store_true")
    sync.set_defaults(handler=sync_command)
    export = q.add_parser("export", help="every record as CSV (default) or JSON lines")
    export.add_argument("--json", action="store_true")
    export.add_argument("--output", help="file to write (default: standard output)")
    export.set_defaults(handler=export_command)


def status_command(args, ctx) -> int:
    journal = open_journal(ctx, check_integrity=False)
    now = time.time()
    data = queue_status(journal.db).as_dict(now)
    data["exceptions"] = journal.db.execute(
        "SELECT COUNT(*) FROM outbox WHERE state = 'declined'").fetchone()[0]
    data["unresolved"] = len(journal.unresolved())
    if args.json:
        print_json(data)
        return EXIT_OK
    age = data["oldest_pending_age_s"]
    print(f"待上传 pending: {data['pending']} ({data['pending_amount']})"
          + (f", 最早 oldest {age:.0f} s" if age is not None else ""))
    print(f"死信 dead letters: {data['dead_letters']} ({format_amount(data['dead_fen'])})")
    print(f"异常（平台拒绝）exceptions (declined by the host): {data['exceptions']}")
    print(f"结果待确认 unresolved payments: {data['unresolved']}")
    if data["last_error"]:
        print(f"上次错误 last error: {data['last_error']}")
    return EXIT_OK


def _rows(entries: list[dict]) -> list[dict]:
    return [{"trade": e["out_trade_no"], "time": local_time(e["created_at"]),
             "tender": e["tender"], "amount": e["amount"], "member": e["member"],
             "state": e["state"], "tries": e["attempts"],
             "note": e["reason_msg"] or e["dead_reason"] or e["last_error"]} for e in entries]


def list_command(args, ctx) -> int:
    journal = open_journal(ctx, check_integrity=False)
    states = tuple(args.state or ())
    page = page_of(args, count_entries(journal.db, states=states),
                   lambda limit, offset: list_entries(journal.db, states=states, limit=limit,
                                                      offset=offset))
    if args.json:
        print_json(page.as_json())
    else:
        print_table(_rows(page.items), ["trade", "time", "tender", "amount", "member", "state",
                                        "tries", "note"])
        if page.footer():
            print(page.footer())
    return EXIT_OK


def show_command(args, ctx) -> int:
    journal = open_journal(ctx, check_integrity=False)
    entry = get_entry(journal.db, args.out_trade_no)
    if entry is None:
        raise UserFacingError(f"队列中没有 {args.out_trade_no} / No queued record "
                              f"{args.out_trade_no}")
    entry["history"] = journal.history(args.out_trade_no)
    if args.json:
        print_json(entry)
    else:
        for key, value in entry.items():
            if key != "history":
                print(f"{key}: {value}")
        for event in entry["history"]:
            print(f"  {local_time(event['at'])} {event['event']} → {event['state']}")
    return EXIT_OK


def retry_command(args, ctx) -> int:
    journal = open_journal(ctx)
    outbox = open_outbox(ctx, journal)
    if args.all_dead:
        numbers = [e["out_trade_no"] for e in list_entries(journal.db, states=("dead",),
                                                           limit=None)]
    elif args.out_trade_no:
        numbers = [args.out_trade_no]
    else:
        raise UserFacingError("give an out_trade_no or --all-dead")
    for number in numbers:
        outbox.retry(number, time.time())
    if args.json:
        print_json({"retried": numbers})
    else:
        print(f"已重新排队 {len(numbers)} 条 / {len(numbers)} record(s) queued again")
    return EXIT_OK


def void_command(args, ctx) -> int:
    journal = open_journal(ctx)
    outbox = open_outbox(ctx, journal)
    attempt = outbox.void(args.out_trade_no, time.time(), args.reason)
    if args.json:
        print_json({"out_trade_no": attempt.out_trade_no, "state": "voided",
                    "amount": format_amount(attempt.amount_fen)})
    else:
        print(f"已作废 {attempt.out_trade_no} {format_amount(attempt.amount_fen)}，不会上传 / "
              "voided; it will never be uploaded")
    return EXIT_OK


def sync_command(args, ctx) -> int:
    journal = open_journal(ctx)
    outbox = open_outbox(ctx, journal)
    host = open_host_unless_forced_offline(ctx)
    if host is None:
        raise UserFacingError("离线模式，不上传 / Forced offline; nothing is forwarded")
    result = sync_now(ctx, outbox, host)
    data = {"sent": result.sent, "booked": result.booked, "declined": result.declined,
            "deferred": result.deferred, "dead": result.dead, "error": result.error}
    if args.json:
        print_json(data)
    else:
        print(f"上传 sent {result.sent}: 成功 booked {result.booked}, 拒绝 declined "
              f"{result.declined}, 稍后重试 deferred {result.deferred}, 死信 dead {result.dead}"
              + (f"; 错误 error: {result.error}" if result.error else ""))
    return EXIT_OK if not (result.error or result.unreachable) else EXIT_FAILED


def export_command(args, ctx) -> int:
    journal = open_journal(ctx, check_integrity=False)
    handle = open(args.output, "w", newline="", encoding="utf-8") if args.output else sys.stdout
    try:
        if args.json:
            for entry in iter_all(journal.db):
                handle.write(json.dumps({k: entry[k] for k in EXPORT_FIELDS},
                                        ensure_ascii=False) + "\n")
        else:
            writer = csv.DictWriter(handle, fieldnames=EXPORT_FIELDS, extrasaction="ignore")
            writer.writeheader()
            for entry in iter_all(journal.db):
                writer.writerow(entry)
    finally:
        if args.output:
            handle.close()
    return EXIT_OK
