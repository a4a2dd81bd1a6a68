"""The core books: stores, terminals and their keys, members and their balance ledger,
trades, refunds, store exceptions, batch receipts, erasure records.

Frozen: later changes go into new revisions (0002_faces ... for the face gallery,
0003_wallets ... for the wallet connectors), never into this file.

Revision ID: 0001_core
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_core"
down_revision = None
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "stores",
        sa.Column("store_id", sa.String(32), nullable=False),
        sa.Column("name", sa.String(128), nullable=False, server_default=""),
        sa.Column("created_at", sa.Double, nullable=False),
        sa.PrimaryKeyConstraint("store_id", name="pk_stores"))
    op.create_table(
        "terminals",
        sa.Column("terminal_id", sa.String(16), nullable=False),
        sa.Column("store_id", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("public_key_pem", sa.Text, nullable=False),
        sa.Column("key_fingerprint", sa.String(64), nullable=False),
        sa.Column("created_at", sa.Double, nullable=False),
        sa.Column("disabled_at", sa.Double),
        sa.Column("last_seen_at", sa.Double),
        sa.Column("app_version", sa.String(64), nullable=False, server_default=""),
        sa.Column("backlog_count", sa.Integer),
        sa.Column("backlog_fen", sa.BigInteger),
        sa.Column("backlog_oldest_at", sa.Double),
        sa.Column("diag_summary", sa.Text, nullable=False, server_default=""),
        sa.PrimaryKeyConstraint("terminal_id", name="pk_terminals"),
        sa.ForeignKeyConstraint(["store_id"], ["stores.store_id"],
                                name="fk_terminals_store_id_stores"),
        sa.UniqueConstraint("key_fingerprint", name="uq_terminals_key_fingerprint"),
        sa.CheckConstraint("status IN ('active', 'disabled')", name="ck_terminals_status"))
    op.create_table(
        "terminal_keys",
        sa.Column("key_fingerprint", sa.String(64), nullable=False),
        sa.Column("terminal_id", sa.String(16), nullable=False),
        sa.Column("public_key_pem", sa.Text, nullable=False),
        sa.Column("added_at", sa.Double, nullable=False),
        sa.Column("retired_at", sa.Double),
        sa.PrimaryKeyConstraint("key_fingerprint", name="pk_terminal_keys"),
        sa.ForeignKeyConstraint(["terminal_id"], ["terminals.terminal_id"],
                                name="fk_terminal_keys_terminal_id_terminals"))
    op.create_index("ix_terminal_keys_terminal_id", "terminal_keys", ["terminal_id"])
    op.create_table(
        "members",
        sa.Column("member_id", sa.String(32), nullable=False),
        sa.Column("store_id", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("phone", sa.String(20)),
        sa.Column("phone_last4", sa.String(4), nullable=False, server_default=""),
        sa.Column("balance_fen", sa.BigInteger, nullable=False),
        sa.Column("created_at", sa.Double, nullable=False),
        sa.Column("updated_at", sa.Double, nullable=False),
        sa.Column("erased_at", sa.Double),
        sa.PrimaryKeyConstraint("member_id", name="pk_members"),
        sa.ForeignKeyConstraint(["store_id"], ["stores.store_id"],
                                name="fk_members_store_id_stores"),
        sa.CheckConstraint("balance_fen >= 0", name="ck_members_balance_not_negative"),
        sa.CheckConstraint("status IN ('active', 'frozen', 'deleted')",
                           name="ck_members_status"))
    op.create_index("ix_members_store_id", "members", ["store_id"])
    op.create_table(
        "member_ledger",
        sa.Column("entry_id", BigId, nullable=False, autoincrement=True),
        sa.Column("member_id", sa.String(32), nullable=False),
        sa.Column("delta_fen", sa.BigInteger, nullable=False),
        sa.Column("balance_after_fen", sa.BigInteger, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("terminal_id", sa.String(16), nullable=False, server_default=""),
        sa.Column("out_trade_no", sa.String(64), nullable=False, server_default=""),
        sa.Column("note", sa.String(256), nullable=False, server_default=""),
        sa.Column("created_at", sa.Double, nullable=False),
        sa.PrimaryKeyConstraint("entry_id", name="pk_member_ledger"),
        sa.ForeignKeyConstraint(["member_id"], ["members.member_id"],
                                name="fk_member_ledger_member_id_members"))
    op.create_index("ix_member_ledger_member_id", "member_ledger", ["member_id"])
    op.create_table(
        "trades",
        sa.Column("trade_id", BigId, nullable=False, autoincrement=True),
        sa.Column("terminal_id", sa.String(16), nullable=False),
        sa.Column("out_trade_no", sa.String(64), nullable=False),
        sa.Column("trade_no", sa.String(32), nullable=False),
        sa.Column("store_id", sa.String(32), nullable=False),
        sa.Column("tender", sa.String(8), nullable=False),
        sa.Column("wallet", sa.String(16), nullable=False, server_default=""),
        sa.Column("member_id", sa.String(32), nullable=False, server_default=""),
        sa.Column("amount_fen", sa.BigInteger, nullable=False),
        sa.Column("refunded_fen", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("decline_code", sa.String(64), nullable=False, server_default=""),
        sa.Column("offline", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("cancelled", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("subject", sa.String(256), nullable=False, server_default=""),
        sa.Column("evidence", sa.Text, nullable=False, server_default="{}"),
        sa.Column("created_at", sa.Double, nullable=False),
        sa.Column("received_at", sa.Double, nullable=False),
        sa.Column("updated_at", sa.Double, nullable=False),
        sa.Column("bill_day", sa.String(10), nullable=False),
        sa.PrimaryKeyConstraint("trade_id", name="pk_trades"),
        sa.ForeignKeyConstraint(["terminal_id"], ["terminals.terminal_id"],
                                name="fk_trades_terminal_id_terminals"),
        sa.ForeignKeyConstraint(["store_id"], ["stores.store_id"],
                                name="fk_trades_store_id_stores"),
        sa.UniqueConstraint("trade_no", name="uq_trades_trade_no"),
        sa.UniqueConstraint("terminal_id", "out_trade_no",
                            name="uq_trades_terminal_id_out_trade_no"),
        sa.CheckConstraint("tender IN ('member', 'cash', 'wallet')", name="ck_trades_tender"),
        sa.CheckConstraint("state IN ('WAIT_BUYER_PAY', 'TRADE_SUCCESS', 'TRADE_CLOSED', "
                           "'TRADE_FINISHED')", name="ck_trades_state"),
        sa.CheckConstraint("amount_fen >= 0 AND refunded_fen >= 0 AND "
                           "refunded_fen <= amount_fen", name="ck_trades_amounts"))
    op.create_index("ix_trades_member_id", "trades", ["member_id"])
    op.create_index("ix_trades_store_day", "trades", ["store_id", "bill_day"])
    op.create_index("ix_trades_terminal_day", "trades", ["terminal_id", "bill_day"])
    op.create_table(
        "refunds",
        sa.Column("trade_id", BigId, nullable=False),
        sa.Column("out_request_no", sa.String(64), nullable=False),
        sa.Column("amount_fen", sa.BigInteger, nullable=False),
        sa.Column("reason", sa.String(256), nullable=False, server_default=""),
        sa.Column("created_at", sa.Double, nullable=False),
        sa.PrimaryKeyConstraint("trade_id", "out_request_no", name="pk_refunds"),
        sa.ForeignKeyConstraint(["trade_id"], ["trades.trade_id"],
                                name="fk_refunds_trade_id_trades"),
        sa.CheckConstraint("amount_fen > 0", name="ck_refunds_positive"))
    op.create_table(
        "store_exceptions",
        sa.Column("exception_id", BigId, nullable=False, autoincrement=True),
        sa.Column("store_id", sa.String(32), nullable=False),
        sa.Column("terminal_id", sa.String(16), nullable=False),
        sa.Column("out_trade_no", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("reason_code", sa.String(64), nullable=False),
        sa.Column("reason_msg", sa.String(256), nullable=False, server_default=""),
        sa.Column("member_id", sa.String(32), nullable=False, server_default=""),
        sa.Column("amount_fen", sa.BigInteger, nullable=False),
        sa.Column("created_at", sa.Double, nullable=False),
        sa.Column("bill_day", sa.String(10), nullable=False),
        sa.Column("resolved_at", sa.Double),
        sa.Column("resolution", sa.String(256), nullable=False, server_default=""),
        sa.PrimaryKeyConstraint("exception_id", name="pk_store_exceptions"),
        sa.ForeignKeyConstraint(["store_id"], ["stores.store_id"],
                                name="fk_store_exceptions_store_id_stores"),
        sa.UniqueConstraint("terminal_id", "out_trade_no", "kind",
                            name="uq_store_exceptions_terminal_id_out_trade_no_kind"))
    op.create_index("ix_store_exceptions_store_day", "store_exceptions",
                    ["store_id", "bill_day"])
    op.create_table(
        "batch_receipts",
        sa.Column("batch_id", BigId, nullable=False, autoincrement=True),
        sa.Column("terminal_id", sa.String(16), nullable=False),
        sa.Column("received_at", sa.Double, nullable=False),
        sa.Column("records", sa.Integer, nullable=False),
        sa.Column("accepted", sa.Integer, nullable=False),
        sa.Column("duplicate", sa.Integer, nullable=False),
        sa.Column("declined", sa.Integer, nullable=False),
        sa.Column("retryable", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("batch_id", name="pk_batch_receipts"))
    op.create_index("ix_batch_receipts_terminal_id", "batch_receipts", ["terminal_id"])
    op.create_table(
        "member_erasures",
        sa.Column("erasure_id", BigId, nullable=False, autoincrement=True),
        sa.Column("member_id", sa.String(32), nullable=False),
        sa.Column("store_id", sa.String(32), nullable=False),
        sa.Column("erased_at", sa.Double, nullable=False),
        sa.Column("erased", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("erasure_id", name="pk_member_erasures"))
    op.create_index("ix_member_erasures_member_id", "member_erasures", ["member_id"])


def downgrade() -> None:
    for table in ("member_erasures", "batch_receipts", "store_exceptions", "refunds",
                  "trades", "member_ledger", "members", "terminal_keys", "terminals",
                  "stores"):
        op.drop_table(table)
