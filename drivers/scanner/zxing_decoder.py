"""zxing-cpp as the second decoder: slower than ZBar on easy codes but it reads more
tilted, damaged, glare-hit and inverted ones. Symbols it locates but cannot decode
are returned as regions of interest for the retry variants.

It is also the decoder that knows a payload's character set: each symbol is read with
the ECI protocol text (``TextMode.HexECI``), which carries the ECI designators the
symbol holds and the raw bytes of each segment. With an ECI, the ECI names the
character set; without one, zxing-cpp's own detection does (asked only for payloads
that are not plain 7-bit ASCII, where every character set agrees).
"""

from __future__ import annotations

import numpy as np
import zxingcpp
from typing import Any

from terminal.code_read import BINARY, CharsetSource, CodeRead, Symbology, round_trips

# A list, as zxing-cpp asks now (its "|" form is deprecated); its type stub still names
# only that form, hence the Any.
_FORMATS: Any = [zxingcpp.BarcodeFormat.QRCode, zxingcpp.BarcodeFormat.Code128,
                 zxingcpp.BarcodeFormat.EAN13]
_SYMBOLOGY = {zxingcpp.BarcodeFormat.QRCode: Symbology.QR,
              zxingcpp.BarcodeFormat.Code128: Symbology.CODE128,
              zxingcpp.BarcodeFormat.EAN13: Symbology.EAN13}

#: ECI assignment numbers (AIM ECI) → Python codec names. 899 is 8-bit binary data.
ECI_CHARSETS = {
    0: "cp437", 1: "iso-8859-1", 2: "cp437", 3: "iso-8859-1", 4: "iso-8859-2",
    5: "iso-8859-3", 6: "iso-8859-4", 7: "iso-8859-5", 8: "iso-8859-6", 9: "iso-8859-7",
    10: "iso-8859-8", 11: "iso-8859-9", 12: "iso-8859-10", 13: "iso-8859-11",
    15: "iso-8859-13", 16: "iso-8859-14", 17: "iso-8859-15", 18: "iso-8859-16",
    20: "shift_jis", 21: "cp1250", 22: "cp1251", 23: "cp1252", 24: "cp1256",
    25: "utf-16-be", 26: "utf-8", 27: "ascii", 28: "big5", 29: "gb18030", 30: "euc-kr",
    31: "gbk", 32: "gb18030", 33: "utf-16-le", 34: "utf-32-be", 35: "utf-32-le",
    170: "ascii", 899: BINARY,
}
#: What zxing-cpp's detection can answer without an ECI, most specific first.
DETECTABLE = ("utf-8", "shift_jis", "iso-8859-1")

Polygon = tuple[tuple[int, int], ...]


def _polygon(barcode: zxingcpp.Barcode) -> Polygon:
    pos = barcode.position
    return tuple((int(p.x), int(p.y)) for p in
                 (pos.top_left, pos.top_right, pos.bottom_right, pos.bottom_left))


def eci_segments(stream: bytes) -> list[tuple[int, bytes]] | None:
    """Split an ECI protocol stream (symbology identifier first, as zxing-cpp's
    ``TextMode.HexECI`` gives it) into (ECI number, raw bytes) segments; None when the
    symbol holds no ECI. In the protocol a designator is a backslash and six digits; a
    backslash in the data is doubled."""
    identifier, eci_stream = stream[:3], stream[3:]
    if identifier[:2] != b"]Q" or identifier[2:3] not in (b"2", b"4", b"6") \
            or not (eci_stream[:1] == b"\\" and eci_stream[1:7].isdigit()):
        return None
    segments: list[tuple[int, bytearray]] = []
    i = 0
    while i < len(eci_stream):
        if eci_stream[i:i + 1] == b"\\":
            if eci_stream[i + 1:i + 2] == b"\\":
                segments[-1][1].append(0x5C)
                i += 2
                continue
            digits = eci_stream[i + 1:i + 7]
            if len(digits) == 6 and digits.isdigit():
                segments.append((int(digits), bytearray()))
                i += 7
                continue
        segments[-1][1].append(eci_stream[i])
        i += 1
    return [(eci, bytes(data)) for eci, data in segments]


def charset_from_eci(segments: list[tuple[int, bytes]]) -> str:
    """The one character set the ECI designators name (a payload switching between
    character sets, or naming one Python does not know, is reported as binary)."""
    names = {ECI_CHARSETS.get(eci, BINARY) for eci, data in segments if data}
    if not names:
        names = {ECI_CHARSETS.get(segments[-1][0], BINARY)}
    return names.pop() if len(names) == 1 else BINARY


def detected_charset(raw: bytes, detected_text: str) -> str:
    """The character set zxing-cpp decoded ``raw`` with (found by which one gives its
    text back), or binary when none does."""
    for charset in DETECTABLE:
        if round_trips(raw, charset) == detected_text:
            return charset
    return BINARY


class ZxingDecoder:
    """Decodes QR, Code128 and EAN-13 from a grayscale uint8 array."""

    name = "zxing-cpp"

    def decode(self, gray: np.ndarray) -> list[CodeRead]:
        """All valid symbols in ``gray``; polygons in ``gray``'s pixel coordinates."""
        return self.decode_with_candidates(gray)[0]

    def decode_with_candidates(self, gray: np.ndarray) -> tuple[list[CodeRead], list[Polygon]]:
        """Valid symbols, plus the outlines of symbols found but not decoded (checksum
        or error-correction failure): where a retry should look harder."""
        image = np.ascontiguousarray(gray)
        reads: list[CodeRead] = []
        candidates: list[Polygon] = []
        undetected: list[int] = []      # indexes of reads whose charset is not known
        for barcode in zxingcpp.read_barcodes(image, formats=_FORMATS, return_errors=True,
                                              text_mode=zxingcpp.TextMode.HexECI):
            symbology = _SYMBOLOGY.get(barcode.format)
            if symbology is None:
                continue
            if not barcode.valid:
                candidates.append(_polygon(barcode))
                continue
            raw = bytes(barcode.bytes)
            segments = eci_segments(bytes.fromhex(barcode.text))
            if segments is not None:
                read = CodeRead(symbology, raw, _polygon(barcode), self.name,
                                charset_from_eci(segments), CharsetSource.ECI)
            elif raw.isascii():
                read = CodeRead(symbology, raw, _polygon(barcode), self.name, "ascii",
                                CharsetSource.ASCII)
            else:
                undetected.append(len(reads))
                read = CodeRead(symbology, raw, _polygon(barcode), self.name, BINARY,
                                CharsetSource.DECODER)
            reads.append(read)
        if undetected:
            reads = self._with_detected_charsets(image, reads, undetected)
        return reads, candidates

    def _with_detected_charsets(self, image: np.ndarray, reads: list[CodeRead],
                                undetected: list[int]) -> list[CodeRead]:
        """Ask zxing-cpp for its own text of the symbols without ECI (rare: non-ASCII
        payloads) and name the character set that text was decoded with."""
        detected = {bytes(b.bytes): (b.text, b.content_type)
                    for b in zxingcpp.read_barcodes(image, formats=_FORMATS,
                                                    text_mode=zxingcpp.TextMode.Plain)}
        out = list(reads)
        for index in undetected:
            read = reads[index]
            text, content = detected.get(read.raw, (None, None))
            if text is not None and content != zxingcpp.ContentType.Binary:
                out[index] = CodeRead(read.symbology, read.raw, read.polygon, read.decoder,
                                      detected_charset(read.raw, text), CharsetSource.DECODER)
        return out
