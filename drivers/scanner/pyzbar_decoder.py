"""ZBar (through pyzbar) as one of the two symbol decoders.

ZBar reads a single 8-bit channel: it must get a grayscale image, never BGR (it would
look at the blue channel only). It is fast on clean, upright codes.

ZBar hands back text it re-encoded as UTF-8 from its own guess of the character set
(Shift-JIS for any 8-bit QR payload without ECI, so GB18030 labels come out as
mojibake), not the symbol's raw bytes: its reads say so (``CharsetSource.ZBAR``) and the
frame reader takes the exact payload of a non-ASCII symbol from zxing-cpp.
"""

from __future__ import annotations

import logging

import numpy as np
from pyzbar import pyzbar
from pyzbar.pyzbar import ZBarSymbol

from terminal.code_read import CharsetSource, CodeRead, Symbology

log = logging.getLogger(__name__)

_SYMBOLS = [ZBarSymbol.QRCODE, ZBarSymbol.CODE128, ZBarSymbol.EAN13]
_SYMBOLOGY = {"QRCODE": Symbology.QR, "CODE128": Symbology.CODE128, "EAN13": Symbology.EAN13}


class PyzbarDecoder:
    """Decodes QR, Code128 and EAN-13 from a grayscale uint8 array."""

    name = "pyzbar"

    def decode(self, gray: np.ndarray) -> list[CodeRead]:
        """All symbols in ``gray``; polygons in ``gray``'s pixel coordinates."""
        image = np.ascontiguousarray(gray)
        reads = []
        for found in pyzbar.decode(image, symbols=_SYMBOLS):
            symbology = _SYMBOLOGY.get(found.type)
            if symbology is None:  # ZBar reports EAN-13 it reads inside ISBN as ISBN13
                continue
            polygon = tuple((int(p.x), int(p.y)) for p in found.polygon)
            reads.append(CodeRead(symbology, bytes(found.data), polygon, self.name, "utf-8",
                                  CharsetSource.ZBAR))
        return reads
