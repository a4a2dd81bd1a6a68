"""The pure ESC/POS encoder: a ``Receipt`` in, the printer's bytes out.

No I/O and no clock: the same receipt and profile always give the same bytes (the
golden tests rely on it). All external text goes through ``sanitiser`` first, so no
field of the receipt can inject a printer command.
"""

from __future__ import annotations

from dataclasses import dataclass

import segno

from drivers.printer import commands as cmd
from drivers.printer.profiles import PrinterProfile
from drivers.printer.raster_image import qr_raster_command
from drivers.printer.sanitiser import clean_barcode_data, clean_payload, clean_text
from drivers.printer.text_layout import display_width, rule, two_columns, wrap
from terminal.money import format_amount
from terminal.receipt import Receipt, ReceiptKind

#: A QR of more than this many bytes would be too dense for a phone on thermal paper.
MAX_QR_BYTES = 300
BARCODE_QUIET_DOTS = 40

KIND_TITLES = {ReceiptKind.SALE: "收款凭证 SALE", ReceiptKind.REFUND: "退款凭证 REFUND",
               ReceiptKind.TEST_PAGE: "打印测试 TEST PAGE",
               ReceiptKind.DOCUMENT: "收银机单据 POS DOCUMENT"}
OFFLINE_BANNER = ("离线交易 待上传", "OFFLINE - PENDING UPLOAD")
UNRESOLVED_BANNER = ("结果确认中 UNRESOLVED", "请勿重复付款 DO NOT PAY AGAIN")


@dataclass(frozen=True)
class EncodeOptions:
    drawer_kick: bool = False
    qr_link_template: str = ""       # used when the receipt has no qr_payload


class _Writer:
    """Accumulates bytes; text is cleaned and encoded for the profile's font."""

    def __init__(self, profile: PrinterProfile) -> None:
        self.profile = profile
        self.out = bytearray()
        #: Offsets just after a printed line's LF: every command before is complete,
        #: so a real-time query may be slipped in there (never inside a command).
        self.boundaries: list[int] = []

    def raw(self, data: bytes) -> None:
        self.out += data

    def line(self, text: str = "") -> None:
        # Text reaching here is already cleaned; encode cannot fail for cleaned text.
        self.out += text.encode(self.profile.encoding) + cmd.LF
        self.boundaries.append(len(self.out))

    def big(self, on: bool) -> None:
        self.out += cmd.char_size(2, 2) if on else cmd.char_size(1, 1)
        if self.profile.chinese_size_via_fs:
            self.out += cmd.chinese_double(on)


def encode_receipt(receipt: Receipt, profile: PrinterProfile,
                   options: EncodeOptions = EncodeOptions()) -> bytes:
    """The complete job: initialise, Chinese mode, content, codes, feed, cut."""
    return encode_receipt_with_boundaries(receipt, profile, options)[0]


