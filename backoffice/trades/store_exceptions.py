"""The store's exception list: offline records the back office could not book as they
were taken (late declines, invalid or conflicting records). Someone at the store must
settle each (collect the money, write it off) and mark it resolved.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import Enum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from backoffice.clock import bill_day
from backoffice.errors import NotFound
from backoffice.storage.schema import store_exceptions
from terminal.money import to_yuan_string


class ExceptionKind(str, Enum):
    LATE_DECLINE = "late_decline"              # member unknown, frozen, short of balance
    INVALID_RECORD = "invalid_record"          # could not be read
    CONFLICT = "context_inconsistent"          # number already used with other content
    WALLET_MISMATCH = "wallet_mismatch"        # the wallet's bill and the books differ


@dataclass(frozen=True)
class StoreException:
    exception_id: int
    store_id: str
    terminal_id: str
    out_trade_no: str
    kind: str
    reason_code: str
    reason_msg: str
    member_id: str
    amount_fen: int
    created_at: float
    bill_day: str
    resolved_at: float | None
    resolution: str

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "amount": to_yuan_string(self.amount_fen)}


def record_exception(conn: Connection, *, store_id: str, terminal_id: str, out_trade_no: str,
                     kind: ExceptionKind, reason_code: str, reason_msg: str, member_id: str,
                     amount_fen: int, taken_at: float, now: float) -> None:
    """Once per (terminal, out_trade_no, kind): a resend does not add another."""
    exists = conn.execute(sa.select(store_exceptions.c.exception_id).where(
        store_exceptions.c.terminal_id == terminal_id,
        store_exceptions.c.out_trade_no == out_trade_no,
        store_exceptions.c.kind == kind.value)).first()
    if exists is not None:
        return
    conn.execute(store_exceptions.insert().values(
        store_id=store_id, terminal_id=terminal_id, out_trade_no=out_trade_no, kind=kind.value,
        reason_code=reason_code, reason_msg=reason_msg[:256], member_id=member_id,
        amount_fen=amount_fen, created_at=now, bill_day=bill_day(taken_at)))


def list_exceptions(conn: Connection, *, store_id: str | None = None, day: str | None = None,
                    open_only: bool = False) -> list[StoreException]:
    query = sa.select(store_exceptions).order_by(store_exceptions.c.exception_id)
    if store_id:
        query = query.where(store_exceptions.c.store_id == store_id)
    if day:
        query = query.where(store_exceptions.c.bill_day == day)
    if open_only:
        query = query.where(store_exceptions.c.resolved_at.is_(None))
    return [StoreException(**dict(row)) for row in conn.execute(query).mappings()]


def resolve_exception(conn: Connection, exception_id: int, resolution: str,
                      now: float) -> StoreException:
    result = conn.execute(store_exceptions.update()
                          .where(store_exceptions.c.exception_id == exception_id)
                          .values(resolved_at=now, resolution=resolution[:256]))
    if result.rowcount != 1:
        raise NotFound(f"no exception {exception_id} / 异常 {exception_id} 不存在")
    row = conn.execute(sa.select(store_exceptions)
                       .where(store_exceptions.c.exception_id == exception_id)).mappings().one()
    return StoreException(**dict(row))
