"""Ports to code readers: decoding camera frames, and scanner guns.

Implemented by ``drivers.scanner`` (pyzbar + zxing-cpp frame reader; keyboard-wedge,
evdev and serial guns).
"""

from __future__ import annotations

from typing import Any, Callable, Protocol, runtime_checkable

from terminal.code_read import FrameDecode


@runtime_checkable
class CodeReader(Protocol):
    """Finds and decodes QR, Code128 and EAN-13 symbols in one picture."""

    def read_frame(self, image: Any) -> FrameDecode:
        """Decode ``image`` (BGR or grayscale array). CPU-bound, blocks for at most about
        the configured decode budget; call from a worker thread, never the GUI thread.
        Never raises for bad pictures: a garbage, empty or huge image gives a
        ``FrameDecode`` with no reads and ``problem`` saying why."""


@runtime_checkable
class ScannerGun(Protocol):
    """A hand-held scanner that delivers whole scans (text up to the terminator)."""

    def start(self, on_scan: Callable[[str], None]) -> None:
        """Open the device and start its reader thread; ``on_scan`` is called on that
        thread with each scan's text. Raises DeviceError if the device cannot be opened."""

    def stop(self, timeout_s: float = 2.0) -> None:
        """Stop and join the reader thread (up to ``timeout_s``) and close the device."""

    def is_running(self) -> bool:
        """True while the reader thread is alive and the device open."""
