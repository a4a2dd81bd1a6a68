"""terminal.code_read: payload text, safe display, classification, choice, repeats."""

from __future__ import annotations

from terminal.code_read import (CodeRead, RepeatFilter, Symbology, TextEncoding, choose_read,
                                classify_read, neutralise_controls, payload_text)

ALIPAY = b"281234567890123456"
WECHAT = b"134567890123456789"


def read(raw: bytes, polygon=((0, 0), (10, 0), (10, 10), (0, 10)), sym=Symbology.QR) -> CodeRead:
    return CodeRead(sym, raw, polygon, "test")


def square(x: int, y: int, side: int):
    return ((x, y), (x + side, y), (x + side, y + side), (x, y + side))


def test_payload_text_utf8_gb18030_and_binary():
    assert payload_text("付款码".encode()) == ("付款码", TextEncoding.UTF8)
    assert payload_text("付款码".encode("gb18030")) == ("付款码", TextEncoding.GB18030)
    text, encoding = payload_text(b"\x00\xff\x80\x01")
    assert encoding is TextEncoding.BINARY and text == "00 ff 80 01"


def test_control_characters_are_neutralised_for_display():
    shown = neutralise_controls("pay\x1b[2Jme\r\nnow\u202egnp.exe\x00")
    assert "\x1b" not in shown and "\u202e" not in shown and "\x00" not in shown
    assert shown == "pay\\x1b[2Jme\\r\\nnow\\u202egnp.exe\\x00"
    assert len(neutralise_controls("x" * 1000)) == 200


def test_payment_code_is_classified_and_masked():
    result = classify_read(read(ALIPAY))
    assert result.is_payment_code and result.payment_code.wallet.value == "alipay"
    assert result.display_text == "2812**********3456"
    assert "1234567890" not in repr(result)


def test_other_payloads_say_why_they_are_not_payment_codes():
    url = classify_read(read(b"https://example.cn/x"))
    assert not url.is_payment_code and "other than digits" in url.reason
    short = classify_read(read(b"6901234567892", sym=Symbology.EAN13))
    assert "13 digits starting 69" in short.reason
    binary = classify_read(read(b"\xff\xfe\x00"))
    assert "binary" in binary.reason and binary.user_reason
    ctrl = classify_read(read(b"evil\x1b]0;title\x07"))
    assert "\x1b" not in ctrl.display_text


def test_choice_prefers_payment_code_then_largest_then_top_left():
    url_big = classify_read(read(b"https://a.cn", square(0, 0, 300)))
    pay_small = classify_read(read(ALIPAY, square(400, 300, 50)))
    chosen, note = choose_read([url_big, pay_small])
    assert chosen is pay_small and "only payment code" in note and "2 codes" in note
    pay_big = classify_read(read(WECHAT, square(10, 10, 120)))
    chosen, note = choose_read([pay_small, url_big, pay_big])
    assert chosen is pay_big and "largest of 2 payment codes" in note
    left = classify_read(read(ALIPAY, square(10, 10, 50)))
    right = classify_read(read(WECHAT, square(300, 10, 50)))
    assert choose_read([right, left])[0] is left
    assert choose_read([left, right])[0] is left
    assert choose_read([url_big]) == (url_big, "")
    assert choose_read([]) == (None, "")


def test_repeat_filter_counts_a_code_once_while_in_view():
    repeats = RepeatFilter(window_s=1.0)
    code = read(ALIPAY)
    assert repeats.is_new(code, 0.0)
    assert not any(repeats.is_new(code, t / 10) for t in range(1, 30))  # held 3 s
    assert repeats.is_new(code, 4.5)  # gone for more than the window: a new scan
    assert repeats.is_new(read(WECHAT), 4.6)


def test_same_digits_as_qr_and_code128_are_one_code():
    repeats = RepeatFilter(window_s=1.0)
    assert repeats.is_new(read(ALIPAY, sym=Symbology.QR), 0.0)
    assert not repeats.is_new(read(ALIPAY, sym=Symbology.CODE128), 0.1)
