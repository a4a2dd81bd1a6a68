"""``payterm.ping``: the clock answer, and what the terminal reports about itself.

Optional fields the terminal may add to ping's ``biz_content`` (docs/backoffice.md):

* ``version``: the terminal software's version ("0.1.0");
* ``offline_backlog``: ``{"count": 3, "amount": "45.60", "oldest_created_at": 1767225600.0}``
  (records taken offline and not yet accepted by the back office);
* ``diag``: the last ``payterm diag`` summary, a small JSON object (at most 2 KB, no
  string over 256 characters), e.g. ``{"overall": "warn", "failed": [], "warned":
  ["printer"], "checked_at": 1767225600.0}``.

The back office records last-seen time and these on the terminal's row; a malformed
optional field is refused (40002 naming it) rather than half-recorded.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection

from backoffice.gateway import fields
from backoffice.gateway.replies import Reply, success
from backoffice.registry.identity import Caller
from backoffice.storage.schema import terminals

MAX_DIAG_BYTES = 2048


@dataclass(frozen=True)
class PingReport:
    version: str | None
    backlog_count: int | None
    backlog_fen: int | None
    backlog_oldest_at: float | None
    diag: dict[str, Any] | None


def parse_ping(biz: dict[str, Any]) -> PingReport:
    version = fields.text(biz, "version", max_len=64, required=False) or None
    count = amount = oldest = None
    backlog = biz.get("offline_backlog")
    if backlog is not None:
        if not isinstance(backlog, dict):
            raise fields.BadField(fields.SUB_INVALID, "offline_backlog must be an object",
                                  "offline_backlog")
        raw_count = backlog.get("count")
        if isinstance(raw_count, bool) or not isinstance(raw_count, int) or raw_count < 0:
            raise fields.BadField(fields.SUB_INVALID, "offline_backlog.count must be a whole "
                                                      "number >= 0", "offline_backlog.count")
        count = raw_count
        amount = (0 if backlog.get("amount") in (None, "", "0", "0.00")
                  else fields.amount_fen(backlog, "amount"))
        if backlog.get("oldest_created_at") is not None:
            oldest = fields.epoch_seconds(backlog, "oldest_created_at")
    diag = biz.get("diag")
    if diag is not None:
        if not isinstance(diag, dict):
            raise fields.BadField(fields.SUB_INVALID, "diag must be an object", "diag")
        if len(json.dumps(diag, ensure_ascii=False).encode("utf-8")) > MAX_DIAG_BYTES:
            raise fields.BadField(fields.SUB_INVALID, f"diag is larger than {MAX_DIAG_BYTES} "
                                                      "bytes", "diag")
        try:
            fields.evidence({"evidence": diag})      # the same rule: no long strings
        except fields.BadField:
            raise fields.BadField(fields.SUB_INVALID, "diag holds a string longer than "
                                                      "256 characters", "diag") from None
    return PingReport(version=version, backlog_count=count, backlog_fen=amount,
                      backlog_oldest_at=oldest, diag=diag)


def run_ping(conn: Connection, caller: Caller, report: PingReport, now: float) -> Reply:
    values: dict[str, Any] = {"last_seen_at": now}
    if report.version is not None:
        values["app_version"] = report.version
    if report.backlog_count is not None:
        values.update(backlog_count=report.backlog_count, backlog_fen=report.backlog_fen,
                      backlog_oldest_at=report.backlog_oldest_at)
    if report.diag is not None:
        values["diag_summary"] = json.dumps(report.diag, ensure_ascii=False, sort_keys=True)
    conn.execute(terminals.update().where(terminals.c.terminal_id == caller.terminal_id)
                 .values(**values))
    return success(server_time=f"{now:.3f}")
