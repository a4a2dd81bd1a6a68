"""What goes on paper: the receipt as pure data.

The printer driver turns this into ESC/POS bytes; the kiosk shows a preview of it.
Text fields may contain anything a merchant or member typed (including control bytes);
it is the encoder's job to make them harmless.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Any


class ReceiptKind(str, Enum):
    SALE = "sale"
    REFUND = "refund"
    TEST_PAGE = "test_page"
    DOCUMENT = "document"      # text a POS sends to be printed (Terminal API Print)


@dataclass(frozen=True)
class ReceiptLine:
    name: str
    quantity: int
    unit_fen: int

    @property
    def total_fen(self) -> int:
        return self.quantity * self.unit_fen


@dataclass(frozen=True)
class Receipt:
    merchant_name: str
    terminal_id: str
    out_trade_no: str
    created_at: str                      # local time, "2026-11-23 14:05:09"
    total_fen: int
    tender_label: str                    # "支付宝 Alipay", "会员 Member", "现金 Cash"
    kind: ReceiptKind = ReceiptKind.SALE
    store_name: str = ""
    cashier: str = ""
    lines: tuple[ReceiptLine, ...] = ()
    payer_masked: str = ""               # masked payment code or member id, never in full
    host_trade_no: str = ""
    refund_fen: int = 0
    offline: bool = False                # "离线交易 待上传" printed prominently
    unresolved: bool = False             # "结果确认中" printed prominently
    reprint_count: int = 0               # "重打印 REPRINT #n" when > 0
    qr_payload: str = ""                 # e-receipt / refund-lookup link
    footer: str = ""
    extra_lines: tuple[tuple[str, str], ...] = field(default_factory=tuple)  # (label, value)
    text_lines: tuple[str, ...] = ()     # free text, printed as is (DOCUMENT)

    def as_reprint(self, count: int) -> "Receipt":
        return replace(self, reprint_count=count)


def receipt_to_dict(receipt: Receipt) -> dict[str, Any]:
    """The documented JSON form (``payterm receipt render --from FILE.json``)."""
    data = {k: getattr(receipt, k) for k in receipt.__dataclass_fields__}
    data["kind"] = receipt.kind.value
    data["lines"] = [{"name": ln.name, "quantity": ln.quantity, "unit_fen": ln.unit_fen}
                     for ln in receipt.lines]
    data["extra_lines"] = [list(pair) for pair in receipt.extra_lines]
    data["text_lines"] = list(receipt.text_lines)
    return data


def receipt_from_dict(data: dict[str, Any]) -> Receipt:
    """Inverse of ``receipt_to_dict``; unknown keys are an error (a typo is not ignored)."""
    fields = set(Receipt.__dataclass_fields__)
    unknown = set(data) - fields
    if unknown:
        raise ValueError(f"unknown receipt field(s): {', '.join(sorted(unknown))}")
    values = dict(data)
    values["kind"] = ReceiptKind(values.get("kind", "sale"))
    values["lines"] = tuple(ReceiptLine(str(ln["name"]), int(ln["quantity"]), int(ln["unit_fen"]))
                            for ln in values.get("lines", ()))
    values["extra_lines"] = tuple((str(a), str(b)) for a, b in values.get("extra_lines", ()))
    values["text_lines"] = tuple(str(line) for line in values.get("text_lines", ()))
    return Receipt(**values)
