"""No field of a receipt can inject a printer command."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from drivers.printer import commands as cmd
from drivers.printer.emulator.document import PaperTape
from drivers.printer.emulator.stream_parser import EscPosParser
from drivers.printer.encoder import EncodeOptions, encode_receipt
from drivers.printer.profiles import PROFILES
from drivers.printer.sanitiser import clean_payload, clean_text
from terminal.receipt import ReceiptLine
from tests.unit.drivers.printer.conftest import small_receipt

ATTACKS = {
    "cut": "\x1dV\x00", "feed-cut": "\x1dVB\x00", "drawer kick": "\x1bp\x00\x19\xfa",
    "init": "\x1b@", "DLE EOT": "\x10\x04\x01", "DLE DC4 drawer": "\x10\x14\x01\x00\x05",
    "chinese off": "\x1c.", "code page": "\x1bt\x10", "qr print": "\x1d(k\x03\x001Q0",
    "c1 CSI": "\x9b2J", "bidi override": "\u202e", "zero width": "\u200b",
}


def events(data: bytes):
    return EscPosParser().feed(data)


def commands_of(data: bytes) -> list:
    return [(e.kind, e.value) for e in events(data) if e.kind not in ("text", "newline")]


def clean_stream(**fields) -> bytes:
    return encode_receipt(small_receipt(**fields), PROFILES["generic-80"],
                          EncodeOptions(qr_link_template="https://r.example.cn/r/{out_trade_no}"))


def receipt_fields(text: str, link_tail: str) -> dict:
    return dict(merchant_name=text, store_name=text, cashier=text, tender_label=text,
                payer_masked=text, footer=text, lines=(ReceiptLine(text, 1, 1234),),
                extra_lines=((text, text),), qr_payload=f"https://r.example.cn/r/{link_tail}")


@pytest.mark.parametrize("name,attack", sorted(ATTACKS.items()))
def test_names_cannot_inject_commands(name, attack):
    baseline = commands_of(clean_stream(**receipt_fields("坏店", "12")))
    stream = clean_stream(**receipt_fields(f"坏{attack}店{attack}", f"1{attack}2"))
    # Every command in the stream (kind and arguments) is one a harmless receipt with
    # the same fields has; only the QR payload's content may differ.
    strip_qr = lambda cmds: [c if c[0] != "qr_store" else ("qr_store", None) for c in cmds]  # noqa: E731
    assert strip_qr(commands_of(stream)) == strip_qr(baseline), name
    assert stream.count(b"\x1dV") == 1 and stream.count(b"\x1b@") == 1
    assert b"\x1bp" not in stream and b"\x10" not in stream


def test_control_bytes_only_where_the_encoder_put_them():
    evil = "".join(chr(c) for c in range(0x00, 0x20)) + "\x7f" + "".join(
        chr(c) for c in range(0x80, 0xA0))
    stream = clean_stream(merchant_name=evil, footer=evil)
    for event in events(stream):
        if event.kind == "text":
            assert all(b >= 0x20 and b != 0x7F for b in event.value)
        assert event.kind != "unknown"


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=40))
def test_any_text_is_harmless(text):
    stream = clean_stream(merchant_name=text, footer=text, lines=(ReceiptLine(text, 2, 5),),
                          qr_payload=text)
    kinds = [e.kind for e in events(stream)]
    assert "unknown" not in kinds and kinds.count("cut") == 1 and "drawer" not in kinds
    assert "status_query" not in kinds
    tape = PaperTape()
    for event in events(stream):
        tape.apply(event, can_print=True)
    assert len(tape.finished) == 1


def test_clean_text_rules():
    assert clean_text("a\tb\nc") == "a b c"
    assert clean_text("¥5") == "￥5"
    assert clean_text("x\x1b@y\x1dV\x00z") == "x@yVz"
    assert clean_text("😀茶") == "?茶"
    assert clean_text("é", "gbk") == "é"          # GBK has Latin-1 accented vowels
    assert clean_text("\u0e01", "gbk") == "?"     # Thai: not in GBK


def test_clean_payload_is_printable_ascii():
    assert clean_payload("https://x.cn/r/1\x1dV\x00", 300) == b"https://x.cn/r/1V"
    assert clean_payload("https://x.cn/收据 1", 300) == b"https://x.cn/%E6%94%B6%E6%8D%AE%201"
    assert len(clean_payload("a" * 500, 300)) == 300


def test_halfwidth_yen_never_reaches_paper():
    stream = clean_stream(merchant_name="¥ shop", footer="¥¥")
    assert "¥".encode("gb18030") not in stream


def test_cut_and_init_appear_once():
    stream = clean_stream(merchant_name="\x1dV\x00\x1b@" * 3)
    assert stream.count(cmd.INITIALIZE) == 1
