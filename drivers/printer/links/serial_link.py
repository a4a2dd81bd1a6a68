"""A serial line (RS-232 or USB-serial) through pyserial.

Opened exclusively, without blocking reads, with a write timeout; the sender stays at
most two chunks ahead of the wire, computed from the baud rate and framing.
"""

from __future__ import annotations

import select
import termios
import time

import serial

from terminal.errors import DeviceError
from drivers.printer.links.link import LinkGone, LinkTimeout

_PARITY = {"N": serial.PARITY_NONE, "E": serial.PARITY_EVEN, "O": serial.PARITY_ODD}
FLOW_CONTROLS = ("none", "xonxoff", "rtscts")


def bits_per_byte(parity: str) -> int:
    """Start bit + 8 data bits + optional parity + 1 stop bit."""
    return 10 if parity == "N" else 11


class SerialLink:
    #: The port stays open while the printer restarts (so a restart mid-job has
    #: to be noticed by the printer falling silent).
    survives_printer_reset = True

    def __init__(self, device: str, *, baud: int, parity: str = "N",
                 flow_control: str = "none", ahead_bytes: int = 512) -> None:
        if flow_control not in FLOW_CONTROLS:
            raise ValueError(f"unknown flow control {flow_control!r}")
        self.name = device
        self.baud = baud
        self.parity = parity
        self.flow_control = flow_control
        #: How far the sender may run ahead of the wire (two chunks by default).
        self.ahead_bytes = ahead_bytes
        self._serial: serial.Serial | None = None
        self._wire_free_at = 0.0          # monotonic time the last written byte is out

    @property
    def is_open(self) -> bool:
        return self._serial is not None

    def open(self) -> None:
        try:
            self._serial = serial.Serial(
                port=self.name, baudrate=self.baud, bytesize=serial.EIGHTBITS,
                parity=_PARITY[self.parity], stopbits=serial.STOPBITS_ONE, timeout=0,
                write_timeout=10.0, xonxoff=self.flow_control == "xonxoff",
                rtscts=self.flow_control == "rtscts", exclusive=True)
        except (serial.SerialException, OSError, ValueError) as exc:
            raise DeviceError("printer", f"cannot open {self.name} at {self.baud} baud "
                              f"(printer.port): {exc}",
                              user_message="打印机未连接 / Printer not connected") from exc
        self._wire_free_at = time.monotonic()

    def wire_time_s(self, n_bytes: int) -> float:
        """Seconds ``n_bytes`` take on the wire at this baud rate and framing."""
        return n_bytes * bits_per_byte(self.parity) / self.baud

    def write(self, chunk: bytes, timeout_s: float) -> None:
        ser = self._open_serial()
        # Stay at most ``ahead_bytes`` ahead of the wire: bytes parked in the OS buffer
        # delay every status query behind them and keep flowing after XOFF.
        ahead = self._wire_free_at - time.monotonic() - self.wire_time_s(self.ahead_bytes)
        if ahead > 0:
            time.sleep(min(ahead, timeout_s))
        try:
            if ser.write_timeout != timeout_s:   # setting it reconfigures the port
                ser.write_timeout = timeout_s
            written = ser.write(chunk)
        except serial.SerialTimeoutException as exc:
            raise LinkTimeout(f"write timed out after {timeout_s:g} s (printer busy or "
                              "flow control held)") from exc
        except (serial.SerialException, OSError, termios.error) as exc:
            raise LinkGone(f"write failed: {exc}") from exc
        if written != len(chunk):
            raise LinkTimeout(f"only {written} of {len(chunk)} bytes written within "
                              f"{timeout_s:g} s")
        self._wire_free_at = max(self._wire_free_at, time.monotonic()) + self.wire_time_s(len(chunk))

    def read(self, max_bytes: int, timeout_s: float) -> bytes:
        ser = self._open_serial()
        try:
            ready, _, _ = select.select([ser.fileno()], [], [], max(0.0, timeout_s))
            if not ready:
                return b""
            # Readable with no data means the other end is gone: pyserial raises.
            data: bytes = ser.read(max_bytes)
            return data
        except (serial.SerialException, OSError, termios.error, ValueError) as exc:
            raise LinkGone(f"read failed: {exc}") from exc

    def discard_input(self) -> None:
        try:
            self._open_serial().reset_input_buffer()
        except (serial.SerialException, OSError, termios.error) as exc:
            raise LinkGone(f"flush failed: {exc}") from exc

    def in_flight_s(self) -> float:
        """Wire time of what is still ahead of the line: by our own clock, or by the
        bytes the OS still holds (a printer holding XOFF stops them)."""
        waiting = 0
        if self._serial is not None:
            try:
                waiting = self._serial.out_waiting
            except (serial.SerialException, OSError, termios.error):
                waiting = 0
        return max(0.0, self._wire_free_at - time.monotonic(), self.wire_time_s(waiting))

    def reply_allowance_s(self, n_bytes: int) -> float:
        return self.wire_time_s(n_bytes)

    def close(self) -> None:
        if self._serial is not None:
            try:
                self._serial.close()
            except (serial.SerialException, OSError):
                pass                      # closing a vanished device: nothing to save
            self._serial = None

    def _open_serial(self) -> serial.Serial:
        if self._serial is None:
            raise LinkGone("the port is closed")
        return self._serial
