"""The serial ESC/POS transport: moves bytes, reads real-time status. Implements
``terminal.ports.printer.ReceiptPrinter``.

Built on pyserial directly rather than python-escpos' ``Serial`` class: that class
opens the port without a write timeout (a printer holding XOFF blocks the kiosk for
ever) and its status calls wait a full second and report "paper OK" when nothing
answers. Here every write has a timeout, data goes out in chunks, and status is the
four ``DLE EOT`` replies validated bit by bit, read with a deadline of the configured
status timeout plus the wire time of whatever is still in flight.
"""

from __future__ import annotations

import collections
import logging
import select
import termios
import time

import serial

from drivers.printer.encoder import EncodeOptions, encode_receipt
from drivers.printer.profiles import PrinterProfile
from drivers.printer.status_bytes import QUERY_ALL, parse_status
from terminal.errors import DeviceError
from terminal.ports.printer import PrinterStatus
from terminal.receipt import Receipt

log = logging.getLogger(__name__)

DEVICE = "printer"
_PARITY = {"N": serial.PARITY_NONE, "E": serial.PARITY_EVEN, "O": serial.PARITY_ODD}


def bits_per_byte(parity: str) -> int:
    """Start bit + 8 data bits + optional parity + 1 stop bit."""
    return 10 if parity == "N" else 11


class SerialPrinter:
    """One printer on one serial port. Not thread-safe: the printer's owning worker
    thread is its only caller. The port is opened lazily and reopened after a failure."""

    def __init__(self, port: str, profile: PrinterProfile, *, baud: int | None = None,
                 flow_control: str | None = None, status_timeout_ms: int = 40,
                 write_timeout_s: float = 10.0, chunk_bytes: int = 256,
                 options: EncodeOptions = EncodeOptions()) -> None:
        self.port = port
        self.profile = profile
        self.baud = baud or profile.default_baud
        self.flow_control = flow_control or profile.flow_control
        if self.flow_control not in ("none", "xonxoff", "rtscts"):
            raise ValueError(f"unknown flow control {self.flow_control!r}")
        self.status_timeout_s = status_timeout_ms / 1000
        self.write_timeout_s = write_timeout_s
        self.chunk_bytes = chunk_bytes
        self.options = options
        self._serial: serial.Serial | None = None
        self._wire_free_at = 0.0          # monotonic time the last written byte is out
        self._capture: collections.deque[int] = collections.deque(maxlen=256)

    # -- ReceiptPrinter -------------------------------------------------------------
    def status(self) -> PrinterStatus:
        ser = self._ensure_open()
        try:
            ser.reset_input_buffer()      # a late reply to an earlier query is stale
            self._write(ser, QUERY_ALL)
            reply_wire_s = 4 * bits_per_byte(self.profile.parity) / self.baud
            deadline = (max(self._wire_free_at, time.monotonic()) + reply_wire_s
                        + self.status_timeout_s)
            replies = self._read_until(ser, 4, deadline)
        except (serial.SerialException, OSError, termios.error) as exc:
            raise self._device_gone("status", exc) from exc
        status = parse_status(replies)
        if not status.known:
            log.warning("printer status unknown on %s: %s", self.port, status.problem)
        return status

    def print_receipt(self, receipt: Receipt) -> int:
        data = encode_receipt(receipt, self.profile, self.options)
        self.send(data)
        return len(data)

    def close(self) -> None:
        if self._serial is not None:
            try:
                self._serial.close()
            except (serial.SerialException, OSError):
                pass                      # closing a vanished device: nothing to save
            self._serial = None

    # -- bytes ----------------------------------------------------------------------
    def send(self, data: bytes) -> None:
        """Write ``data`` in chunks; each chunk may block at most ``write_timeout_s``."""
        ser = self._ensure_open()
        try:
            for start in range(0, len(data), self.chunk_bytes):
                self._keep_pace_with_the_wire()
                self._write(ser, data[start:start + self.chunk_bytes])
        except serial.SerialTimeoutException as exc:
            raise self._device_gone(
                f"write timed out after {self.write_timeout_s:g} s (printer busy or flow "
                "control held)", exc) from exc
        except (serial.SerialException, OSError, termios.error) as exc:
            raise self._device_gone("write", exc) from exc

    def wire_time_s(self, n_bytes: int) -> float:
        """Seconds ``n_bytes`` take on the wire at this baud rate and framing."""
        return n_bytes * bits_per_byte(self.profile.parity) / self.baud

    def _keep_pace_with_the_wire(self) -> None:
        """Stay at most two chunks ahead of the wire. The OS would accept kilobytes at
        once, but bytes parked in its buffer delay every status query behind them and
        keep flowing after the printer said XOFF; finishing time is the same (the wire
        is the bottleneck either way)."""
        ahead = self._wire_free_at - time.monotonic() - self.wire_time_s(2 * self.chunk_bytes)
        if ahead > 0:
            time.sleep(ahead)

    def _write(self, ser: serial.Serial, chunk: bytes) -> None:
        written = ser.write(chunk)
        if written != len(chunk):
            raise serial.SerialTimeoutException(f"only {written} of {len(chunk)} bytes written")
        self._capture.extend(chunk)
        self._wire_free_at = max(self._wire_free_at, time.monotonic()) + self.wire_time_s(len(chunk))

    def _read_until(self, ser: serial.Serial, count: int, deadline: float) -> bytes:
        got = bytearray()
        while len(got) < count:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            ready, _, _ = select.select([ser.fileno()], [], [], remaining)
            if ready:
                # Readable with no data means the other end is gone: pyserial raises.
                got += ser.read(count - len(got))
        self._capture.extend(got)
        return bytes(got)

    def _ensure_open(self) -> serial.Serial:
        if self._serial is not None:
            return self._serial
        try:
            self._serial = serial.Serial(
                port=self.port, baudrate=self.baud, bytesize=serial.EIGHTBITS,
                parity=_PARITY[self.profile.parity], stopbits=serial.STOPBITS_ONE,
                timeout=0, write_timeout=self.write_timeout_s,
                xonxoff=self.flow_control == "xonxoff",
                rtscts=self.flow_control == "rtscts", exclusive=True)
        except (serial.SerialException, OSError, ValueError) as exc:
            raise DeviceError(DEVICE, f"cannot open {self.port} at {self.baud} baud: {exc}",
                              user_message="打印机未连接 / Printer not connected") from exc
        self._wire_free_at = time.monotonic()
        return self._serial

    def _device_gone(self, what: str, exc: BaseException) -> DeviceError:
        capture = bytes(self._capture)
        self.close()
        log.warning("printer %s failed on %s: %s", what, self.port, exc)
        return DeviceError(DEVICE, f"{what} on {self.port}: {exc}", wire_capture=capture,
                           user_message="打印机通信失败 / Printer connection lost")
