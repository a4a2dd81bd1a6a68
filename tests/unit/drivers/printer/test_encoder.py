"""Golden bytes and structure of the pure ESC/POS encoder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from drivers.printer import commands as cmd
from drivers.printer.emulator.document import PaperTape
from drivers.printer.emulator.stream_parser import EscPosParser
from drivers.printer.encoder import EncodeOptions, encode_receipt, qr_payload_for
from drivers.printer.profiles import PROFILES
from tests.unit.drivers.printer.conftest import example_receipt, small_receipt

GOLDEN = Path(__file__).parent / "golden"
TEMPLATE = "https://r.example.cn/r/{out_trade_no}"


def parse(data: bytes):
    tape = PaperTape()
    for event in EscPosParser().feed(data):
        tape.apply(event, can_print=True)
    tape.flush()
    return tape.finished


@pytest.mark.parametrize("profile", ["generic-58", "generic-80"])
def test_example_receipt_matches_golden_file(profile):
    data = encode_receipt(example_receipt(), PROFILES[profile])
    golden = GOLDEN / f"example-{profile}.bin"
    if os.environ.get("PAYTERM_REGEN_GOLDEN"):
        golden.write_bytes(data)
    assert data == golden.read_bytes(), "encoder output changed; inspect and regenerate"


def test_small_receipt_exact_bytes():
    data = encode_receipt(small_receipt(out_trade_no="", lines=()), PROFILES["generic-58"])
    rule = b"-" * 32 + b"\n"
    expected = (
        b"\x1b@\x1c&"                                       # initialise, Chinese mode
        b"\x1ba\x01\x1d!\x11\x1c!\x0c" + "小店 Shop".encode("gbk") + b"\n"
        b"\x1d!\x00\x1c!\x00"
        b"\x1bE\x01" + "收款凭证 SALE".encode("gbk") + b"\n\x1bE\x00\x1ba\x00"
        + rule
        + "终端 Terminal".encode("gbk") + b" " * 17 + b"T1\n"
        + "时间 Time".encode("gbk") + b" " * 4 + b"2026-11-23 09:00:00\n"
        + rule
        + b"\x1bE\x01\x1d!\x11\x1c!\x0c" + "合计".encode("gbk") + b" " * 5
        + "￥12.34".encode("gbk") + b"\n\x1d!\x00\x1c!\x00\x1bE\x00"
        + "支付方式 Tender".encode("gbk") + b" " * 8 + "现金 Cash".encode("gbk") + b"\n"
        + rule
        + b"\x1bd\x04\x1c.\x1dV\x00")
    assert data == expected


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_every_profile_frames_the_job(profile):
    p = PROFILES[profile]
    data = encode_receipt(example_receipt(), p)
    assert data.startswith(cmd.INITIALIZE + cmd.CHINESE_MODE_ON)
    assert data.endswith(cmd.CUTS[p.cut])
    (receipt,) = parse(data)
    assert receipt.cut is (p.cut != "none") and not receipt.unknown_commands


@pytest.mark.parametrize("profile", ["generic-58", "generic-80", "xprinter-58"])
def test_no_line_is_wider_than_the_paper(profile):
    p = PROFILES[profile]
    (receipt,) = parse(encode_receipt(example_receipt(), p))
    from drivers.printer.emulator.document import PrintedLine
    from drivers.printer.text_layout import display_width
    for element in receipt.elements:
        if isinstance(element, PrintedLine):
            assert display_width(element.text) * element.width_mult <= p.columns, element.text


def test_yuan_sign_is_fullwidth_and_encoded_as_a3a4():
    data = encode_receipt(small_receipt(tender_label="现金 ¥ Cash"), PROFILES["generic-80"])
    assert b"\xa3\xa4" in data                      # ￥ in GBK/GB18030
    assert "¥".encode("gb18030") not in data        # halfwidth yen never reaches paper
    text = parse(data)[0].text
    assert "￥12.34" in text and "¥" not in text


def test_cjk_takes_two_columns():
    (receipt,) = parse(encode_receipt(small_receipt(), PROFILES["generic-58"]))
    line = next(ln for ln in receipt.lines if ln.startswith("终端"))
    # "终端 Terminal" is 2 CJK (4 columns) + 9 ASCII; right value ends at column 32.
    assert line == "终端 Terminal" + " " * 17 + "T1"
    assert len(line.encode("gbk")) == 32


@pytest.mark.parametrize("flag,expected", [
    ({"offline": True}, ["离线交易 待上传", "OFFLINE - PENDING UPLOAD"]),
    ({"unresolved": True}, ["结果确认中 UNRESOLVED"]),
    ({"reprint_count": 2}, ["重打印 REPRINT #2"]),
])
def test_states_are_printed_prominently(flag, expected):
    data = encode_receipt(small_receipt(**flag), PROFILES["generic-80"])
    (receipt,) = parse(data)
    from drivers.printer.emulator.document import PrintedLine
    banners = [e for e in receipt.elements if isinstance(e, PrintedLine) and e.reverse]
    for text in expected:
        match = [b for b in banners if text in b.text]
        assert match and match[0].bold, f"{text!r} not printed as a bold reversed banner"
    if "reprint_count" in flag:
        assert match[0].width_mult == 2 and receipt.elements[0] is match[0]


def test_plain_sale_has_no_banners():
    (receipt,) = parse(encode_receipt(small_receipt(), PROFILES["generic-80"]))
    assert "REPRINT" not in receipt.text and "离线" not in receipt.text


def test_qr_and_code128_are_native_commands():
    receipt = example_receipt()
    data = encode_receipt(receipt, PROFILES["generic-80"])
    assert b"\x1d(k" in data and b"1P0" + receipt.qr_payload.encode() in data
    assert b"\x1dk\x49" in data
    (printed,) = parse(data)
    assert printed.codes("qr") == [receipt.qr_payload]
    assert printed.codes("code128") == [receipt.out_trade_no]


def test_code128_packs_digit_runs_in_code_set_c():
    assert cmd.code128_data("T000126112300000042") == (
        b"{BT{C" + bytes([0, 1, 26, 11, 23, 0, 0, 0, 42]))
    assert cmd.code128_data("AB12345") == b"{BAB1{C" + bytes([23, 45])


def test_qr_link_template_used_when_receipt_has_no_link():
    receipt = small_receipt()
    assert qr_payload_for(receipt, TEMPLATE) == b"https://r.example.cn/r/T126112300000001"
    assert qr_payload_for(receipt, "") == b""
    data = encode_receipt(receipt, PROFILES["generic-80"], EncodeOptions(qr_link_template=TEMPLATE))
    assert parse(data)[0].codes("qr") == ["https://r.example.cn/r/T126112300000001"]


def test_drawer_kick_only_when_asked():
    plain = encode_receipt(small_receipt(), PROFILES["generic-80"])
    kick = encode_receipt(small_receipt(), PROFILES["generic-80"], EncodeOptions(drawer_kick=True))
    assert b"\x1bp" not in plain
    assert cmd.drawer_kick() in kick and parse(kick)[0].drawer_kicks == 1


def test_standard_receipt_with_qr_fits_the_byte_budget():
    assert len(encode_receipt(example_receipt(), PROFILES["generic-80"])) <= 1500


def test_encoding_is_deterministic():
    profile = PROFILES["epson-tm-t88"]
    assert encode_receipt(example_receipt(), profile) == encode_receipt(example_receipt(), profile)


@pytest.mark.parametrize("profile", ["generic-58", "generic-80", "ZJ-5870"])
def test_heartbeat_chunks_end_only_between_commands(profile):
    from drivers.printer.emulator.stream_parser import EscPosParser
    from drivers.printer.encoder import encode_receipt_with_boundaries
    from drivers.printer.escpos_printer import heartbeat_chunks
    data, boundaries = encode_receipt_with_boundaries(example_receipt(), PROFILES[profile])
    assert data == encode_receipt(example_receipt(), PROFILES[profile])
    chunks = heartbeat_chunks(data, boundaries, 128)
    assert b"".join(chunks) == data and len(chunks) > 3
    parser = EscPosParser()
    for chunk in chunks[:-1]:
        events = parser.feed(chunk)
        assert parser.pending == 0 and events[-1].kind == "newline"
        # A query slipped in here is parsed as a query, not as data of a command.
        assert [e.kind for e in parser.feed(b"\x10\x04\x01")] == ["status_query"]
