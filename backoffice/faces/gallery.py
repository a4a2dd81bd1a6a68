"""The store's face gallery: enrolment, erasure and the versioned delta for terminals.

Every change of a store's gallery takes the store's version row under its lock, adds
one to it and records ``(store, version, member, enrol|erase)``, all in the caller's
transaction: versions of one store are handed out in commit order, so a terminal that
has applied version V and asks for "since V" can never miss a change committed later
with a lower number.

The delta for "since V" is, for every member changed after V, that member's state now:
``add`` with all current templates, or ``remove``. Sending the current state (not the
history) makes a delta idempotent and lets an erasure overtake an earlier enrolment.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from backoffice.faces.template_key import TemplateCipher
from backoffice.storage.schema_faces import (face_consents, face_gallery_changes,
                                             face_gallery_versions, face_templates)

#: Members per sync answer; the terminal asks again while ``more`` is "Y".
SYNC_PAGE_MEMBERS = 200
#: The people-count above which biometric processing must be filed with the authority
#: (the 100,000 threshold the issue names); the pages and CLI show the count against it.
FILING_THRESHOLD = 100_000


@dataclass(frozen=True)
class Consent:
    version: str
    text: str
    given_at: float
    recorded_by: str


@dataclass(frozen=True)
class EnrolResult:
    gallery_version: int
    templates_stored: int
    repeated: bool


def enrol_digest(template_version: str, templates: list[bytes], consent: Consent) -> str:
    """Identifies one enrolment request, so a resent one is recognised."""
    digest = hashlib.sha256(template_version.encode() + b"\0" + consent.version.encode())
    for blob in sorted(templates):
        digest.update(hashlib.sha256(blob).digest())
    return digest.hexdigest()


def next_version(conn: Connection, store_id: str, member_id: str, action: str,
                 now: float) -> int:
    """Take the store's next gallery version (row lock held to the commit)."""
    row = conn.execute(sa.select(face_gallery_versions.c.version)
                       .where(face_gallery_versions.c.store_id == store_id)
                       .with_for_update()).first()
    if row is None:
        # A unique-key race with another first change is retried as a whole.
        version = 1
        conn.execute(face_gallery_versions.insert().values(store_id=store_id, version=1))
    else:
        version = int(row[0]) + 1
        conn.execute(face_gallery_versions.update()
                     .where(face_gallery_versions.c.store_id == store_id)
                     .values(version=version))
    conn.execute(face_gallery_changes.insert().values(
        store_id=store_id, version=version, member_id=member_id, action=action,
        changed_at=now))
    return version


def current_version(conn: Connection, store_id: str) -> int:
    row = conn.execute(sa.select(face_gallery_versions.c.version)
                       .where(face_gallery_versions.c.store_id == store_id)).first()
    return int(row[0]) if row else 0


def active_consent(conn: Connection, member_id: str) -> Any:
    return conn.execute(sa.select(face_consents)
                        .where(face_consents.c.member_id == member_id,
                               face_consents.c.withdrawn_at.is_(None))
                        .order_by(face_consents.c.consent_id.desc())).mappings().first()


def template_count(conn: Connection, member_id: str) -> int:
    return int(conn.execute(sa.select(sa.func.count()).select_from(face_templates)
                            .where(face_templates.c.member_id == member_id)).scalar_one())


def store_enrolment(conn: Connection, cipher: TemplateCipher, *, store_id: str,
                    member_id: str, terminal_id: str, template_version: str,
                    templates: list[bytes], consent: Consent, now: float) -> EnrolResult:
    """Store templates and consent for a LOCKED, active member without a live
    enrolment (the caller checked). A resent identical request answers the first."""
    digest = enrol_digest(template_version, templates, consent)
    existing = active_consent(conn, member_id)
    if existing is not None:
        if existing["enrol_digest"] == digest:
            return EnrolResult(int(existing["gallery_version"]),
                               template_count(conn, member_id), repeated=True)
        raise AlreadyEnrolled(member_id)
    version = next_version(conn, store_id, member_id, "enrol", now)
    conn.execute(face_consents.insert().values(
        member_id=member_id, store_id=store_id, consent_version=consent.version,
        consent_text_sha256=hashlib.sha256(consent.text.encode()).hexdigest(),
        consent_text=consent.text, given_at=consent.given_at, terminal_id=terminal_id,
        recorded_by=consent.recorded_by, enrol_digest=digest, gallery_version=version,
        created_at=now))
    conn.execute(face_templates.insert(), [
        {"member_id": member_id, "store_id": store_id, "template_version": template_version,
         "key_id": cipher.key_id, "vector_enc": cipher.encrypt(blob, member_id, store_id),
         "created_at": now} for blob in templates])
    return EnrolResult(version, len(templates), repeated=False)


