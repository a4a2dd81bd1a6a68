"""Tables of the face gallery and the manager's page (migration ``0002_faces``).

* ``face_consents``: one row per enrolment: the consent text's version and its SHA-256
  (and the text itself, which is the merchant's, not personal data), when it was given,
  at which terminal, recorded by which staff member; ``withdrawn_at`` once erased.
* ``face_templates``: the member's templates, AES-256-GCM encrypted with the operator's
  key (``key_id`` names that key without revealing it). Deleted on erasure.
* ``face_gallery_versions``: one counter per store, taken under the row's lock, so a
  store's changes are numbered in commit order and a terminal's "since" never skips one.
* ``face_gallery_changes``: every enrolment and erasure of a store, by version: what
  the delta sync sends (the member's current state for each member changed since).
* ``face_sync_status``: per terminal, the gallery version it last said it had applied
  and when: the proof that an erasure reached it.
* ``manager_users``: the store manager's page logins (scrypt password hashes).
"""

from __future__ import annotations

import sqlalchemy as sa

from backoffice.storage.schema import BigId, Epoch, metadata

face_consents = sa.Table(
    "face_consents", metadata,
    sa.Column("consent_id", BigId, primary_key=True, autoincrement=True),
    sa.Column("member_id", sa.String(32), sa.ForeignKey("members.member_id"),
              nullable=False, index=True),
    sa.Column("store_id", sa.String(32), nullable=False),
    sa.Column("consent_version", sa.String(32), nullable=False),
    sa.Column("consent_text_sha256", sa.String(64), nullable=False),
    sa.Column("consent_text", sa.Text, nullable=False),
    sa.Column("given_at", Epoch, nullable=False),
    sa.Column("terminal_id", sa.String(16), nullable=False),
    sa.Column("recorded_by", sa.String(64), nullable=False),
    sa.Column("enrol_digest", sa.String(64), nullable=False),
    sa.Column("gallery_version", sa.BigInteger, nullable=False),
    sa.Column("created_at", Epoch, nullable=False),
    sa.Column("withdrawn_at", Epoch),
)

face_templates = sa.Table(
    "face_templates", metadata,
    sa.Column("template_id", BigId, primary_key=True, autoincrement=True),
    sa.Column("member_id", sa.String(32), sa.ForeignKey("members.member_id"),
              nullable=False, index=True),
    sa.Column("store_id", sa.String(32), nullable=False),
    sa.Column("template_version", sa.String(64), nullable=False),
    sa.Column("key_id", sa.String(16), nullable=False),
    sa.Column("vector_enc", sa.LargeBinary, nullable=False),
    sa.Column("created_at", Epoch, nullable=False),
)

face_gallery_versions = sa.Table(
    "face_gallery_versions", metadata,
    sa.Column("store_id", sa.String(32), sa.ForeignKey("stores.store_id"), primary_key=True),
    sa.Column("version", sa.BigInteger, nullable=False),
)

face_gallery_changes = sa.Table(
    "face_gallery_changes", metadata,
    sa.Column("store_id", sa.String(32), primary_key=True),
    sa.Column("version", sa.BigInteger, primary_key=True),
    sa.Column("member_id", sa.String(32), nullable=False, index=True),
    sa.Column("action", sa.String(8), nullable=False),
    sa.Column("changed_at", Epoch, nullable=False),
    sa.CheckConstraint("action IN ('enrol', 'erase')", name="action"),
)

face_sync_status = sa.Table(
    "face_sync_status", metadata,
    sa.Column("terminal_id", sa.String(16), sa.ForeignKey("terminals.terminal_id"),
              primary_key=True),
    sa.Column("store_id", sa.String(32), nullable=False),
    sa.Column("applied_version", sa.BigInteger, nullable=False),
    sa.Column("asked_at", Epoch, nullable=False),
)

manager_users = sa.Table(
    "manager_users", metadata,
    sa.Column("username", sa.String(32), primary_key=True),
    sa.Column("password_hash", sa.String(256), nullable=False),
    sa.Column("store_id", sa.String(32), nullable=False, server_default=""),  # "" = all
    sa.Column("created_at", Epoch, nullable=False),
    sa.Column("disabled_at", Epoch),
)
