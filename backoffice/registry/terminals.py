"""Registering terminals and their public keys; stores come into being with their first
terminal or member.

A terminal id is registered once with one key. Every key ever used is kept in
``terminal_keys`` so that a request signed with another registered key is recognised
as an identity conflict (two devices configured with one id), not as noise.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from backoffice.errors import NotFound, Refused, SettingError
from backoffice.signing_keys import parse_public_key, public_key_fingerprint, public_pem
from backoffice.storage.schema import stores, terminal_keys, terminals
from terminal.trade_no import validate_terminal_id

_STORE_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


class TerminalStatus:
    ACTIVE = "active"
    DISABLED = "disabled"


@dataclass(frozen=True)
class TerminalInfo:
    terminal_id: str
    store_id: str
    status: str
    key_fingerprint: str
    created_at: float
    disabled_at: float | None
    last_seen_at: float | None
    app_version: str
    backlog_count: int | None
    backlog_fen: int | None
    backlog_oldest_at: float | None
    diag_summary: dict[str, Any] | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def check_terminal_id(value: str) -> str:
    try:
        return validate_terminal_id(value)
    except ValueError:
        raise SettingError("--id", "a terminal id is 1-16 letters or digits "
                                   "(the terminal's terminal.id)") from None


def check_store_id(value: str) -> str:
    if not _STORE_ID.match(value or ""):
        raise SettingError("--store", "a store id is 1-32 characters of A-Z a-z 0-9 _ -")
    return value


def ensure_store(conn: Connection, store_id: str, now: float) -> None:
    """Create the store row the first time it is named (no error when it exists)."""
    check_store_id(store_id)
    exists = conn.execute(sa.select(stores.c.store_id)
                          .where(stores.c.store_id == store_id)).first()
    if exists is None:
        conn.execute(stores.insert().values(store_id=store_id, name="", created_at=now))


def add_terminal(conn: Connection, terminal_id: str, store_id: str, public_key_pem: bytes,
                 now: float) -> TerminalInfo:
    """Register a terminal. Refused when the id exists or the key belongs to another."""
    check_terminal_id(terminal_id)
    key = parse_public_key(public_key_pem, source="--public-key")
    fingerprint = public_key_fingerprint(key)
    if find_terminal(conn, terminal_id) is not None:
        raise Refused(f"terminal {terminal_id} is already registered; a new key for it "
                      f"goes through `terminal rekey` / 终端已登记")
    owner = conn.execute(sa.select(terminal_keys.c.terminal_id)
                         .where(terminal_keys.c.key_fingerprint == fingerprint)).scalar()
    if owner is not None:
        raise Refused(f"this public key is already registered for terminal {owner}; every "
                      f"terminal needs its own key pair (`payterm keys generate`) / "
                      f"该公钥已属于终端 {owner}")
    ensure_store(conn, store_id, now)
    conn.execute(terminals.insert().values(
        terminal_id=terminal_id, store_id=store_id, status=TerminalStatus.ACTIVE,
        public_key_pem=public_pem(key), key_fingerprint=fingerprint, created_at=now))
    conn.execute(terminal_keys.insert().values(
        key_fingerprint=fingerprint, terminal_id=terminal_id, public_key_pem=public_pem(key),
        added_at=now))
    info = find_terminal(conn, terminal_id)
    assert info is not None
    return info


def rekey_terminal(conn: Connection, terminal_id: str, public_key_pem: bytes,
                   now: float) -> TerminalInfo:
    """Give a terminal a new key (device replaced); the old key is retired, and a
    request still signed with it is refused as an id conflict."""
    key = parse_public_key(public_key_pem, source="--public-key")
    fingerprint = public_key_fingerprint(key)
    current = require_terminal(conn, terminal_id)
    if fingerprint == current.key_fingerprint:
        return current
    owner = conn.execute(sa.select(terminal_keys.c.terminal_id)
                         .where(terminal_keys.c.key_fingerprint == fingerprint)).scalar()
    if owner is not None:
        raise Refused(f"this public key was already registered (terminal {owner}); "
                      f"make a new key pair / 该公钥已登记过")
    conn.execute(terminal_keys.update()
                 .where(terminal_keys.c.key_fingerprint == current.key_fingerprint)
                 .values(retired_at=now))
    conn.execute(terminal_keys.insert().values(
        key_fingerprint=fingerprint, terminal_id=terminal_id, public_key_pem=public_pem(key),
        added_at=now))
    conn.execute(terminals.update().where(terminals.c.terminal_id == terminal_id)
                 .values(public_key_pem=public_pem(key), key_fingerprint=fingerprint))
    return require_terminal(conn, terminal_id)


def set_terminal_status(conn: Connection, terminal_id: str, status: str,
                        now: float) -> TerminalInfo:
    require_terminal(conn, terminal_id)
    conn.execute(terminals.update().where(terminals.c.terminal_id == terminal_id).values(
        status=status, disabled_at=now if status == TerminalStatus.DISABLED else None))
    return require_terminal(conn, terminal_id)


def find_terminal(conn: Connection, terminal_id: str) -> TerminalInfo | None:
    row = conn.execute(sa.select(terminals).where(terminals.c.terminal_id == terminal_id)
                       ).mappings().first()
    return None if row is None else _info(row)


def require_terminal(conn: Connection, terminal_id: str) -> TerminalInfo:
    info = find_terminal(conn, terminal_id)
    if info is None:
        raise NotFound(f"no terminal {terminal_id} / 终端 {terminal_id} 不存在")
    return info


def list_terminals(conn: Connection, store_id: str | None = None) -> list[TerminalInfo]:
    query = sa.select(terminals).order_by(terminals.c.terminal_id)
    if store_id:
        query = query.where(terminals.c.store_id == store_id)
    return [_info(row) for row in conn.execute(query).mappings()]


def _info(row: Any) -> TerminalInfo:
    diag = None
    if row["diag_summary"]:
        try:
            diag = json.loads(row["diag_summary"])
        except ValueError:
            diag = None
    return TerminalInfo(
        terminal_id=row["terminal_id"], store_id=row["store_id"], status=row["status"],
        key_fingerprint=row["key_fingerprint"], created_at=row["created_at"],
        disabled_at=row["disabled_at"], last_seen_at=row["last_seen_at"],
        app_version=row["app_version"], backlog_count=row["backlog_count"],
        backlog_fen=row["backlog_fen"], backlog_oldest_at=row["backlog_oldest_at"],
        diag_summary=diag)
