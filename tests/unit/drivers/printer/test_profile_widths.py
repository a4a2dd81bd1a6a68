"""Every listed printer model prints a Chinese receipt with its QR code within the
paper: each profile's bytes go through the emulator's parser, and every line, barcode
and QR symbol on the resulting paper is measured against that model's width."""

from __future__ import annotations

import pytest
import segno

from drivers.printer import commands as cmd
from drivers.printer.emulator.document import PaperTape, PrintedCode, PrintedLine
from drivers.printer.emulator.stream_parser import EscPosParser
from drivers.printer.encoder import EncodeOptions, encode_receipt
from drivers.printer.profiles import list_profiles
from drivers.printer.text_layout import display_width
from terminal.receipt import Receipt, ReceiptKind, ReceiptLine

DOTS_PER_COLUMN = 12
QUIET_ZONE_MODULES = 4

CHINESE = Receipt(
    merchant_name="北京朝阳区示例连锁便利店（望京旗舰店）", terminal_id="T0001",
    out_trade_no="T000126112300000042", created_at="2026-11-23 14:05:09", total_fen=128_850,
    tender_label="支付宝 Alipay", kind=ReceiptKind.SALE, store_name="望京 SOHO 塔三 B1 层",
    cashier="王小明", payer_masked="2812**********3456", host_trade_no="2026112322001",
    lines=(ReceiptLine("农夫山泉天然饮用水 550ml（整箱 24 瓶装）", 2, 4_800),
           ReceiptLine("康师傅红烧牛肉面经典五连包", 1, 1_250),
           ReceiptLine("进口智利车厘子 JJ 级 2.5kg 礼盒装", 1, 118_000)),
    footer="谢谢惠顾，欢迎再次光临！退换货请保留小票 Thank you", offline=True,
    qr_payload="https://r.example.cn/r/T000126112300000042?sig=9f3a1c")


def paper_of(data: bytes):
    tape = PaperTape()
    for event in EscPosParser().feed(data):
        tape.apply(event, can_print=True)
    tape.flush()
    return tape.finished


def qr_width_dots(payload: str, module_dots: int) -> int:
    qr = segno.make_qr(payload.encode("latin-1"), error="m", boost_error=False)
    return (qr.symbol_size(scale=1, border=0)[0] + 2 * QUIET_ZONE_MODULES) * module_dots


def code128_width_dots(text: str, module_dots: int) -> int:
    return (cmd.code128_symbols(cmd.code128_data(text)) * 11 + 13) * module_dots


@pytest.mark.parametrize("profile", list_profiles(), ids=lambda p: p.name)
def test_a_chinese_receipt_with_qr_fits_the_paper(profile):
    data = encode_receipt(CHINESE, profile, EncodeOptions())
    (receipt,) = paper_of(data)
    assert receipt.cut is (profile.cut != "none")
    assert not receipt.unknown_commands and not receipt.truncated
    text = receipt.text
    assert "合计" in text and "离线交易 待上传" in text
    # GBK printers print GB18030-only characters as "?", never as something else.
    assert "农夫山泉天然饮用水" in text and "车厘子" in text
    for element in receipt.elements:
        if isinstance(element, PrintedLine):
            columns = display_width(element.text) * element.width_mult
            assert columns <= profile.columns, (profile.name, element.text)
    qr = [e for e in receipt.elements if isinstance(e, PrintedCode) and e.kind in ("qr", "image")]
    assert len(qr) == 1
    if profile.native_qr:
        assert qr[0].kind == "qr" and qr[0].data == CHINESE.qr_payload
        assert qr_width_dots(qr[0].data, qr[0].module_dots) <= profile.dots_per_line
    else:
        assert qr[0].kind == "image"
        assert len(qr[0].rows[0]) <= profile.dots_per_line
    barcodes = receipt.codes("code128")
    if profile.code128:
        assert barcodes == [CHINESE.out_trade_no]
        module = data[data.index(b"\x1dw") + 2]
        assert code128_width_dots(CHINESE.out_trade_no, module) <= profile.dots_per_line
    else:
        assert barcodes == [] and CHINESE.out_trade_no in text


@pytest.mark.parametrize("profile", [p for p in list_profiles() if not p.native_qr],
                         ids=lambda p: p.name)
def test_raster_qr_decodes_to_the_payload(profile):
    from pyzbar import pyzbar
    from PIL import Image
    data = encode_receipt(CHINESE, profile, EncodeOptions())
    (receipt,) = paper_of(data)
    (image,) = [e for e in receipt.elements if isinstance(e, PrintedCode) and e.kind == "image"]
    rows = image.rows
    picture = Image.new("L", (len(rows[0]), len(rows)), 255)
    picture.putdata([0 if bit else 255 for row in rows for bit in row])
    decoded = pyzbar.decode(picture.resize((picture.width * 2, picture.height * 2)))
    assert [d.data.decode() for d in decoded] == [CHINESE.qr_payload]
