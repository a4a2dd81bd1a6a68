"""Answer rules of the face gallery's methods (used by ``answer_checks``; pure).

* face enrol: ``member_id`` equal to the request's; with 10000 a positive whole
  ``gallery_version`` and ``templates_stored`` equal to the templates sent;
* face sync: with 10000 ``since_version`` equal to the request's, a whole
  ``gallery_version`` not below it (unless ``reset`` is Y), ``more`` and ``reset`` Y or
  N, and ``changes``: each member once, ``add`` with 1+ base64 templates or ``remove``.

Neither may carry a trade's, a ping's, a batch's or a bill's fields.
"""

from __future__ import annotations

from typing import Any, Mapping

_FOREIGN = ("out_trade_no", "trade_status", "trade_no", "server_time", "results", "trades",
            "bill_date", "balance", "retry_flag", "action")


def _whole(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _foreign(problems: list[str], payload: Mapping[str, Any], keys: tuple[str, ...]) -> None:
    for key in keys:
        if key in payload:
            problems.append(f"carries {key!r}, a field of another method's answer")


def face_enrol_problems(member_id: str, templates_sent: int, payload: Mapping[str, Any],
                        success: bool) -> list[str]:
    problems: list[str] = []
    if payload.get("member_id") != member_id:
        problems.append(f"member_id {payload.get('member_id')!r} is not the request's "
                        f"{member_id!r}")
    _foreign(problems, payload, _FOREIGN + ("changes", "since_version"))
    if success:
        version = _whole(payload.get("gallery_version"))
        if version is None or version < 1:
            problems.append("gallery_version missing or not a positive whole number")
        if payload.get("templates_stored") != templates_sent:
            problems.append(f"templates_stored {payload.get('templates_stored')!r} is not "
                            f"the {templates_sent} sent")
    return problems


def face_sync_problems(since_version: int, payload: Mapping[str, Any], success: bool) -> list[str]:
    problems: list[str] = []
    _foreign(problems, payload, _FOREIGN + ("member_id", "templates_stored"))
    echoed = payload.get("since_version")
    if (success or echoed is not None) and _whole(echoed) != since_version:
        problems.append(f"since_version {echoed!r} is not the request's {since_version}")
    if not success:
        return problems
    version = _whole(payload.get("gallery_version"))
    reset = payload.get("reset")
    if payload.get("more") not in ("Y", "N") or reset not in ("Y", "N"):
        problems.append("more / reset missing or not Y/N")
    if version is None or version < 0 or (reset != "Y" and version < since_version):
        problems.append(f"gallery_version {payload.get('gallery_version')!r} is not a "
                        f"version at or after {since_version}")
    changes = payload.get("changes")
    if not isinstance(changes, list):
        problems.append("changes missing")
        return problems
    seen: set[str] = set()
    for change in changes:
        member = change.get("member_id") if isinstance(change, dict) else None
        if not isinstance(member, str) or not member:
            problems.append("a change without member_id")
            continue
        if member in seen:
            problems.append(f"member {member} changed twice in one answer")
        seen.add(member)
        action, templates = change.get("action"), change.get("templates")
        if action == "add":
            if not isinstance(templates, list) or not templates or \
                    not all(isinstance(t, str) and t for t in templates):
                problems.append(f"member {member}: add without templates")
        elif action != "remove":
            problems.append(f"member {member}: action {action!r} is unknown")
    return problems
