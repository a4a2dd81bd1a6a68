"""``payterm journal list|show|recheck|new``: what the terminal did, with each attempt's
history; asking the host again about a held payment; starting a new journal knowingly."""

from __future__ import annotations

import sys

from offline_queue.journal_identity import StoreState, start_new_journal, store_state
from terminal.bilingual import Bilingual
from terminal.errors import QueueError
from ui.cli.attempt_view import attempt_row, attempt_to_json, local_time
from ui.cli.output import print_error, print_json, print_table
from ui.cli.paging import add_paging_args, page_of, slice_page
from ui.composition.payments import database_path, open_host, open_journal, resolver


def held_alarm(count: int) -> Bilingual:
    """The line above ``journal list`` while payments are held for a person."""
    return Bilingual(f"！{count} 笔交易主机应答不一致，已挂起待人工处理（payterm journal list "
                     "--held；核实后 payterm journal recheck 交易号）",
                     f"{count} payment(s) HELD: host answers inconsistent; see `payterm "
                     "journal list --held`, then `payterm journal recheck <out_trade_no>`")


def register(sub) -> None:
    journal = sub.add_parser("journal", help="list or show payment attempts")
    journal_sub = journal.add_subparsers(dest="journal_command", required=True)
    listing = journal_sub.add_parser("list", help="newest attempts first")
    add_paging_args(listing, default_limit=20)
    listing.add_argument("--search", default="", help="part of a trade number or masked code")
    listing.add_argument("--unresolved", action="store_true", help="only unknown outcomes")
    listing.add_argument("--held", action="store_true",
                         help="only payments held for a person (host answers inconsistent)")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=list_command)
    show = journal_sub.add_parser("show", help="one attempt with its full history")
    show.add_argument("out_trade_no")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=show_command)
    recheck = journal_sub.add_parser(
        "recheck", help="ask the host again about a held payment (one checked query)")
    recheck.add_argument("out_trade_no")
    recheck.add_argument("--json", action="store_true")
    recheck.set_defaults(handler=recheck_command)
    new = journal_sub.add_parser(
        "new", help="start a new journal where the old one is missing or empty (technician)")
    new.add_argument("--confirm", action="store_true",
                     help="yes: start a new journal (the old one's payments in doubt are then "
                          "settled with the host's records, not by this terminal)")
    new.add_argument("--json", action="store_true")
    new.set_defaults(handler=new_command)


def list_command(args, ctx) -> int:
    journal = open_journal(ctx)
    held = journal.held()
    if args.held:
        page = slice_page(args, held)
    elif args.unresolved:
        page = slice_page(args, journal.unresolved())
    else:
        page = page_of(args, journal.count(search=args.search),
                       lambda limit, offset: journal.recent(limit, offset=offset,
                                                            search=args.search))
    if args.json:
        print_json(page.as_json(attempt_to_json))
    else:
        if held:
            print(held_alarm(len(held)))
        print_table([attempt_row(a) for a in page.items],
                    ["trade", "time", "amount", "tender", "payer", "state", "reason"])
        if page.footer():
            print(page.footer())
    return 0


def recheck_command(args, ctx) -> int:
    """One query now for a held (or inconsistent) payment; exit 0 when it is settled."""
    journal = open_journal(ctx)
    attempt = journal.get(args.out_trade_no)
    if attempt is None:
        print_error(f"找不到交易 / no attempt {args.out_trade_no}")
        return 1
    if attempt.state.needs_person or attempt.state.needs_resolution:
        attempt = resolver(ctx, open_host(ctx), journal).recheck(attempt)
    if args.json:
        print_json(attempt_to_json(attempt))
    else:
        print(f"{attempt.out_trade_no}: {attempt.state.value} — {attempt_to_json(attempt)['message']}")
    return 0 if attempt.state.is_final else 1


def new_command(args, ctx) -> int:
    """Start a new journal (new epoch) where the store is missing or empty."""
    path = database_path(ctx)
    state = store_state(path)
    if not args.confirm:
        print_error(f"{path}: {state.value}. "
                    + ("已有交易日志，不会替换 / it holds a journal; nothing to do"
                       if state is StoreState.PRESENT else
                       "加 --confirm 启用新的交易日志（新编号段）/ add --confirm to start a new "
                       "journal (a new number range)"))
        return 2
    try:
        epoch, moved = start_new_journal(path, busy_timeout_ms=ctx.settings.storage.busy_timeout_ms)
    except QueueError as exc:
        print_error(f"{exc.user_message}\n  ({exc})")
        return 2
    data = {"database": str(path), "journal_epoch": epoch, "moved_aside": [str(m) for m in moved]}
    if args.json:
        print_json(data)
    else:
        print(f"已启用新的交易日志 / new journal started: {path} (epoch {epoch})")
        for item in moved:
            print(f"  空文件已移至 / empty file moved to {item}", file=sys.stdout)
    return 0


def show_command(args, ctx) -> int:
    journal = open_journal(ctx)
    attempt = journal.get(args.out_trade_no)
    if attempt is None:
        print(f"找不到交易 / no attempt {args.out_trade_no}")
        return 1
    history = journal.history(args.out_trade_no)
    refunds = journal.refunds(args.out_trade_no)
    if args.json:
        print_json({"attempt": attempt_to_json(attempt), "history": history, "refunds": refunds})
        return 0
    for key, value in attempt_to_json(attempt).items():
        print(f"{key:>22}: {value}")
    print("历史 history:")
    for event in history:
        print(f"  {local_time(event['at'])}  {event['event']:<22} {event['state']:<10} "
              f"{event['detail']}")
    for refund in refunds:
        print(f"退款 refund {refund['out_request_no']}: {refund['amount_fen']} fen {refund['state']}")
    return 0
