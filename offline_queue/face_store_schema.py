"""Tables of the face store: members, consent records, encrypted templates, deletions.

No table has a column for an image. Templates and phone numbers are AES-GCM encrypted
(``offline_queue.field_cipher``); consent and deletion records stay after a deletion as
the proof of what was agreed and when it was erased.
"""

from __future__ import annotations

import sqlite_utils

from offline_queue.face_erasure import create_erasure_table


def create_face_tables(db: sqlite_utils.Database) -> None:
    db.execute("""CREATE TABLE face_members (
        member_id TEXT PRIMARY KEY,
        status TEXT NOT NULL CHECK (status IN ('active', 'deleted')),
        phone_enc BLOB,
        template_version TEXT,
        enrolled_at REAL NOT NULL,
        updated_at REAL NOT NULL)""")
    db.execute("""CREATE TABLE face_consents (
        id INTEGER PRIMARY KEY,
        member_id TEXT NOT NULL,
        given_at REAL NOT NULL,
        consent_text TEXT NOT NULL,
        consent_version TEXT NOT NULL,
        recorded_by TEXT NOT NULL)""")
    db.execute("""CREATE TABLE face_templates (
        id INTEGER PRIMARY KEY,
        member_id TEXT NOT NULL REFERENCES face_members(member_id),
        template_version TEXT NOT NULL,
        created_at REAL NOT NULL,
        vector_enc BLOB NOT NULL)""")
    db.execute("CREATE INDEX face_templates_member ON face_templates(member_id)")
    db.execute("""CREATE TABLE face_deletions (
        id INTEGER PRIMARY KEY,
        member_id TEXT NOT NULL,
        deleted_at REAL NOT NULL,
        templates_erased INTEGER NOT NULL,
        reason TEXT NOT NULL)""")


def create_velocity_table(db: sqlite_utils.Database) -> None:
    """Approved face payments per member for the velocity limits (``terminal.risk``):
    member, time and amount only, pruned to the velocity window on every write."""
    db.execute("""CREATE TABLE face_payments (
        id INTEGER PRIMARY KEY,
        member_id TEXT NOT NULL,
        at REAL NOT NULL,
        amount_fen INTEGER NOT NULL CHECK (amount_fen >= 0))""")
    db.execute("CREATE INDEX face_payments_member ON face_payments(member_id, at)")


def create_gallery_sync_state(db: sqlite_utils.Database) -> None:
    """The store gallery synced from the back office: which members came from it
    (``source``), and the gallery version applied with the time of the last sync."""
    db.execute("ALTER TABLE face_members ADD COLUMN source TEXT NOT NULL DEFAULT 'local'")
    db.execute("""CREATE TABLE face_gallery_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        version INTEGER NOT NULL CHECK (version >= 0),
        synced_at REAL NOT NULL)""")
def add_member_name(db: sqlite_utils.Database) -> None:
    """The member's name (encrypted like the phone) for the shopper's confirmation."""
    db.execute("ALTER TABLE face_members ADD COLUMN name_enc BLOB")


MIGRATIONS = [("face_store_0001_create", create_face_tables),
              ("face_store_0002_velocity", create_velocity_table),
              ("face_store_0003_erasures", create_erasure_table),
              ("face_store_0004_gallery_sync", create_gallery_sync_state),
              ("face_store_0005_member_name", add_member_name)]
