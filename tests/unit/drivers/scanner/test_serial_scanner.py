"""The serial scanner over a real pseudo-terminal (the scanner writes to the master)."""

from __future__ import annotations

import os
import queue
import tty

import pytest

from drivers.scanner.serial_scanner import SerialScanner
from terminal.errors import DeviceError


@pytest.fixture
def pty_pair():
    master, slave = os.openpty()
    tty.setraw(slave)  # no echo, no line discipline: bytes as a serial line moves them
    yield master, os.ttyname(slave)
    os.close(master)
    os.close(slave)


def start(port: str, **kwargs):
    scans: queue.Queue[str] = queue.Queue()
    scanner = SerialScanner(port, read_timeout_s=0.05, **kwargs)
    scanner.start(scans.put)
    return scanner, scans


def test_scans_split_on_the_terminator_even_across_writes(pty_pair):
    master, port = pty_pair
    scanner, scans = start(port, terminator="crlf")
    try:
        assert scanner.is_running()
        os.write(master, b"2812345678")
        os.write(master, b"90123456\r\n134567890123456789\r\n")
        assert scans.get(timeout=5) == "281234567890123456"
        assert scans.get(timeout=5) == "134567890123456789"
    finally:
        scanner.stop()
    assert not scanner.is_running()


@pytest.mark.parametrize("name,term", [("cr", b"\r"), ("lf", b"\n"), ("tab", b"\t"), ("etx", b"\x03")])
def test_each_configured_terminator(pty_pair, name, term):
    master, port = pty_pair
    scanner, scans = start(port, terminator=name)
    try:
        os.write(master, b"6212345678901234567" + term)
        assert scans.get(timeout=5) == "6212345678901234567"
    finally:
        scanner.stop()


def test_overlong_garbage_without_terminator_is_discarded(pty_pair):
    master, port = pty_pair
    scanner, scans = start(port, terminator="cr", max_length=32)
    try:
        os.write(master, b"x" * 100)
        os.write(master, b"\r")  # ends whatever remained after the discard
        os.write(master, b"281234567890123456\r")
        got = [scans.get(timeout=5)]
        while got[-1] != "281234567890123456":
            got.append(scans.get(timeout=5))
        assert scanner.discarded_overlong >= 1
        # At most a tail shorter than the limit survives the discard; never the 100 bytes.
        assert all(len(text) <= 32 for text in got)
    finally:
        scanner.stop()


def test_non_utf8_bytes_do_not_crash_the_reader(pty_pair):
    master, port = pty_pair
    scanner, scans = start(port)
    try:
        os.write(master, b"\xff\xfe\x80\r281234567890123456\r")
        first = scans.get(timeout=5)
        assert first == "ff fe 80"  # reported as binary (hex), never as a code
        assert scans.get(timeout=5) == "281234567890123456"
    finally:
        scanner.stop()


def test_missing_port_raises_device_error(tmp_path):
    scanner = SerialScanner(str(tmp_path / "ttyUSB9"))
    with pytest.raises(DeviceError, match="cannot open"):
        scanner.start(lambda text: None)
