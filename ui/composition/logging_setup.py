"""JSON-lines logging to a rotating file, with payment codes masked and keys refused.

Masking happens in a filter on the handler, so a careless ``log.info(code)`` anywhere
still cannot write a code in full.
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import re
import time
from pathlib import Path

from terminal.payment_code import mask_code

# 16-24 digit runs standing alone are what wallet codes look like; mask any such run.
# Runs glued to letters (out_trade_no "T000126112300000001") are not codes and stay.
_CODE_RUN = re.compile(r"(?<![0-9A-Za-z])[0-9]{16,24}(?![0-9A-Za-z])")
_PEM = re.compile(r"-----BEGIN [A-Z ]+-----.*?-----END [A-Z ]+-----", re.S)
_CONTEXT_KEYS = ("out_trade_no", "device", "member", "job_id", "state")


def scrub(text: str) -> str:
    """Mask code-like digit runs and drop PEM key blocks."""
    text = _PEM.sub("[key removed]", text)
    return _CODE_RUN.sub(lambda m: mask_code(m.group(0)), text)


class JsonLineFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(record.created))
                  + f".{int(record.msecs):03d}",
            "level": record.levelname,
            "logger": record.name,
            "msg": scrub(record.getMessage()),
        }
        for key in _CONTEXT_KEYS:
            if hasattr(record, key):
                entry[key] = scrub(str(getattr(record, key)))
        if record.exc_info:
            entry["exc"] = scrub(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(log_file: Path, *, level: str = "INFO", max_bytes: int = 5_000_000,
                      backup_count: int = 5) -> None:
    """Route every logger to one rotating JSON-lines file (idempotent)."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_payterm", False):
            root.removeHandler(handler)
            handler.close()
    handler = logging.handlers.RotatingFileHandler(
        log_file, maxBytes=max_bytes, backupCount=backup_count, encoding="utf-8")
    handler.setFormatter(JsonLineFormatter())
    handler._payterm = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
