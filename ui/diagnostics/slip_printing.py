"""Printing the diagnostic slip on the receipt printer (``payterm diag --print-slip``).

The slip goes through the same printer driver as receipts, after a status check (a slip
sent to a printer without paper would be lost silently). When the configured port is a
pseudo-terminal, the "printer" is the ESC/POS emulator (``payterm printer-emu``): the
paper is a file, so the technician is told which one.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from drivers.printer.printer_factory import printer_from_settings
from terminal.errors import DeviceError
from ui.diagnostics.environment import DiagEnvironment
from ui.diagnostics.runner import DiagReport
from ui.diagnostics.slip import diagnostic_slip

#: Where ``payterm printer-emu`` writes receipts unless given ``--out``.
EMULATOR_OUT_DIR = "printer-emu"
#: The emulator renders a receipt's PNG on its own thread after the cut; wait this long.
EMULATOR_SAVE_WAIT_S = 3.0


@dataclass
class SlipPrinted:
    port: str
    bytes_sent: int
    emulator: bool = False                 # the port is a pty: the printer emulator
    files: list[Path] = field(default_factory=list)   # what the emulator wrote

    def describe(self) -> str:
        text = f"诊断单已打印 / Diagnostic slip printed on {self.port} ({self.bytes_sent} bytes)"
        if self.files:
            return text + "\n打印机模拟器写出 / The printer emulator wrote it to: " + \
                ", ".join(str(p) for p in self.files)
        if self.emulator:
            return text + ("\n打印机为模拟器（伪终端），小票在其 --out 目录 / The printer is the "
                           "emulator (a pty): the slip is in the folder given to "
                           "payterm printer-emu --out")
        return text


def is_emulated_port(port: str) -> bool:
    """A pseudo-terminal (``/dev/pts/N``, or a link to one) is never a real printer."""
    return os.path.realpath(port).startswith("/dev/pts/")


def print_slip(report: DiagReport, env: DiagEnvironment) -> SlipPrinted:
    """Print the slip; raises DeviceError when the printer cannot take it (says why)."""
    s = env.settings.printer
    if not s.enabled:
        raise DeviceError("printer", "printer.enabled = false",
                          user_message="未启用打印机，无法打印诊断单 / The printer is disabled: "
                                       "no slip printed")
    emulated = is_emulated_port(s.port)
    out_dir = env.path(EMULATOR_OUT_DIR)
    before = _receipt_files(out_dir) if emulated else set()
    printer = printer_from_settings(s, drawer_kick=False)
    try:
        status = printer.status()
        if not status.ready:
            raise DeviceError("printer", f"not ready: {status.describe()}",
                              user_message=f"打印机不可用，未打印诊断单 / Printer not ready, "
                                           f"no slip printed: {status.describe()}")
        sent = printer.print_receipt(diagnostic_slip(report, env.settings))
    finally:
        printer.close()
    printed = SlipPrinted(port=s.port, bytes_sent=sent, emulator=emulated)
    if emulated:
        printed.files = _wait_for_new_files(out_dir, before, env)
    return printed


def _receipt_files(folder: Path) -> set[Path]:
    return set(folder.glob("receipt-*.txt")) | set(folder.glob("receipt-*.png")) \
        if folder.is_dir() else set()


def _wait_for_new_files(folder: Path, before: set[Path], env: DiagEnvironment) -> list[Path]:
    """The emulator's new receipt-NNNN.txt and .png, once both exist (or [] when the
    emulator writes somewhere else)."""
    deadline = time.monotonic() + EMULATOR_SAVE_WAIT_S
    while time.monotonic() < deadline and not env.cancel.is_set():
        new = sorted(_receipt_files(folder) - before)
        if {p.suffix for p in new} >= {".txt", ".png"}:
            return new
        env.cancel.wait(0.05)
    return sorted(_receipt_files(folder) - before)
