"""The emulator's parser: any split of the stream gives the same receipt."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from drivers.printer.emulator.document import PaperTape, decode_code128
from drivers.printer.emulator.stream_parser import EscPosParser
from drivers.printer.encoder import encode_receipt
from drivers.printer.profiles import PROFILES
from drivers.printer.raster_image import qr_raster_command
from tests.unit.drivers.printer.conftest import example_receipt

STREAM = encode_receipt(example_receipt(), PROFILES["generic-80"])


def tape_of(chunks) -> PaperTape:
    parser, tape = EscPosParser(), PaperTape()
    for chunk in chunks:
        for event in parser.feed(chunk):
            tape.apply(event, can_print=True)
    tape.flush()
    return tape


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=len(STREAM) - 1), max_size=30))
def test_any_chunking_gives_the_same_receipt(cuts):
    points = sorted(set(cuts))
    chunks = [STREAM[a:b] for a, b in zip([0] + points, points + [len(STREAM)])]
    whole = tape_of([STREAM]).finished
    split = tape_of(chunks).finished
    assert [r.elements for r in split] == [r.elements for r in whole]
    assert len(whole) == 1 and whole[0].cut


def test_text_is_decoded_as_gb18030_in_chinese_mode():
    (receipt,) = tape_of([STREAM]).finished
    assert receipt.lines[0] == "示例便利店 Demo Mart"
    assert any("￥25.90" in line for line in receipt.lines)


def test_two_receipts_split_at_the_cut():
    tape = tape_of([STREAM + STREAM])
    assert len(tape.finished) == 2 and tape.finished[1].index == 2


def test_paper_out_drops_content_and_marks_truncated():
    parser, tape = EscPosParser(), PaperTape()
    events = parser.feed(STREAM)
    for i, event in enumerate(events):
        tape.apply(event, can_print=i < len(events) // 2)
    assert tape.finished[0].truncated and tape.finished[0].cut


def test_status_query_and_raster_image_are_parsed():
    events = EscPosParser().feed(b"\x10\x04\x02" + qr_raster_command(b"hello", 2) + b"x\n")
    assert [e.kind for e in events][:2] == ["status_query", "raster"]
    assert events[0].value == 2


def test_code128_sets_decode():
    assert decode_code128(b"{BT{C" + bytes([0, 1, 26])) == "T000126"


def test_unknown_command_is_reported_not_skipped_silently():
    events = EscPosParser().feed(b"\x1bZabc")
    assert events[0].kind == "unknown"
