"""A ring buffer of recent device traffic (serial bytes, scanner input) for technicians.

Transports call ``record("tx"|"rx"|"in", data)`` for every chunk they move; when a
device misbehaves, ``snapshot()`` gives the last ``capacity_bytes`` of traffic with
timestamps and directions, ready to attach to a ``DeviceError(wire_capture=...)`` or
to ``dump(path)`` into a support bundle. Like OctoPrint's serial log, it answers "what
did the device actually say" after the fact.

Payment codes must never leave the terminal: runs of 16 or more ASCII digits are masked
in every snapshot, across chunk boundaries (a keyboard-wedge scanner delivers a code
one character per chunk), also when the digits are spaced out by spaces, dashes or the
NUL bytes of UTF-16 text; a run of 4+ digits at either edge of the buffer (its head
evicted, or its tail not yet arrived) is masked whole. A mainland mobile number (11
digits, a member's phone) is masked like a code, as the logs mask codes.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections import deque
from pathlib import Path
from typing import Callable

from terminal.payment_code import mask_code

#: Shortest digit run treated as a possible payment code (wallet codes are 16-24).
CODE_RUN_MIN = 16
_DIGITS = frozenset(b"0123456789")
#: A digit run at either edge of the buffer may be a cut-off code: masked from this length.
_PARTIAL_RUN_MIN = 4
_HEX_PER_LINE = 16
#: Bytes that may stand between the digits of one code: spaces and dashes people type
#: ("2800 1234 5678 9012 34"), and the NUL half of UTF-16 characters.
_SEPARATORS = frozenset(b" -\x00")
_MAX_SEPARATOR_BYTES = 3
#: A mainland mobile number (a member's phone, used for step-up): masked like a code.
_MOBILE = re.compile(r"1[3-9][0-9]{9}")


class WireCapture:
    """Thread-safe: any number of threads may record while another takes a snapshot."""

    def __init__(self, capacity_bytes: int = 8192, *,
                 clock: Callable[[], float] = time.time) -> None:
        if capacity_bytes < 1:
            raise ValueError("capacity_bytes must be at least 1")
        self.capacity_bytes = capacity_bytes
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: deque[tuple[float, str, bytes]] = deque()
        self._size = 0
        self._dropped_bytes = 0

    def record(self, direction: str, data: bytes) -> None:
        """Remember ``data`` moved in ``direction`` ("tx" to the device, "rx" from it,
        "in" for scanner input). Oldest bytes fall out beyond ``capacity_bytes``."""
        if not data:
            return
        data = bytes(data)
        now = self._clock()
        with self._lock:
            if len(data) > self.capacity_bytes:
                self._dropped_bytes += len(data) - self.capacity_bytes
                data = data[-self.capacity_bytes:]
            self._entries.append((now, direction, data))
            self._size += len(data)
            while self._size > self.capacity_bytes:
                ts, old_dir, old = self._entries[0]
                excess = self._size - self.capacity_bytes
                if len(old) <= excess:
                    self._entries.popleft()
                    self._size -= len(old)
                    self._dropped_bytes += len(old)
                else:
                    self._entries[0] = (ts, old_dir, old[excess:])
                    self._size -= excess
                    self._dropped_bytes += excess

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._size = 0
            self._dropped_bytes = 0

    def snapshot(self) -> bytes:
        """The buffered traffic as UTF-8 text, codes masked: a header line, then per chunk
        ``<local time> <dir> <n> bytes`` followed by hex + printable-ASCII lines."""
        with self._lock:
            entries = list(self._entries)
            dropped = self._dropped_bytes
        masked = _mask_entries(entries, truncated=dropped > 0)
        lines = [f"# payterm wire capture: {len(entries)} chunks, "
                 f"{sum(len(d) for _, _, d in masked)} bytes kept, {dropped} older bytes "
                 f"dropped; digit runs >= {CODE_RUN_MIN} masked"]
        for ts, direction, data in masked:
            stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(ts)) + \
                f".{int((ts % 1) * 1000):03d}"
            lines.append(f"{stamp} {direction} {len(data)} bytes")
            for start in range(0, len(data), _HEX_PER_LINE):
                part = data[start:start + _HEX_PER_LINE]
                hex_text = " ".join(f"{b:02x}" for b in part)
                ascii_text = "".join(chr(b) if 32 <= b < 127 else "." for b in part)
                lines.append(f"    {hex_text:<{_HEX_PER_LINE * 3 - 1}}  |{ascii_text}|")
        return ("\n".join(lines) + "\n").encode("utf-8")

    def dump(self, path: str | os.PathLike[str]) -> Path:
        """Write ``snapshot()`` to ``path`` (mode 0600, replaced atomically); returns it."""
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(target.name + ".tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, self.snapshot())
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temporary, target)
        return target


def _mask_entries(entries: list[tuple[float, str, bytes]],
                  truncated: bool) -> list[tuple[float, str, bytes]]:
    """Mask digit runs per direction, as if each direction's chunks were one stream."""
    streams: dict[str, bytearray] = {}
    positions: list[tuple[str, int, int]] = []           # direction, start, end
    for _, direction, data in entries:
        stream = streams.setdefault(direction, bytearray())
        positions.append((direction, len(stream), len(stream) + len(data)))
        stream.extend(data)
    for stream in streams.values():
        _mask_stream(stream, truncated)
    return [(ts, direction, bytes(streams[direction][start:end]))
            for (ts, direction, _), (_, start, end) in zip(entries, positions)]


def _mask_stream(stream: bytearray, truncated: bool) -> None:
    index = 0
    while index < len(stream):
        if stream[index] not in _DIGITS:
            index += 1
            continue
        positions, end = _digit_run(stream, index)
        digits = bytes(stream[p] for p in positions).decode("ascii")
        cut_at_start = truncated and index == 0
        still_arriving = all(b in _SEPARATORS for b in stream[end:])
        if len(digits) >= CODE_RUN_MIN or _MOBILE.fullmatch(digits):
            masked = mask_code(digits)
        elif (cut_at_start or still_arriving) and len(digits) >= _PARTIAL_RUN_MIN:
            # Part of a code: its head fell out of the ring, or its tail has not come in.
            masked = "*" * len(digits)
        else:
            masked = digits
        for position, char in zip(positions, masked):
            stream[position] = ord(char)
        index = end


def _digit_run(stream: bytearray, start: int) -> tuple[list[int], int]:
    """Positions of the digits of one run from ``start``: digits, possibly spaced out by
    up to ``_MAX_SEPARATOR_BYTES`` of space, '-' or NUL between them ("2800 1234 ...",
    or UTF-16 "2\\x008\\x00..."). Returns (positions, index after the last digit)."""
    positions, index = [], start
    while index < len(stream):
        if stream[index] in _DIGITS:
            positions.append(index)
            index += 1
            continue
        gap = index
        while gap < len(stream) and gap - index < _MAX_SEPARATOR_BYTES \
                and stream[gap] in _SEPARATORS:
            gap += 1
        if gap == index or gap >= len(stream) or stream[gap] not in _DIGITS:
            break
        index = gap
    return positions, positions[-1] + 1
