"""Wallet connectors: merchant accounts per store (secrets sealed), the wallet payment
journal and the log of every call made to a wallet (backoffice/storage/wallet_schema.py).

Revision ID: 0003_wallets
Revises: 0002_faces
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_wallets"
down_revision = "0002_faces"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "wallet_accounts",
        sa.Column("store_id", sa.String(32), nullable=False),
        sa.Column("wallet", sa.String(16), nullable=False),
        sa.Column("public_settings", sa.Text, nullable=False),
        sa.Column("sealed_secrets", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("updated_at", sa.Double, nullable=False),
        sa.PrimaryKeyConstraint("store_id", "wallet", name="pk_wallet_accounts"),
        sa.ForeignKeyConstraint(["store_id"], ["stores.store_id"],
                                name="fk_wallet_accounts_store_id_stores"),
        sa.CheckConstraint("wallet IN ('alipay', 'wechat')", name="ck_wallet_accounts_wallet"))
    op.create_table(
        "wallet_payments",
        sa.Column("trade_id", BigId, nullable=False),
        sa.Column("wallet", sa.String(16), nullable=False),
        sa.Column("store_id", sa.String(32), nullable=False),
        sa.Column("wallet_out_trade_no", sa.String(32), nullable=False),
        sa.Column("amount_fen", sa.BigInteger, nullable=False),
        sa.Column("phase", sa.String(16), nullable=False),
        sa.Column("pay_sent_at", sa.Double, nullable=False),
        sa.Column("next_at", sa.Double, nullable=False),
        sa.Column("lease_until", sa.Double, nullable=False, server_default="0"),
        sa.Column("queries", sa.Integer, nullable=False, server_default="0"),
        sa.Column("reversals", sa.Integer, nullable=False, server_default="0"),
        sa.Column("wallet_trade_no", sa.String(64), nullable=False, server_default=""),
        sa.Column("buyer_id", sa.String(64), nullable=False, server_default=""),
        sa.Column("last_result", sa.String(256), nullable=False, server_default=""),
        sa.Column("updated_at", sa.Double, nullable=False),
        sa.PrimaryKeyConstraint("trade_id", name="pk_wallet_payments"),
        sa.ForeignKeyConstraint(["trade_id"], ["trades.trade_id"],
                                name="fk_wallet_payments_trade_id_trades"),
        sa.UniqueConstraint("wallet_out_trade_no",
                            name="uq_wallet_payments_wallet_out_trade_no"),
        sa.CheckConstraint("phase IN ('sending', 'waiting', 'unknown', 'reversing', 'final')",
                           name="ck_wallet_payments_phase"))
    op.create_index("ix_wallet_payments_phase_next", "wallet_payments", ["phase", "next_at"])
    op.create_table(
        "wallet_calls",
        sa.Column("call_id", BigId, nullable=False),
        sa.Column("trade_id", BigId, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("request_no", sa.String(64), nullable=False, server_default=""),
        sa.Column("sent_at", sa.Double, nullable=False),
        sa.Column("answered_at", sa.Double),
        sa.Column("result", sa.String(256), nullable=False, server_default=""),
        sa.PrimaryKeyConstraint("call_id", name="pk_wallet_calls"))
    op.create_index("ix_wallet_calls_trade_id", "wallet_calls", ["trade_id"])


def downgrade() -> None:
    for table in ("wallet_calls", "wallet_payments", "wallet_accounts"):
        op.drop_table(table)
