"""Amounts and receipt input are checked, naming the field (issue 11, point 6).

On main, an amount of thousands of digits ended in a traceback inside ``int()``, and
``receipt render`` took string, float, negative and boolean totals."""

import copy
import json
from pathlib import Path

import pytest

from terminal.money import AmountError, parse_amount, validate_fen
from terminal.receipt import ReceiptKind
from terminal.receipt_input import ReceiptInputError, receipt_from_input

EXAMPLE = json.loads((Path(__file__).resolve().parents[3] / "docs" / "examples"
                      / "receipt.json").read_text(encoding="utf-8"))
MAX = 5_000_000


@pytest.mark.parametrize("text", ["9" * 5000, "1" * 17, "0." + "0" * 5000, "nan", "NaN",
                                  "inf", "-inf", "1e3", "-0.01", "0", "0.00", "", "１２",
                                  "12.345", "12,00", "0x10", " - 1"])
def test_bad_amounts_are_refused_with_a_message_naming_the_field(text):
    with pytest.raises(AmountError) as caught:
        parse_amount(text, max_fen=MAX, field="--amount")
    assert str(caught.value).startswith("--amount: ")
    assert caught.value.field == "--amount"
    assert "/" in str(caught.value.user_message)            # bilingual


@pytest.mark.parametrize("fen", [0, -1, MAX + 1, 10 ** 4000, -(10 ** 4000), 1.5, float("nan"),
                                 True, "100"],
                         ids=["zero", "negative", "over", "huge", "huge-negative", "float",
                              "nan", "bool", "text"])
def test_bad_fen_values_are_refused(fen):
    with pytest.raises(AmountError):
        validate_fen(fen, max_fen=MAX)


def test_good_amounts_still_parse():
    assert parse_amount("￥12.3", max_fen=MAX) == 1230
    assert parse_amount(" 50000 ", max_fen=MAX) == MAX


def test_the_example_receipt_is_accepted():
    receipt = receipt_from_input(copy.deepcopy(EXAMPLE))
    assert receipt.total_fen == 2590 and receipt.kind is ReceiptKind.SALE
    assert len(receipt.lines) == 3


def changed(path: str, value) -> dict:
    data = copy.deepcopy(EXAMPLE)
    target = data
    *parts, last = path.split(".")
    for part in parts:
        target = target[int(part)] if part.isdigit() else target[part]
    target[int(last) if last.isdigit() else last] = value
    return data


@pytest.mark.parametrize("path, value, field", [
    ("total_fen", "2590", "total_fen"),
    ("total_fen", 25.9, "total_fen"),
    ("total_fen", -2590, "total_fen"),
    ("total_fen", True, "total_fen"),
    ("total_fen", float("nan"), "total_fen"),
    ("total_fen", 10 ** 40, "total_fen"),
    ("total_fen", 2591, "total_fen"),                 # lines add up to 2590
    ("refund_fen", -1, "refund_fen"),
    ("refund_fen", 9999, "refund_fen"),
    ("offline", "no", "offline"),
    ("reprint_count", 1.0, "reprint_count"),
    ("kind", "gift", "kind"),
    ("merchant_name", "Mart\x1b\x70\x00", "merchant_name"),   # ESC p: open the drawer
    ("footer", "a\x1dVb", "footer"),                          # GS V: cut the paper
    ("merchant_name", 42, "merchant_name"),
    ("lines.0.quantity", 0, "lines[0].quantity"),
    ("lines.1.unit_fen", -5, "lines[1].unit_fen"),
    ("lines.2.name", "water\u202e", "lines[2].name"),
    ("extra_lines.0", ["a"], "extra_lines[0]"),
    ("cashier", "x" * 500, "cashier"),
])
def test_bad_receipt_fields_are_refused_naming_the_field(path, value, field):
    with pytest.raises(ReceiptInputError) as caught:
        receipt_from_input(changed(path, value))
    assert caught.value.field == field
    assert field in str(caught.value)


def test_a_total_of_thousands_of_digits_is_refused_without_a_traceback():
    with pytest.raises(ReceiptInputError) as caught:
        receipt_from_input(changed("total_fen", 10 ** 5000))
    assert caught.value.field == "total_fen" and "digits" in str(caught.value)


def test_a_receipt_that_is_not_an_object_or_lacks_fields_is_refused():
    with pytest.raises(ReceiptInputError):
        receipt_from_input([1, 2])
    data = copy.deepcopy(EXAMPLE)
    del data["out_trade_no"]
    with pytest.raises(ReceiptInputError) as caught:
        receipt_from_input(data)
    assert caught.value.field == "out_trade_no"
