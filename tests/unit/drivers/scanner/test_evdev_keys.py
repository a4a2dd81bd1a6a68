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


class FakeKey:
    def __init__(self, code: int, value: int, at_s: float) -> None:
        self.type, self.code, self.value, self._at = 1, code, value, at_s

    def timestamp(self) -> float:
        return self._at


class FakeInputDevice:
    """An evdev InputDevice on a pipe: select() sees it ready when keys are queued."""

    def __init__(self, path: str) -> None:
        import os
        self._read_fd, self._write_fd = os.pipe()
        self.fd = self._read_fd
        self.queued: list[FakeKey] = []
        self.broken = False
        self.grabbed = self.closed = False

    def type(self, text_codes: list[int], start_s: float) -> None:
        import os
        for i, code in enumerate(text_codes):
            self.queued += [FakeKey(code, 1, start_s + i * 0.002),
                            FakeKey(code, 0, start_s + i * 0.002 + 0.001)]
        os.write(self._write_fd, b"x")

    def break_down(self) -> None:
        import os
        self.broken = True
        os.write(self._write_fd, b"x")

    def read(self):
        import os
        os.read(self._read_fd, 64)
        if self.broken:
            raise OSError(19, "No such device")
        events, self.queued = self.queued, []
        return events

    def grab(self) -> None:
        self.grabbed = True

    def ungrab(self) -> None:
        self.grabbed = False

    def close(self) -> None:
        import os
        self.closed = True
        os.close(self._read_fd)
        os.close(self._write_fd)


def test_the_reader_thread_delivers_a_scan_and_ends_itself_when_the_device_goes(
        monkeypatch):
    """On the background loop: a fast key burst ending in Enter is one scan; a read
    error stops the thread; stop() then releases the device."""
    import sys
    import threading
    import time
    import types

    import drivers.scanner.evdev_wedge_reader as module

    devices: list[FakeInputDevice] = []

    def make(path: str) -> FakeInputDevice:
        devices.append(FakeInputDevice(path))
        return devices[-1]

    monkeypatch.setitem(sys.modules, "evdev", types.SimpleNamespace(InputDevice=make))
    monkeypatch.setattr(module, "evdev_available", lambda: True)
    scans: list[str] = []
    got = threading.Event()
    reader = EvdevWedgeReader("/dev/input/event7", min_length=8)
    reader.start(lambda text: (scans.append(text), got.set()))
    device = devices[0]
    assert device.grabbed and reader.is_running()
    device.type([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 28], time.time())   # 1234567890 Enter
    assert got.wait(5.0)
    assert scans == ["1234567890"]
    device.break_down()
    deadline = time.monotonic() + 5.0
    while reader.is_running():
        assert time.monotonic() < deadline, "the reader did not stop on a read error"
        time.sleep(0.01)
    reader.stop()
    assert device.closed and not device.grabbed
