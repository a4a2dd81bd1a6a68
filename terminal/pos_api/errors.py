"""nexo ErrorCondition values and the error a request parser raises."""

from __future__ import annotations

from enum import Enum


class ErrorCondition(str, Enum):
    ABORTED = "Aborted"                      # the POS aborted it (AbortRequest)
    BUSY = "Busy"                            # another payment is running
    CANCEL = "Cancel"                        # the customer cancelled on the terminal
    IN_PROGRESS = "InProgress"               # still running / outcome being confirmed
    MESSAGE_FORMAT = "MessageFormat"         # the request is malformed (field named)
    NOT_ALLOWED = "NotAllowed"               # well-formed but not allowed now / here
    NOT_FOUND = "NotFound"                   # no such earlier transaction
    REFUSAL = "Refusal"                      # the wallet / host declined
    UNAVAILABLE_SERVICE = "UnavailableService"
    UNREACHABLE_HOST = "UnreachableHost"


class ApiError(Exception):
    """A request answered with Result Failure and ``condition``; ``field`` is the path of
    the offending field (``PaymentRequest.PaymentTransaction.AmountsReq.RequestedAmount``)
    for MessageFormat errors."""

    def __init__(self, condition: ErrorCondition, message: str, field: str = "") -> None:
        super().__init__(f"{field}: {message}" if field else message)
        self.condition = condition
        self.message = message
        self.field = field

    @property
    def additional_response(self) -> str:
        parts = {"message": self.message}
        if self.field:
            parts = {"field": self.field, **parts}
        return encode_additional(parts)


class CustomerInputBusy(Exception):
    """The terminal's screen is taking another payment (a cashier's): answered Busy."""


def message_format(field: str, message: str) -> ApiError:
    return ApiError(ErrorCondition.MESSAGE_FORMAT, message, field)


def encode_additional(parts: dict[str, str]) -> str:
    """AdditionalResponse as Adyen sends it: form-encoded ``key=value&...``."""
    return "&".join(f"{_quote(str(k))}={_quote(str(v))}" for k, v in parts.items())


_SAFE = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~")


def _quote(text: str) -> str:
    """Percent-encode as RFC 3986 (UTF-8); the domain does no I/O, so no urllib."""
    return "".join(chr(b) if b in _SAFE else f"%{b:02X}" for b in text.encode("utf-8"))
