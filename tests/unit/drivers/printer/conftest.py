"""Receipts used across the printer tests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from terminal.receipt import Receipt, ReceiptLine, receipt_from_dict

EXAMPLE_JSON = Path(__file__).resolve().parents[4] / "docs" / "examples" / "receipt.json"


def example_receipt() -> Receipt:
    return receipt_from_dict(json.loads(EXAMPLE_JSON.read_text(encoding="utf-8")))


def small_receipt(**changes) -> Receipt:
    base = dict(merchant_name="小店 Shop", terminal_id="T1", out_trade_no="T126112300000001",
                created_at="2026-11-23 09:00:00", total_fen=1234, tender_label="现金 Cash",
                lines=(ReceiptLine("茶 Tea", 1, 1234),))
    base.update(changes)
    return Receipt(**base)


@pytest.fixture
def receipt() -> Receipt:
    return example_receipt()
