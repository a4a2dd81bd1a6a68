"""The narrow interface every printer link implements, and its two failures.

A link moves bytes and nothing else. ``write`` paces itself by the wire (a serial
line's baud rate, a TCP connection's unacknowledged bytes, a USB bulk transfer being
accepted) so that a status query written after it is never parked behind kilobytes in
an operating-system buffer. Every call has a deadline.
"""

from __future__ import annotations

from typing import Protocol


class LinkError(Exception):
    """Base of the two ways a link fails; translated to DeviceError by the printer."""


class LinkGone(LinkError):
    """The device or connection is gone (unplugged, reset, closed by the printer)."""


class LinkTimeout(LinkError):
    """A write could not complete within its deadline (printer busy, flow control held,
    a network peer that stopped acknowledging)."""


class ByteLink(Protocol):
    """One printer connection. Not thread-safe: the printer's owning thread only."""

    #: What the settings said (``/dev/ttyUSB0``, ``tcp://host:9100``, ``usb://vid:pid``).
    name: str
    #: True when the link stays up while the printer restarts (a serial port): a power
    #: cut mid-job then shows only as a printer that stopped answering.
    survives_printer_reset: bool

    @property
    def is_open(self) -> bool:
        """True between a successful ``open`` and ``close``."""

    def open(self) -> None:
        """Connect. Raises DeviceError (with a sentence naming ``printer.port``)."""

    def write(self, chunk: bytes, timeout_s: float) -> None:
        """Send all of ``chunk`` within ``timeout_s``, after waiting (within the same
        deadline) until the wire has room. Raises LinkTimeout or LinkGone."""

    def read(self, max_bytes: int, timeout_s: float) -> bytes:
        """Up to ``max_bytes`` received bytes, waiting up to ``timeout_s`` for the first;
        ``b""`` when none came. Raises LinkGone."""

    def discard_input(self) -> None:
        """Drop bytes already received (late replies to earlier queries). Raises
        LinkGone when that shows the connection is closed."""

    def in_flight_s(self) -> float:
        """Seconds until bytes already written have reached the printer."""

    def reply_allowance_s(self, n_bytes: int) -> float:
        """Time ``n_bytes`` of replies need to come back, beyond the printer's own
        answer time (wire time on serial, round trip on the LAN)."""

    def close(self) -> None:
        """Release the device or connection; safe to call twice."""
