"""Logging for the back office: JSON lines on stderr (journald under systemd), one per
event. Never ``biz_content``, payment codes, phone numbers or keys: the gateway logs
method, terminal, out_trade_no, code, sub_code and milliseconds only."""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from typing import TextIO


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {"ts": round(record.created, 3), "level": record.levelname,
                 "logger": record.name, "pid": os.getpid(), "msg": record.getMessage()}
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class _CurrentStderr(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is when a record comes, not to the one there
    was at set-up (a supervisor or a test harness may replace and close it)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        pass


def setup_logging(level: str | None = None) -> None:
    """Configure the root logger once per process (``PAYTERM_BACKOFFICE_LOG_LEVEL``)."""
    root = logging.getLogger()
    if any(getattr(h, "_payterm_backoffice", False) for h in root.handlers):
        return
    handler = _CurrentStderr()
    handler.setFormatter(JsonLines())
    handler._payterm_backoffice = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level or os.environ.get("PAYTERM_BACKOFFICE_LOG_LEVEL", "INFO"))
    logging.Formatter.converter = time.gmtime
