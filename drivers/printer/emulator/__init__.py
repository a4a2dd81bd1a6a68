"""ESC/POS printer emulators for tests, the demo and the technician's print preview:
``PrinterEmulator`` on a pseudo-terminal (serial), ``TcpPrinterEmulator`` on a TCP
port (LAN printers); both share ``PrinterFaults``. The fake USB printer for pyusb is in
``drivers.printer.emulator.usb_backend``."""

from drivers.printer.emulator.faults import PrinterFaults
from drivers.printer.emulator.pty_server import PrinterEmulator
from drivers.printer.emulator.tcp_server import TcpPrinterEmulator

__all__ = ["PrinterEmulator", "PrinterFaults", "TcpPrinterEmulator"]
