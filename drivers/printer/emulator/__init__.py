"""An ESC/POS printer emulator on a pseudo-terminal, for tests, the demo and the
technician's print preview. ``PrinterEmulator`` is the entry point."""

from drivers.printer.emulator.faults import PrinterFaults
from drivers.printer.emulator.pty_server import PrinterEmulator

__all__ = ["PrinterEmulator", "PrinterFaults"]
