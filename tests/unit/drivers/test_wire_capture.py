import threading

import pytest

from drivers.wire_capture import WireCapture


def _clock():
    ticks = iter(range(1_000_000))
    return lambda: 1_790_000_000.0 + next(ticks) / 1000


def test_records_direction_time_and_bytes_as_hex_and_ascii():
    capture = WireCapture(1024, clock=_clock())
    capture.record("tx", b"\x10\x04\x01")
    capture.record("rx", b"\x16")
    text = capture.snapshot().decode()
    assert " tx 3 bytes" in text and " rx 1 bytes" in text
    assert "10 04 01" in text and "|...|" in text


def test_keeps_only_the_newest_capacity_bytes():
    capture = WireCapture(10, clock=_clock())
    capture.record("tx", b"AAAAAAAA")
    capture.record("tx", b"BBBBBBBB")
    text = capture.snapshot().decode()
    assert "AA" in text and "AAA" not in text.replace("41 41 41", "")
    assert "10 bytes kept, 6 older bytes dropped" in text


def test_payment_codes_are_masked_even_when_typed_one_key_per_chunk():
    capture = WireCapture(4096, clock=_clock())
    code = "281234567890123456"
    for ch in code + "\r":
        capture.record("in", ch.encode())
    capture.record("tx", f"pay {code} now".encode())
    text = capture.snapshot().decode()
    digits_only = "".join(ch for ch in text if ch.isdigit())
    assert code not in text and code not in digits_only
    ascii_columns = "".join(line.rsplit("|", 2)[1] for line in text.splitlines() if "|" in line)
    assert "2812**********3456" in ascii_columns


def test_a_code_half_evicted_or_half_arrived_is_masked():
    capture = WireCapture(12, clock=_clock())
    capture.record("in", b"2812345678901234")        # head falls out of the ring
    assert b"5678901234" not in capture.snapshot()
    capture = WireCapture(100, clock=_clock())
    capture.record("in", b"28123456789")             # tail still to come
    assert b"28123456789" not in capture.snapshot()


def test_short_numbers_stay_readable():
    capture = WireCapture(100, clock=_clock())
    capture.record("tx", b"total 1234 fen\n")
    assert b"1234" in capture.snapshot()


def test_dump_writes_the_snapshot(tmp_path):
    capture = WireCapture(100, clock=_clock())
    capture.record("tx", b"\x1b@")
    path = capture.dump(tmp_path / "wire" / "printer.txt")
    assert path.read_bytes() == capture.snapshot()
    assert path.stat().st_mode & 0o007 == 0


def test_concurrent_recording_keeps_the_size_bound():
    capture = WireCapture(500)
    def writer(tag):
        for _ in range(2000):
            capture.record(tag, b"x" * 7)
    threads = [threading.Thread(target=writer, args=(t,)) for t in ("tx", "rx", "in")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert "500 bytes kept" in capture.snapshot().decode()


def test_capacity_must_be_positive():
    with pytest.raises(ValueError):
        WireCapture(0)


def _raw_bytes(text: str) -> bytes:
    """The captured bytes back from a snapshot's hex columns."""
    out = bytearray()
    for line in text.splitlines():
        if line.startswith("    ") and "|" in line:
            out += bytes.fromhex(line.split("|")[0].strip())
    return out


CODE = "281234567890123456"


@pytest.mark.parametrize("encoded", [
    " ".join([CODE[:4], CODE[4:8], CODE[8:12], CODE[12:16], CODE[16:]]).encode(),
    "-".join([CODE[:6], CODE[6:12], CODE[12:]]).encode(),
    CODE.encode("utf-16-le"),
    CODE.encode("utf-16-be"),
    " ".join(CODE).encode("utf-16-le"),
], ids=["spaced", "dashed", "utf16le", "utf16be", "utf16-spaced"])
def test_codes_spaced_out_or_in_utf16_are_masked(encoded):
    """On main a spaced or UTF-16 code was left in clear (issue 11, point 6)."""
    capture = WireCapture(4096, clock=_clock())
    capture.record("tx", b"\x1b@code: " + encoded + b"\n\x1dV\x00")
    raw = _raw_bytes(capture.snapshot().decode())
    digits = "".join(chr(b) for b in raw if 48 <= b <= 57)
    assert CODE not in digits
    assert CODE[4:14] not in digits                  # the middle is gone
    assert b"\x1b@code: " in raw and raw.endswith(b"\n\x1dV\x00")   # commands kept


def test_a_members_mobile_number_is_masked_but_short_numbers_stay():
    capture = WireCapture(4096, clock=_clock())
    capture.record("tx", b"member phone 13812345678 qty 2 total 2590\n")
    raw = bytes(_raw_bytes(capture.snapshot().decode()))
    assert b"13812345678" not in raw and b"qty 2 total 2590" in raw
