"""The day's trades: ``payterm.bill.daily`` for one terminal, and the operator's
``bill`` for the whole back office or one store.

A day is a Beijing calendar day of ``created_at`` (the moment the payment was taken:
the terminal's clock for offline records). Every trade is listed, offline ones and
declined ones included, with no limit on the count; rows are read in chunks so a big
chain's day does not have to fit in memory at once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any, Iterator

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from backoffice.gateway import fields
from backoffice.gateway.replies import Reply, success
from backoffice.registry.identity import Caller
from backoffice.storage.schema import trades
from backoffice.trades.records import PAID_STATES
from terminal.money import to_yuan_string


@dataclass(frozen=True)
class BillAsk:
    day: date


def parse_bill(biz: dict[str, Any]) -> BillAsk:
    raw = fields.text(biz, "bill_date", max_len=10)
    try:
        return BillAsk(day=date.fromisoformat(raw))
    except ValueError:
        raise fields.BadField(fields.SUB_INVALID, "bill_date must be YYYY-MM-DD",
                              "bill_date") from None


def wire_line(row: Any) -> dict[str, Any]:
    """One trade as ``payterm.bill.daily`` lists it (the simulator's shape)."""
    return {"out_trade_no": row["out_trade_no"], "trade_no": row["trade_no"],
            "tender": row["tender"], "wallet": row["wallet"], "member_id": row["member_id"],
            "total_amount": to_yuan_string(int(row["amount_fen"])),
            "refund_amount": to_yuan_string(int(row["refunded_fen"])),
            "trade_status": row["state"], "offline": bool(row["offline"]),
            "decline_code": row["decline_code"], "created_at": row["created_at"]}


def run_bill(conn: Connection, caller: Caller, ask: BillAsk, now: float) -> Reply:
    query = (sa.select(trades).where(trades.c.terminal_id == caller.terminal_id,
                                     trades.c.bill_day == ask.day.isoformat())
             .order_by(trades.c.created_at, trades.c.trade_id))
    lines = [wire_line(row) for row in conn.execute(query).mappings()]
    return success(bill_date=ask.day.isoformat(), trades=lines)


def bill_rows(conn: Connection, day: date, store_id: str | None = None
              ) -> Iterator[dict[str, Any]]:
    """Every trade of the day (optionally one store's), in time order, for the
    operator's ``bill`` command."""
    query = (sa.select(trades).where(trades.c.bill_day == day.isoformat())
             .order_by(trades.c.created_at, trades.c.trade_id))
    if store_id:
        query = query.where(trades.c.store_id == store_id)
    result = conn.execution_options(yield_per=1000).execute(query).mappings()
    for row in result:
        line = wire_line(row)
        line.update(terminal_id=row["terminal_id"], store_id=row["store_id"],
                    total_fen=int(row["amount_fen"]), refund_fen=int(row["refunded_fen"]),
                    net_fen=net_fen(row), subject=row["subject"],
                    evidence=json.loads(row["evidence"] or "{}"))
        yield line


def net_fen(row: Any) -> int:
    """What the merchant kept from a trade: paid minus refunded (0 if never paid)."""
    if row["state"] not in PAID_STATES and not int(row["refunded_fen"]):
        return 0
    return int(row["amount_fen"]) - int(row["refunded_fen"])