def encode_receipt_with_boundaries(receipt: Receipt, profile: PrinterProfile,
                                   options: EncodeOptions = EncodeOptions()
                                   ) -> tuple[bytes, tuple[int, ...]]:
    """The job and the offsets between complete commands (after each printed line)."""
    w = _Writer(profile)
    cols = profile.columns

    def text(value: str) -> str:
        return clean_text(value, profile.encoding)

    w.raw(cmd.INITIALIZE + cmd.CHINESE_MODE_ON)
    if receipt.reprint_count > 0:
        _banner(w, [f"重打印 REPRINT #{receipt.reprint_count}"], cols, big=True)
    w.raw(cmd.align("center"))
    w.big(True)
    for part in wrap(text(receipt.merchant_name) or "-", cols // 2):
        w.line(part)
    w.big(False)
    if receipt.store_name:
        for part in wrap(text(receipt.store_name), cols):
            w.line(part)
    w.raw(cmd.bold(True))
    w.line(KIND_TITLES[receipt.kind])
    w.raw(cmd.bold(False) + cmd.align("left"))
    if receipt.offline:
        _banner(w, list(OFFLINE_BANNER), cols, big=False)
    if receipt.unresolved:
        _banner(w, list(UNRESOLVED_BANNER), cols, big=False)
    w.line(rule(cols))
    for label, value in (("终端 Terminal", receipt.terminal_id),
                         ("单号 Order", receipt.out_trade_no),
                         ("时间 Time", receipt.created_at),
                         ("收银员 Cashier", receipt.cashier)):
        if value:
            for part in two_columns(label, text(value), cols):
                w.line(part)
    if receipt.text_lines:
        w.line(rule(cols))
        for line in receipt.text_lines:
            for part in wrap(text(line), cols) or [""]:
                w.line(part)
    if receipt.kind is ReceiptKind.DOCUMENT:     # a POS's own text: no totals, no codes
        w.line(rule(cols))
        w.raw(cmd.feed_lines(4) + cmd.CHINESE_MODE_OFF + cmd.CUTS[profile.cut])
        return bytes(w.out), tuple(w.boundaries)
    if receipt.lines:
        w.line(rule(cols))
        for item in receipt.lines:
            for part in wrap(text(item.name), cols):
                w.line(part)
            detail = f"  {item.quantity} x {format_amount(item.unit_fen)}"
            for part in two_columns(detail, format_amount(item.total_fen), cols):
                w.line(part)
    w.line(rule(cols))
    w.raw(cmd.bold(True))
    w.big(True)
    for part in two_columns("合计", format_amount(receipt.total_fen), cols // 2):
        w.line(part)
    w.big(False)
    w.raw(cmd.bold(False))
    pairs = [("支付方式 Tender", receipt.tender_label), ("付款账户 Payer", receipt.payer_masked),
             ("平台单号 Host no.", receipt.host_trade_no)]
    if receipt.kind is ReceiptKind.REFUND or receipt.refund_fen:
        pairs.append(("退款金额 Refund", format_amount(receipt.refund_fen)))
    pairs.extend(receipt.extra_lines)
    for label, value in pairs:
        if value:
            for part in two_columns(text(label), text(value), cols):
                w.line(part)
    w.line(rule(cols))
    _codes(w, receipt, profile, options)
    if receipt.footer:
        w.raw(cmd.align("center"))
        for part in wrap(text(receipt.footer), cols):
            w.line(part)
        w.raw(cmd.align("left"))
    w.raw(cmd.feed_lines(4))
    if options.drawer_kick:
        w.raw(cmd.drawer_kick())
    w.raw(cmd.CHINESE_MODE_OFF + cmd.CUTS[profile.cut])
    return bytes(w.out), tuple(w.boundaries)


def qr_payload_for(receipt: Receipt, template: str) -> bytes:
    """The cleaned QR payload: the receipt's own link, else the settings template
    filled with the trade number; empty when there is neither."""
    payload = receipt.qr_payload
    if not payload and template and receipt.out_trade_no:
        payload = template.replace("{out_trade_no}", clean_barcode_data(receipt.out_trade_no))
    return clean_payload(payload, MAX_QR_BYTES) if payload else b""


def barcode_module_dots(data: bytes, profile: PrinterProfile) -> int:
    """2-dot modules when the symbol fits the paper, else 1 (harder to scan, but whole)."""
    modules = cmd.code128_symbols(data) * 11 + 13
    return 2 if modules * 2 + BARCODE_QUIET_DOTS <= profile.dots_per_line else 1


def qr_raster_module_dots(payload: bytes, profile: PrinterProfile) -> int:
    """The largest module size up to the profile's whose raster QR (with its 4-module
    quiet zone) fits the paper; at least 1."""
    modules = int(segno.make_qr(payload, error="m", boost_error=False)
                  .symbol_size(scale=1, border=4)[0])
    return max(1, min(profile.qr_module_dots, profile.dots_per_line // modules))


def _codes(w: _Writer, receipt: Receipt, profile: PrinterProfile,
           options: EncodeOptions) -> None:
    trade_no = clean_barcode_data(receipt.out_trade_no)
    payload = qr_payload_for(receipt, options.qr_link_template)
    if not (trade_no and profile.code128) and not payload:
        return
    w.raw(cmd.align("center"))
    if trade_no and profile.code128:
        module = barcode_module_dots(cmd.code128_data(trade_no), profile)
        w.raw(cmd.barcode_code128(trade_no, module_dots=module))
        w.line()
    if payload:
        if profile.native_qr:
            w.raw(cmd.qr_code(payload, module_dots=profile.qr_module_dots))
        else:       # printers without GS ( k get the same symbol as a raster image
            w.raw(qr_raster_command(payload, qr_raster_module_dots(payload, profile)))
        w.line()
        w.line("扫码查看电子凭证/退款" if receipt.kind is not ReceiptKind.REFUND
               else "扫码查询退款进度")
    w.raw(cmd.align("left"))


def _banner(w: _Writer, lines: list[str], cols: int, *, big: bool) -> None:
    """Prominent state line: centred, bold, white on black (and double size)."""
    w.raw(cmd.align("center") + cmd.bold(True) + cmd.reverse(True))
    if big:
        w.big(True)
    width = cols // 2 if big else cols
    for text in lines:
        for part in wrap(text, width):
            pad = max(0, width - display_width(part))
            w.line(" " * (pad // 2) + part + " " * (pad - pad // 2))
    if big:
        w.big(False)
    w.raw(cmd.reverse(False) + cmd.bold(False) + cmd.align("left"))
