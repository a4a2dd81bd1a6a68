"""The pure keyboard-wedge decoder: scans versus typing, by time alone."""

from __future__ import annotations

from drivers.scanner.keyboard_wedge import WedgeDecoder


def feed(decoder: WedgeDecoder, text: str, start_ms: float, gap_ms: float):
    scans, typed = [], []
    t = start_ms
    for ch in text:
        out = decoder.key(ch, t)
        typed.extend(out.typed)
        if out.scan:
            scans.append(out.scan)
        t += gap_ms
    return scans, typed, t


def test_fast_digits_and_enter_are_a_scan():
    scans, typed, _ = feed(WedgeDecoder(50, 8), "281234567890123456\r", 0, 8)
    assert scans == ["281234567890123456"] and typed == []


def test_slow_typing_passes_through_in_order():
    decoder = WedgeDecoder(50, 8)
    scans, typed, t = feed(decoder, "1250\r", 0, 180)
    assert scans == [] and "".join(typed) == "1250\r"


def test_fast_but_short_burst_is_typing():
    decoder = WedgeDecoder(50, 8)
    scans, typed, _ = feed(decoder, "12\r", 0, 10)
    assert scans == [] and typed == ["1", "2", "\r"]


def test_a_pause_inside_a_burst_releases_the_held_keys():
    decoder = WedgeDecoder(50, 8)
    scans, typed, t = feed(decoder, "2812", 0, 5)
    scans2, typed2, _ = feed(decoder, "34567890123456\r", t + 200, 5)
    assert scans == [] and typed == []
    assert typed2 == ["2", "8", "1", "2"] and scans2 == ["34567890123456"]


def test_flush_after_silence_returns_held_keys_as_typing():
    decoder = WedgeDecoder(50, 8)
    decoder.key("7", 0)
    assert decoder.holding
    assert decoder.flush(30).typed == ()  # still within the gap: maybe a scan
    assert decoder.flush(60).typed == ("7",)
    assert not decoder.holding


def test_non_printable_key_releases_and_passes():
    decoder = WedgeDecoder(50, 8)
    decoder.key("1", 0)
    out = decoder.key("Backspace", 5)
    assert out.typed == ("1", "Backspace") and out.scan is None


def test_gap_exactly_at_limit_is_still_a_scan_and_just_over_is_not():
    scans, _, _ = feed(WedgeDecoder(50, 8), "12345678\r", 0, 50)
    assert scans == ["12345678"]
    scans, typed, _ = feed(WedgeDecoder(50, 8), "12345678\r", 0, 51)
    assert scans == [] and "".join(typed) == "12345678\r"
