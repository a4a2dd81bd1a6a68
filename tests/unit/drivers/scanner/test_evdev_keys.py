"""The optional evdev reader: key mapping (pure) and a clean refusal without evdev."""

from __future__ import annotations

import pytest

from drivers.scanner.evdev_wedge_reader import EvdevWedgeReader, evdev_available, key_to_char
from terminal.errors import DeviceError


def test_scanner_keys_map_to_characters():
    assert [key_to_char(c, False) for c in (2, 10, 11, 28, 96)] == ["1", "9", "0", "\r", "\r"]
    assert key_to_char(16, False) == "q" and key_to_char(16, True) == "Q"
    assert key_to_char(52, False) == "." and key_to_char(53, True) == "?"
    assert key_to_char(2, True) == "!"
    assert key_to_char(1, False) is None  # Escape types nothing


@pytest.mark.skipif(evdev_available(), reason="evdev is installed here")
def test_without_evdev_start_says_the_package_is_missing():
    reader = EvdevWedgeReader("/dev/input/event0")
    with pytest.raises(DeviceError, match="evdev"):
        reader.start(lambda text: None)
    assert not reader.is_running()
