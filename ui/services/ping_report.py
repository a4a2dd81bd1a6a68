"""What a terminal tells its back office about itself in every ``payterm.ping``
(docs/backoffice.md "Ping"): its software version, its offline backlog and the summary
of its last ``payterm diag``. The back office keeps them on the terminal's row
(``terminal list``, the store manager's page), so the fleet is seen from one place.

``payterm diag`` leaves its summary in ``<data dir>/payterm.diag-last.json`` (0600, as
every file of the data directory): overall status, the names of the checks that warned
or failed, when. Only names and statuses travel: no messages, no device paths.

The report is a courtesy: if it cannot be made (the journal busy, the summary file
damaged), the ping goes without it, never fails because of it.
"""

from __future__ import annotations

import json
import logging
import os
from importlib import metadata
from pathlib import Path
from typing import Any, Callable

from offline_queue.outbox_view import queue_status
from terminal.money import to_yuan_string
from terminal.ports.host import PingAnswer

log = logging.getLogger(__name__)

DIAG_SUMMARY_FILE = "payterm.diag-last.json"
#: The back office refuses a diag object over 2 KB or with strings over 256 characters.
MAX_NAMES = 20
MAX_NAME_CHARS = 64


def terminal_version() -> str:
    try:
        return metadata.version("payterm")
    except metadata.PackageNotFoundError:
        return "unknown"


def diag_summary(overall: str, statuses: dict[str, str], checked_at: float) -> dict[str, Any]:
    """The small summary of one diag run: ``statuses`` is check name → pass/warn/fail/skip."""
    def names(status: str) -> list[str]:
        return sorted(n[:MAX_NAME_CHARS] for n, s in statuses.items() if s == status)[:MAX_NAMES]
    return {"overall": overall, "failed": names("fail"), "warned": names("warn"),
            "checks": len(statuses), "checked_at": round(checked_at, 3)}


def save_diag_summary(data_dir: Path, summary: dict[str, Any]) -> bool:
    """Write the summary atomically (0600); False (logged) when it cannot be written:
    a diag run never fails because of its summary file."""
    path = data_dir / DIAG_SUMMARY_FILE
    temporary = path.with_name(path.name + ".tmp")
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(summary, handle, ensure_ascii=False)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
        return True
    except OSError as exc:
        log.warning("could not keep the diag summary for the back office: %s", exc.strerror)
        return False


def load_diag_summary(data_dir: Path) -> dict[str, Any] | None:
    """The last summary, or None when there is none or it is not one."""
    path = data_dir / DIAG_SUMMARY_FILE
    try:
        if path.stat().st_size > 4096:
            return None
        value = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        log.warning("ignoring a damaged %s", path.name)
        return None
    if not isinstance(value, dict) or value.get("overall") not in ("pass", "warn", "fail"):
        return None
    return value


def ping_report(db, data_dir: Path) -> dict[str, Any]:
    """``version``, ``offline_backlog`` (records not yet accepted by the host: pending
    and dead letters) and ``diag`` (when a summary exists) for ``HostClient.ping``."""
    queue = queue_status(db)
    report: dict[str, Any] = {"version": terminal_version(), "offline_backlog": {
        "count": queue.pending_count + queue.dead_count,
        "amount": to_yuan_string(queue.pending_fen + queue.dead_fen),
        "oldest_created_at": (None if queue.oldest_pending_at is None
                              else round(queue.oldest_pending_at, 3))}}
    summary = load_diag_summary(data_dir)
    if summary is not None:
        report["diag"] = summary
    return report


class ReportingPing:
    """A ``HostHealth`` whose ping carries ``report()`` (None or a failure: no report)."""

    def __init__(self, host, report: Callable[[], dict[str, Any] | None]) -> None:
        self._host = host
        self._report = report

    def ping(self) -> PingAnswer:
        try:
            report = self._report()
        except Exception as exc:          # noqa: BLE001 - a courtesy, never a failed ping
            log.warning("ping without its report: %s", type(exc).__name__)
            report = None
        result: PingAnswer = self._host.ping(report)
        return result
