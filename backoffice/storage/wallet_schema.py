"""The wallet connectors' tables (migration ``0003_wallets``), on the shared metadata.

* ``wallet_accounts``: per store and wallet, which merchant account takes the money:
  the public settings (gateway URL, app id / mch_id, sub-merchant ids, certificate
  serial numbers) in clear, the secrets (private key, API key, client certificate)
  encrypted with the data directory's wallet key (``keys/wallet_secrets.key``, 0600).
  ``version`` grows on every change, so a running server picks up a rotation.
* ``wallet_payments``: the journal of a wallet payment, written and committed *before*
  the pay call is sent. ``phase`` says what is still to do (``final`` when nothing);
  a lease lets exactly one process drive it at a time.
* ``wallet_calls``: every call made to a wallet (kind, when, what came back), never a
  payment code or a secret.
"""

from __future__ import annotations

import sqlalchemy as sa

from backoffice.storage.schema import BigId, Epoch, Fen, metadata

wallet_accounts = sa.Table(
    "wallet_accounts", metadata,
    sa.Column("store_id", sa.String(32), sa.ForeignKey("stores.store_id"), primary_key=True),
    sa.Column("wallet", sa.String(16), primary_key=True),
    sa.Column("public_settings", sa.Text, nullable=False),        # JSON
    sa.Column("sealed_secrets", sa.Text, nullable=False),         # Fernet token
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("updated_at", Epoch, nullable=False),
    sa.CheckConstraint("wallet IN ('alipay', 'wechat')", name="wallet"),
)

wallet_payments = sa.Table(
    "wallet_payments", metadata,
    sa.Column("trade_id", BigId, sa.ForeignKey("trades.trade_id"), primary_key=True),
    sa.Column("wallet", sa.String(16), nullable=False),
    sa.Column("store_id", sa.String(32), nullable=False),
    sa.Column("wallet_out_trade_no", sa.String(32), nullable=False, unique=True),
    sa.Column("amount_fen", Fen, nullable=False),
    sa.Column("phase", sa.String(16), nullable=False),
    sa.Column("pay_sent_at", Epoch, nullable=False),
    sa.Column("next_at", Epoch, nullable=False),
    sa.Column("lease_until", Epoch, nullable=False, server_default="0"),
    sa.Column("queries", sa.Integer, nullable=False, server_default="0"),
    sa.Column("reversals", sa.Integer, nullable=False, server_default="0"),
    sa.Column("wallet_trade_no", sa.String(64), nullable=False, server_default=""),
    sa.Column("buyer_id", sa.String(64), nullable=False, server_default=""),
    sa.Column("last_result", sa.String(256), nullable=False, server_default=""),
    sa.Column("updated_at", Epoch, nullable=False),
    sa.CheckConstraint("phase IN ('sending', 'waiting', 'unknown', 'reversing', 'final')",
                       name="phase"),
    sa.Index("ix_wallet_payments_phase_next", "phase", "next_at"),
)

wallet_calls = sa.Table(
    "wallet_calls", metadata,
    sa.Column("call_id", BigId, primary_key=True, autoincrement=True),
    sa.Column("trade_id", BigId, nullable=False, index=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("request_no", sa.String(64), nullable=False, server_default=""),
    sa.Column("sent_at", Epoch, nullable=False),
    sa.Column("answered_at", Epoch),
    sa.Column("result", sa.String(256), nullable=False, server_default=""),
)
