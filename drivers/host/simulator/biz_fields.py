"""Reading and checking ``biz_content`` fields the way the host gateway does."""

from __future__ import annotations

import json
from typing import Any

from terminal.money import from_yuan_string

#: Evidence is face-match facts, never a picture: small, and no long (base64) strings.
MAX_EVIDENCE_BYTES = 4096
MAX_EVIDENCE_STRING = 256


class BadField(ValueError):
    """A missing or malformed field: the gateway answers 40002 with this sub_code."""

    def __init__(self, sub_code: str, message: str) -> None:
        super().__init__(message)
        self.sub_code = sub_code


def text(biz: dict[str, Any], key: str, *, max_len: int = 64, required: bool = True) -> str:
    value = biz.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise BadField("isv.invalid-parameter", f"{key} must be a string")
    if required and not value:
        raise BadField("isv.missing-parameter", f"{key} is required")
    if len(value) > max_len:
        raise BadField("isv.invalid-parameter", f"{key} is longer than {max_len}")
    return value


def amount_fen(biz: dict[str, Any], key: str) -> int:
    """A positive yuan amount with at most two decimals, as fen."""
    raw = biz.get(key)
    if not isinstance(raw, str):
        raise BadField("isv.missing-parameter" if raw is None else "isv.invalid-parameter",
                       f"{key} must be a yuan string like \"12.34\"")
    try:
        fen = from_yuan_string(raw)
    except ValueError:
        raise BadField("isv.invalid-parameter", f"{key} {raw!r} is not a yuan amount") from None
    if fen <= 0:
        raise BadField("isv.invalid-parameter", f"{key} must be more than zero")
    return fen


def evidence(biz: dict[str, Any]) -> dict[str, Any]:
    """The match evidence object; refused when it could carry an image."""
    value = biz.get("evidence", {})
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise BadField("isv.invalid-parameter", "evidence must be a JSON object")
    if len(json.dumps(value, ensure_ascii=False).encode("utf-8")) > MAX_EVIDENCE_BYTES:
        raise BadField("PAYTERM.EVIDENCE_REJECTED",
                       f"evidence larger than {MAX_EVIDENCE_BYTES} bytes (no images allowed)")
    if _longest_string(value) > MAX_EVIDENCE_STRING:
        raise BadField("PAYTERM.EVIDENCE_REJECTED",
                       "evidence holds a long string value (no images allowed)")
    return value


def _longest_string(value: object) -> int:
    if isinstance(value, str):
        return len(value)
    if isinstance(value, dict):
        return max([_longest_string(k) for k in value] + [_longest_string(v)
                                                          for v in value.values()] or [0])
    if isinstance(value, list):
        return max([_longest_string(v) for v in value] or [0])
    return 0
