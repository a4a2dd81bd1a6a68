"""Logging for the back office: JSON lines on stderr (journald under systemd), one per
event. Never ``biz_content``, payment codes, phone numbers or keys: the gateway logs
method, terminal, out_trade_no, code, sub_code and milliseconds only."""

from __future__ import annotations

import json
import logging
import os
import sys
import time


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {"ts": round(record.created, 3), "level": record.levelname,
                 "logger": record.name, "pid": os.getpid(), "msg": record.getMessage()}
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def setup_logging(level: str | None = None) -> None:
    """Configure the root logger once per process (``PAYTERM_BACKOFFICE_LOG_LEVEL``)."""
    root = logging.getLogger()
    if any(getattr(h, "_payterm_backoffice", False) for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLines())
    handler._payterm_backoffice = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level or os.environ.get("PAYTERM_BACKOFFICE_LOG_LEVEL", "INFO"))
    logging.Formatter.converter = time.gmtime
