"""What the operator can see of the face gallery: the enrolled count against the filing
threshold, each terminal's sync state, and the proof that an erasure reached every
terminal of the member's store."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from backoffice.faces.gallery import FILING_THRESHOLD, active_consent, template_count
from backoffice.storage.schema import member_erasures, terminals
from backoffice.storage.schema_faces import (face_gallery_changes, face_sync_status,
                                             face_templates)


def record_sync(conn: Connection, terminal_id: str, store_id: str, applied_version: int,
                now: float) -> None:
    """The terminal said it has applied ``applied_version`` (its "since")."""
    updated = conn.execute(face_sync_status.update()
                           .where(face_sync_status.c.terminal_id == terminal_id)
                           .values(store_id=store_id, applied_version=applied_version,
                                   asked_at=now)).rowcount
    if not updated:
        conn.execute(face_sync_status.insert().values(
            terminal_id=terminal_id, store_id=store_id, applied_version=applied_version,
            asked_at=now))


def enrolled_count(conn: Connection, store_id: str | None = None) -> int:
    """People with at least one stored template (all stores unless one is named)."""
    query = sa.select(sa.func.count(sa.distinct(face_templates.c.member_id)))
    if store_id:
        query = query.where(face_templates.c.store_id == store_id)
    return int(conn.execute(query).scalar_one())


def filing_status(conn: Connection) -> dict[str, Any]:
    """The enrolled count against the 100,000-people filing threshold."""
    enrolled = enrolled_count(conn)
    per_store = {row[0]: int(row[1]) for row in conn.execute(
        sa.select(face_templates.c.store_id,
                  sa.func.count(sa.distinct(face_templates.c.member_id)))
        .group_by(face_templates.c.store_id).order_by(face_templates.c.store_id))}
    share = enrolled / FILING_THRESHOLD
    return {"enrolled_people": enrolled, "filing_threshold": FILING_THRESHOLD,
            "share_of_threshold": round(share, 6),
            "warning": share >= 0.9, "over_threshold": enrolled >= FILING_THRESHOLD,
            "per_store": per_store}


def terminal_sync_states(conn: Connection, store_id: str | None = None) -> list[dict]:
    query = (sa.select(terminals.c.terminal_id, terminals.c.store_id, terminals.c.status,
                       face_sync_status.c.applied_version, face_sync_status.c.asked_at)
             .select_from(terminals.outerjoin(
                 face_sync_status, face_sync_status.c.terminal_id == terminals.c.terminal_id))
             .order_by(terminals.c.terminal_id))
    if store_id:
        query = query.where(terminals.c.store_id == store_id)
    return [dict(row) for row in conn.execute(query).mappings()]


def member_face_summary(conn: Connection, member_id: str) -> dict[str, Any]:
    consent = active_consent(conn, member_id)
    return {"enrolled": consent is not None, "templates": template_count(conn, member_id),
            "consent_version": consent["consent_version"] if consent else None,
            "consent_given_at": consent["given_at"] if consent else None,
            "consent_terminal_id": consent["terminal_id"] if consent else None,
            "consent_recorded_by": consent["recorded_by"] if consent else None}


def erasure_report(conn: Connection, member_id: str) -> dict[str, Any]:
    """When the member was erased, the gallery version of that erasure, and for every
    active terminal of the store whether it has since applied that version (it asked
    for changes "since" a version at or after it): then its gallery holds no template
    of the member."""
    erasure = conn.execute(sa.select(member_erasures)
                           .where(member_erasures.c.member_id == member_id)
                           .order_by(member_erasures.c.erasure_id.desc())).mappings().first()
    change = conn.execute(sa.select(face_gallery_changes.c.version,
                                    face_gallery_changes.c.store_id,
                                    face_gallery_changes.c.changed_at)
                          .where(face_gallery_changes.c.member_id == member_id,
                                 face_gallery_changes.c.action == "erase")
                          .order_by(face_gallery_changes.c.version.desc())).first()
    report: dict[str, Any] = {
        "member_id": member_id, "erased": erasure is not None,
        "erased_at": erasure["erased_at"] if erasure else None,
        "what": json.loads(erasure["erased"]) if erasure else None,
        "templates_left": template_count(conn, member_id),
        "gallery_version": int(change[0]) if change else None, "terminals": []}
    if change is None:
        report["reached_every_terminal"] = erasure is not None
        return report
    version, store_id = int(change[0]), change[1]
    pending = 0
    for state in terminal_sync_states(conn, store_id):
        if state["status"] != "active":
            continue
        applied = state["applied_version"]
        reached = applied is not None and applied >= version
        pending += not reached
        report["terminals"].append({"terminal_id": state["terminal_id"], "reached": reached,
                                    "applied_version": applied,
                                    "last_sync_at": state["asked_at"]})
    report["reached_every_terminal"] = pending == 0
    return report
