"""``payterm journal list|show``: what the terminal did, with each attempt's history."""

from __future__ import annotations

from ui.cli.attempt_view import attempt_row, attempt_to_json, local_time
from ui.cli.output import print_json, print_table
from ui.composition.payments import open_journal


def register(sub) -> None:
    journal = sub.add_parser("journal", help="list or show payment attempts")
    journal_sub = journal.add_subparsers(dest="journal_command", required=True)
    listing = journal_sub.add_parser("list", help="newest attempts first")
    listing.add_argument("--limit", type=int, default=20)
    listing.add_argument("--search", default="", help="part of a trade number or masked code")
    listing.add_argument("--unresolved", action="store_true", help="only unknown outcomes")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=list_command)
    show = journal_sub.add_parser("show", help="one attempt with its full history")
    show.add_argument("out_trade_no")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=show_command)


def list_command(args, ctx) -> int:
    journal = open_journal(ctx)
    if args.unresolved:
        attempts = journal.unresolved()
    else:
        attempts = journal.recent(args.limit, search=args.search)
    if args.json:
        print_json([attempt_to_json(a) for a in attempts])
    else:
        print_table([attempt_row(a) for a in attempts],
                    ["trade", "time", "amount", "tender", "payer", "state", "reason"])
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
