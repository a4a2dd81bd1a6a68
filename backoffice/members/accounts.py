"""Member accounts: balances in fen, changed only under a row lock, every change
written to ``member_ledger`` in the same transaction.

A member belongs to one store and pays at that store's terminals. Status: active,
frozen (cannot pay; offline records become late declines), deleted (erased; kept as a
tombstone so its trades still add up, and its id is never reused).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from enum import Enum
from typing import Any, Iterable

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Connection

from backoffice.errors import NotFound, Refused, SettingError
from backoffice.registry.terminals import ensure_store
from backoffice.storage.schema import member_ledger, members
from terminal.money import to_yuan_string

_MEMBER_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
#: A mainland mobile number (11 digits, 1[3-9]...) or an E.164 number with "+".
_PHONE = re.compile(r"^(1[3-9][0-9]{9}|\+[1-9][0-9]{6,14})$")


class MemberStatus(str, Enum):
    ACTIVE = "active"
    FROZEN = "frozen"
    DELETED = "deleted"


class LedgerKind(str, Enum):
    OPENING = "opening"      # balance given at ``member add``
    TOPUP = "topup"
    PAY = "pay"              # online member pay
    OFFLINE = "offline"      # offline record booked from a batch
    REFUND = "refund"
    CANCEL = "cancel"        # a cancelled (reversed) member trade
    PAYOUT = "payout"        # balance handed back when the member was deleted


@dataclass(frozen=True)
class MemberInfo:
    member_id: str
    store_id: str
    status: MemberStatus
    phone: str | None
    phone_last4: str
    balance_fen: int
    created_at: float
    updated_at: float
    erased_at: float | None

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["status"] = self.status.value
        data["balance"] = to_yuan_string(self.balance_fen)
        return data


def check_member_id(value: str) -> str:
    if not _MEMBER_ID.match(value or ""):
        raise SettingError("--id", "a member id is 1-32 characters of A-Z a-z 0-9 _ -")
    return value


def check_phone(value: str) -> str:
    cleaned = (value or "").replace(" ", "").replace("-", "")
    if not _PHONE.match(cleaned):
        raise SettingError("--phone", "a mobile number: 11 digits starting 13-19, or +<country>"
                                      "<number>")
    return cleaned


def add_member(conn: Connection, member_id: str, phone: str, balance_fen: int,
               store_id: str, now: float) -> MemberInfo:
    check_member_id(member_id)
    phone = check_phone(phone)
    if balance_fen < 0:
        raise SettingError("--balance", "cannot be negative")
    existing = find_member(conn, member_id)
    if existing is not None:
        what = "was deleted (ids are never reused)" if existing.status is MemberStatus.DELETED \
            else "already exists"
        raise Refused(f"member {member_id} {what} / 会员号已存在或已注销")
    ensure_store(conn, store_id, now)
    conn.execute(members.insert().values(
        member_id=member_id, store_id=store_id, status=MemberStatus.ACTIVE.value, phone=phone,
        phone_last4=phone[-4:], balance_fen=0, created_at=now, updated_at=now))
    if balance_fen:
        move_balance(conn, member_id, 0, balance_fen, LedgerKind.OPENING, now=now)
    return require_member(conn, member_id)


def find_member(conn: Connection, member_id: str, *, for_update: bool = False
                ) -> MemberInfo | None:
    query = sa.select(members).where(members.c.member_id == member_id)
    if for_update:
        query = query.with_for_update()
    row = conn.execute(query).mappings().first()
    return None if row is None else _info(row)


def require_member(conn: Connection, member_id: str, *, for_update: bool = False) -> MemberInfo:
    info = find_member(conn, member_id, for_update=for_update)
    if info is None:
        raise NotFound(f"no member {member_id} / 会员 {member_id} 不存在")
    return info


def lock_members(conn: Connection, member_ids: Iterable[str]
                 ) -> tuple[dict[str, MemberInfo], set[str]]:
    """Lock the rows of several members (sorted: no deadlock between batches).

    Returns the locked members and the ids whose row another transaction held for
    longer than the lock timeout ("busy": their records answer retryable). Ids that do
    not exist are in neither. On SQLite the writer already holds the database lock.
    """
    ids = sorted(set(member_ids))
    if not ids:
        return {}, set()
    if conn.dialect.name != "postgresql":
        return _select_members(conn, ids, lock=""), set()
    try:
        with conn.begin_nested():
            return _select_members(conn, ids, lock="wait"), set()
    except sa_exc.DBAPIError as error:
        if getattr(error.orig, "sqlstate", "") != "55P03":      # lock_not_available
            raise
    # Someone holds a row for too long: take what can be had now, one by one.
    locked: dict[str, MemberInfo] = {}
    busy: set[str] = set()
    for member_id in ids:
        try:
            with conn.begin_nested():
                locked.update(_select_members(conn, [member_id], lock="nowait"))
        except sa_exc.DBAPIError as error:
            if getattr(error.orig, "sqlstate", "") != "55P03":
                raise
            busy.add(member_id)
    return locked, busy


def _select_members(conn: Connection, ids: list[str], *, lock: str) -> dict[str, MemberInfo]:
    query = sa.select(members).where(members.c.member_id.in_(ids)).order_by(members.c.member_id)
    if lock == "wait":
        query = query.with_for_update()
    elif lock == "nowait":
        query = query.with_for_update(nowait=True)
    return {row["member_id"]: _info(row) for row in conn.execute(query).mappings()}


def move_balance(conn: Connection, member_id: str, balance_before_fen: int, delta_fen: int,
                 kind: LedgerKind, *, now: float, terminal_id: str = "", out_trade_no: str = "",
                 note: str = "") -> int:
    """Change a LOCKED member's balance by ``delta_fen`` and write the ledger entry.
    ``balance_before_fen`` is what the caller read under the lock. Returns the new
    balance. The table's CHECK refuses a negative result (the caller checks first)."""
    after = balance_before_fen + delta_fen
    set_balance(conn, member_id, balance_before_fen, after, now)
    conn.execute(member_ledger.insert().values(ledger_entry(
        member_id, delta_fen, after, kind, now=now, terminal_id=terminal_id,
        out_trade_no=out_trade_no, note=note)))
    return after


