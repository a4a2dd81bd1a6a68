"""The host protocol's envelope: method names, common parameters, signed answers.

Pure functions shared by the client and the simulator. A request is a form-encoded set
of common parameters plus ``biz_content`` (JSON) and ``sign``; an answer is
``{"<method>_response": {...}, "sign": "..."}`` signed over the member's raw text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Mapping

from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPublicKey

from drivers.host.signing import (SIGN_TYPE, response_key, sign_params, top_level_members,
                                  verify_text)

METHOD_PAY = "alipay.trade.pay"
METHOD_QUERY = "alipay.trade.query"
METHOD_CANCEL = "alipay.trade.cancel"
METHOD_REFUND = "alipay.trade.refund"
METHOD_MEMBER_PAY = "payterm.member.pay"
METHOD_MEMBER_BALANCE = "payterm.member.balance"
METHOD_PING = "payterm.ping"
METHOD_BATCH_UPLOAD = "payterm.offline.batch_upload"
METHOD_BILL_DAILY = "payterm.bill.daily"
METHOD_FACE_ENROL = "payterm.face.enrol"
METHOD_FACE_SYNC = "payterm.face.sync"
ALL_METHODS = (METHOD_PAY, METHOD_QUERY, METHOD_CANCEL, METHOD_REFUND, METHOD_MEMBER_PAY,
               METHOD_MEMBER_BALANCE, METHOD_PING, METHOD_BATCH_UPLOAD, METHOD_BILL_DAILY,
               METHOD_FACE_ENROL, METHOD_FACE_SYNC)

#: The Alipay gateway speaks Beijing time in ``timestamp``.
HOST_TZ = timezone(timedelta(hours=8))
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S"


class ResponseInvalid(ValueError):
    """The body is not a well-formed, correctly signed answer to the method asked."""


def host_timestamp(epoch_s: float) -> str:
    return datetime.fromtimestamp(epoch_s, HOST_TZ).strftime(TIMESTAMP_FORMAT)


def encode_biz_content(biz: Mapping[str, object]) -> str:
    return json.dumps(biz, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def signed_request(method: str, biz: Mapping[str, object], *, app_id: str,
                   private_key: RSAPrivateKey, now_epoch_s: float) -> dict[str, str]:
    """All form parameters of one request, ``sign`` included."""
    params = {
        "app_id": app_id,
        "method": method,
        "format": "JSON",
        "charset": "utf-8",
        "sign_type": SIGN_TYPE,
        "timestamp": host_timestamp(now_epoch_s),
        "version": "1.0",
        "biz_content": encode_biz_content(biz),
    }
    params["sign"] = sign_params(params, private_key)
    return params


@dataclass(frozen=True)
class SignedAnswer:
    """A verified answer object and whether it came as the gateway's ``error_response``
    instead of the method's own member (then only a refusal can be believed)."""

    payload: dict[str, Any]
    under_error_key: bool


def parse_signed_response(body: str, method: str, public_key: RSAPublicKey) -> dict[str, Any]:
    """The verified answer object of ``method`` (or the gateway's ``error_response``)."""
    return parse_signed_answer(body, method, public_key).payload


def parse_signed_answer(body: str, method: str, public_key: RSAPublicKey) -> SignedAnswer:
    """The verified answer of ``method`` (or the gateway's ``error_response``).

    Raises ResponseInvalid for anything else: not JSON, no answer member, no or a bad
    signature. An unsigned answer is never trusted, whatever its code says. What the
    answer is about is checked afterwards (``answer_checks``).
    """
    try:
        members = top_level_members(body)
    except ValueError as exc:
        raise ResponseInvalid(f"answer is not a JSON object ({exc})") from None
    raw = members.get(response_key(method))
    under_error_key = raw is None
    if raw is None:
        raw = members.get("error_response")
    if raw is None:
        raise ResponseInvalid(f"answer has no {response_key(method)} member")
    try:
        sign = json.loads(members.get("sign", '""'))
    except ValueError:
        raise ResponseInvalid("answer's sign is not a JSON string") from None
    if not isinstance(sign, str) or not sign:
        raise ResponseInvalid("answer is not signed")
    if not verify_text(raw, sign, public_key):
        raise ResponseInvalid("answer's signature does not verify with the host public key")
    payload = json.loads(raw)
    if not isinstance(payload, dict) or not isinstance(payload.get("code"), str):
        raise ResponseInvalid("answer has no result code")
    return SignedAnswer(payload, under_error_key)
