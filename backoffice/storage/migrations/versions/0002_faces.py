"""The face gallery (consents, encrypted templates, per-store versioned changes, each
terminal's sync state) and the store manager page's logins.

Frozen once released: later changes go into new revisions.

Revision ID: 0002_faces
Revises: 0001_core
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_faces"
down_revision = "0001_core"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "face_consents",
        sa.Column("consent_id", BigId, nullable=False, autoincrement=True),
        sa.Column("member_id", sa.String(32), nullable=False),
        sa.Column("store_id", sa.String(32), nullable=False),
        sa.Column("consent_version", sa.String(32), nullable=False),
        sa.Column("consent_text_sha256", sa.String(64), nullable=False),
        sa.Column("consent_text", sa.Text, nullable=False),
        sa.Column("given_at", sa.Double, nullable=False),
        sa.Column("terminal_id", sa.String(16), nullable=False),
        sa.Column("recorded_by", sa.String(64), nullable=False),
        sa.Column("enrol_digest", sa.String(64), nullable=False),
        sa.Column("gallery_version", sa.BigInteger, nullable=False),
        sa.Column("created_at", sa.Double, nullable=False),
        sa.Column("withdrawn_at", sa.Double),
        sa.PrimaryKeyConstraint("consent_id", name="pk_face_consents"),
        sa.ForeignKeyConstraint(["member_id"], ["members.member_id"],
                                name="fk_face_consents_member_id_members"))
    op.create_index("ix_face_consents_member_id", "face_consents", ["member_id"])
    op.create_table(
        "face_templates",
        sa.Column("template_id", BigId, nullable=False, autoincrement=True),
        sa.Column("member_id", sa.String(32), nullable=False),
        sa.Column("store_id", sa.String(32), nullable=False),
        sa.Column("template_version", sa.String(64), nullable=False),
        sa.Column("key_id", sa.String(16), nullable=False),
        sa.Column("vector_enc", sa.LargeBinary, nullable=False),
        sa.Column("created_at", sa.Double, nullable=False),
        sa.PrimaryKeyConstraint("template_id", name="pk_face_templates"),
        sa.ForeignKeyConstraint(["member_id"], ["members.member_id"],
                                name="fk_face_templates_member_id_members"))
    op.create_index("ix_face_templates_member_id", "face_templates", ["member_id"])
    op.create_table(
        "face_gallery_versions",
        sa.Column("store_id", sa.String(32), nullable=False),
        sa.Column("version", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("store_id", name="pk_face_gallery_versions"),
        sa.ForeignKeyConstraint(["store_id"], ["stores.store_id"],
                                name="fk_face_gallery_versions_store_id_stores"))
    op.create_table(
        "face_gallery_changes",
        sa.Column("store_id", sa.String(32), nullable=False),
        sa.Column("version", sa.BigInteger, nullable=False),
        sa.Column("member_id", sa.String(32), nullable=False),
        sa.Column("action", sa.String(8), nullable=False),
        sa.Column("changed_at", sa.Double, nullable=False),
        sa.PrimaryKeyConstraint("store_id", "version", name="pk_face_gallery_changes"),
        sa.CheckConstraint("action IN ('enrol', 'erase')",
                           name="ck_face_gallery_changes_action"))
    op.create_index("ix_face_gallery_changes_member_id", "face_gallery_changes",
                    ["member_id"])
    op.create_table(
        "face_sync_status",
        sa.Column("terminal_id", sa.String(16), nullable=False),
        sa.Column("store_id", sa.String(32), nullable=False),
        sa.Column("applied_version", sa.BigInteger, nullable=False),
        sa.Column("asked_at", sa.Double, nullable=False),
        sa.PrimaryKeyConstraint("terminal_id", name="pk_face_sync_status"),
        sa.ForeignKeyConstraint(["terminal_id"], ["terminals.terminal_id"],
                                name="fk_face_sync_status_terminal_id_terminals"))
    op.create_table(
        "manager_users",
        sa.Column("username", sa.String(32), nullable=False),
        sa.Column("password_hash", sa.String(256), nullable=False),
        sa.Column("store_id", sa.String(32), nullable=False, server_default=""),
        sa.Column("created_at", sa.Double, nullable=False),
        sa.Column("disabled_at", sa.Double),
        sa.PrimaryKeyConstraint("username", name="pk_manager_users"))


def downgrade() -> None:
    for table in ("manager_users", "face_sync_status", "face_gallery_changes",
                  "face_gallery_versions", "face_templates", "face_consents"):
        op.drop_table(table)
