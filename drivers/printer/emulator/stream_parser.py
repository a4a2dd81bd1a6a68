"""Incremental ESC/POS stream parser for the printer emulator.

``feed(bytes)`` returns the events completed so far; a command split across reads is
kept until its remaining bytes arrive (serial data comes in arbitrary pieces). Unknown
commands become ``Unknown`` events so a test can see exactly what a printer would have
misread, instead of the parser silently skipping bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Event:
    kind: str            # text, newline, skip, init, align, bold, size, reverse, chinese,
                         # feed, drawer, cut, qr_model, qr_size, qr_error, qr_store,
                         # qr_print, barcode, barcode_option, raster, status_query,
                         # transmit_status (GS r),
                         # unknown
    value: Any = None    # its type follows ``kind``: bytes (text, qr_store), int, tuple...
    size: int = 0        # bytes of the stream this event consumed


# Fixed-length commands: prefix -> (total length, event kind).
_FIXED = {
    b"\x1b@": (2, "init"), b"\x1ba": (3, "align"), b"\x1bE": (3, "bold"),
    b"\x1bd": (3, "feed"), b"\x1bp": (5, "drawer"), b"\x1b!": (3, "print_mode"),
    b"\x1b-": (3, "underline"), b"\x1bJ": (3, "feed_dots"), b"\x1b2": (2, "line_spacing"),
    b"\x1b3": (3, "line_spacing"), b"\x1bt": (3, "codepage"), b"\x1bR": (3, "charset"),
    b"\x1bM": (3, "font"), b"\x1bG": (3, "bold"), b"\x1bV": (3, "rotate"),
    b"\x1b{": (3, "upside_down"), b"\x1bi": (2, "cut"), b"\x1bm": (2, "cut"),
    b"\x1d!": (3, "size"), b"\x1dB": (3, "reverse"), b"\x1dh": (3, "barcode_option"),
    b"\x1dw": (3, "barcode_option"), b"\x1dH": (3, "barcode_option"),
    b"\x1df": (3, "barcode_option"), b"\x1da": (3, "asb"), b"\x1dL": (4, "margin"),
    b"\x1dW": (4, "print_width"), b"\x1c&": (2, "chinese"), b"\x1c.": (2, "chinese"),
    b"\x1c!": (3, "chinese_size"), b"\x1cC": (3, "chinese_code"),
    b"\x1c-": (3, "underline"), b"\x10\x04": (3, "status_query"),
    b"\x10\x05": (3, "realtime_request"), b"\x1dr": (3, "transmit_status"),
}


class NeedMore(Exception):
    """The buffer ends inside a command."""


class EscPosParser:
    def __init__(self) -> None:
        self._buffer = bytearray()

    def feed(self, data: bytes) -> list[Event]:
        self._buffer += data
        events: list[Event] = []
        pos = 0
        buf = self._buffer
        while pos < len(buf):
            try:
                consumed, event = self._parse_one(buf, pos)
            except NeedMore:
                break
            pos += consumed
            # A carriage return has no event of its own; "skip" keeps the byte count.
            event = Event(event.kind if event else "skip",
                          event.value if event else None, consumed)
            if event.kind == "text" and events and events[-1].kind == "text":
                events[-1] = Event("text", events[-1].value + event.value,
                                   events[-1].size + consumed)
            else:
                events.append(event)
        del self._buffer[:pos]
        return events

    @property
    def pending(self) -> int:
        """Bytes held back waiting for the rest of a command."""
        return len(self._buffer)

    def _parse_one(self, buf: bytearray, pos: int) -> tuple[int, Event | None]:
        byte = buf[pos]
        if byte >= 0x20 and byte != 0x7F:
            end = pos
            while end < len(buf) and buf[end] >= 0x20 and buf[end] != 0x7F:
                end += 1
            return end - pos, Event("text", bytes(buf[pos:end]))
        if byte == 0x0A:
            return 1, Event("newline")
        if byte == 0x0D:
            return 1, None
        if byte not in (0x1B, 0x1D, 0x1C, 0x10):
            return 1, Event("unknown", bytes([byte]))
        _need(buf, pos, 2)
        prefix = bytes(buf[pos:pos + 2])
        if prefix == b"\x1dV":
            _need(buf, pos, 3)
            mode = buf[pos + 2]
            if mode in (65, 66, 97, 98, 103, 104):
                _need(buf, pos, 4)
                return 4, Event("cut", bytes(buf[pos + 2:pos + 4]))
            return 3, Event("cut", bytes([mode]))
        if prefix == b"\x1dk":
            return _barcode(buf, pos)
        if prefix == b"\x1d(":
            return _function(buf, pos)
        if prefix == b"\x1dv":
            return _raster(buf, pos)
        if prefix in _FIXED:
            length, kind = _FIXED[prefix]
            _need(buf, pos, length)
            args = bytes(buf[pos + 2:pos + length])
            if kind in ("chinese",):
                return length, Event(kind, prefix == b"\x1c&")
            return length, Event(kind, args[0] if len(args) == 1 else args)
        return 2, Event("unknown", prefix)


def _need(buf: bytearray, pos: int, n: int) -> None:
    if len(buf) - pos < n:
        raise NeedMore


def _barcode(buf: bytearray, pos: int) -> tuple[int, Event]:
    _need(buf, pos, 3)
    system = buf[pos + 2]
    if system <= 6:                              # function A: NUL-terminated data
        end = buf.find(b"\x00", pos + 3)
        if end < 0:
            if len(buf) - pos > 300:
                return 3, Event("unknown", b"\x1dk" + bytes([system]))
            raise NeedMore
        return end + 1 - pos, Event("barcode", (system, bytes(buf[pos + 3:end])))
    _need(buf, pos, 4)
    n = buf[pos + 3]
    _need(buf, pos, 4 + n)
    return 4 + n, Event("barcode", (system, bytes(buf[pos + 4:pos + 4 + n])))


def _function(buf: bytearray, pos: int) -> tuple[int, Event]:
    """GS ( fn pL pH ...: only GS ( k (2D codes) is interpreted."""
    _need(buf, pos, 5)
    fn = buf[pos + 2]
    length = buf[pos + 3] | buf[pos + 4] << 8
    _need(buf, pos, 5 + length)
    body = bytes(buf[pos + 5:pos + 5 + length])
    total = 5 + length
    if fn != ord("k") or len(body) < 2 or body[0] != 49:   # cn 49 = QR
        return total, Event("unknown", bytes(buf[pos:pos + total]))
    code = body[1]
    kinds = {65: "qr_model", 67: "qr_size", 69: "qr_error", 81: "qr_print"}
    if code == 80:                                          # store: fn 80, m 48, data
        return total, Event("qr_store", body[3:])
    if code in kinds:
        return total, Event(kinds[code], body[2:])
    return total, Event("unknown", bytes(buf[pos:pos + total]))


def _raster(buf: bytearray, pos: int) -> tuple[int, Event]:
    _need(buf, pos, 8)
    if buf[pos + 2] != ord("0"):
        return 3, Event("unknown", bytes(buf[pos:pos + 3]))
    width_bytes = buf[pos + 4] | buf[pos + 5] << 8
    height = buf[pos + 6] | buf[pos + 7] << 8
    total = 8 + width_bytes * height
    _need(buf, pos, total)
    return total, Event("raster", (width_bytes, height, bytes(buf[pos + 8:pos + total])))
