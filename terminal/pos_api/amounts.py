"""Amounts in nexo messages: JSON numbers of yuan, at most two decimals, CNY only."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from terminal.pos_api.errors import message_format

CURRENCY = "CNY"


def parse_yuan(value: Any, field: str, *, max_fen: int) -> int:
    """A positive amount of yuan (JSON number, read as Decimal) in fen."""
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise message_format(field, "must be a JSON number of yuan, e.g. 12.34")
    amount = Decimal(value)
    if not amount.is_finite():
        raise message_format(field, "must be a finite number")
    if amount <= 0:
        raise message_format(field, f"must be more than zero (got {amount})")
    exponent = amount.as_tuple().exponent     # an int: the amount is finite
    if isinstance(exponent, int) and exponent < -2:
        raise message_format(field, f"at most two decimals (got {amount})")
    fen = int(amount * 100)
    if fen > max_fen:
        raise message_format(field, f"above the maximum {fen_to_yuan(max_fen)} "
                                    f"(got {amount})")
    return fen


def parse_currency(value: Any, field: str) -> str:
    if value != CURRENCY:
        raise message_format(field, f"must be {CURRENCY!r} (got {str(value)[:20]!r})")
    return CURRENCY


def fen_to_yuan(fen: int) -> Decimal:
    """Fen as the JSON number the POS reads: 1234 -> 12.34 (two decimals)."""
    return (Decimal(fen) / 100).quantize(Decimal("0.01"))
