"""``payterm pos-sim``: a reference POS (cash register) driving a running terminal over
the Terminal API: ``pay``, ``abort``, ``refund``, ``status``, ``eod`` (and ``diag``).

It finds the terminal through ``<data dir>/keys/pos_api.json`` (``payterm pos-api key
--json``) unless ``--url/--key/--tls-sha256`` are given, and remembers its last payment
(``<data dir>/pos-sim/last.json``) so that ``abort`` and ``status`` need no arguments.
A payment whose answer is InProgress (or lost) is recovered the way a POS must:
TransactionStatus until the outcome is final.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import datetime
from urllib.parse import parse_qsl

from drivers.pos_api.client import (TerminalApiClient, TerminalApiError, new_service_id,
                                    result_of)
from terminal.errors import UserFacingError
from ui.cli.output import print_error, print_json

EXIT_OK, EXIT_FAILED, EXIT_ERROR = 0, 1, 4


def register(sub) -> None:
    sim = sub.add_parser("pos-sim", help="reference POS driving a terminal's Terminal API")
    sim.add_argument("--url")
    sim.add_argument("--key")
    sim.add_argument("--tls-sha256")
    sim.add_argument("--sale-id", default="POSSIM1", help="this POS's SaleID")
    sim.add_argument("--poi-id", help="the terminal's POIID (default: its terminal id)")
    sim.add_argument("--json", action="store_true", help="print the full answers")
    acts = sim.add_subparsers(dest="pos_sim_command", metavar="ACTION", required=True)
    pay = acts.add_parser("pay", help="start a payment and wait for its outcome")
    pay.add_argument("--amount", required=True, help="yuan, e.g. 12.34")
    pay.add_argument("--code", help="a payment code the POS scanned itself")
    pay.add_argument("--transaction-id", help="the POS's sale number (default: new)")
    pay.add_argument("--wait", type=float, default=60.0,
                     help="seconds the terminal may take before answering InProgress")
    pay.add_argument("--recover-for", type=float, default=300.0,
                     help="seconds to keep asking TransactionStatus after InProgress")
    pay.set_defaults(handler=pay_command)
    _json_option(pay)
    for name, helptext in (("abort", "abort the payment in progress"),
                           ("status", "the outcome of an earlier payment")):
        act = acts.add_parser(name, help=helptext)
        act.add_argument("--service-id")
        act.add_argument("--transaction-id")
        act.set_defaults(handler=abort_command if name == "abort" else status_command)
        _json_option(act)
    refund = acts.add_parser("refund", help="refund (Reversal) a payment, whole or part")
    refund.add_argument("out_trade_no", help="POITransactionID of the payment")
    refund.add_argument("--amount", help="yuan (default: all that is left)")
    refund.add_argument("--refund-id", help="the POS's refund number (idempotency key)")
    refund.set_defaults(handler=refund_command)
    _json_option(refund)
    eod = acts.add_parser("eod", help="end of day (Reconciliation)")
    eod.set_defaults(handler=eod_command)
    _json_option(eod)
    diag = acts.add_parser("diag", help="device and host health (Diagnosis)")
    diag.set_defaults(handler=diag_command)
    _json_option(diag)


def _json_option(parser) -> None:
    parser.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                        help="print the full answers")


def _client(args, ctx) -> TerminalApiClient:
    url, key, fingerprint = args.url, args.key, args.tls_sha256
    if not (url and key):
        path = ctx.path(ctx.settings.pos_api.key_file)
        try:
            stored = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise UserFacingError(f"no --url/--key and no readable {path} "
                                  "(run `payterm pos-api key` on the terminal)") from None
        url, key = url or stored["url"], key or stored["key"]
        fingerprint = fingerprint or stored.get("tls_sha256", "")
    poi = args.poi_id or ctx.settings.pos_api.poi_id or ctx.settings.terminal.terminal_id
    return TerminalApiClient(url, key, tls_sha256=fingerprint or "", sale_id=args.sale_id,
                             poi_id=poi)


def _last_file(ctx):
    return ctx.data_dir / "pos-sim" / "last.json"


def _show(args, answer: dict, key: str) -> str:
    result = result_of(answer, key)
    if args.json:
        print_json(json.loads(json.dumps(answer, default=float)))
    else:
        body = answer["SaleToPOIResponse"].get(key, {})
        extra = parse_qsl(body.get("Response", {}).get("AdditionalResponse", ""))
        print(f"{key}: {result}")
        for name, value in extra:
            print(f"  {name}: {value}")
    return result


def _run(args, ctx, action) -> int:
    try:
        with _client(args, ctx) as client:
            return action(client)
    except TerminalApiError as exc:
        print_error(f"终端接口错误 / Terminal API error: {exc}")
        return EXIT_ERROR


def pay_command(args, ctx) -> int:
    txn = args.transaction_id or datetime.now().strftime("S%Y%m%d%H%M%S%f")
    service_id = new_service_id()
    last = _last_file(ctx)
    last.parent.mkdir(parents=True, exist_ok=True)
    last.write_text(json.dumps({"service_id": service_id, "transaction_id": txn}))
    print(f"  … SaleID {args.sale_id} TransactionID {txn} ServiceID {service_id}",
          file=sys.stderr, flush=True)

    def action(client: TerminalApiClient) -> int:
        try:
            answer = client.pay(txn, args.amount, code=args.code, service_id=service_id,
                                wait_s=args.wait)
            result = result_of(answer, "PaymentResponse")
        except TerminalApiError as exc:     # the answer was lost: recover by status
            print(f"  … answer lost ({exc}); asking TransactionStatus", file=sys.stderr)
            result, answer = "InProgress", None
        deadline = time.monotonic() + args.recover_for
        while result == "InProgress" and time.monotonic() < deadline:
            time.sleep(1.0)
            try:
                status = client.status(transaction_id=txn)
            except TerminalApiError:
                continue
            if result_of(status, "TransactionStatusResponse") == "InProgress":
                continue
            if result_of(status, "TransactionStatusResponse") != "Success":
                _show(args, status, "TransactionStatusResponse")
                return EXIT_FAILED
            inner = status["SaleToPOIResponse"]["TransactionStatusResponse"][
                "RepeatedMessageResponse"]["RepeatedResponseMessageBody"]
            answer = {"SaleToPOIResponse": {"MessageHeader": {}, **inner}}
            result = result_of(answer, "PaymentResponse")
        if answer is None:
            print_error("结果未知 / outcome still unknown: ask `payterm pos-sim status`")
            return EXIT_FAILED
        result = _show(args, answer, "PaymentResponse")
        body = answer["SaleToPOIResponse"]["PaymentResponse"]
        trade = body.get("POIData", {}).get("POITransactionID", {}).get("TransactionID")
        if trade and not args.json:
            print(f"POITransactionID: {trade}")
            for doc in body.get("PaymentReceipt", []):
                for line in doc["OutputContent"]["OutputText"]:
                    print(f"  | {line['Text']}")
        return EXIT_OK if result == "Success" else EXIT_FAILED

    return _run(args, ctx, action)


def _reference(args, ctx) -> tuple[str | None, str | None]:
    if args.service_id or args.transaction_id:
        return args.service_id, args.transaction_id
    try:
        last = json.loads(_last_file(ctx).read_text())
    except (OSError, ValueError):
        raise UserFacingError("give --service-id or --transaction-id "
                              "(no earlier pos-sim payment)") from None
    return None, last["transaction_id"]


def abort_command(args, ctx) -> int:
    service_id, txn = _reference(args, ctx)
    return _run(args, ctx, lambda c: EXIT_OK if _show(
        args, c.abort(service_id=service_id, transaction_id=txn), "AbortResponse")
        == "Success" else EXIT_FAILED)


def status_command(args, ctx) -> int:
    service_id, txn = _reference(args, ctx)
    return _run(args, ctx, lambda c: EXIT_OK if _show(
        args, c.status(service_id=service_id, transaction_id=txn),
        "TransactionStatusResponse") == "Success" else EXIT_FAILED)


def refund_command(args, ctx) -> int:
    return _run(args, ctx, lambda c: EXIT_OK if _show(
        args, c.reverse(args.out_trade_no, args.amount, key=args.refund_id),
        "ReversalResponse") == "Success" else EXIT_FAILED)


def eod_command(args, ctx) -> int:
    return _run(args, ctx, lambda c: EXIT_OK if _show(
        args, c.reconcile(), "ReconciliationResponse") == "Success" else EXIT_FAILED)


def diag_command(args, ctx) -> int:
    return _run(args, ctx, lambda c: EXIT_OK if _show(
        args, c.diagnose(), "DiagnosisResponse") == "Success" else EXIT_FAILED)
