"""The serial ESC/POS printer: ``EscPosPrinter`` on a ``SerialLink`` (pyserial).

Built on pyserial directly rather than python-escpos' ``Serial`` class: that class
opens the port without a write timeout (a printer holding XOFF blocks the kiosk for
ever) and its status calls wait a full second and report "paper OK" when nothing
answers. Port settings (parity, flow control, baud) come from the profile unless given.
"""

from __future__ import annotations

from drivers.printer.encoder import EncodeOptions
from drivers.printer.escpos_printer import DEVICE, EscPosPrinter
from drivers.printer.links.serial_link import SerialLink, bits_per_byte
from drivers.printer.profiles import PrinterProfile

__all__ = ["DEVICE", "SerialPrinter", "bits_per_byte"]


class SerialPrinter(EscPosPrinter):
    """One printer on one serial port (see ``EscPosPrinter``)."""

    def __init__(self, port: str, profile: PrinterProfile, *, baud: int | None = None,
                 flow_control: str | None = None, status_timeout_ms: int = 40,
                 write_timeout_s: float = 10.0, chunk_bytes: int = 256,
                 options: EncodeOptions = EncodeOptions(), confirm_print_end: bool = True,
                 print_end_timeout_s: float = 10.0) -> None:
        link = SerialLink(port, baud=baud or profile.default_baud, parity=profile.parity,
                          flow_control=flow_control or profile.flow_control,
                          ahead_bytes=2 * chunk_bytes)
        super().__init__(link, profile, status_timeout_ms=status_timeout_ms,
                         write_timeout_s=write_timeout_s, chunk_bytes=chunk_bytes,
                         options=options, confirm_print_end=confirm_print_end,
                         print_end_timeout_s=print_end_timeout_s)
        self.serial_link = link

    @property
    def baud(self) -> int:
        return self.serial_link.baud

    @property
    def flow_control(self) -> str:
        return self.serial_link.flow_control

    def wire_time_s(self, n_bytes: int) -> float:
        """Seconds ``n_bytes`` take on the wire at this baud rate and framing."""
        return self.serial_link.wire_time_s(n_bytes)
