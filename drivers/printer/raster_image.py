"""Raster bit images (``GS v 0``): how a QR code is printed by printers without native
QR. Used by the benchmark to compare sizes; the emulator decodes it too."""

from __future__ import annotations

import segno


def raster_command(rows: list[list[bool]]) -> bytes:
    """GS v 0 m=0 for a bitmap given as rows of booleans (True = black)."""
    height = len(rows)
    width = len(rows[0]) if rows else 0
    width_bytes = (width + 7) // 8
    data = bytearray()
    for row in rows:
        for x0 in range(0, width_bytes * 8, 8):
            byte = 0
            for bit in range(8):
                x = x0 + bit
                if x < width and row[x]:
                    byte |= 0x80 >> bit
            data.append(byte)
    return (b"\x1dv0\x00" + bytes([width_bytes & 0xFF, width_bytes >> 8,
                                   height & 0xFF, height >> 8]) + bytes(data))


def qr_raster_command(payload: bytes, module_dots: int = 6, error: str = "m") -> bytes:
    """A QR symbol (with a 4-module quiet zone) as a raster image command."""
    qr = segno.make_qr(payload, error=error, boost_error=False)
    matrix = [[bool(v) for v in row] for row in qr.matrix_iter(scale=module_dots, border=4)]
    return raster_command(matrix)
