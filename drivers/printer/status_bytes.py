"""Decoding the four ``DLE EOT n`` replies into a ``PrinterStatus``.

Every reply byte has fixed bits (bit 1 and bit 4 set, bits 0 and 7 clear: the pattern
0xx1xx10). A byte that does not match is not a status reply (line noise, a late reply
to an earlier query, a wrong baud rate), so the whole status is *unknown*. The fixed
bits also guarantee a reply is never XON (0x11) or XOFF (0x13).
"""

from __future__ import annotations

from terminal.ports.printer import PrinterStatus

FIXED_MASK, FIXED_VALUE = 0x93, 0x12
QUERY_ALL = b"\x10\x04\x01\x10\x04\x02\x10\x04\x03\x10\x04\x04"
#: ``GS r 1`` (transmit paper sensor status). Unlike ``DLE EOT`` it is not real-time:
#: the printer answers when it *reaches* the command in its buffer, so appended after
#: a job's cut its one-byte answer says the whole job, cut included, was processed.
PRINT_END_QUERY = b"\x1dr\x01"
#: Its answer has bits 4 and 7 clear (0xx0xxxx), so it is never taken for a DLE EOT
#: reply (bit 4 set) and the two can share one input stream.
PAPER_SENSOR_MASK, PAPER_SENSOR_VALUE = 0x90, 0x00


def is_status_byte(value: int) -> bool:
    return (value & FIXED_MASK) == FIXED_VALUE


def is_paper_sensor_byte(value: int) -> bool:
    """A ``GS r 1`` answer (bits 4 and 7 clear)."""
    return (value & PAPER_SENSOR_MASK) == PAPER_SENSOR_VALUE


def encode_paper_sensor(*, paper_out: bool = False, paper_near_end: bool = False) -> bytes:
    """The ``GS r 1`` answer: bits 0-1 near end, bits 2-3 paper end (used by the emulator)."""
    return bytes([(0x03 if paper_near_end or paper_out else 0) | (0x0C if paper_out else 0)])


def parse_status(replies: bytes) -> PrinterStatus:
    """``replies`` are the answers to DLE EOT 1, 2, 3, 4 in that order."""
    if len(replies) != 4:
        return PrinterStatus.unknown(f"expected 4 status bytes, got {len(replies)}"
                                     + (f" ({replies.hex()})" if replies else ""))
    bad = [f"n={i + 1}:0x{b:02x}" for i, b in enumerate(replies) if not is_status_byte(b)]
    if bad:
        return PrinterStatus.unknown("malformed status byte " + ", ".join(bad))
    printer, offline_cause, error, paper = replies
    return PrinterStatus(
        known=True,
        offline=bool(printer & 0x08),
        cover_open=bool(offline_cause & 0x04),
        paper_out=bool(offline_cause & 0x20) or (paper & 0x60) == 0x60,
        paper_near_end=(paper & 0x0C) == 0x0C,
        cutter_error=bool(error & 0x08),
        unrecoverable_error=bool(error & 0x20),
    )


def encode_status(*, offline: bool = False, cover_open: bool = False,
                  paper_out: bool = False, paper_near_end: bool = False,
                  cutter_error: bool = False, unrecoverable_error: bool = False,
                  drawer_open: bool = False) -> bytes:
    """The four reply bytes a real printer in this state sends (used by the emulator)."""
    stopped = cover_open or paper_out or cutter_error or unrecoverable_error
    printer = FIXED_VALUE | (0x04 if drawer_open else 0) | (0x08 if offline or stopped else 0)
    cause = (FIXED_VALUE | (0x04 if cover_open else 0) | (0x20 if paper_out else 0)
             | (0x40 if cutter_error or unrecoverable_error else 0))
    error = (FIXED_VALUE | (0x08 if cutter_error else 0)
             | (0x20 if unrecoverable_error else 0))
    paper = (FIXED_VALUE | (0x0C if paper_near_end or paper_out else 0)
             | (0x60 if paper_out else 0))
    return bytes([printer, cause, error, paper])
