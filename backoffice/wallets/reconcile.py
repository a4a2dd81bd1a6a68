"""Reconciling a store's day with each wallet's own bill.

For every wallet account of the store: the wallet's bill of the (Beijing) day is pulled
and compared, order by order (the wallet's ``out_trade_no`` is the trade's ``trade_no``),
with the books: what the wallet took (payments) and gave back (refunds, reversals of
paid trades) against the wallet trades and refunds booked that day. The books are also
what the terminals closed their day with (``payterm.bill.daily``). Every difference goes
on the store's exception list (kind ``wallet_mismatch``) once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from backoffice.clock import HOST_TZ
from backoffice.storage.schema import refunds, trades
from backoffice.trades.records import PAID_STATES
from backoffice.trades.store_exceptions import ExceptionKind, record_exception
from backoffice.wallets.bills import BillInvalid, BillLine
from backoffice.wallets.resolution import Resolver
from terminal.money import to_yuan_string


@dataclass
class WalletReport:
    wallet: str
    bill_lines: int = 0
    matched: int = 0
    differences: list[dict[str, Any]] = field(default_factory=list)
    error: str = ""


def _books(conn: Connection, store_id: str, wallet: str, day: str) -> dict[str, dict]:
    rows = conn.execute(sa.select(trades).where(
        trades.c.store_id == store_id, trades.c.tender == "wallet", trades.c.wallet == wallet,
        trades.c.bill_day == day)).mappings().all()
    books: dict[str, dict] = {}
    for row in rows:
        was_paid = row["state"] in PAID_STATES or row["refunded_fen"] > 0
        books[row["trade_no"]] = {"terminal_id": row["terminal_id"],
                                  "out_trade_no": row["out_trade_no"],
                                  "paid": row["amount_fen"] if was_paid else 0, "refunded": 0}
    start = datetime.fromisoformat(day).replace(tzinfo=HOST_TZ).timestamp()
    refund_rows = conn.execute(
        sa.select(trades.c.trade_no, trades.c.terminal_id, trades.c.out_trade_no,
                  refunds.c.amount_fen)
        .select_from(refunds.join(trades, refunds.c.trade_id == trades.c.trade_id))
        .where(trades.c.store_id == store_id, trades.c.tender == "wallet",
               trades.c.wallet == wallet, refunds.c.created_at >= start,
               refunds.c.created_at < start + 86400)).all()
    for row in refund_rows:
        entry = books.setdefault(row.trade_no, {"terminal_id": row.terminal_id,
                                                "out_trade_no": row.out_trade_no,
                                                "paid": 0, "refunded": 0, "earlier_day": True})
        entry["refunded"] += int(row.amount_fen)
    return books


def _wallet_side(lines: list[BillLine]) -> dict[str, dict[str, int]]:
    sums: dict[str, dict[str, int]] = defaultdict(lambda: {"paid": 0, "refunded": 0})
    for line in lines:
        sums[line.wallet_out_trade_no]["paid" if line.kind == "pay" else "refunded"] += \
            line.amount_fen
    return sums


def compare(books: dict[str, dict], wallet: dict[str, dict[str, int]]
            ) -> tuple[int, list[dict[str, Any]]]:
    matched, differences = 0, []
    for number in sorted(set(books) | set(wallet)):
        ours = books.get(number, {"paid": 0, "refunded": 0})
        theirs = wallet.get(number, {"paid": 0, "refunded": 0})
        if ours.get("earlier_day"):
            theirs = {**theirs, "paid": 0}      # paid on another day: refunds only
        if ours["paid"] == theirs["paid"] and ours["refunded"] == theirs["refunded"]:
            if ours["paid"] or ours["refunded"]:
                matched += 1
            continue
        if number not in books:
            code, text = "WALLET.NOT_IN_BOOKS", "钱包账单有、后台无 in the wallet's bill only"
        elif ours["paid"] and not theirs["paid"] and not theirs["refunded"]:
            code, text = "WALLET.NOT_IN_BILL", "后台有、钱包账单无 in the books only"
        else:
            code, text = "WALLET.AMOUNT_DIFFERS", "金额不一致 amounts differ"
        differences.append({"wallet_out_trade_no": number,
                            "terminal_id": books.get(number, {}).get("terminal_id", "-"),
                            "out_trade_no": books.get(number, {}).get("out_trade_no", number),
                            "reason_code": code, "reason": text,
                            "amount_fen": max(ours["paid"], theirs["paid"], ours["refunded"],
                                              theirs["refunded"]),
                            "books_paid": to_yuan_string(ours["paid"]),
                            "wallet_paid": to_yuan_string(theirs["paid"]),
                            "books_refunded": to_yuan_string(ours["refunded"]),
                            "wallet_refunded": to_yuan_string(theirs["refunded"])})
    return matched, differences


def reconcile_store(resolver: Resolver, store_id: str, day: str) -> list[WalletReport]:
    reports = []
    for wallet in ("alipay", "wechat"):
        connector = resolver.connector(store_id, wallet)
        if connector is None:
            continue
        report = WalletReport(wallet)
        try:
            lines = connector.bill(day)     # type: ignore[attr-defined]
        except BillInvalid as exc:
            report.error = str(exc)[:300]
            reports.append(report)
            continue
        report.bill_lines = len(lines)
        books = resolver.tx(lambda conn, wallet=wallet: _books(conn, store_id, wallet, day),
                            write=False)
        report.matched, report.differences = compare(books, _wallet_side(lines))

        def record(conn: Connection, now: float, found=report.differences,
                   wallet: str = wallet) -> None:
            for item in found:
                record_exception(conn, store_id=store_id, terminal_id=item["terminal_id"][:16],
                                 out_trade_no=item["out_trade_no"],
                                 kind=ExceptionKind.WALLET_MISMATCH,
                                 reason_code=item["reason_code"],
                                 reason_msg=f"{wallet}: {item['reason']}", member_id="",
                                 amount_fen=item["amount_fen"], taken_at=datetime.fromisoformat(day)
                                 .replace(hour=12, tzinfo=HOST_TZ).timestamp(), now=now)
        resolver.tx(lambda conn, record=record: record(conn, resolver.clock()))
        reports.append(report)
    return reports
