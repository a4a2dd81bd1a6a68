"""What a method answers: the ``<method>_response`` object before it is signed.

Codes follow the Alipay face-to-face API (docs/host.md): 10000 success, 10003 waiting,
20000 unknown (system error: ask again / query), 40002 invalid request (nothing done),
40004 business failure (with ``sub_code``), 40006 terminal identity refused
(docs/host.md). Every ``sub_msg`` is Chinese and English.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

CODE_SUCCESS = "10000"
CODE_WAITING = "10003"
CODE_SYSTEM_ERROR = "20000"
CODE_INVALID = "40002"
CODE_BUSINESS_FAILED = "40004"
CODE_FORBIDDEN = "40006"


@dataclass(frozen=True)
class Reply:
    payload: dict[str, Any]
    #: Answer under ``error_response`` (the method itself was not understood).
    error_member: bool = field(default=False)

    @property
    def code(self) -> str:
        return str(self.payload.get("code", ""))

    def with_fields(self, **fields: Any) -> "Reply":
        """The same answer with more (echo) fields; existing ones are kept."""
        return Reply({**fields, **self.payload}, error_member=self.error_member)


def success(**fields: Any) -> Reply:
    return Reply({"code": CODE_SUCCESS, "msg": "Success", **fields})


def waiting(**fields: Any) -> Reply:
    return Reply({"code": CODE_WAITING, "msg": "Order success pay inprocess", **fields})


def business_failed(sub_code: str, sub_msg: str, **fields: Any) -> Reply:
    return Reply({"code": CODE_BUSINESS_FAILED, "msg": "Business Failed",
                  "sub_code": sub_code, "sub_msg": sub_msg, **fields})


def system_error(sub_msg: str = "系统繁忙，请稍后查询 system busy, query again later",
                 **fields: Any) -> Reply:
    return Reply({"code": CODE_SYSTEM_ERROR, "msg": "Service Currently Unavailable",
                  "sub_code": "ACQ.SYSTEM_ERROR", "sub_msg": sub_msg, **fields})


def invalid(sub_code: str, sub_msg: str, *, error_member: bool = False) -> Reply:
    return Reply({"code": CODE_INVALID, "msg": "Invalid Arguments",
                  "sub_code": sub_code, "sub_msg": sub_msg}, error_member=error_member)


def forbidden(sub_code: str, sub_msg: str) -> Reply:
    return Reply({"code": CODE_FORBIDDEN, "msg": "Insufficient Permissions",
                  "sub_code": sub_code, "sub_msg": sub_msg})


@dataclass(frozen=True)
class Deferred:
    """A method's answer that needs work outside the database transaction (a call to a
    wallet): the gateway commits the transaction first (the journal), then runs
    ``finish`` for the answer."""

    finish: Callable[[], Reply]
