"""DLE EOT replies: valid bits decode, anything else is unknown, never OK."""

from __future__ import annotations

import pytest

from drivers.printer.status_bytes import encode_status, is_status_byte, parse_status


def test_idle_printer_is_ready():
    status = parse_status(bytes([0x12, 0x12, 0x12, 0x12]))
    assert status.known and status.ready


@pytest.mark.parametrize("flag", ["cover_open", "paper_out", "cutter_error",
                                  "unrecoverable_error"])
def test_each_stop_condition_round_trips_and_is_not_ready(flag):
    status = parse_status(encode_status(**{flag: True}))
    assert status.known and getattr(status, flag) and not status.ready
    assert status.offline


def test_paper_near_end_is_a_warning_not_a_stop():
    status = parse_status(encode_status(paper_near_end=True))
    assert status.paper_near_end and status.ready and "纸将尽" in status.describe()


def test_real_epson_bytes():
    # TM-T88 with the cover open and the roll at its end (from the ESC/POS manual).
    status = parse_status(bytes([0x1E, 0x36, 0x12, 0x7E]))
    assert status.cover_open and status.paper_out and status.paper_near_end


@pytest.mark.parametrize("replies", [b"", b"\x12\x12\x12", b"\x12\x12\x12\x12\x12",
                                     b"\x00\x12\x12\x12", b"\x12\x12\x12\xff",
                                     b"\x13\x12\x12\x12", b"\x12\x11\x12\x12"])
def test_missing_or_malformed_is_unknown_never_ready(replies):
    status = parse_status(replies)
    assert not status.known and not status.ready
    assert "无应答" in status.describe() and status.problem


def test_fixed_bits_exclude_xon_xoff():
    assert not is_status_byte(0x11) and not is_status_byte(0x13)
    assert sum(is_status_byte(b) for b in range(256)) == 16
