"""Reading the wallets' daily bills into lines the books can be compared with.

Alipay: the zip behind ``bill_download_url``, its ``业务明细`` CSV in GBK (``#`` lines
are comments; 业务类型 交易 = a payment, 退款 = a refund, amounts in yuan, negative for
refunds). WeChat Pay: ``downloadbill`` text, every field prefixed with a backquote,
交易状态 SUCCESS = a payment, REFUND = a refund; the summary after the data is skipped.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation


class BillInvalid(ValueError):
    pass


@dataclass(frozen=True)
class BillLine:
    wallet_out_trade_no: str
    kind: str              # pay | refund
    amount_fen: int        # positive
    request_no: str = ""


def _fen(text: str) -> int:
    try:
        value = Decimal(text.strip().lstrip("`"))
    except InvalidOperation:
        raise BillInvalid(f"{text[:20]!r} is not an amount") from None
    if not value.is_finite():
        raise BillInvalid("amount is not finite")
    return abs(int(value * 100))


def parse_alipay_bill(archive: bytes) -> list[BillLine]:
    try:
        with zipfile.ZipFile(io.BytesIO(archive)) as bundle:
            names = [n for n in bundle.namelist() if "业务明细" in n and "汇总" not in n]
            if not names:
                raise BillInvalid("the bill archive has no 业务明细 file")
            text = bundle.read(names[0]).decode("gb18030")
    except zipfile.BadZipFile:
        raise BillInvalid("the bill file is not a zip archive") from None
    rows = [line for line in text.splitlines() if line and not line.startswith("#")]
    reader = csv.DictReader(rows)
    lines = []
    for row in reader:
        kind = {"交易": "pay", "退款": "refund"}.get((row.get("业务类型") or "").strip())
        if kind is None:
            continue
        lines.append(BillLine((row.get("商户订单号") or "").strip(), kind,
                              _fen(row.get("订单金额（元）") or ""),
                              (row.get("退款批次号/请求号") or "").strip()))
    return lines


def parse_wechat_bill(text: str) -> list[BillLine]:
    if text.lstrip().startswith("<xml>"):
        raise BillInvalid(f"WeChat Pay answered instead of a bill: {text[:200]}")
    rows = text.splitlines()
    if not rows or not rows[0].startswith("交易时间"):
        raise BillInvalid("not a WeChat Pay bill (no header)")
    header = rows[0].split(",")
    lines = []
    for raw in rows[1:]:
        if not raw.startswith("`"):
            break                       # the summary starts
        row = dict(zip(header, (value.lstrip("`") for value in raw.split(","))))
        state = row.get("交易状态", "")
        if state == "SUCCESS":
            lines.append(BillLine(row.get("商户订单号", ""), "pay", _fen(row.get("订单金额", "0"))))
        elif state == "REFUND":
            lines.append(BillLine(row.get("商户订单号", ""), "refund",
                                  _fen(row.get("退款金额", "0")), row.get("商户退款单号", "")))
    return lines
