"""The common parameters of a request (docs/host.md, "Protocol"), checked before any
method runs: form encoding, method, sign_type, charset, format, version, app_id,
``biz_content`` as a JSON object with ``terminal_id``, and ``timestamp``.

Everything here is pure: the signature and the terminal's identity are checked next,
against the registry (registry/identity.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Collection
from urllib.parse import parse_qsl

from backoffice.clock import HOST_TZ
from backoffice.gateway import fields
from backoffice.gateway.replies import Reply, invalid
from drivers.host.signing import SIGN_TYPE

MAX_PARAMETERS = 32
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S"


@dataclass(frozen=True)
class Envelope:
    method: str
    params: dict[str, str]        # every form parameter, ``sign`` included
    biz: dict[str, Any]
    terminal_id: str
    timestamp_epoch_s: float


@dataclass(frozen=True)
class EnvelopeRefused:
    """The request cannot be served; ``method`` is "" when it is not known."""

    method: str
    reply: Reply
    terminal_id: str = ""


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number")


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"key {key!r} appears twice")
        result[key] = value
    return result


def parse_envelope(body: bytes, content_type: str, methods: Collection[str], *,
                   app_id: str) -> Envelope | EnvelopeRefused:
    """The checked envelope of one request, or the refusal to send back."""
    if not content_type.lower().startswith("application/x-www-form-urlencoded"):
        return EnvelopeRefused("", invalid("isv.invalid-content-type",
                                           "请求须为表单编码 the request must be "
                                           "application/x-www-form-urlencoded",
                                           error_member=True))
    try:
        text = body.decode("utf-8")
        pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=bool(text),
                          max_num_fields=MAX_PARAMETERS, encoding="utf-8", errors="strict")
    except (UnicodeDecodeError, ValueError) as exc:
        return EnvelopeRefused("", invalid("isv.invalid-parameter",
                                           f"请求格式错误 malformed form body: {exc}"[:200],
                                           error_member=True))
    params: dict[str, str] = {}
    for key, value in pairs:
        if key in params:
            return EnvelopeRefused("", invalid("isv.invalid-parameter",
                                               f"参数重复 parameter {key!r} given twice",
                                               error_member=True))
        params[key] = value
    method = params.get("method", "")
    if not method:
        return EnvelopeRefused("", invalid("isv.missing-method", "缺少方法名 method is missing",
                                           error_member=True))
    if method not in methods:
        return EnvelopeRefused("", invalid("isv.invalid-method",
                                           f"不存在的方法名 no such method {method[:64]!r}",
                                           error_member=True))
    refusal = _common_parameters(params, app_id)
    if refusal is not None:
        return EnvelopeRefused(method, refusal)
    try:
        biz = json.loads(params.get("biz_content") or "", parse_constant=_reject_constant,
                         object_pairs_hook=_no_duplicate_keys)
    except ValueError as exc:
        return EnvelopeRefused(method, invalid("isv.invalid-parameter",
                                               f"biz_content is not JSON ({exc})"[:200]))
    if not isinstance(biz, dict):
        return EnvelopeRefused(method, invalid("isv.invalid-parameter",
                                               "biz_content must be a JSON object"))
    try:
        terminal_id = fields.terminal_id(biz)
    except fields.BadField as exc:
        return EnvelopeRefused(method, invalid(exc.sub_code, str(exc)))
    try:
        stamp = datetime.strptime(params.get("timestamp", ""), TIMESTAMP_FORMAT)
    except ValueError:
        return EnvelopeRefused(method, invalid("isv.invalid-timestamp",
                                               "timestamp must be yyyy-MM-dd HH:mm:ss "
                                               "(Beijing time)"), terminal_id)
    return Envelope(method=method, params=params, biz=biz, terminal_id=terminal_id,
                    timestamp_epoch_s=stamp.replace(tzinfo=HOST_TZ).timestamp())


def _common_parameters(params: dict[str, str], app_id: str) -> Reply | None:
    if not params.get("sign"):
        return invalid("isv.missing-signature", "缺少签名 the request is not signed")
    if params.get("sign_type") != SIGN_TYPE:
        return invalid("isv.invalid-signature-type", "sign_type must be RSA2")
    if params.get("charset", "utf-8").lower() != "utf-8":
        return invalid("isv.invalid-charset", "charset must be utf-8")
    if params.get("format", "JSON").upper() != "JSON":
        return invalid("isv.invalid-format", "format must be JSON")
    if params.get("version", "1.0") != "1.0":
        return invalid("isv.invalid-version", "version must be 1.0")
    if params.get("app_id") != app_id:
        return invalid("isv.invalid-app-id",
                       "无效的 app_id: not this back office's app_id (terminal host.app_id)")
    return None
