"""ESC/POS command bytes (Epson ESC/POS, as implemented by TM-T20/T88 and the Chinese
Xprinter/Zywell/Rongta clones). Each builder returns bytes and validates its range."""

from __future__ import annotations

ESC, GS, FS, DLE, EOT, LF = b"\x1b", b"\x1d", b"\x1c", b"\x10", b"\x04", b"\n"

INITIALIZE = ESC + b"@"
CHINESE_MODE_ON = FS + b"&"
CHINESE_MODE_OFF = FS + b"."
#: Cut commands by profile: full cut, partial cut, feed-and-partial-cut (function B),
#: and none for printers with a tear bar only (the feed before it is enough).
CUTS = {"full": GS + b"V\x00", "partial": GS + b"V\x01", "feed-partial": GS + b"V\x42\x00",
        "none": b""}

ALIGN = {"left": 0, "center": 1, "right": 2}
QR_ERROR_LEVELS = {"L": 48, "M": 49, "Q": 50, "H": 51}
CODE128 = 73


def align(where: str) -> bytes:
    return ESC + b"a" + bytes([ALIGN[where]])


def bold(on: bool) -> bytes:
    return ESC + b"E" + bytes([1 if on else 0])


def reverse(on: bool) -> bytes:
    """White on black (GS B): used for the offline / unresolved banners."""
    return GS + b"B" + bytes([1 if on else 0])


def char_size(width: int = 1, height: int = 1) -> bytes:
    """GS ! : magnification 1..8 in each direction (applies to Chinese too)."""
    if not (1 <= width <= 8 and 1 <= height <= 8):
        raise ValueError("character magnification is 1..8")
    return GS + b"!" + bytes([(width - 1) << 4 | (height - 1)])


def chinese_double(on: bool) -> bytes:
    """FS ! : double width+height for Chinese characters on printers that ignore GS !
    for the Chinese font (several clones do)."""
    return FS + b"!" + bytes([0x0C if on else 0x00])


def feed_lines(n: int) -> bytes:
    if not 0 <= n <= 255:
        raise ValueError("feed 0..255 lines")
    return ESC + b"d" + bytes([n])


def drawer_kick(pin: int = 0, on_ms: int = 50, off_ms: int = 500) -> bytes:
    """ESC p m t1 t2: pulse the drawer connector (times in 2 ms units)."""
    if pin not in (0, 1):
        raise ValueError("drawer pin is 0 (pin 2) or 1 (pin 5)")
    return ESC + b"p" + bytes([pin, min(255, on_ms // 2), min(255, off_ms // 2)])


def qr_code(payload: bytes, module_dots: int = 6, error_level: str = "M") -> bytes:
    """Native QR via GS ( k (model 2): select model, module size, error level, store
    the data, print it."""
    if not 1 <= module_dots <= 16:
        raise ValueError("QR module size 1..16 dots")
    if not payload or len(payload) > 7089:
        raise ValueError("QR payload must be 1..7089 bytes")
    store_len = len(payload) + 3
    return (GS + b"(k\x04\x001A2\x00"
            + GS + b"(k\x03\x001C" + bytes([module_dots])
            + GS + b"(k\x03\x001E" + bytes([QR_ERROR_LEVELS[error_level]])
            + GS + b"(k" + bytes([store_len & 0xFF, store_len >> 8]) + b"1P0" + payload
            + GS + b"(k\x03\x001Q0")


def code128_data(text: str) -> bytes:
    """GS k 73 data with code-set switching: runs of 4+ digits go in code set C (two
    digits per symbol, which keeps a 19-character trade number on 58 mm paper)."""
    if not text or not all(ch.isascii() and ch.isalnum() for ch in text):
        raise ValueError("Code128 data must be ASCII letters/digits")
    out = bytearray()
    current = None
    i = 0
    while i < len(text):
        run = _digit_run(text, i)
        if run >= 4:
            if run % 2:                 # odd run: one digit in set B first
                if current != "B":
                    out += b"{B"
                    current = "B"
                out += text[i].encode()
                i += 1
                run -= 1
            if current != "C":
                out += b"{C"
                current = "C"
            for j in range(i, i + run, 2):
                out.append(int(text[j:j + 2]))
            i += run
        else:
            if current != "B":
                out += b"{B"
                current = "B"
            out += text[i].encode()
            i += 1
    return bytes(out)


def code128_symbols(data: bytes) -> int:
    """Number of Code128 symbols (start, data, switches, check) for ``code128_data``."""
    symbols = 2                              # start + check (stop counted in modules)
    i = 0
    while i < len(data):
        if data[i:i + 1] == b"{":
            i += 2
            symbols += 1
        else:
            i += 1
            symbols += 1
    return symbols - 1                       # the first {X is the start symbol itself


def barcode_code128(text: str, module_dots: int = 2, height_dots: int = 80) -> bytes:
    """GS h / GS w / GS H (text below) / GS f (font A) then GS k 73 n data."""
    data = code128_data(text)
    if len(data) > 255:
        raise ValueError("Code128 data too long")
    return (GS + b"h" + bytes([height_dots]) + GS + b"w" + bytes([module_dots])
            + GS + b"H\x02" + GS + b"f\x00"
            + GS + b"k" + bytes([CODE128, len(data)]) + data)


def status_query(n: int) -> bytes:
    """DLE EOT n: real-time status (1 printer, 2 offline cause, 3 error, 4 paper)."""
    if n not in (1, 2, 3, 4):
        raise ValueError("DLE EOT n is 1..4")
    return DLE + EOT + bytes([n])


def _digit_run(text: str, start: int) -> int:
    end = start
    while end < len(text) and text[end].isdigit():
        end += 1
    return end - start
