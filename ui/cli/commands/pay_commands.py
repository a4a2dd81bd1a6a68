"""``payterm pay | query | refund | resolve``: wallet payments from the command line."""

from __future__ import annotations

import sys
import time

from terminal.money import format_amount, parse_amount
from ui.cli.attempt_view import attempt_to_json
from ui.cli.output import print_json
from ui.composition.payments import (open_host, open_journal, refunds, resolver, wallet_payment)
from offline_queue.resolver_worker import run_pass

EXIT_OK, EXIT_FAILED = 0, 1


def register(sub) -> None:
    pay = sub.add_parser("pay", help="take a wallet payment-code payment")
    pay.add_argument("--amount", required=True, help="yuan, e.g. 12.34")
    pay.add_argument("--code", required=True, help="the customer's payment code (digits)")
    pay.add_argument("--subject", help="trade subject shown in the customer's wallet")
    pay.add_argument("--wait", type=float, default=None,
                     help="seconds to keep resolving an unknown outcome before handing it "
                          "to the background resolver (default: the wallet's budget)")
    pay.add_argument("--json", action="store_true")
    pay.set_defaults(handler=pay_command)

    query = sub.add_parser("query", help="ask the host about a trade and update the journal")
    query.add_argument("out_trade_no")
    query.add_argument("--json", action="store_true")
    query.set_defaults(handler=query_command)

    refund = sub.add_parser("refund", help="refund an approved sale (part or all)")
    refund.add_argument("out_trade_no")
    refund.add_argument("--amount", required=True, help="yuan to refund")
    refund.add_argument("--reason", default="")
    refund.add_argument("--json", action="store_true")
    refund.set_defaults(handler=refund_command)

    resolve = sub.add_parser("resolve", help="finish payments whose outcome is unknown")
    resolve.add_argument("--until-done", action="store_true",
                         help="keep going until nothing is unresolved (or --timeout)")
    resolve.add_argument("--timeout", type=float, default=300.0, help="seconds, with --until-done")
    resolve.add_argument("--json", action="store_true")
    resolve.set_defaults(handler=resolve_command)


def pay_command(args, ctx) -> int:
    amount = parse_amount(args.amount, max_fen=ctx.settings.terminal.max_amount_fen,
                          field="--amount")
    journal = open_journal(ctx)
    host = open_host(ctx)
    # Whatever an earlier run left unknown is finished first (after a crash, a power cut).
    run_pass(resolver(ctx, host, journal), journal)
    last_state = []

    def show(attempt):
        if not args.json and (not last_state or last_state[-1] != attempt.state):
            note = " (等待输入密码 waiting for password)" if attempt.waiting_for_password else ""
            print(f"  … {attempt.out_trade_no} {attempt.state.value}{note}", file=sys.stderr)
            last_state.append(attempt.state)

    result = wallet_payment(ctx, host, journal).pay(amount, args.code, subject=args.subject,
                                                    wait_s=args.wait, on_update=show)
    if args.json:
        print_json(attempt_to_json(result.attempt))
    else:
        print(result.message)
        print(f"交易号 out_trade_no: {result.attempt.out_trade_no}  "
              f"金额 amount: {format_amount(amount)}  付款码 code: {result.attempt.code_masked}")
    return EXIT_OK if result.approved else EXIT_FAILED


def query_command(args, ctx) -> int:
    journal = open_journal(ctx)
    host = open_host(ctx)
    answer = host.query(args.out_trade_no)
    attempt = journal.get(args.out_trade_no)
    if attempt is not None and attempt.state.needs_resolution:
        attempt = resolver(ctx, host, journal).step(attempt)
    data = {"host_status": answer.status.value, "host_trade_no": answer.host_trade_no,
            "host_amount": format_amount(answer.total_fen) if answer.total_fen else "",
            "journal": attempt_to_json(attempt) if attempt else None}
    if args.json:
        print_json(data)
    else:
        print(f"平台状态 host status: {answer.status.value}")
        if attempt:
            print(f"本地状态 terminal state: {attempt.state.value}")
        else:
            print("本终端没有该交易 / not in this terminal's journal")
    return EXIT_OK


def refund_command(args, ctx) -> int:
    journal = open_journal(ctx)
    host = open_host(ctx)
    attempt = journal.get(args.out_trade_no)
    max_fen = attempt.amount_fen if attempt else ctx.settings.terminal.max_amount_fen
    amount = parse_amount(args.amount, max_fen=max_fen, field="--amount")
    result = refunds(ctx, host, journal).refund(args.out_trade_no, amount, args.reason)
    if args.json:
        print_json({"accepted": result.accepted, "out_request_no": result.out_request_no,
                    "message": result.message, "trade": attempt_to_json(result.attempt)})
    else:
        print(result.message)
        print(f"退款单号 out_request_no: {result.out_request_no}")
    return EXIT_OK if result.accepted else EXIT_FAILED


def resolve_command(args, ctx) -> int:
    journal = open_journal(ctx)
    host = open_host(ctx)
    engine = resolver(ctx, host, journal)
    deadline = time.monotonic() + (args.timeout if args.until_done else 0)
    while True:
        next_due = run_pass(engine, journal)
        remaining = journal.unresolved()
        if not remaining or not args.until_done or time.monotonic() >= deadline:
            break
        time.sleep(max(0.05, min(1.0, next_due - time.time())))
    data = [attempt_to_json(a) for a in remaining]
    # Held payments are not resolved by the terminal alone: a person must look.
    held = [attempt_to_json(a) for a in journal.held()]
    if args.json:
        print_json({"unresolved": data, "held": held})
    else:
        print(f"未决交易 unresolved: {len(remaining)}")
        for item in data:
            print(f"  {item['out_trade_no']} {item['amount']} {item['state']} {item['message']}")
        if held:
            print(f"挂起待人工处理 held for a person: {len(held)} "
                  "(payterm journal list --held; payterm journal recheck <out_trade_no>)")
            for item in held:
                print(f"  {item['out_trade_no']} {item['amount']} {item['state']} {item['message']}")
    return EXIT_OK if not remaining and not held else EXIT_FAILED
