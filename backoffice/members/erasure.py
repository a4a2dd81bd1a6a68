"""Deleting a member: erase the personal data, keep the books.

What goes: the phone number, every face template (the consent record is marked
withdrawn), and the member's place in the store's gallery: a gallery change in the same
transaction, so the deletion reaches every terminal by the delta sync. What stays: the member id as a tombstone (status
``deleted``; the id is never given to anyone else), its trades and balance ledger,
which are financial records. A ``member_erasures`` row records when and what was erased
(never the data itself), so the erasure can be shown.

A positive balance must be paid out first: deleting refuses unless ``force``, which
books the balance as handed back (ledger kind ``payout``).
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.engine import Connection

from backoffice.errors import Refused
from backoffice.faces.gallery import erase_faces
from backoffice.members.accounts import (LedgerKind, MemberStatus, move_balance,
                                         require_member)
from backoffice.storage.schema import member_erasures, members
from terminal.money import to_yuan_string


def delete_member(conn: Connection, member_id: str, now: float, *,
                  pay_out_balance: bool = False) -> dict[str, Any]:
    """Erase one member inside the caller's write transaction; returns what was erased."""
    member = require_member(conn, member_id, for_update=True)
    if member.status is MemberStatus.DELETED:
        return {"member_id": member_id, "already_deleted": True, "erased_at": member.erased_at}
    paid_out = 0
    if member.balance_fen > 0:
        if not pay_out_balance:
            raise Refused(f"member {member_id} still has {to_yuan_string(member.balance_fen)} "
                          f"yuan; pay it out and use --force / 会员仍有余额，请先退还再用 --force")
        paid_out = member.balance_fen
        move_balance(conn, member_id, member.balance_fen, -member.balance_fen,
                     LedgerKind.PAYOUT, now=now, note="paid out at deletion")
    conn.execute(members.update().where(members.c.member_id == member_id).values(
        status=MemberStatus.DELETED.value, phone=None, phone_last4="", erased_at=now,
        updated_at=now))
    templates, gallery_version = erase_faces(conn, member_id, member.store_id, now)
    erased: dict[str, Any] = {"phone": True, "face_templates": templates,
                              "gallery_version": gallery_version, "paid_out_fen": paid_out}
    conn.execute(member_erasures.insert().values(
        member_id=member_id, store_id=member.store_id, erased_at=now,
        erased=json.dumps(erased, sort_keys=True)))
    return {"member_id": member_id, "already_deleted": False, "erased_at": now, **erased}
