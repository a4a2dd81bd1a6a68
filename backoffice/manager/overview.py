"""What the store manager's page shows, read in one read-only transaction.

For the user's store (or every store): today's takings per terminal and tender (net of
refunds, Beijing day), the offline backlog each terminal last reported and the batches
received today, the open exceptions (late declines first), the terminals with their last
contact and gallery sync, and the members and enrolled faces against the 100,000-people
filing threshold. Every list is complete; nothing is cut.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from datetime import time as day_time
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from backoffice.clock import HOST_TZ, bill_day
from backoffice.faces.gallery import FILING_THRESHOLD
from backoffice.members.accounts import MemberStatus
from backoffice.storage.schema import (batch_receipts, members, store_exceptions, terminals,
                                       trades)
from backoffice.storage.schema_faces import (face_gallery_versions, face_sync_status,
                                             face_templates)
from backoffice.trades.records import PAID_STATES


@dataclass
class Overview:
    day: str
    store_id: str                                   # "" = every store
    takings: list[dict[str, Any]] = field(default_factory=list)
    takings_total_fen: int = 0
    declined_today: int = 0
    terminals: list[dict[str, Any]] = field(default_factory=list)
    batches_today: dict[str, int] = field(default_factory=dict)
    exceptions: list[dict[str, Any]] = field(default_factory=list)
    members_active: int = 0
    members_frozen: int = 0
    faces_enrolled: int = 0
    faces_enrolled_all_stores: int = 0
    filing_threshold: int = FILING_THRESHOLD


def _scoped(query: sa.Select, column: sa.ColumnElement, store_id: str) -> sa.Select:
    return query.where(column == store_id) if store_id else query


def build_overview(conn: Connection, store_id: str, now: float) -> Overview:
    view = Overview(day=bill_day(now), store_id=store_id)
    net = trades.c.amount_fen - trades.c.refunded_fen
    paid = sa.or_(trades.c.state.in_(PAID_STATES), trades.c.refunded_fen > 0)
    query = _scoped(sa.select(trades.c.terminal_id, trades.c.tender, trades.c.offline,
                              sa.func.count(), sa.func.sum(net))
                    .where(trades.c.bill_day == view.day, paid)
                    .group_by(trades.c.terminal_id, trades.c.tender, trades.c.offline)
                    .order_by(trades.c.terminal_id, trades.c.tender, trades.c.offline),
                    trades.c.store_id, store_id)
    for terminal_id, tender, offline, count, net_fen in conn.execute(query):
        view.takings.append({"terminal_id": terminal_id, "tender": tender,
                             "offline": bool(offline), "count": int(count),
                             "net_fen": int(net_fen or 0)})
        view.takings_total_fen += int(net_fen or 0)
    view.declined_today = int(conn.execute(_scoped(
        sa.select(sa.func.count()).select_from(trades)
        .where(trades.c.bill_day == view.day, trades.c.decline_code != ""),
        trades.c.store_id, store_id)).scalar_one())
    gallery = {row[0]: int(row[1]) for row in conn.execute(
        sa.select(face_gallery_versions.c.store_id, face_gallery_versions.c.version))}
    query = _scoped(sa.select(terminals, face_sync_status.c.applied_version,
                              face_sync_status.c.asked_at.label("gallery_synced_at"))
                    .select_from(terminals.outerjoin(
                        face_sync_status,
                        face_sync_status.c.terminal_id == terminals.c.terminal_id))
                    .order_by(terminals.c.terminal_id), terminals.c.store_id, store_id)
    for row in conn.execute(query).mappings():
        view.terminals.append({
            "terminal_id": row["terminal_id"], "store_id": row["store_id"],
            "status": row["status"], "last_seen_at": row["last_seen_at"],
            "version": row["app_version"], "backlog_count": row["backlog_count"],
            "backlog_fen": row["backlog_fen"], "backlog_oldest_at": row["backlog_oldest_at"],
            "diag": row["diag_summary"], "gallery_applied": row["applied_version"],
            "gallery_current": gallery.get(row["store_id"], 0),
            "gallery_synced_at": row["gallery_synced_at"]})
    start = _day_start(now)
    batch_query = sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(
        batch_receipts.c.records), 0)).where(batch_receipts.c.received_at >= start)
    if store_id:
        batch_query = batch_query.where(batch_receipts.c.terminal_id.in_(
            sa.select(terminals.c.terminal_id).where(terminals.c.store_id == store_id)))
    count, records = conn.execute(batch_query).one()
    view.batches_today = {"batches": int(count), "records": int(records)}
    query = _scoped(sa.select(store_exceptions).where(store_exceptions.c.resolved_at.is_(None))
                    .order_by((store_exceptions.c.kind != "late_decline"),
                              store_exceptions.c.created_at.desc()),
                    store_exceptions.c.store_id, store_id)
    view.exceptions = [dict(row) for row in conn.execute(query).mappings()]
    for status, count in conn.execute(_scoped(
            sa.select(members.c.status, sa.func.count()).group_by(members.c.status),
            members.c.store_id, store_id)):
        if status == MemberStatus.ACTIVE.value:
            view.members_active = int(count)
        elif status == MemberStatus.FROZEN.value:
            view.members_frozen = int(count)
    people = sa.select(sa.func.count(sa.distinct(face_templates.c.member_id)))
    view.faces_enrolled_all_stores = int(conn.execute(people).scalar_one())
    view.faces_enrolled = int(conn.execute(_scoped(people, face_templates.c.store_id,
                                                   store_id)).scalar_one())
    return view


def _day_start(now: float) -> float:
    local = datetime.fromtimestamp(now, HOST_TZ)
    return datetime.combine(local.date(), day_time(0), HOST_TZ).timestamp()
