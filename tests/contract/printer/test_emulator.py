"""The emulator itself: pty + symlink, pacing, files, lifecycle."""

from __future__ import annotations

import os
import time

from PIL import Image
from pyzbar.pyzbar import decode

from drivers.printer.emulator import PrinterEmulator
from drivers.printer.encoder import encode_receipt
from drivers.printer.profiles import PROFILES
from tests.contract.printer.conftest import make_printer
from tests.unit.drivers.printer.conftest import example_receipt


def test_symlink_points_at_a_pty_and_is_removed_on_stop(tmp_path):
    link = tmp_path / "lp0"
    emu = PrinterEmulator(link).start()
    try:
        assert link.is_symlink() and os.readlink(link).startswith("/dev/pts/")
    finally:
        emu.stop()
    assert not link.exists() and not link.is_symlink()


def test_receipts_are_written_as_text_png_that_decode(tmp_path, emulator_factory):
    emu = emulator_factory(out_dir=tmp_path / "out")
    printer = make_printer(emu.port)
    try:
        printer.print_receipt(example_receipt())
        assert printer.status().ready
    finally:
        printer.close()
    emu.wait_for_receipts(1)
    emu.stop()
    text = (tmp_path / "out" / "receipt-0001.txt").read_text(encoding="utf-8")
    assert "示例便利店 Demo Mart" in text and "[QR] https://r.example.cn/r/" in text
    found = {d.data.decode() for d in decode(Image.open(tmp_path / "out" / "receipt-0001.png"))}
    assert found == {example_receipt().qr_payload, example_receipt().out_trade_no}


def test_pacing_never_delivers_faster_than_the_wire(emulator_factory):
    emu = emulator_factory(baud=9600)
    data = encode_receipt(example_receipt(), PROFILES["generic-80"])
    printer = make_printer(emu.port, baud=9600)
    try:
        started = time.monotonic()
        printer.send(data)
        emu.wait_for_receipts(1, timeout_s=10)
        elapsed = time.monotonic() - started
    finally:
        printer.close()
    assert elapsed >= len(data) * 10 / 9600 * 0.95      # a lower bound cannot flake


def test_an_uncut_receipt_is_kept_when_the_emulator_stops(emulator_factory):
    emu = emulator_factory()
    printer = make_printer(emu.port)
    try:
        printer.send(b"\x1b@\x1c&" + "未切纸 no cut\n".encode("gb18030"))
        assert printer.status().ready
    finally:
        printer.close()
    emu.stop()
    (receipt,) = emu.receipts()
    assert receipt.lines == ["未切纸 no cut"] and not receipt.cut


def test_unknown_commands_are_recorded(emulator_factory):
    emu = emulator_factory()
    printer = make_printer(emu.port)
    try:
        printer.send(b"\x1b@\x1bZ1\n\x1dV\x00")
        printer.status()
    finally:
        printer.close()
    (receipt,) = emu.wait_for_receipts(1)
    assert receipt.unknown_commands == [b"\x1bZ"]
