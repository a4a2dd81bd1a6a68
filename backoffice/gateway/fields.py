"""Reading and checking ``biz_content`` fields; a bad one raises BadField naming it.

Shapes (docs/host.md): ``out_trade_no`` is an opaque 1..64 ``[A-Za-z0-9_-]`` string
that is never parsed; amounts are yuan strings with at most two decimals; evidence is
a small object of face-match facts, never an image.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from terminal.money import from_yuan_string
from terminal.trade_no import validate_terminal_id

MAX_EVIDENCE_BYTES = 4096
MAX_EVIDENCE_STRING = 256
#: Alipay's upper bound for one trade: 100,000,000.00 yuan.
MAX_AMOUNT_FEN = 100_000_000 * 100
_OUT_TRADE_NO = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_IDENTIFIER = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
_YUAN = re.compile(r"^[0-9]{1,12}(\.[0-9]{1,2})?$")

SUB_MISSING = "isv.missing-parameter"
SUB_INVALID = "isv.invalid-parameter"
SUB_EVIDENCE_REJECTED = "PAYTERM.EVIDENCE_REJECTED"


class BadField(ValueError):
    """A missing or malformed field: the gateway answers 40002 with this sub_code."""

    def __init__(self, sub_code: str, message: str, field_name: str = "") -> None:
        super().__init__(message)
        self.sub_code = sub_code
        self.field_name = field_name


def text(biz: dict[str, Any], key: str, *, max_len: int = 64, required: bool = True) -> str:
    value = biz.get(key)
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise BadField(SUB_INVALID, f"{key} must be a string", key)
    if required and not value:
        raise BadField(SUB_MISSING, f"{key} is required", key)
    if len(value) > max_len:
        raise BadField(SUB_INVALID, f"{key} is longer than {max_len} characters", key)
    if any(ord(ch) < 32 for ch in value):
        raise BadField(SUB_INVALID, f"{key} holds control characters", key)
    return value


def out_trade_no(biz: dict[str, Any], key: str = "out_trade_no") -> str:
    value = text(biz, key)
    if not _OUT_TRADE_NO.match(value):
        raise BadField(SUB_INVALID, f"{key} must be 1-64 characters of A-Z a-z 0-9 _ -", key)
    return value


def identifier(biz: dict[str, Any], key: str, *, required: bool = True) -> str:
    """A member or store id: 1-32 of ``[A-Za-z0-9_-]``."""
    value = text(biz, key, max_len=32, required=required)
    if value and not _IDENTIFIER.match(value):
        raise BadField(SUB_INVALID, f"{key} must be 1-32 characters of A-Z a-z 0-9 _ -", key)
    return value


def terminal_id(biz: dict[str, Any]) -> str:
    value = text(biz, "terminal_id", max_len=16)
    try:
        return validate_terminal_id(value)
    except ValueError:
        raise BadField(SUB_INVALID, "terminal_id must be 1-16 letters or digits",
                       "terminal_id") from None


def amount_fen(biz: dict[str, Any], key: str) -> int:
    """A positive yuan string ("12.34", "12.3", "12") up to 100,000,000.00, as fen."""
    raw = biz.get(key)
    if raw is None or raw == "":
        raise BadField(SUB_MISSING, f"{key} is required (yuan, like \"12.34\")", key)
    if not isinstance(raw, str) or not _YUAN.match(raw):
        raise BadField(SUB_INVALID, f"{key} {raw!r} is not a yuan amount like \"12.34\" "
                                    "(digits, at most two decimals)", key)
    fen = from_yuan_string(raw)
    if fen <= 0:
        raise BadField(SUB_INVALID, f"{key} must be more than zero", key)
    if fen > MAX_AMOUNT_FEN:
        raise BadField(SUB_INVALID, f"{key} is above 100000000.00", key)
    return fen


def epoch_seconds(biz: dict[str, Any], key: str) -> float:
    raw = biz.get(key)
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        raise BadField(SUB_INVALID, f"{key} must be a number of epoch seconds", key)
    value = float(raw)
    if not math.isfinite(value) or value <= 0:
        raise BadField(SUB_INVALID, f"{key} must be a finite positive number", key)
    return value


def evidence(biz: dict[str, Any]) -> dict[str, Any]:
    """The match evidence object; refused when it could carry an image."""
    value = biz.get("evidence", {})
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise BadField(SUB_INVALID, "evidence must be a JSON object", "evidence")
    if len(json.dumps(value, ensure_ascii=False).encode("utf-8")) > MAX_EVIDENCE_BYTES:
        raise BadField(SUB_EVIDENCE_REJECTED,
                       f"evidence larger than {MAX_EVIDENCE_BYTES} bytes (no images allowed)",
                       "evidence")
    if _longest_string(value) > MAX_EVIDENCE_STRING:
        raise BadField(SUB_EVIDENCE_REJECTED,
                       "evidence holds a long string value (no images allowed)", "evidence")
    return value


def _longest_string(value: Any) -> int:
    if isinstance(value, str):
        return len(value)
    if isinstance(value, dict):
        return max([_longest_string(k) for k in value]
                   + [_longest_string(v) for v in value.values()] or [0])
    if isinstance(value, list):
        return max([_longest_string(v) for v in value] or [0])
    return 0
