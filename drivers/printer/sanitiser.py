"""Making outside text harmless before it goes to the printer.

Merchant, item and member names and QR payloads come from people and hosts. Any C0/C1
control byte in them (ESC, GS, DLE, FS, ...) would be read by the printer as a command:
a name could cut the paper, open the drawer or switch the code page. Every character of
external text goes through here: controls and invisible format characters are replaced,
characters the printer's encoding cannot print become "?", and the halfwidth yen sign
becomes the fullwidth ￥ that GBK/GB18030 printers have a glyph for.

The encodings themselves cannot smuggle a control byte back in: GBK/GB18030 multi-byte
sequences use lead bytes >= 0x81 and trail bytes >= 0x30 (tests check the output).
"""

from __future__ import annotations

import unicodedata

#: Unicode categories that are never printed: controls, format (zero-width, bidi
#: overrides), surrogates, private use, unassigned, line/paragraph separators,
#: combining marks (they would shift the column layout).
_DROPPED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp", "Mn", "Me"}
_WHITESPACE_CONTROLS = {"\t", "\n", "\r", "\x0b", "\x0c", "\x85"}
_HALFWIDTH_YEN = "\u00a5"
FULLWIDTH_YEN = "\uffe5"


def clean_text(text: str, encoding: str = "gb18030") -> str:
    """One printable line: whitespace controls become a space, other controls and
    invisible characters are dropped, unencodable characters become "?"."""
    out = []
    for ch in str(text):
        if ch in _WHITESPACE_CONTROLS:
            out.append(" ")
            continue
        if ch == _HALFWIDTH_YEN:
            ch = FULLWIDTH_YEN
        if unicodedata.category(ch) in _DROPPED_CATEGORIES:
            continue
        if ord(ch) > 0xFFFF:
            # Outside the BMP (emoji, rare ideographs): GB18030 can encode them but no
            # thermal printer font has the glyph; a "?" keeps the layout honest.
            out.append("?")
            continue
        if ch == " " or ch.isprintable():
            out.append(ch if _encodable(ch, encoding) else "?")
    return "".join(out)


def clean_payload(text: str, max_bytes: int) -> bytes:
    """A QR payload as printable ASCII bytes (URLs are ASCII). Non-ASCII characters are
    percent-encoded as UTF-8 so a link survives; controls are dropped. Truncates to
    ``max_bytes`` (a QR symbol on a receipt should stay small)."""
    out = bytearray()
    for ch in str(text):
        code = ord(ch)
        if 0x21 <= code <= 0x7E:
            out.append(code)
        elif code == 0x20:
            out.extend(b"%20")
        elif code >= 0x80 and unicodedata.category(ch) not in _DROPPED_CATEGORIES:
            out.extend("".join(f"%{b:02X}" for b in ch.encode("utf-8")).encode("ascii"))
    return bytes(out[:max_bytes])


def clean_barcode_data(text: str) -> str:
    """Code128 data: letters and digits only (``{`` would switch code sets on Epson)."""
    return "".join(ch for ch in str(text) if ch.isascii() and ch.isalnum())


def _encodable(ch: str, encoding: str) -> bool:
    if ch.isascii():
        return True
    try:
        ch.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True
