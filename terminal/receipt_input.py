"""Checking a receipt that comes from outside (``payterm receipt render --from FILE``).

Every field is checked for its type and range before a ``Receipt`` is made, and a
refusal names the field: totals are whole fen (not text, floats, booleans or NaN),
never negative, never absurdly large; line items add up to the total; text holds no
control characters (a printer reads ESC, GS, DLE... as commands). Pure: no I/O.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from terminal.errors import UserFacingError
from terminal.receipt import Receipt, ReceiptKind, ReceiptLine

#: 1 000 000 yuan: above any till receipt; larger numbers are typing errors or attacks.
MAX_RECEIPT_FEN = 100_000_000
MAX_QUANTITY = 100_000
MAX_TEXT_CHARS = {"qr_payload": 512, "footer": 500}
DEFAULT_MAX_TEXT_CHARS = 120
REQUIRED_TEXT = ("merchant_name", "terminal_id", "out_trade_no", "created_at",
                 "tender_label")
OPTIONAL_TEXT = ("store_name", "cashier", "payer_masked", "host_trade_no", "qr_payload",
                 "footer")


class ReceiptInputError(UserFacingError):
    """A receipt field that cannot be printed; ``field`` names it (``lines[2].unit_fen``)."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        super().__init__(f"小票字段 {field} 无效 / receipt field {field}: {problem}")


def receipt_from_input(data: Any) -> Receipt:
    """A checked ``Receipt`` from parsed JSON; raises ReceiptInputError naming the field."""
    if not isinstance(data, dict):
        raise ReceiptInputError("(root)", "must be a JSON object")
    unknown = sorted(set(data) - set(Receipt.__dataclass_fields__))
    if unknown:
        raise ReceiptInputError(unknown[0], "unknown field (check the spelling)")
    for name in REQUIRED_TEXT:
        if name not in data:
            raise ReceiptInputError(name, "is required")
    values: dict[str, Any] = {}
    for name in REQUIRED_TEXT + OPTIONAL_TEXT:
        if name in data:
            values[name] = check_text(name, data[name])
    kind_text = data.get("kind", "sale")
    kinds = [k.value for k in ReceiptKind]
    if kind_text not in kinds:
        raise ReceiptInputError("kind", f"must be one of {', '.join(kinds)}; "
                                        f"got {shown(kind_text)}")
    kind = values["kind"] = ReceiptKind(kind_text)
    if "total_fen" not in data:
        raise ReceiptInputError("total_fen", "is required")
    lowest = 0 if kind is ReceiptKind.TEST_PAGE else 1
    total = values["total_fen"] = check_fen("total_fen", data["total_fen"], lowest)
    refund = values["refund_fen"] = check_fen("refund_fen", data.get("refund_fen", 0), 0)
    if refund > total:
        raise ReceiptInputError("refund_fen", f"{refund} is more than total_fen {total}")
    if kind is ReceiptKind.REFUND and refund == 0:
        raise ReceiptInputError("refund_fen", "a refund receipt needs the refunded amount")
    values["reprint_count"] = check_whole("reprint_count", data.get("reprint_count", 0),
                                          0, 1000)
    for name in ("offline", "unresolved"):
        value = data.get(name, False)
        if not isinstance(value, bool):
            raise ReceiptInputError(name, f"must be true or false; got {shown(value)}")
        values[name] = value
    values["lines"] = check_lines(data.get("lines", []), total)
    values["extra_lines"] = check_extra_lines(data.get("extra_lines", []))
    return Receipt(**values)


def shown(value: Any) -> str:
    """``repr`` that survives integers of thousands of digits (``repr`` refuses those)."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
        return f"a number of about {int(value.bit_length() * 0.30103) + 1} digits"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def check_text(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ReceiptInputError(name, f"must be text; got {type(value).__name__} "
                                      f"{shown(value)}")
    limit = MAX_TEXT_CHARS.get(name.split("[")[0], DEFAULT_MAX_TEXT_CHARS)
    if len(value) > limit:
        raise ReceiptInputError(name, f"is {len(value)} characters; at most {limit}")
    for char in value:
        if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp"):
            raise ReceiptInputError(name, f"contains the control character U+{ord(char):04X}; "
                                          "printers read those as commands")
    return value


def check_whole(name: str, value: Any, lowest: int, highest: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ReceiptInputError(name, f"must be a whole number; got {shown(value)}")
    if not lowest <= value <= highest:
        raise ReceiptInputError(name, f"must be from {lowest} to {highest}; got "
                                      f"{shown(value)}")
    return value


def check_fen(name: str, value: Any, lowest: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ReceiptInputError(name, f"must be whole fen (an integer, 1 yuan = 100); "
                                      f"got {type(value).__name__} {shown(value)}")
    if value < 0:
        raise ReceiptInputError(name, f"cannot be negative; got {shown(value)}")
    return check_whole(name, value, lowest, MAX_RECEIPT_FEN)


def check_lines(lines: Any, total_fen: int) -> tuple[ReceiptLine, ...]:
    if not isinstance(lines, list):
        raise ReceiptInputError("lines", "must be a list of items")
    checked = []
    for index, line in enumerate(lines):
        where = f"lines[{index}]"
        if not isinstance(line, dict) or set(line) != {"name", "quantity", "unit_fen"}:
            raise ReceiptInputError(where, "must be {\"name\", \"quantity\", \"unit_fen\"}")
        checked.append(ReceiptLine(check_text(where + ".name", line["name"]),
                                   check_whole(where + ".quantity", line["quantity"], 1,
                                               MAX_QUANTITY),
                                   check_fen(where + ".unit_fen", line["unit_fen"], 0)))
    if checked:
        added = sum(line.total_fen for line in checked)
        if added != total_fen:
            raise ReceiptInputError("total_fen", f"is {total_fen} but the lines add up to "
                                                 f"{added}")
    return tuple(checked)


def check_extra_lines(pairs: Any) -> tuple[tuple[str, str], ...]:
    if not isinstance(pairs, list):
        raise ReceiptInputError("extra_lines", "must be a list of [label, value] pairs")
    out = []
    for index, pair in enumerate(pairs):
        where = f"extra_lines[{index}]"
        if not isinstance(pair, list) or len(pair) != 2:
            raise ReceiptInputError(where, "must be a [label, value] pair")
        out.append((check_text(where + "[0]", pair[0]), check_text(where + "[1]", pair[1])))
    return tuple(out)
