"""The terminal's copy of its store's face gallery, kept by the back office's delta
sync (``payterm.face.sync``; rules in ``terminal.face_gallery_sync``).

Mixed into ``FaceStore``. One page of changes is applied in one transaction together
with the gallery version it brings the store to, so a crash never leaves a version
remembered whose changes were not applied (the next sync sends them again). A removed
member's templates are deleted (``secure_delete`` overwrites them) and the WAL is
checkpointed, as for a local deletion; a ``face_deletions`` row says it came from the
back office. Members enrolled only on this terminal (``source = 'local'``, the
simulator set-up) are left alone, also by a reset.
"""

from __future__ import annotations

import sqlite3

import sqlite_utils

from offline_queue.field_cipher import FieldCipher
from offline_queue.store import transaction, translate_sqlite_error
from terminal.face_gallery_sync import ChangeAction, GalleryDelta


class GallerySyncStore:
    """Needs ``self._db`` (sqlite_utils.Database) and ``self._cipher`` (FieldCipher)."""

    _db: sqlite_utils.Database          # set by FaceStore
    _cipher: FieldCipher

    def gallery_state(self) -> tuple[int, float | None]:
        """(gallery version applied, when the last sync succeeded) — (0, None) at first."""
        row = self._db.execute(
            "SELECT version, synced_at FROM face_gallery_state WHERE id = 1").fetchone()
        return (int(row[0]), row[1]) if row else (0, None)

    def apply_gallery_page(self, delta: GalleryDelta, template_version: str,
                           now: float) -> tuple[int, int]:
        """Apply one page; returns (members added or replaced, members removed)."""
        db, cipher = self._db, self._cipher
        added = removed = 0
        with transaction(db):
            if delta.reset:
                for (member_id,) in db.execute(
                        "SELECT member_id FROM face_members WHERE source = 'synced' "
                        "AND status = 'active'").fetchall():
                    removed += self._drop(member_id, now, "gallery reset by the back office")
            for change in delta.changes:
                if change.action is ChangeAction.REMOVE:
                    removed += self._drop(change.member_id, now,
                                          f"erased at the back office (gallery "
                                          f"v{delta.gallery_version})")
                    continue
                db.execute("DELETE FROM face_templates WHERE member_id = ?",
                           [change.member_id])
                db.execute(
                    "INSERT INTO face_members (member_id, status, phone_enc, "
                    "template_version, enrolled_at, updated_at, source) VALUES "
                    "(?, 'active', NULL, ?, ?, ?, 'synced') ON CONFLICT(member_id) DO "
                    "UPDATE SET status='active', template_version=excluded.template_version,"
                    " updated_at=excluded.updated_at, source='synced'",
                    [change.member_id, template_version, now, now])
                for blob in change.templates:
                    db.execute("INSERT INTO face_templates (member_id, template_version, "
                               "created_at, vector_enc) VALUES (?, ?, ?, ?)",
                               [change.member_id, template_version, now,
                                cipher.encrypt(blob, f"face_template:{change.member_id}")])
                added += 1
            db.execute("INSERT INTO face_gallery_state (id, version, synced_at) VALUES "
                       "(1, ?, ?) ON CONFLICT(id) DO UPDATE SET version=excluded.version, "
                       "synced_at=excluded.synced_at", [delta.gallery_version, now])
        if removed:
            try:                                 # the deleted rows leave the WAL too
                db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.DatabaseError as exc:
                raise translate_sqlite_error(exc) from exc
        return added, removed

    def _drop(self, member_id: str, now: float, reason: str) -> int:
        db = self._db
        row = db.execute("SELECT status FROM face_members WHERE member_id = ?",
                         [member_id]).fetchone()
        erased = db.execute("DELETE FROM face_templates WHERE member_id = ?",
                            [member_id]).rowcount
        if row is None or (row[0] != "active" and not erased):
            return 0
        db.execute("UPDATE face_members SET status='deleted', phone_enc=NULL, updated_at=? "
                   "WHERE member_id = ?", [now, member_id])
        db.execute("INSERT INTO face_deletions (member_id, deleted_at, templates_erased, "
                   "reason) VALUES (?, ?, ?, ?)", [member_id, now, erased, reason])
        return 1
