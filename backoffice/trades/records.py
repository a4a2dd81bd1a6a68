"""Reading and writing trade rows. A trade is unique by (terminal_id, out_trade_no);
``trade_no`` is the back office's own number for it (like Alipay's)."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from backoffice.clock import HOST_TZ, bill_day
from backoffice.storage.schema import refunds, trades
from terminal.host_messages import TradeStatus

#: The out_request_no under which a cancel's money-back is booked (as the simulator).
CANCEL_REQUEST_NO = "__cancel__"


class Tender(str, Enum):
    MEMBER = "member"
    CASH = "cash"
    WALLET = "wallet"


PAID_STATES = (TradeStatus.TRADE_SUCCESS.value, TradeStatus.TRADE_FINISHED.value)


@dataclass(frozen=True)
class Trade:
    trade_id: int
    terminal_id: str
    out_trade_no: str
    trade_no: str
    store_id: str
    tender: str
    wallet: str
    member_id: str
    amount_fen: int
    refunded_fen: int
    state: str
    decline_code: str
    offline: bool
    cancelled: bool
    subject: str
    created_at: float
    updated_at: float

    @property
    def paid(self) -> bool:
        return self.state in PAID_STATES

    @property
    def is_cancel_marker(self) -> bool:
        """A cancel that arrived before any pay: remembered so a late pay is refused."""
        return self.cancelled and self.amount_fen == 0


def new_trade_no(now: float) -> str:
    """Date plus random digits, 28 characters, like Alipay's trade numbers."""
    day = datetime.fromtimestamp(now, HOST_TZ).strftime("%Y%m%d")
    return day + "23" + f"{secrets.randbelow(10 ** 18):018d}"


def find_trade(conn: Connection, terminal_id: str, out_trade_no: str, *,
               for_update: bool = False) -> Trade | None:
    query = sa.select(trades).where(trades.c.terminal_id == terminal_id,
                                    trades.c.out_trade_no == out_trade_no)
    if for_update:
        query = query.with_for_update()
    row = conn.execute(query).mappings().first()
    return None if row is None else _trade(row)


def find_trade_by_id(conn: Connection, trade_id: int, *, for_update: bool = False) -> Trade:
    query = sa.select(trades).where(trades.c.trade_id == trade_id)
    if for_update:
        query = query.with_for_update()
    return _trade(conn.execute(query).mappings().one())


def find_trades(conn: Connection, terminal_id: str, numbers: list[str]) -> dict[str, Trade]:
    """Several trades of one terminal by out_trade_no (one query per 500)."""
    found: dict[str, Trade] = {}
    for start in range(0, len(numbers), 500):
        chunk = numbers[start:start + 500]
        query = sa.select(trades).where(trades.c.terminal_id == terminal_id,
                                        trades.c.out_trade_no.in_(chunk))
        for row in conn.execute(query).mappings():
            found[row["out_trade_no"]] = _trade(row)
    return found


def trade_row(*, terminal_id: str, out_trade_no: str, store_id: str, tender: Tender,
              amount_fen: int, state: TradeStatus, now: float, created_at: float | None = None,
              member_id: str = "", wallet: str = "", decline_code: str = "",
              offline: bool = False, cancelled: bool = False, subject: str = "",
              evidence: dict[str, Any] | None = None) -> dict[str, Any]:
    """The column values of a new trade, with a fresh ``trade_no``."""
    created = now if created_at is None else created_at
    return dict(
        terminal_id=terminal_id, out_trade_no=out_trade_no, trade_no=new_trade_no(now),
        store_id=store_id, tender=tender.value, wallet=wallet, member_id=member_id,
        amount_fen=amount_fen, refunded_fen=0, state=state.value, decline_code=decline_code,
        offline=offline, cancelled=cancelled, subject=subject,
        evidence=json.dumps(evidence or {}, ensure_ascii=False, sort_keys=True),
        created_at=created, received_at=now, updated_at=now, bill_day=bill_day(created))


def unsaved_trade(row: dict[str, Any]) -> Trade:
    """A Trade for values not inserted yet (``trade_id`` 0): a batch answers repeats
    within itself from these, and inserts them all at once at the end."""
    return _trade({**row, "trade_id": 0})


def insert_trades(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Insert many trades in one statement (multi-row VALUES); a duplicate
    (terminal_id, out_trade_no) raises IntegrityError, which the runner retries."""
    if rows:
        conn.execute(trades.insert(), rows)


def insert_trade(conn: Connection, *, terminal_id: str, out_trade_no: str, store_id: str,
                 tender: Tender, amount_fen: int, state: TradeStatus, now: float,
                 created_at: float | None = None, member_id: str = "", wallet: str = "",
                 decline_code: str = "", offline: bool = False, cancelled: bool = False,
                 subject: str = "", evidence: dict[str, Any] | None = None) -> Trade:
    """Insert one trade; a duplicate (terminal_id, out_trade_no) raises IntegrityError,
    which the transaction runner retries (the retry finds the row)."""
    values = trade_row(terminal_id=terminal_id, out_trade_no=out_trade_no, store_id=store_id,
                       tender=tender, amount_fen=amount_fen, state=state, now=now,
                       created_at=created_at, member_id=member_id, wallet=wallet,
                       decline_code=decline_code, offline=offline, cancelled=cancelled,
                       subject=subject, evidence=evidence)
    row = conn.execute(trades.insert().values(values).returning(*trades.c)).mappings().one()
    return _trade(row)


def update_trade(conn: Connection, trade: Trade, now: float, **values: Any) -> Trade:
    row = conn.execute(trades.update().where(trades.c.trade_id == trade.trade_id)
                       .values(updated_at=now, **values).returning(*trades.c)).mappings().one()
    return _trade(row)


def find_refund(conn: Connection, trade: Trade, out_request_no: str) -> int | None:
    """The amount of an earlier refund with this request number, or None."""
    value = conn.execute(sa.select(refunds.c.amount_fen).where(
        refunds.c.trade_id == trade.trade_id,
        refunds.c.out_request_no == out_request_no)).scalar()
    return None if value is None else int(value)


def add_refund(conn: Connection, trade: Trade, out_request_no: str, amount_fen: int,
               now: float, reason: str = "") -> Trade:
    """Book a refund and raise the trade's refunded total (same transaction)."""
    conn.execute(refunds.insert().values(trade_id=trade.trade_id, out_request_no=out_request_no,
                                         amount_fen=amount_fen, reason=reason[:256],
                                         created_at=now))
    return update_trade(conn, trade, now, refunded_fen=trade.refunded_fen + amount_fen)


def _trade(row: Any) -> Trade:
    return Trade(trade_id=int(row["trade_id"]), terminal_id=row["terminal_id"],
                 out_trade_no=row["out_trade_no"], trade_no=row["trade_no"],
                 store_id=row["store_id"], tender=row["tender"], wallet=row["wallet"],
                 member_id=row["member_id"], amount_fen=int(row["amount_fen"]),
                 refunded_fen=int(row["refunded_fen"]), state=row["state"],
                 decline_code=row["decline_code"], offline=bool(row["offline"]),
                 cancelled=bool(row["cancelled"]), subject=row["subject"],
                 created_at=row["created_at"], updated_at=row["updated_at"])
