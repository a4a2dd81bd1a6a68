"""The Sale-to-POI envelope: ``{"SaleToPOIRequest": {"MessageHeader": ..., "<S>Request": ...}}``.

``parse_request`` checks the JSON and the header and returns the service's name, the
header and the service body; every problem is an ApiError naming the field. Numbers are
read as Decimal (an amount with three decimals stays visible as such); NaN and Infinity
are not numbers.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from terminal.pos_api.errors import ApiError, ErrorCondition, message_format

PROTOCOL_VERSION = "3.0"
SERVICES = ("Payment", "Abort", "Reversal", "TransactionStatus", "Reconciliation",
            "Diagnosis", "Print")
#: SaleID, POIID, ServiceID, TransactionID: printable, no spaces, bounded.
_ID = re.compile(r"[A-Za-z0-9_.:\-]{1,64}")
_SERVICE_ID = re.compile(r"[A-Za-z0-9_.\-]{1,10}")
REQUEST_KEY, RESPONSE_KEY = "SaleToPOIRequest", "SaleToPOIResponse"


@dataclass(frozen=True)
class Header:
    category: str           # the service: Payment, Abort, ...
    service_id: str
    sale_id: str
    poi_id: str

    def as_response(self) -> dict[str, Any]:
        return {"ProtocolVersion": PROTOCOL_VERSION, "MessageClass": "Service",
                "MessageCategory": self.category, "MessageType": "Response",
                "ServiceID": self.service_id, "SaleID": self.sale_id, "POIID": self.poi_id}


@dataclass(frozen=True)
class Request:
    header: Header
    body: dict[str, Any]    # the "<Service>Request" object


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


def loads(raw: bytes) -> Any:
    try:
        return json.loads(raw.decode("utf-8"), parse_float=Decimal,
                          parse_constant=_no_constant)
    except UnicodeDecodeError:
        raise message_format("(body)", "the body is not UTF-8") from None
    except (ValueError, RecursionError) as exc:
        raise message_format("(body)", f"not JSON: {str(exc)[:120]}") from None


def parse_request(raw: bytes, *, poi_id: str) -> Request:
    data = loads(raw)
    if not isinstance(data, dict) or set(data) != {REQUEST_KEY}:
        raise message_format(REQUEST_KEY, "the body must be one object "
                                          '{"SaleToPOIRequest": {...}}')
    envelope = data[REQUEST_KEY]
    if not isinstance(envelope, dict):
        raise message_format(REQUEST_KEY, "must be an object")
    header = parse_header(envelope.get("MessageHeader"))
    key = f"{header.category}Request"
    extra = sorted(set(envelope) - {"MessageHeader", key})
    if extra:
        raise message_format(f"{REQUEST_KEY}.{extra[0]}",
                             f"unexpected member (MessageCategory is {header.category})")
    body = envelope.get(key)
    if not isinstance(body, dict):
        raise message_format(key, "missing or not an object")
    if header.poi_id != poi_id:
        raise ApiError(ErrorCondition.NOT_ALLOWED,
                       f"this terminal is POIID {poi_id}, not {header.poi_id}",
                       "MessageHeader.POIID")
    return Request(header, body)


def parse_header(header: Any) -> Header:
    where = "MessageHeader"
    if not isinstance(header, dict):
        raise message_format(where, "missing or not an object")
    fixed = {"ProtocolVersion": PROTOCOL_VERSION, "MessageClass": "Service",
             "MessageType": "Request"}
    for name, value in fixed.items():
        if header.get(name) != value:
            raise message_format(f"{where}.{name}", f"must be {value!r}")
    category = header.get("MessageCategory")
    if category not in SERVICES:
        condition = (ErrorCondition.MESSAGE_FORMAT if not isinstance(category, str)
                     else ErrorCondition.UNAVAILABLE_SERVICE)
        raise ApiError(condition, f"unknown service {str(category)[:40]!r}; "
                       f"known: {', '.join(SERVICES)}", f"{where}.MessageCategory")
    service_id = text_field(header, "ServiceID", where, _SERVICE_ID)
    sale_id = text_field(header, "SaleID", where, _ID)
    poi_id = text_field(header, "POIID", where, _ID)
    return Header(category, service_id, sale_id, poi_id)


def text_field(obj: dict[str, Any], name: str, where: str, pattern: re.Pattern[str] = _ID) -> str:
    value = obj.get(name)
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise message_format(f"{where}.{name}",
                             f"missing or not {pattern.pattern} (got {_shown(value)})")
    return value


def object_field(obj: dict[str, Any], name: str, where: str) -> dict[str, Any]:
    """A member that must be a JSON object (MessageFormat naming it otherwise)."""
    value = obj.get(name)
    if not isinstance(value, dict):
        raise message_format(f"{where}.{name}", "missing or not an object")
    return value


def optional_object_field(obj: dict[str, Any], name: str, where: str
                          ) -> dict[str, Any] | None:
    """A member that may be absent (or null); when present it must be a JSON object."""
    if obj.get(name) is None:
        return None
    return object_field(obj, name, where)


def _shown(value: Any) -> str:
    text = json.dumps(value, default=str, ensure_ascii=False)
    return text if len(text) <= 40 else text[:40] + "… (cut)"


def response(header: Header, body_key: str, body: dict[str, Any]) -> dict[str, Any]:
    return {RESPONSE_KEY: {"MessageHeader": header.as_response(), body_key: body}}


def error_response(header: Header | None, error: ApiError) -> dict[str, Any]:
    """The answer to a request that could not be taken: Result Failure, nothing changed.
    Without a readable header the answer carries an empty one (the POS sees the field)."""
    body = {"Response": failure(error.condition, error.additional_response)}
    if header is None:
        return {RESPONSE_KEY: {"MessageHeader": {"ProtocolVersion": PROTOCOL_VERSION,
                                                 "MessageClass": "Service",
                                                 "MessageType": "Response"},
                               "ErrorResponse": body}}
    return response(header, f"{header.category}Response", body)


def failure(condition: ErrorCondition, additional: str = "") -> dict[str, Any]:
    answer = {"Result": "Failure", "ErrorCondition": condition.value}
    if additional:
        answer["AdditionalResponse"] = additional
    return answer


def success(additional: str = "") -> dict[str, Any]:
    return {"Result": "Success", **({"AdditionalResponse": additional} if additional else {})}
