"""What a simulated operation answers, and how (at once, late, or not at all)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from drivers.host.wire import HOST_TZ, TIMESTAMP_FORMAT
from terminal.host_messages import (CODE_BUSINESS_FAILED, CODE_INVALID_PARAMS, CODE_SUCCESS,
                                    CODE_SYSTEM_ERROR)


@dataclass(frozen=True)
class Reply:
    payload: dict[str, Any]
    delay_s: float = 0.0        # answer this late (already committed)
    drop: bool = False          # committed, then hang up without answering
    error_member: bool = field(default=False)   # answer under "error_response"


def success(**fields: Any) -> Reply:
    return Reply({"code": CODE_SUCCESS, "msg": "Success", **fields})


def business_failed(sub_code: str, sub_msg: str, **fields: Any) -> Reply:
    return Reply({"code": CODE_BUSINESS_FAILED, "msg": "Business Failed",
                  "sub_code": sub_code, "sub_msg": sub_msg, **fields})


def system_error(**fields: Any) -> Reply:
    return Reply({"code": CODE_SYSTEM_ERROR, "msg": "Service Currently Unavailable",
                  "sub_code": "ACQ.SYSTEM_ERROR", "sub_msg": "系统错误 system error", **fields})


def invalid(sub_code: str, sub_msg: str) -> Reply:
    return Reply({"code": CODE_INVALID_PARAMS, "msg": "Invalid Arguments",
                  "sub_code": sub_code, "sub_msg": sub_msg})


def new_trade_no(now: float) -> str:
    """A host trade number like Alipay's: date plus random digits (28 characters)."""
    day = datetime.fromtimestamp(now, HOST_TZ).strftime("%Y%m%d")
    return day + "22" + f"{secrets.randbelow(10**18):018d}"


def host_time_text(now: float) -> str:
    return datetime.fromtimestamp(now, HOST_TZ).strftime(TIMESTAMP_FORMAT)
