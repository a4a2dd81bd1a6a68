"""The tables, as SQLAlchemy Core metadata: the shape every query uses.

The migrations in ``migrations/versions`` create exactly this (a test compares them on
both dialects). Money is integer fen (BIGINT), times are epoch seconds (double), and
``bill_day`` is the Beijing calendar day of a trade, stored so a day's bill is an index
range on either database.

Financial rows are never deleted: an erased member keeps its row (status ``deleted``,
personal data cleared) so that trades and the balance ledger still add up.
"""

from __future__ import annotations

import sqlalchemy as sa

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = sa.MetaData(naming_convention=NAMING)

#: BIGINT on PostgreSQL; INTEGER (the rowid alias, so it autoincrements) on SQLite.
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Fen = sa.BigInteger
Epoch = sa.Double

stores = sa.Table(
    "stores", metadata,
    sa.Column("store_id", sa.String(32), primary_key=True),
    sa.Column("name", sa.String(128), nullable=False, server_default=""),
    sa.Column("created_at", Epoch, nullable=False),
)

terminals = sa.Table(
    "terminals", metadata,
    sa.Column("terminal_id", sa.String(16), primary_key=True),
    sa.Column("store_id", sa.String(32), sa.ForeignKey("stores.store_id"), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("public_key_pem", sa.Text, nullable=False),
    sa.Column("key_fingerprint", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", Epoch, nullable=False),
    sa.Column("disabled_at", Epoch),
    # What the last payterm.ping said (docs/backoffice.md, "Ping").
    sa.Column("last_seen_at", Epoch),
    sa.Column("app_version", sa.String(64), nullable=False, server_default=""),
    sa.Column("backlog_count", sa.Integer),
    sa.Column("backlog_fen", Fen),
    sa.Column("backlog_oldest_at", Epoch),
    sa.Column("diag_summary", sa.Text, nullable=False, server_default=""),
    sa.CheckConstraint("status IN ('active', 'disabled')", name="status"),
)

#: Every key ever registered for a terminal (the current one and retired ones), so a
#: request signed by another registered key is recognised as an id conflict.
terminal_keys = sa.Table(
    "terminal_keys", metadata,
    sa.Column("key_fingerprint", sa.String(64), primary_key=True),
    sa.Column("terminal_id", sa.String(16), sa.ForeignKey("terminals.terminal_id"),
              nullable=False, index=True),
    sa.Column("public_key_pem", sa.Text, nullable=False),
    sa.Column("added_at", Epoch, nullable=False),
    sa.Column("retired_at", Epoch),
)

members = sa.Table(
    "members", metadata,
    sa.Column("member_id", sa.String(32), primary_key=True),
    sa.Column("store_id", sa.String(32), sa.ForeignKey("stores.store_id"), nullable=False,
              index=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("phone", sa.String(20)),                       # NULL once erased
    sa.Column("phone_last4", sa.String(4), nullable=False, server_default=""),
    sa.Column("balance_fen", Fen, nullable=False),
    sa.Column("created_at", Epoch, nullable=False),
    sa.Column("updated_at", Epoch, nullable=False),
    sa.Column("erased_at", Epoch),
    sa.CheckConstraint("balance_fen >= 0", name="balance_not_negative"),
    sa.CheckConstraint("status IN ('active', 'frozen', 'deleted')", name="status"),
)

#: Every change of a balance, written in the same transaction as the change: the sum of
#: ``delta_fen`` of a member always equals its ``balance_fen``.
member_ledger = sa.Table(
    "member_ledger", metadata,
    sa.Column("entry_id", BigId, primary_key=True, autoincrement=True),
    sa.Column("member_id", sa.String(32), sa.ForeignKey("members.member_id"),
              nullable=False, index=True),
    sa.Column("delta_fen", Fen, nullable=False),
    sa.Column("balance_after_fen", Fen, nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("terminal_id", sa.String(16), nullable=False, server_default=""),
    sa.Column("out_trade_no", sa.String(64), nullable=False, server_default=""),
    sa.Column("note", sa.String(256), nullable=False, server_default=""),
    sa.Column("created_at", Epoch, nullable=False),
)

trades = sa.Table(
    "trades", metadata,
    sa.Column("trade_id", BigId, primary_key=True, autoincrement=True),
    sa.Column("terminal_id", sa.String(16), sa.ForeignKey("terminals.terminal_id"),
              nullable=False),
    sa.Column("out_trade_no", sa.String(64), nullable=False),
    sa.Column("trade_no", sa.String(32), nullable=False, unique=True),
    sa.Column("store_id", sa.String(32), sa.ForeignKey("stores.store_id"), nullable=False),
    sa.Column("tender", sa.String(8), nullable=False),
    sa.Column("wallet", sa.String(16), nullable=False, server_default=""),
    sa.Column("member_id", sa.String(32), nullable=False, server_default="", index=True),
    sa.Column("amount_fen", Fen, nullable=False),
    sa.Column("refunded_fen", Fen, nullable=False, server_default="0"),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("decline_code", sa.String(64), nullable=False, server_default=""),
    sa.Column("offline", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("cancelled", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("subject", sa.String(256), nullable=False, server_default=""),
    sa.Column("evidence", sa.Text, nullable=False, server_default="{}"),
    sa.Column("created_at", Epoch, nullable=False),
    sa.Column("received_at", Epoch, nullable=False),
    sa.Column("updated_at", Epoch, nullable=False),
    sa.Column("bill_day", sa.String(10), nullable=False),
    sa.UniqueConstraint("terminal_id", "out_trade_no"),
    sa.CheckConstraint("tender IN ('member', 'cash', 'wallet')", name="tender"),
    sa.CheckConstraint("state IN ('WAIT_BUYER_PAY', 'TRADE_SUCCESS', 'TRADE_CLOSED', "
                       "'TRADE_FINISHED')", name="state"),
    sa.CheckConstraint("amount_fen >= 0 AND refunded_fen >= 0 AND refunded_fen <= amount_fen",
                       name="amounts"),
    sa.Index("ix_trades_store_day", "store_id", "bill_day"),
    sa.Index("ix_trades_terminal_day", "terminal_id", "bill_day"),
)

refunds = sa.Table(
    "refunds", metadata,
    sa.Column("trade_id", BigId, sa.ForeignKey("trades.trade_id"), primary_key=True),
    sa.Column("out_request_no", sa.String(64), primary_key=True),
    sa.Column("amount_fen", Fen, nullable=False),
    sa.Column("reason", sa.String(256), nullable=False, server_default=""),
    sa.Column("created_at", Epoch, nullable=False),
    sa.CheckConstraint("amount_fen > 0", name="positive"),
)

#: What the store must look at: late declines of offline records (and, later, wallet
#: reconciliation differences). One row per (terminal, out_trade_no, kind).
store_exceptions = sa.Table(
    "store_exceptions", metadata,
    sa.Column("exception_id", BigId, primary_key=True, autoincrement=True),
    sa.Column("store_id", sa.String(32), sa.ForeignKey("stores.store_id"), nullable=False),
    sa.Column("terminal_id", sa.String(16), nullable=False),
    sa.Column("out_trade_no", sa.String(64), nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("reason_code", sa.String(64), nullable=False),
    sa.Column("reason_msg", sa.String(256), nullable=False, server_default=""),
    sa.Column("member_id", sa.String(32), nullable=False, server_default=""),
    sa.Column("amount_fen", Fen, nullable=False),
    sa.Column("created_at", Epoch, nullable=False),
    sa.Column("bill_day", sa.String(10), nullable=False),
    sa.Column("resolved_at", Epoch),
    sa.Column("resolution", sa.String(256), nullable=False, server_default=""),
    sa.UniqueConstraint("terminal_id", "out_trade_no", "kind"),
    sa.Index("ix_store_exceptions_store_day", "store_id", "bill_day"),
)

#: One row per batch upload that was booked (audit; the manager page shows it).
batch_receipts = sa.Table(
    "batch_receipts", metadata,
    sa.Column("batch_id", BigId, primary_key=True, autoincrement=True),
    sa.Column("terminal_id", sa.String(16), nullable=False, index=True),
    sa.Column("received_at", Epoch, nullable=False),
    sa.Column("records", sa.Integer, nullable=False),
    sa.Column("accepted", sa.Integer, nullable=False),
    sa.Column("duplicate", sa.Integer, nullable=False),
    sa.Column("declined", sa.Integer, nullable=False),
    sa.Column("retryable", sa.Integer, nullable=False),
)

#: Proof of erasure: who was erased, when, and what was removed (never the data itself).
member_erasures = sa.Table(
    "member_erasures", metadata,
    sa.Column("erasure_id", BigId, primary_key=True, autoincrement=True),
    sa.Column("member_id", sa.String(32), nullable=False, index=True),
    sa.Column("store_id", sa.String(32), nullable=False),
    sa.Column("erased_at", Epoch, nullable=False),
    sa.Column("erased", sa.Text, nullable=False),     # JSON: what was removed, counts
)

# The face gallery's and the manager page's tables (migration 0002_faces) join the same
# metadata; imported last because they use the names above.
from backoffice.storage import schema_faces  # noqa: E402,F401  (registers its tables)
# The wallet connectors' tables (0003_wallets) join the same metadata.
from backoffice.storage import wallet_schema as _wallet_schema  # noqa: E402,F401
