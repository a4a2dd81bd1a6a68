"""Finding a printer's baud rate: try each rate, send ``DLE EOT 1..4`` and accept the
first rate at which all four replies carry the fixed status bits. At a wrong rate the
printer sees framing garbage and either stays silent or answers bytes that fail the
bit check, so a wrong rate is never accepted by accident of one lucky byte."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from drivers.printer.profiles import PrinterProfile
from drivers.printer.serial_printer import SerialPrinter
from terminal.ports.printer import PrinterStatus

#: Most common first: Chinese clones ship at 9600 or 19200, Epson at 38400.
CANDIDATE_BAUDS = (9600, 19200, 38400, 115200, 57600, 4800)


@dataclass(frozen=True)
class BaudProbe:
    baud: int
    status: PrinterStatus


def detect_baud(port: str, profile: PrinterProfile,
                candidates: Iterable[int] = CANDIDATE_BAUDS, *,
                status_timeout_ms: int = 150) -> tuple[int | None, list[BaudProbe]]:
    """Returns (the working baud or None, every probe made). Raises DeviceError when
    the port itself cannot be opened."""
    probes: list[BaudProbe] = []
    for baud in candidates:
        printer = SerialPrinter(port, profile, baud=baud, flow_control="none",
                                status_timeout_ms=status_timeout_ms, write_timeout_s=1.0)
        try:
            status = printer.status()
        finally:
            printer.close()
        probes.append(BaudProbe(baud, status))
        if status.known:
            return baud, probes
    return None, probes
