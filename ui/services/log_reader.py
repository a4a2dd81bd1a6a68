"""The technician's log viewer: the newest lines of the JSON-lines log, readable."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

TAIL_BYTES = 256 * 1024


class LogReader:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def tail(self, lines: int = 200, search: str = "") -> list[str]:
        """Newest last; only the last 256 KiB are read, so this stays quick."""
        if not self.path.exists():
            return []
        with open(self.path, "rb") as handle:
            handle.seek(0, 2)
            size = handle.tell()
            handle.seek(max(0, size - TAIL_BYTES))
            raw = handle.read().decode("utf-8", errors="replace").splitlines()
        if size > TAIL_BYTES:
            raw = raw[1:]      # the first line is probably cut in half
        shown = [format_line(line) for line in raw if line.strip()]
        if search:
            shown = [line for line in shown if search.lower() in line.lower()]
        return shown[-lines:]


def format_line(line: str) -> str:
    """"14:05:09 WARNING ui.kiosk.watchdog GUI thread stalled …" from one JSON line."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError:
        return line
    if not isinstance(record, dict):
        return line
    when = record.get("time") or record.get("ts") or record.get("asctime") or ""
    if isinstance(when, (int, float)):
        when = datetime.fromtimestamp(when).strftime("%H:%M:%S")
    level = record.get("level") or record.get("levelname") or ""
    name = record.get("logger") or record.get("name") or ""
    message = record.get("message") or record.get("msg") or ""
    return f"{when} {level} {name} {message}".strip()