class AlreadyEnrolled(Exception):
    def __init__(self, member_id: str) -> None:
        super().__init__(member_id)
        self.member_id = member_id


def erase_faces(conn: Connection, member_id: str, store_id: str, now: float
                ) -> tuple[int, int | None]:
    """Delete the member's templates and withdraw the consent; a gallery change makes
    every terminal of the store drop them. Returns (templates erased, version or None
    when the member never had a face enrolled)."""
    erased = conn.execute(face_templates.delete()
                          .where(face_templates.c.member_id == member_id)).rowcount
    withdrawn = conn.execute(face_consents.update()
                             .where(face_consents.c.member_id == member_id,
                                    face_consents.c.withdrawn_at.is_(None))
                             .values(withdrawn_at=now)).rowcount
    ever = conn.execute(sa.select(face_gallery_changes.c.version)
                        .where(face_gallery_changes.c.member_id == member_id)
                        .limit(1)).first()
    if not erased and not withdrawn and ever is None:
        return 0, None
    return erased, next_version(conn, store_id, member_id, "erase", now)


def gallery_delta(conn: Connection, cipher: TemplateCipher, store_id: str, since: int,
                  template_version: str, *, page: int = SYNC_PAGE_MEMBERS) -> dict[str, Any]:
    """Changes of ``store_id`` after version ``since``: up to ``page`` members."""
    current = current_version(conn, store_id)
    reset = since > current        # the terminal is ahead: the database was restored
    if reset:
        since = 0
    rows = conn.execute(sa.select(face_gallery_changes.c.version,
                                  face_gallery_changes.c.member_id)
                        .where(face_gallery_changes.c.store_id == store_id,
                               face_gallery_changes.c.version > since)
                        .order_by(face_gallery_changes.c.version)
                        .limit(page * 4)).all()
    members_in_page: list[str] = []
    upto = since
    for version, member_id in rows:
        if member_id not in members_in_page:
            if len(members_in_page) == page:
                break
            members_in_page.append(member_id)
        upto = int(version)
    more = upto < current
    if not more:
        upto = current
    by_member = _current_templates(conn, cipher, store_id, members_in_page)
    changes = []
    stale = 0
    for member_id in members_in_page:
        blobs = by_member.get(member_id, [])
        fitting = [blob for ver, blob in blobs if ver == template_version]
        stale += len(blobs) - len(fitting)
        if fitting:
            changes.append({"member_id": member_id, "action": "add",
                            "templates": [b64(blob) for blob in fitting]})
        else:
            changes.append({"member_id": member_id, "action": "remove"})
    return {"gallery_version": upto, "more": "Y" if more else "N",
            "reset": "Y" if reset else "N", "changes": changes,
            "stale_templates": stale}


def _current_templates(conn: Connection, cipher: TemplateCipher, store_id: str,
                       member_ids: list[str]) -> dict[str, list[tuple[str, bytes]]]:
    if not member_ids:
        return {}
    rows = conn.execute(sa.select(face_templates).where(
        face_templates.c.store_id == store_id, face_templates.c.member_id.in_(member_ids))
        .order_by(face_templates.c.template_id)).mappings()
    out: dict[str, list[tuple[str, bytes]]] = {}
    for row in rows:
        blob = cipher.decrypt(row["vector_enc"], row["member_id"], store_id, row["key_id"])
        out.setdefault(row["member_id"], []).append((row["template_version"], blob))
    return out


def b64(blob: bytes) -> str:
    return base64.b64encode(blob).decode("ascii")
