"""Reading a keyboard-wedge scanner through Linux evdev, for when the payterm window is
not focused (the scanner's keys would otherwise go to another window or nowhere).

Optional: used only if the ``evdev`` package is importable; payterm does not depend on
it. ``evdev_available()`` says whether it is; ``EvdevWedgeReader.start`` raises a
DeviceError naming the missing package otherwise. The device is grabbed so that the
scanner's key presses do not also reach other programs.
"""

from __future__ import annotations

import importlib.util
import logging
import select
import time
from typing import Any, Callable

from drivers.scanner.keyboard_wedge import WedgeDecoder
from terminal.background_loop import BackgroundLoop
from terminal.errors import DeviceError

log = logging.getLogger(__name__)

# Linux input event codes (linux/input-event-codes.h): the keys scanners send.
_DIGIT_CODES = {2: "1", 3: "2", 4: "3", 5: "4", 6: "5", 7: "6", 8: "7", 9: "8", 10: "9", 11: "0"}
_KEYPAD_CODES = {79: "1", 80: "2", 81: "3", 75: "4", 76: "5", 77: "6", 71: "7", 72: "8",
                 73: "9", 82: "0"}
_LETTER_ROWS = {16: "qwertyuiop", 30: "asdfghjkl", 44: "zxcvbnm"}
_PUNCT = {12: ("-", "_"), 13: ("=", "+"), 51: (",", "<"), 52: (".", ">"), 53: ("/", "?"),
          39: (";", ":"), 40: ("'", '"'), 26: ("[", "{"), 27: ("]", "}"), 57: (" ", " ")}
_SHIFTED_DIGITS = dict(zip("1234567890", "!@#$%^&*()"))
ENTER_CODES = (28, 96)  # KEY_ENTER, KEY_KPENTER
SHIFT_CODES = (42, 54)


def evdev_available() -> bool:
    return importlib.util.find_spec("evdev") is not None


def key_to_char(code: int, shift: bool) -> str | None:
    """The character a US-layout key press types (as scanners are set up), "\\r" for
    Enter, None for keys that type nothing."""
    if code in ENTER_CODES:
        return "\r"
    if code in _DIGIT_CODES:
        digit = _DIGIT_CODES[code]
        return _SHIFTED_DIGITS[digit] if shift else digit
    if code in _KEYPAD_CODES:
        return _KEYPAD_CODES[code]
    for start, row in _LETTER_ROWS.items():
        if start <= code < start + len(row):
            letter = row[code - start]
            return letter.upper() if shift else letter
    if code in _PUNCT:
        return _PUNCT[code][1 if shift else 0]
    return None


class EvdevWedgeReader:
    """A reader thread on ``/dev/input/eventN``; ``on_scan(text)`` on that thread.
    Typing-speed input from the device is dropped (it was grabbed for scans only)."""

    def __init__(self, device_path: str, *, max_gap_ms: float = 50.0, min_length: int = 8) -> None:
        self.name = f"evdev scanner {device_path}"
        self._path = device_path
        self._decoder = WedgeDecoder(max_gap_ms, min_length)
        self._loop = BackgroundLoop("scanner-evdev", self._step, logger=log)
        self._on_scan: Callable[[str], None] = lambda text: None
        self._shift = False
        self._device: Any = None

    def start(self, on_scan: Callable[[str], None]) -> None:
        if not evdev_available():
            raise DeviceError(self.name, "the optional 'evdev' package is not installed",
                              retryable=False)
        import evdev  # optional dependency, checked above
        try:
            self._device = evdev.InputDevice(self._path)
            self._device.grab()
        except OSError as exc:
            raise DeviceError(self.name, f"cannot open: {exc.strerror}") from exc
        self._on_scan = on_scan
        self._shift = False
        self._loop.start()

    def stop(self, timeout_s: float = 2.0) -> None:
        self._loop.stop(timeout_s)     # warns in the log if the reader did not end
        if self._device is not None:
            try:
                self._device.ungrab()
                self._device.close()
            except OSError:
                log.debug("%s: close failed", self.name, exc_info=True)
            self._device = None

    def is_running(self) -> bool:
        return self._loop.running

    def _step(self) -> float:
        """Wait up to 0.1 s for key events and feed them to the decoder."""
        ready, _, _ = select.select([self._device.fd], [], [], 0.1)
        if not ready:
            self._decoder.flush(time.time() * 1000)  # evdev stamps are wall-clock
            return 0.0
        try:
            events = list(self._device.read())
        except OSError as exc:
            log.warning("%s: read failed (%s); stopping", self.name, exc.strerror)
            self._loop.stop()
            return 0.0
        for event in events:
            if event.type != 1:  # EV_KEY
                continue
            if event.code in SHIFT_CODES:
                self._shift = event.value != 0
                continue
            if event.value != 1:  # presses only, not release (0) or repeat (2)
                continue
            char = key_to_char(event.code, self._shift)
            if char is None:
                continue
            result = self._decoder.key(char, event.timestamp() * 1000)
            if result.scan:
                try:
                    self._on_scan(result.scan)
                except Exception:
                    log.exception("%s: callback failed", self.name)
        return 0.0
