"""The emulator's rendering decodes back to the same text, QR payload and barcode."""

from __future__ import annotations

from PIL import Image
from pyzbar.pyzbar import decode

from drivers.printer.emulator.document import PaperTape
from drivers.printer.emulator.renderer import render_png, save_receipt
from drivers.printer.emulator.stream_parser import EscPosParser
from drivers.printer.encoder import encode_receipt
from drivers.printer.profiles import PROFILES
from drivers.printer.raster_image import qr_raster_command
from tests.unit.drivers.printer.conftest import example_receipt


def received(data: bytes):
    tape = PaperTape()
    for event in EscPosParser().feed(data):
        tape.apply(event, can_print=True)
    tape.flush()
    return tape.finished


def test_png_decodes_to_the_qr_payload_and_trade_number(tmp_path):
    receipt = example_receipt()
    for name in ("generic-80", "generic-58"):
        profile = PROFILES[name]
        (printed,) = received(encode_receipt(receipt, profile))
        txt, png = save_receipt(printed, tmp_path / name, profile.columns, profile.dots_per_line)
        found = {(d.type, d.data.decode()) for d in decode(Image.open(png))}
        assert ("QRCODE", receipt.qr_payload) in found, name
        assert ("CODE128", receipt.out_trade_no) in found, name
        text = txt.read_text(encoding="utf-8")
        assert "示例便利店" in text and "￥25.90" in text
        assert f"[QR] {receipt.qr_payload}" in text and text.rstrip().endswith("[CUT]")


def test_raster_qr_renders_and_decodes():
    (printed,) = received(b"\x1b@" + qr_raster_command(b"https://r.example.cn/r/X1", 4)
                          + b"\n\x1dV\x00")
    image = render_png(printed, 576)
    assert [d.data for d in decode(image)] == [b"https://r.example.cn/r/X1"]
