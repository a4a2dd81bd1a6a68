"""Exact payloads on real generated codes: the character set comes from the symbol's
ECI, else from zxing-cpp's detection, never from ZBar's guess; the bytes are the
symbol's own; binary stays binary; the display form is separate."""

from __future__ import annotations

import base64

import numpy as np
import pytest
import qrcode
import segno

from drivers.scanner.frame_reader import DISPLAY_CHARS, FrameCodeReader, describe
from drivers.scanner.pyzbar_decoder import PyzbarDecoder
from drivers.scanner.zxing_decoder import eci_segments
from terminal.code_read import BINARY, CharsetSource, CodeRead, Symbology

SJIS_TEXT = "日本語 / テスト\\円"           # a " / " and a backslash inside, on purpose
GB_TEXT = "中文付款说明 / 测试"


def on_canvas(matrix, scale: int = 6) -> np.ndarray:
    m = np.pad(np.array([list(row) for row in matrix], dtype=np.uint8), 4)
    symbol = np.kron(np.where(m > 0, 0, 255).astype(np.uint8), np.ones((scale, scale), np.uint8))
    canvas = np.full((640, 800), 230, np.uint8)
    canvas[40:40 + symbol.shape[0], 40:40 + symbol.shape[1]] = symbol
    return canvas


@pytest.fixture(scope="module")
def reader():
    return FrameCodeReader()


def read(reader, matrix) -> dict:
    decode = reader.read_frame(on_canvas(matrix))
    assert decode.found, decode.problem or decode.strategy
    return describe(decode.chosen)


def test_shift_jis_with_eci_is_exact_although_zbar_reads_it_first(reader):
    matrix = segno.make_qr(SJIS_TEXT, encoding="shift_jis", eci=True).matrix
    # ZBar alone re-encodes to UTF-8: not the symbol's bytes.
    zbar = PyzbarDecoder().decode(on_canvas(matrix))
    assert zbar and zbar[0].raw != SJIS_TEXT.encode("shift_jis")
    got = read(reader, matrix)
    assert got["text"] == SJIS_TEXT and got["exact"]
    assert base64.b64decode(got["bytes_base64"]) == SJIS_TEXT.encode("shift_jis")
    assert (got["charset"], got["charset_source"]) == ("shift_jis", "eci")
    assert got["bytes"] == len(SJIS_TEXT.encode("shift_jis"))


def test_shift_jis_kanji_mode_without_eci_is_detected_by_zxing(reader):
    got = read(reader, segno.make_qr("日本語テキスト").matrix)
    assert got["text"] == "日本語テキスト"
    assert (got["charset"], got["charset_source"]) == ("shift_jis", "decoder")


@pytest.mark.parametrize("charset", ["gb18030", "utf-8"])
def test_chinese_with_eci(reader, charset):
    got = read(reader, segno.make_qr(GB_TEXT, encoding=charset, eci=True).matrix)
    assert got["text"] == GB_TEXT and got["charset_source"] == "eci"
    assert base64.b64decode(got["bytes_base64"]) == GB_TEXT.encode(charset)


def test_without_eci_the_detection_decides_and_the_bytes_stay_exact(reader):
    """GB18030 bytes without an ECI: zxing-cpp detects ISO-8859-1 (its answer for
    8-bit data that is neither UTF-8 nor Shift-JIS). That decision is reported as such
    and round-trips; the exact bytes are there for a caller who knows better."""
    raw = "中文付款说明".encode("gb18030")
    got = read(reader, segno.make_qr("中文付款说明", encoding="gb18030").matrix)
    assert base64.b64decode(got["bytes_base64"]) == raw
    assert got["charset_source"] == "decoder"
    assert got["text"].encode(got["charset"]) == raw


def test_utf8_from_another_generator(reader):
    code = qrcode.QRCode(border=0)
    code.add_data("价格 ¥12.50 ✓".encode("utf-8"))
    code.make()
    got = read(reader, [[1 if cell else 0 for cell in row] for row in code.get_matrix()])
    assert got["text"] == "价格 ¥12.50 ✓" and got["charset"] == "utf-8"


def test_binary_payload_has_no_text_but_exact_bytes(reader):
    raw = bytes(range(0, 256, 5))
    got = read(reader, segno.make_qr(raw).matrix)
    assert got["text"] is None and got["charset"] == BINARY
    assert base64.b64decode(got["bytes_base64"]) == raw
    assert "binary" in got["reason"]


def test_control_characters_and_long_payloads_are_exact_and_displayed_safely(reader):
    text = "a\x1b[31mred\r\nline\ttab\x00" + "x" * 400
    got = read(reader, segno.make_qr(text.encode("ascii")).matrix)
    assert got["text"] == text                      # exact: escapes, NUL, full length
    assert "\x1b" not in got["display"] and "\\x1b" in got["display"]
    assert len(got["display"]) == DISPLAY_CHARS and got["display"].endswith("…")
    assert got["display_cut"]


def test_payment_codes_are_withheld_and_masked(reader):
    got = read(reader, segno.make_qr("281234567890123456").matrix)
    assert got["text"] is None and got["bytes_base64"] is None and got["withheld"]
    assert got["display"] == "2812**********3456" and not got["display_cut"]


def test_eci_protocol_streams():
    assert eci_segments(b"]Q1plain\\000026") is None                 # no ECI: as is
    assert eci_segments(b"]Q2\\000020\x93\xfa\\\\x") == [(20, b"\x93\xfa\\x")]
    assert eci_segments(b"]Q2\\000026ab\\000003c") == [(26, b"ab"), (3, b"c")]
    assert eci_segments(b"]C0\\000026ab") is None                    # Code128: never


def test_a_read_only_zbar_made_is_marked_inexact():
    read_ = CodeRead(Symbology.QR, "笢恅".encode(), (), "pyzbar", "utf-8", CharsetSource.ZBAR)
    payload = read_.payload
    assert payload.text == "笢恅" and not payload.exact and payload.source is CharsetSource.ZBAR


def test_a_charset_that_does_not_round_trip_is_never_used():
    # Bytes that are not Shift-JIS, claimed to be: binary, not a guess.
    claimed = CodeRead(Symbology.QR, b"\x81\x00\xff", (), "zxing-cpp", "shift_jis",
                       CharsetSource.ECI)
    assert claimed.payload.text is None and claimed.payload.charset == BINARY