def set_balance(conn: Connection, member_id: str, before_fen: int, after_fen: int,
                now: float) -> None:
    """Write a LOCKED member's new balance; refuses when it is not ``before_fen`` any more
    (the caller did not hold the lock: never guess)."""
    result = conn.execute(members.update()
                          .where(members.c.member_id == member_id,
                                 members.c.balance_fen == before_fen)
                          .values(balance_fen=after_fen, updated_at=now))
    if result.rowcount != 1:
        raise RuntimeError(f"balance of {member_id} changed outside its lock")


def ledger_entry(member_id: str, delta_fen: int, balance_after_fen: int, kind: LedgerKind, *,
                 now: float, terminal_id: str = "", out_trade_no: str = "",
                 note: str = "") -> dict[str, Any]:
    """One ``member_ledger`` row (for callers that insert many at once)."""
    return dict(member_id=member_id, delta_fen=delta_fen, balance_after_fen=balance_after_fen,
                kind=kind.value, terminal_id=terminal_id, out_trade_no=out_trade_no,
                note=note[:256], created_at=now)


def top_up(conn: Connection, member_id: str, amount_fen: int, now: float,
           note: str = "") -> MemberInfo:
    if amount_fen <= 0:
        raise SettingError("--amount", "must be more than zero")
    member = require_member(conn, member_id, for_update=True)
    if member.status is MemberStatus.DELETED:
        raise Refused(f"member {member_id} was deleted / 会员已注销")
    move_balance(conn, member_id, member.balance_fen, amount_fen, LedgerKind.TOPUP, now=now,
                 note=note)
    return require_member(conn, member_id)


def set_frozen(conn: Connection, member_id: str, frozen: bool, now: float) -> MemberInfo:
    member = require_member(conn, member_id, for_update=True)
    if member.status is MemberStatus.DELETED:
        raise Refused(f"member {member_id} was deleted / 会员已注销")
    status = MemberStatus.FROZEN if frozen else MemberStatus.ACTIVE
    conn.execute(members.update().where(members.c.member_id == member_id)
                 .values(status=status.value, updated_at=now))
    return require_member(conn, member_id)


def list_members(conn: Connection, store_id: str | None = None) -> list[MemberInfo]:
    query = sa.select(members).order_by(members.c.member_id)
    if store_id:
        query = query.where(members.c.store_id == store_id)
    return [_info(row) for row in conn.execute(query).mappings()]


def ledger_total(conn: Connection, member_id: str) -> int:
    """Sum of every ledger entry of a member: always equals its balance."""
    return int(conn.execute(sa.select(sa.func.coalesce(sa.func.sum(member_ledger.c.delta_fen), 0))
                            .where(member_ledger.c.member_id == member_id)).scalar_one())


def _info(row: Any) -> MemberInfo:
    return MemberInfo(member_id=row["member_id"], store_id=row["store_id"],
                      status=MemberStatus(row["status"]), phone=row["phone"],
                      phone_last4=row["phone_last4"], balance_fen=int(row["balance_fen"]),
                      created_at=row["created_at"], updated_at=row["updated_at"],
                      erased_at=row["erased_at"])
