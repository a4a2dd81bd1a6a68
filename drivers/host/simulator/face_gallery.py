"""The simulated host's face gallery: ``payterm.face.enrol`` and ``payterm.face.sync``
with the back office's semantics (docs/backoffice.md, "Faces"), so a terminal tested
against the simulator meets the same answers as in a store.

One gallery (the simulator has one store); versions are the row ids of a change log
written under the ledger's exclusive transaction, so they are in commit order. A
resent identical enrolment answers the first; another one for an enrolled member is
``PAYTERM.FACE_ALREADY_ENROLLED``; unknown members ``PAYTERM.MEMBER_NOT_FOUND``.
``erase(member_id)`` (admin ``POST /sim/faces/erase``) plays the back office's member
deletion. This is a test host: its templates are not encrypted.
"""

from __future__ import annotations

from typing import Any

import base64
import binascii
import hashlib
import json

from drivers.host.simulator import biz_fields
from drivers.host.simulator.ledger import Ledger
from drivers.host.simulator.reply import Reply, business_failed, success
from terminal.host_batch_messages import SUB_MEMBER_NOT_FOUND

PAGE_MEMBERS = 200
MAX_TEMPLATES = 10
_SCHEMA = """
CREATE TABLE IF NOT EXISTS sim_face_enrolments (
    member_id TEXT PRIMARY KEY, digest TEXT NOT NULL, version INTEGER NOT NULL,
    consent TEXT NOT NULL, terminal_id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sim_face_templates (
    member_id TEXT NOT NULL, template_version TEXT NOT NULL, template BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS sim_face_changes (
    version INTEGER PRIMARY KEY AUTOINCREMENT, member_id TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('enrol', 'erase')), changed_at REAL NOT NULL);
"""


class FaceGallery:
    def __init__(self, ledger: Ledger) -> None:
        self._ledger = ledger
        with ledger.transaction() as db:
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    db.execute(statement)

    def enrol(self, biz: dict[str, Any], now: float) -> Reply:
        member_id = biz_fields.text(biz, "member_id", max_len=32)
        template_version = biz_fields.text(biz, "template_version")
        templates = _templates(biz)
        consent = biz.get("consent")
        if not isinstance(consent, dict) or not isinstance(consent.get("text"), str) \
                or not consent["text"].strip():
            raise biz_fields.BadField("isv.missing-parameter", "consent is required")
        digest = hashlib.sha256(json.dumps(
            [template_version, str(consent.get("version")),
             sorted(hashlib.sha256(t).hexdigest() for t in templates)]).encode()).hexdigest()
        with self._ledger.transaction() as db:
            if self._ledger.member(db, member_id) is None:
                return business_failed(SUB_MEMBER_NOT_FOUND, "会员不存在 member not found")
            row = db.execute("SELECT digest, version FROM sim_face_enrolments WHERE "
                             "member_id = ?", [member_id]).fetchone()
            if row is not None:
                if row["digest"] != digest:
                    return business_failed("PAYTERM.FACE_ALREADY_ENROLLED",
                                           "该会员已登记人脸 this member already has a face "
                                           "enrolment; delete it first")
                count = db.execute("SELECT count(*) FROM sim_face_templates WHERE "
                                   "member_id = ?", [member_id]).fetchone()[0]
                return success(member_id=member_id, gallery_version=row["version"],
                               templates_stored=count)
            version = db.execute("INSERT INTO sim_face_changes (member_id, action, "
                                 "changed_at) VALUES (?, 'enrol', ?)",
                                 [member_id, now]).lastrowid
            db.execute("INSERT INTO sim_face_enrolments VALUES (?, ?, ?, ?, ?)",
                       [member_id, digest, version, json.dumps(consent, ensure_ascii=False),
                        biz_fields.text(biz, "terminal_id", max_len=32)])
            db.executemany("INSERT INTO sim_face_templates VALUES (?, ?, ?)",
                           [(member_id, template_version, t) for t in templates])
        return success(member_id=member_id, gallery_version=version,
                       templates_stored=len(templates))

    def erase(self, member_id: str, now: float) -> int:
        """The back office deleted the member: templates go, a change tells terminals."""
        with self._ledger.transaction() as db:
            erased = db.execute("DELETE FROM sim_face_templates WHERE member_id = ?",
                                [member_id]).rowcount
            db.execute("DELETE FROM sim_face_enrolments WHERE member_id = ?", [member_id])
            db.execute("INSERT INTO sim_face_changes (member_id, action, changed_at) "
                       "VALUES (?, 'erase', ?)", [member_id, now])
        return erased

    def sync(self, biz: dict[str, Any], now: float) -> Reply:
        since = biz.get("since_version")
        if isinstance(since, bool) or not isinstance(since, int) or since < 0:
            raise biz_fields.BadField("isv.invalid-parameter",
                                      "since_version must be a whole number >= 0")
        template_version = biz_fields.text(biz, "template_version")
        with self._ledger.transaction() as db:
            current = db.execute("SELECT coalesce(max(version), 0) FROM sim_face_changes"
                                 ).fetchone()[0]
            reset = since > current
            start = 0 if reset else since
            page: list[str] = []
            upto = start
            for row in db.execute("SELECT version, member_id FROM sim_face_changes WHERE "
                                  "version > ? ORDER BY version", [start]):
                if row["member_id"] not in page:
                    if len(page) == PAGE_MEMBERS:
                        break
                    page.append(row["member_id"])
                upto = row["version"]
            changes = []
            for member_id in page:
                blobs = [r[0] for r in db.execute(
                    "SELECT template FROM sim_face_templates WHERE member_id = ? AND "
                    "template_version = ? ORDER BY rowid", [member_id, template_version])]
                changes.append({"member_id": member_id, "action": "add",
                                "templates": [base64.b64encode(b).decode() for b in blobs]}
                               if blobs else {"member_id": member_id, "action": "remove"})
        more = upto < current
        return success(since_version=since, gallery_version=upto if more else current,
                       more="Y" if more else "N", reset="Y" if reset else "N",
                       changes=changes)


def _templates(biz: dict[str, Any]) -> list[bytes]:
    raw = biz.get("templates")
    if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_TEMPLATES:
        raise biz_fields.BadField("isv.invalid-parameter",
                                  f"templates must be a list of 1-{MAX_TEMPLATES}")
    out = []
    for item in raw:
        try:
            out.append(base64.b64decode(item, validate=True))
        except (binascii.Error, ValueError, TypeError):
            raise biz_fields.BadField("isv.invalid-parameter",
                                      "templates: each must be base64") from None
    return out
