"""The encrypted face template store (implements ``terminal.ports.face.FaceTemplateStore``).

One SQLite file shared with the rest of the terminal's store; templates and phone
numbers are encrypted with a key kept outside it (``load_or_create_key``). Deleting a
member overwrites the freed pages (``secure_delete``), checkpoints the WAL (checked),
scrubs the backups and verifies on the raw files that no copy is left
(``offline_queue.face_erasure``).
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
import time
from pathlib import Path
from typing import Any, Iterable

import sqlite_utils

from offline_queue.face_erasure import (ErasureReport, complete, marks_of,
                                        record_outcome)
from offline_queue.face_gallery_store import GallerySyncStore
from offline_queue.field_cipher import FieldCipher, load_or_create_key
from offline_queue.store import open_store, transaction, translate_sqlite_error
from terminal.errors import UserFacingError
from terminal.member_display import check_member_name
from terminal.ports.face import ConsentRecord, StoredTemplate

log = logging.getLogger(__name__)

MEMBER_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
PHONE = re.compile(r"^\+?[0-9]{7,15}$")


def check_member_id(member_id: str) -> str:
    if not MEMBER_ID.match(member_id or ""):
        raise UserFacingError(f"会员号无效 / Invalid member ID {member_id!r} (letters, digits, "
                              ". _ -; at most 64)")
    return member_id


def check_phone(phone: str) -> str:
    digits = (phone or "").replace(" ", "").replace("-", "")
    if not PHONE.match(digits):
        raise UserFacingError("手机号无效 / Invalid phone number (7-15 digits)")
    return digits


class FaceStore(GallerySyncStore):
    """Blocking; use from one thread (each thread opens its own FaceStore)."""

    def __init__(self, db: sqlite_utils.Database, cipher: FieldCipher) -> None:
        self._db = db
        self._cipher = cipher
        db.execute("PRAGMA secure_delete = ON")

    def enrol(self, member_id: str, phone: str, templates: list[bytes], version: str,
              consent: ConsentRecord, *, name: str = "") -> None:
        """New member (or a re-enrolment after deletion) with consent and templates;
        ``name`` (optional) is kept encrypted like the phone."""
        check_member_id(member_id)
        phone = check_phone(phone)
        name = check_member_name(name)
        if not templates:
            raise UserFacingError("没有可保存的人脸特征 / No templates to store")
        now = time.time()
        with transaction(self._db):
            row = self._db.execute("SELECT status FROM face_members WHERE member_id = ?",
                                   [member_id]).fetchone()
            if row and row[0] == "active":
                raise UserFacingError(
                    f"会员 {member_id} 已登记 / Member {member_id} is already enrolled; "
                    "delete the enrolment first to enrol again")
            self._db.execute(
                "INSERT INTO face_consents (member_id, given_at, consent_text, "
                "consent_version, recorded_by) VALUES (?, ?, ?, ?, ?)",
                [member_id, consent.given_at, consent.consent_text,
                 consent.consent_version, consent.recorded_by])
            self._db.execute(
                "INSERT INTO face_members (member_id, status, phone_enc, name_enc, "
                "template_version, enrolled_at, updated_at) "
                "VALUES (?, 'active', ?, ?, ?, ?, ?) "
                "ON CONFLICT(member_id) DO UPDATE SET status='active', "
                "phone_enc=excluded.phone_enc, name_enc=excluded.name_enc, "
                "template_version=excluded.template_version, "
                "enrolled_at=excluded.enrolled_at, updated_at=excluded.updated_at",
                [member_id, self._cipher.encrypt_text(phone, f"face_phone:{member_id}"),
                 self._cipher.encrypt_text(name, f"face_name:{member_id}") if name
                 else None, version, now, now])
            for blob in templates:
                self._db.execute(
                    "INSERT INTO face_templates (member_id, template_version, created_at, "
                    "vector_enc) VALUES (?, ?, ?, ?)",
                    [member_id, version, now,
                     self._cipher.encrypt(blob, f"face_template:{member_id}")])

    def delete_member(self, member_id: str, reason: str) -> int:
        """Erase templates and phone, keep a deletion record; returns the count. See
        ``erase_member`` for the verified erasure report."""
        return self.erase_member(member_id, reason).templates_erased

    def erase_member(self, member_id: str, reason: str,
                     backup_roots: Iterable[Path] = ()) -> ErasureReport:
        """Delete the member's templates and phone (a deletion record stays), then make
        sure no copy is left in the store file, its WAL or the backups under
        ``backup_roots``: the report says ``erased`` only when the raw files were read
        and hold none of the deleted ciphertexts, else ``pending``
        (``finish_erasures`` completes it). Raises UserFacingError when the member is
        not enrolled."""
        now = time.time()
        with transaction(self._db):
            row = self._db.execute("SELECT status, phone_enc, name_enc FROM face_members "
                                   "WHERE member_id = ?", [member_id]).fetchone()
            if not row or row[0] != "active":
                raise UserFacingError(f"会员 {member_id} 未登记人脸 / Member {member_id} "
                                      "has no face enrolment")
            blobs = [r[0] for r in self._db.execute(
                "SELECT vector_enc FROM face_templates WHERE member_id = ?", [member_id])]
            erased = self._db.execute("DELETE FROM face_templates WHERE member_id = ?",
                                      [member_id]).rowcount
            self._db.execute("UPDATE face_members SET status='deleted', phone_enc=NULL, "
                             "name_enc=NULL, updated_at=? WHERE member_id = ?",
                             [now, member_id])
            self._db.execute("INSERT INTO face_deletions (member_id, deleted_at, "
                             "templates_erased, reason) VALUES (?, ?, ?, ?)",
                             [member_id, now, erased, reason])
            erasure_id = self._db.execute(
                "INSERT INTO face_erasures (member_id, started_at, state, marks) "
                "VALUES (?, ?, 'pending', ?)",
                [member_id, now, json.dumps(marks_of(blobs + [c for c in row[1:] if c is not None]))]).lastrowid
        assert erasure_id is not None      # an INSERT always has a rowid
        report = self._complete(erasure_id, member_id, backup_roots)
        report.templates_erased = erased
        log.info("face enrolment deleted (%d templates erased, erasure %s)", erased,
                 report.state)
        return report

    def finish_erasures(self, backup_roots: Iterable[Path] = ()) -> list[ErasureReport]:
        """Try every pending erasure again; returns their reports (empty: none pending)."""
        rows = self._db.execute("SELECT id, member_id FROM face_erasures "
                                "WHERE state = 'pending' ORDER BY id").fetchall()
        return [self._complete(r[0], r[1], backup_roots) for r in rows]

    def pending_erasures(self) -> list[dict[str, Any]]:
        rows = self._db.execute("SELECT member_id, started_at, remaining FROM face_erasures "
                                "WHERE state = 'pending' ORDER BY id").fetchall()
        return [{"member_id": r[0], "started_at": r[1], "remaining": json.loads(r[2])}
                for r in rows]

    def _complete(self, erasure_id: int, member_id: str,
                  backup_roots: Iterable[Path]) -> ErasureReport:
        marks = json.loads(self._db.execute("SELECT marks FROM face_erasures WHERE id = ?",
                                            [erasure_id]).fetchone()[0])
        conn = self._db.conn
        database = Path(next(r[2] for r in conn.execute("PRAGMA database_list")
                             if r[1] == "main"))
        try:
            report = complete(conn, database, member_id, marks, list(backup_roots))
        except sqlite3.DatabaseError as exc:
            raise translate_sqlite_error(exc, database) from exc
        with transaction(self._db):
            record_outcome(conn, erasure_id, report)
        return report

    def load_templates(self, version: str | None = None) -> list[StoredTemplate]:
        """Active templates, decrypted; only ``version`` when given."""
        sql = ("SELECT member_id, template_version, vector_enc FROM face_templates "
               + ("WHERE template_version = ? " if version else "") + "ORDER BY id")
        rows = self._db.execute(sql, [version] if version else []).fetchall()
        return [StoredTemplate(member_id, ver,
                               self._cipher.decrypt(blob, f"face_template:{member_id}"))
                for member_id, ver, blob in rows]

    def stale_template_count(self, version: str) -> int:
        """Templates made by another recognizer version (need re-enrolment)."""
        return int(self._db.execute("SELECT count(*) FROM face_templates WHERE "
                                    "template_version != ?", [version]).fetchone()[0])

    def enrolled_count(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM face_members WHERE status = 'active'"
                                    ).fetchone()[0])

    def phone_last4(self, member_id: str) -> str | None:
        row = self._db.execute("SELECT phone_enc FROM face_members WHERE member_id = ? AND "
                               "status = 'active'", [member_id]).fetchone()
        if not row or row[0] is None:
            return None
        return self._cipher.decrypt_text(row[0], f"face_phone:{member_id}")[-4:]

    def contact(self, member_id: str) -> tuple[str, str] | None:
        """(name, phone) of an enrolled member, decrypted ("" for no name)."""
        row = self._db.execute("SELECT phone_enc, name_enc FROM face_members WHERE "
                               "member_id = ? AND status = 'active'", [member_id]).fetchone()
        if not row or row[0] is None:
            return None
        name = (self._cipher.decrypt_text(row[1], f"face_name:{member_id}")
                if row[1] is not None else "")
        return name, self._cipher.decrypt_text(row[0], f"face_phone:{member_id}")

    def members(self) -> list[dict[str, Any]]:
        """Enrolled and deleted members with their template count and latest consent."""
        rows = self._db.execute(
            "SELECT m.member_id, m.status, m.template_version, m.enrolled_at, "
            "(SELECT count(*) FROM face_templates t WHERE t.member_id = m.member_id), "
            "(SELECT consent_version FROM face_consents c WHERE c.member_id = m.member_id "
            " ORDER BY c.id DESC LIMIT 1), "
            "(SELECT given_at FROM face_consents c WHERE c.member_id = m.member_id "
            " ORDER BY c.id DESC LIMIT 1) "
            "FROM face_members m ORDER BY m.member_id").fetchall()
        keys = ("member_id", "status", "template_version", "enrolled_at", "templates",
                "consent_version", "consent_given_at")
        return [dict(zip(keys, row)) for row in rows]

    def consents(self, member_id: str) -> list[dict[str, Any]]:
        rows = self._db.execute("SELECT given_at, consent_text, consent_version, recorded_by "
                                "FROM face_consents WHERE member_id = ? ORDER BY id",
                                [member_id]).fetchall()
        return [dict(zip(("given_at", "consent_text", "consent_version", "recorded_by"), r))
                for r in rows]

    def deletions(self, member_id: str) -> list[dict[str, Any]]:
        rows = self._db.execute("SELECT deleted_at, templates_erased, reason FROM "
                                "face_deletions WHERE member_id = ? ORDER BY id",
                                [member_id]).fetchall()
        return [dict(zip(("deleted_at", "templates_erased", "reason"), r)) for r in rows]

    # -- velocity ledger (implements terminal.risk.VelocityLedger) --------------------

    def record_face_payment(self, member_id: str, amount_fen: int, at_s: float,
                            keep_s: float) -> None:
        """Persist an approved face payment; rows older than ``keep_s`` before it go."""
        with transaction(self._db):
            self._db.execute("INSERT INTO face_payments (member_id, at, amount_fen) "
                             "VALUES (?, ?, ?)", [member_id, at_s, amount_fen])
            self._db.execute("DELETE FROM face_payments WHERE at <= ?", [at_s - keep_s])

    def face_payments_since(self, member_id: str, since_s: float) -> list[tuple[float, int]]:
        """(time, amount_fen) of the member's face payments after ``since_s``."""
        try:
            return [tuple(r) for r in self._db.execute(
                "SELECT at, amount_fen FROM face_payments WHERE member_id = ? AND at > ? "
                "ORDER BY at", [member_id, since_s]).fetchall()]
        except sqlite3.DatabaseError as exc:
            raise translate_sqlite_error(exc) from exc

    def close(self) -> None:
        self._db.conn.close()


def open_face_store(database: Path, key_file: Path, *, busy_timeout_ms: int = 5000) -> FaceStore:
    """Open the store file (migrating it) and the template key (created 0600 if new)."""
    cipher = FieldCipher(load_or_create_key(key_file))
    return FaceStore(open_store(database, busy_timeout_ms=busy_timeout_ms), cipher)


def enrolled_people_count(database: Path) -> int:
    """For diagnostics: how many members are enrolled (no key needed, no face data read)."""
    db = open_store(database)
    try:
        return int(db.execute("SELECT count(*) FROM face_members WHERE status = 'active'"
                              ).fetchone()[0])
    finally:
        db.conn.close()
