"""``payterm member pay|balance`` and ``payterm cash pay``: online or offline by the
offline policy and the host's reachability (``offline.forced_offline`` forces offline)."""

from __future__ import annotations

import json
import time

from terminal.errors import HostError, UserFacingError
from terminal.money import format_amount, parse_amount
from terminal.offline_taking import OfflineRefused
from ui.cli.attempt_view import attempt_to_json
from ui.cli.output import print_error, print_json
from ui.composition.offline import (cash_payment, connectivity, member_payment,
                               open_host_unless_forced_offline, open_outbox, sync_now)
from ui.composition.payments import open_journal

EXIT_OK, EXIT_FAILED = 0, 1


def register(sub) -> None:
    member = sub.add_parser("member", help="member (face-pay account) payments")
    member_sub = member.add_subparsers(dest="member_command", metavar="ACTION", required=True)
    pay = member_sub.add_parser("pay", help="charge a member account (offline within limits)")
    pay.add_argument("--member", required=True, help="member id")
    pay.add_argument("--amount", required=True, help="yuan, e.g. 12.34")
    pay.add_argument("--evidence", help="match evidence as a JSON object (scores, liveness, "
                                        "template version); never an image")
    pay.add_argument("--subject")
    pay.add_argument("--wait", type=float, default=None,
                     help="seconds to resolve an unknown outcome inline")
    pay.add_argument("--json", action="store_true")
    pay.set_defaults(handler=member_pay_command)
    balance = member_sub.add_parser("balance", help="read a member's balance from the host "
                                                    "and keep it for offline limits")
    balance.add_argument("--member", required=True)
    balance.add_argument("--json", action="store_true")
    balance.set_defaults(handler=member_balance_command)

    cash = sub.add_parser("cash", help="cash sales (recorded, then forwarded to the host)")
    cash_sub = cash.add_subparsers(dest="cash_command", metavar="ACTION", required=True)
    cpay = cash_sub.add_parser("pay", help="record a cash sale")
    cpay.add_argument("--amount", required=True, help="yuan")
    cpay.add_argument("--tendered", help="yuan handed over (prints the change)")
    cpay.add_argument("--subject")
    cpay.add_argument("--json", action="store_true")
    cpay.set_defaults(handler=cash_pay_command)


def _evidence(text: str | None) -> dict:
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise UserFacingError(f"--evidence is not JSON: {exc}") from None
    if not isinstance(value, dict):
        raise UserFacingError("--evidence must be a JSON object")
    return value


def _forward(ctx, outbox, host, monitor) -> str:
    """Try to upload what is queued now; a failure leaves it for later."""
    if host is None or not monitor.online:
        return "queued"
    try:
        result = sync_now(ctx, outbox, host, monitor, max_batches=4)
    except HostError:
        return "queued"
    return "queued" if (result.error or result.unreachable) else "forwarded"


def _refused(args, exc: OfflineRefused) -> int:
    if args.json:
        print_json({"approved": False, "refused_by": exc.decision.limit_key,
                    "message": exc.decision.message})
    else:
        print_error(exc.decision.message)
    return EXIT_FAILED


def member_pay_command(args, ctx) -> int:
    amount = parse_amount(args.amount, max_fen=ctx.settings.terminal.max_amount_fen,
                          field="--amount")
    evidence = _evidence(args.evidence)
    journal = open_journal(ctx)
    outbox = open_outbox(ctx, journal)
    host = open_host_unless_forced_offline(ctx)
    monitor = connectivity(ctx)
    try:
        result = member_payment(ctx, host, journal, outbox, monitor).pay(
            args.member, amount, evidence=evidence, subject=args.subject, wait_s=args.wait)
    except OfflineRefused as exc:
        return _refused(args, exc)
    sync = _forward(ctx, outbox, host, monitor) if result.attempt.offline else ""
    if args.json:
        print_json({**attempt_to_json(result.attempt), "approved": result.approved,
                    "offline": result.attempt.offline, "sync": sync})
    else:
        print(result.message)
        print(f"交易号 out_trade_no: {result.attempt.out_trade_no}  金额 amount: "
              f"{format_amount(amount)}  会员 member: {result.attempt.member_ref}"
              + (f"  离线 offline ({sync})" if result.attempt.offline else ""))
    return EXIT_OK if result.approved else EXIT_FAILED


def member_balance_command(args, ctx) -> int:
    journal = open_journal(ctx)
    outbox = open_outbox(ctx, journal)
    host = open_host_unless_forced_offline(ctx)
    if host is None:
        raise UserFacingError("forced offline: the host is not asked",
                              user_message="离线模式，无法查询余额 / Forced offline; balance "
                                           "cannot be read")
    balance = host.member_balance(args.member)
    outbox.save_balance(args.member, balance, time.time())
    if args.json:
        print_json({"balance_fen": balance, "balance": format_amount(balance)})
    else:
        print(f"余额 balance: {format_amount(balance)}（已缓存供离线使用 / cached for offline use）")
    return EXIT_OK


def cash_pay_command(args, ctx) -> int:
    max_fen = ctx.settings.terminal.max_amount_fen
    amount = parse_amount(args.amount, max_fen=max_fen, field="--amount")
    tendered = (parse_amount(args.tendered, max_fen=10 * max_fen, field="--tendered")
                if args.tendered else None)
    journal = open_journal(ctx)
    outbox = open_outbox(ctx, journal)
    host = open_host_unless_forced_offline(ctx)
    monitor = connectivity(ctx)
    try:
        result = cash_payment(ctx, outbox, monitor).pay(amount, tendered_fen=tendered,
                                                        subject=args.subject)
    except OfflineRefused as exc:
        return _refused(args, exc)
    sync = _forward(ctx, outbox, host, monitor)
    attempt = journal.get(result.attempt.out_trade_no)
    if args.json:
        print_json({**attempt_to_json(attempt), "approved": True, "offline": attempt.offline,
                    "change_fen": result.change_fen, "sync": sync})
    else:
        print(result.message)
        print(f"交易号 out_trade_no: {attempt.out_trade_no}  "
              f"{'已上传 forwarded' if sync == 'forwarded' else '待上传 queued'}")
    return EXIT_OK
