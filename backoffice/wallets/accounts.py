"""Which merchant account takes a store's wallet money: stored per (store, wallet), the
public settings in clear, the secrets sealed (sealing.py). ``version`` grows with every
change; connectors are rebuilt when it does, so keys rotate without a restart."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from backoffice.registry.terminals import ensure_store
from backoffice.storage.wallet_schema import wallet_accounts
from backoffice.wallets.sealing import Sealer

WALLETS = ("alipay", "wechat")


@dataclass(frozen=True)
class WalletAccount:
    store_id: str
    wallet: str
    public: dict[str, Any]
    secrets: dict[str, Any]
    version: int


@dataclass(frozen=True)
class AccountListing:
    store_id: str
    wallet: str
    public: dict[str, Any]
    version: int
    updated_at: float


def save_account(conn: Connection, sealer: Sealer, *, store_id: str, wallet: str,
                 public: dict[str, Any], secrets: dict[str, Any], now: float) -> int:
    """Insert or replace the account; returns its new version."""
    if wallet not in WALLETS:
        raise ValueError(f"wallet must be one of {', '.join(WALLETS)}")
    ensure_store(conn, store_id, now)
    current = conn.execute(sa.select(wallet_accounts.c.version).where(
        wallet_accounts.c.store_id == store_id, wallet_accounts.c.wallet == wallet)
        .with_for_update()).scalar()
    values = dict(public_settings=json.dumps(public, sort_keys=True, ensure_ascii=False),
                  sealed_secrets=sealer.seal(secrets), updated_at=now)
    if current is None:
        conn.execute(wallet_accounts.insert().values(store_id=store_id, wallet=wallet,
                                                     version=1, **values))
        return 1
    conn.execute(wallet_accounts.update().where(
        wallet_accounts.c.store_id == store_id, wallet_accounts.c.wallet == wallet)
        .values(version=current + 1, **values))
    return int(current) + 1


def account_version(conn: Connection, store_id: str, wallet: str) -> int | None:
    value = conn.execute(sa.select(wallet_accounts.c.version).where(
        wallet_accounts.c.store_id == store_id, wallet_accounts.c.wallet == wallet)).scalar()
    return None if value is None else int(value)


def load_account(conn: Connection, sealer: Sealer, store_id: str,
                 wallet: str) -> WalletAccount | None:
    row = conn.execute(sa.select(wallet_accounts).where(
        wallet_accounts.c.store_id == store_id, wallet_accounts.c.wallet == wallet)
    ).mappings().first()
    if row is None:
        return None
    return WalletAccount(store_id=store_id, wallet=wallet,
                         public=json.loads(row["public_settings"]),
                         secrets=sealer.unseal(row["sealed_secrets"]),
                         version=int(row["version"]))


def list_accounts(conn: Connection, store_id: str | None = None) -> list[AccountListing]:
    """Every account without its secrets (they are not even unsealed)."""
    query = sa.select(wallet_accounts.c.store_id, wallet_accounts.c.wallet,
                      wallet_accounts.c.public_settings, wallet_accounts.c.version,
                      wallet_accounts.c.updated_at).order_by(wallet_accounts.c.store_id,
                                                             wallet_accounts.c.wallet)
    if store_id:
        query = query.where(wallet_accounts.c.store_id == store_id)
    return [AccountListing(store_id=r.store_id, wallet=r.wallet,
                           public=json.loads(r.public_settings), version=int(r.version),
                           updated_at=float(r.updated_at))
            for r in conn.execute(query)]
