"""zxing-cpp as the second decoder: slower than ZBar on easy codes but it reads more
tilted, damaged, glare-hit and inverted ones. Symbols it locates but cannot decode
are returned as regions of interest for the retry variants."""

from __future__ import annotations

import numpy as np
import zxingcpp

from terminal.code_read import CodeRead, Symbology

_FORMATS = [zxingcpp.BarcodeFormat.QRCode, zxingcpp.BarcodeFormat.Code128,
            zxingcpp.BarcodeFormat.EAN13]
_SYMBOLOGY = {zxingcpp.BarcodeFormat.QRCode: Symbology.QR,
              zxingcpp.BarcodeFormat.Code128: Symbology.CODE128,
              zxingcpp.BarcodeFormat.EAN13: Symbology.EAN13}

Polygon = tuple[tuple[int, int], ...]


def _polygon(barcode) -> Polygon:
    pos = barcode.position
    return tuple((int(p.x), int(p.y)) for p in
                 (pos.top_left, pos.top_right, pos.bottom_right, pos.bottom_left))


class ZxingDecoder:
    """Decodes QR, Code128 and EAN-13 from a grayscale uint8 array."""

    name = "zxing-cpp"

    def decode(self, gray: np.ndarray) -> list[CodeRead]:
        """All valid symbols in ``gray``; polygons in ``gray``'s pixel coordinates."""
        return self.decode_with_candidates(gray)[0]

    def decode_with_candidates(self, gray: np.ndarray) -> tuple[list[CodeRead], list[Polygon]]:
        """Valid symbols, plus the outlines of symbols found but not decoded (checksum
        or error-correction failure): where a retry should look harder."""
        reads, candidates = [], []
        for barcode in zxingcpp.read_barcodes(np.ascontiguousarray(gray), formats=_FORMATS,
                                              return_errors=True):
            symbology = _SYMBOLOGY.get(barcode.format)
            if symbology is None:
                continue
            if barcode.valid:
                reads.append(CodeRead(symbology, bytes(barcode.bytes), _polygon(barcode),
                                      self.name))
            else:
                candidates.append(_polygon(barcode))
        return reads, candidates
