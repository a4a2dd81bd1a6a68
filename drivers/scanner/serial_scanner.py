"""Serial (RS-232 / USB-CDC) scanner guns: each scan is the code followed by a
terminator. The reader thread owns the port; a vanished port is reopened every
``reopen_interval_s`` until ``stop``.

Implements ``terminal.ports.scanner.ScannerGun``.
"""

from __future__ import annotations

import logging
from typing import Any, Callable, TypeVar

import serial

from terminal.background_loop import BackgroundLoop
from terminal.code_read import payload_text
from terminal.errors import DeviceError
from terminal.settings.scanner_section import ScannerSettings

log = logging.getLogger(__name__)
T = TypeVar("T")

TERMINATOR_BYTES = {"cr": b"\r", "lf": b"\n", "crlf": b"\r\n", "tab": b"\t", "etx": b"\x03"}


class SerialScanner:
    def __init__(self, port: str, *, baud: int = 9600, terminator: str = "cr",
                 read_timeout_s: float = 0.2, max_length: int = 512,
                 reopen_interval_s: float = 1.0,
                 on_error: Callable[[DeviceError], None] = lambda exc: None) -> None:
        if terminator not in TERMINATOR_BYTES:
            raise ValueError(f"unknown terminator {terminator!r}")
        self.name = f"serial scanner {port}"
        self._port = port
        self._baud = baud
        self._terminator = TERMINATOR_BYTES[terminator]
        self._read_timeout_s = read_timeout_s
        self._max_length = max_length
        self._reopen_interval_s = reopen_interval_s
        self._on_error = on_error
        self._serial: serial.Serial | None = None
        self._on_scan: Callable[[str], None] = lambda text: None
        self._pending = b""
        self._loop = BackgroundLoop(f"scanner-{port}", self._step, logger=log)
        self.discarded_overlong = 0

    @classmethod
    def from_settings(cls, scanner_settings: ScannerSettings, **kwargs: Any) -> "SerialScanner":
        s = scanner_settings
        return cls(s.serial_port, baud=s.serial_baud, terminator=s.serial_terminator,
                   read_timeout_s=s.serial_read_timeout_s, max_length=s.serial_max_length,
                   **kwargs)

    def start(self, on_scan: Callable[[str], None]) -> None:
        """Open the port (DeviceError if it cannot) and start the reader thread."""
        self._serial = self._open()
        self._on_scan = on_scan
        self._pending = b""
        self._loop.start()

    def stop(self, timeout_s: float = 2.0) -> None:
        self._loop.stop(timeout_s)     # warns in the log if the reader did not end
        self._close()

    def is_running(self) -> bool:
        return self._loop.running and self._serial is not None

    def _open(self) -> serial.Serial:
        try:
            return serial.Serial(self._port, self._baud, timeout=self._read_timeout_s)
        except (serial.SerialException, OSError, ValueError) as exc:
            raise DeviceError(self.name, f"cannot open: {exc}",
                              user_message="扫码枪无法打开 / Scanner cannot be opened") from exc

    def _close(self) -> None:
        port, self._serial = self._serial, None
        if port is not None:
            try:
                port.close()
            except (serial.SerialException, OSError):
                log.debug("%s: close failed", self.name, exc_info=True)

    def _step(self) -> float:
        """Read what the port has (the read blocks up to ``read_timeout_s``); a vanished
        port is reopened after ``reopen_interval_s``."""
        if self._serial is None:
            try:
                self._serial = self._open()
            except DeviceError:
                return self._reopen_interval_s
        try:
            chunk = self._serial.read(max(1, self._serial.in_waiting))
        except (serial.SerialException, OSError) as exc:
            error = DeviceError(self.name, f"read failed: {exc}",
                                user_message="扫码枪断开 / Scanner disconnected")
            log.warning("%s", error)
            self._safe(self._on_error, error)
            self._close()
            self._pending = b""  # a half scan from before the failure is not trusted
            return 0.0
        if chunk:
            self._pending = self._split(self._pending + chunk, self._on_scan)
        return 0.0

    def _split(self, data: bytes, on_scan: Callable[[str], None]) -> bytes:
        """Deliver every complete scan in ``data``; return the unfinished rest."""
        *scans, rest = data.split(self._terminator)
        for raw in scans:
            if len(raw) > self._max_length:
                self._discard(len(raw))
                continue
            text, _ = payload_text(raw.strip(b"\r\n\t \x02\x03"))
            if text:
                self._safe(on_scan, text)
        if len(rest) > self._max_length:
            self._discard(len(rest))
            return b""
        return rest

    def _discard(self, length: int) -> None:
        # Noise on the line or a wrong terminator setting: never let it grow forever.
        self.discarded_overlong += 1
        log.warning("%s: %d bytes without a terminator discarded (check "
                    "scanner.serial_terminator)", self.name, length)

    def _safe(self, callback: Callable[[T], None], value: T) -> None:
        try:
            callback(value)
        except Exception:
            log.exception("%s: callback failed", self.name)
