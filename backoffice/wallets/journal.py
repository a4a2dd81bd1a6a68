"""The wallet payment journal (``wallet_payments``) and the call log (``wallet_calls``).

The pay row is committed before the pay call leaves, with a lease held by the process
sending it; whoever finds a row that is not ``final`` and not leased finishes it by the
wallet's rules (resolution.py), so a killed back office loses nothing and never pays
twice: a pay is never sent again, only queried, cancelled or reversed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from backoffice.storage.wallet_schema import wallet_calls, wallet_payments


@dataclass(frozen=True)
class Journaled:
    trade_id: int
    wallet: str
    store_id: str
    wallet_out_trade_no: str
    amount_fen: int
    phase: str
    pay_sent_at: float
    next_at: float
    lease_until: float
    queries: int
    reversals: int
    wallet_trade_no: str
    buyer_id: str
    last_result: str


def journal_pay(conn: Connection, *, trade_id: int, wallet: str, store_id: str,
                wallet_out_trade_no: str, amount_fen: int, now: float, lease_s: float) -> None:
    conn.execute(wallet_payments.insert().values(
        trade_id=trade_id, wallet=wallet, store_id=store_id,
        wallet_out_trade_no=wallet_out_trade_no, amount_fen=amount_fen, phase="sending",
        pay_sent_at=now, next_at=now, lease_until=now + lease_s, updated_at=now))


def find_journal(conn: Connection, trade_id: int, *, for_update: bool = False
                 ) -> Journaled | None:
    query = sa.select(wallet_payments).where(wallet_payments.c.trade_id == trade_id)
    if for_update:
        query = query.with_for_update()
    row = conn.execute(query).mappings().first()
    return None if row is None else Journaled(**{k: row[k] for k in Journaled.__annotations__})


def claim(conn: Connection, trade_id: int, now: float, lease_s: float) -> bool:
    """Take the lease of an unfinished payment (False: finished, or another holds it)."""
    result = conn.execute(wallet_payments.update().where(
        wallet_payments.c.trade_id == trade_id, wallet_payments.c.phase != "final",
        wallet_payments.c.lease_until < now).values(lease_until=now + lease_s))
    return result.rowcount == 1


def release(conn: Connection, trade_id: int) -> None:
    conn.execute(wallet_payments.update().where(wallet_payments.c.trade_id == trade_id)
                 .values(lease_until=0))


def update_journal(conn: Connection, trade_id: int, now: float, **values: Any) -> None:
    if "last_result" in values:
        values["last_result"] = str(values["last_result"])[:256]
    conn.execute(wallet_payments.update().where(wallet_payments.c.trade_id == trade_id)
                 .values(updated_at=now, **values))


def due_payments(conn: Connection, now: float, limit: int = 20) -> list[int]:
    """Unfinished, unleased payments whose next step is due, oldest first."""
    query = (sa.select(wallet_payments.c.trade_id)
             .where(wallet_payments.c.phase != "final", wallet_payments.c.next_at <= now,
                    wallet_payments.c.lease_until < now)
             .order_by(wallet_payments.c.next_at).limit(limit))
    return [int(value) for value in conn.execute(query).scalars()]


def unfinished_count(conn: Connection) -> int:
    return int(conn.execute(sa.select(sa.func.count()).select_from(wallet_payments)
                            .where(wallet_payments.c.phase != "final")).scalar() or 0)


def log_call(conn: Connection, trade_id: int, kind: str, now: float,
             request_no: str = "") -> int:
    return int(conn.execute(wallet_calls.insert().values(
        trade_id=trade_id, kind=kind, request_no=request_no, sent_at=now)
        .returning(wallet_calls.c.call_id)).scalar_one())


def log_answer(conn: Connection, call_id: int, now: float, result: str) -> None:
    conn.execute(wallet_calls.update().where(wallet_calls.c.call_id == call_id)
                 .values(answered_at=now, result=result[:256]))


def calls_of(conn: Connection, trade_id: int) -> list[dict[str, Any]]:
    rows = conn.execute(sa.select(wallet_calls).where(wallet_calls.c.trade_id == trade_id)
                        .order_by(wallet_calls.c.call_id)).mappings()
    return [dict(row) for row in rows]
