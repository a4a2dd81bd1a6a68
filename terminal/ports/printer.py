"""Port to the receipt printer, and the value type for its real-time status.

The print-job worker (``offline_queue/print_worker.py``) talks to a ``ReceiptPrinter``;
the ESC/POS driver (``drivers/printer/escpos_printer.py``, on a serial, LAN or USB
link) implements it. A
status that could not be read completely and validly is *unknown*, and unknown is
never "ready": a printer that does not answer is not assumed to have paper.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from terminal.receipt import Receipt


@dataclass(frozen=True)
class PrinterStatus:
    """What the printer reported through ``DLE EOT 1..4``.

    ``known`` is False when any of the four replies was missing or malformed; the
    flags are then meaningless (all False) and ``problem`` says why.
    """

    known: bool
    offline: bool = False
    cover_open: bool = False
    paper_near_end: bool = False
    paper_out: bool = False
    cutter_error: bool = False
    unrecoverable_error: bool = False
    problem: str = ""

    @classmethod
    def unknown(cls, problem: str) -> "PrinterStatus":
        return cls(known=False, problem=problem)

    @property
    def ready(self) -> bool:
        """True only for a complete, valid reply with nothing stopping a print.
        Paper near end is a warning, not a stop."""
        return (self.known and not self.offline and not self.cover_open
                and not self.paper_out and not self.cutter_error
                and not self.unrecoverable_error)

    def describe(self) -> str:
        """A short bilingual sentence for the cashier or technician."""
        if not self.known:
            return f"打印机无应答 / printer status unknown ({self.problem})"
        parts = []
        if self.paper_out:
            parts.append("缺纸 / paper out")
        if self.cover_open:
            parts.append("纸仓盖打开 / cover open")
        if self.cutter_error:
            parts.append("切刀故障 / cutter error")
        if self.unrecoverable_error:
            parts.append("打印机故障 / printer error")
        if self.offline and not parts:
            parts.append("脱机 / offline")
        if self.paper_near_end:
            parts.append("纸将尽 / paper near end")
        return "; ".join(parts) if parts else "就绪 / ready"

    def as_dict(self) -> dict[str, Any]:
        return {"known": self.known, "ready": self.ready, "offline": self.offline,
                "cover_open": self.cover_open, "paper_near_end": self.paper_near_end,
                "paper_out": self.paper_out, "cutter_error": self.cutter_error,
                "unrecoverable_error": self.unrecoverable_error, "problem": self.problem,
                "text": self.describe()}


@runtime_checkable
class ReceiptPrinter(Protocol):
    """A receipt printer. Blocking I/O: call only from the printer's owning worker
    thread (one thread per printer), never from the GUI thread."""

    def status(self) -> PrinterStatus:
        """Real-time status (``DLE EOT`` 1..4). Returns within the configured status
        timeout (tens of ms) plus the wire time of bytes still in flight. A silent or
        garbled printer gives ``PrinterStatus.unknown``. Raises DeviceError when the
        port cannot be opened or the device disappeared."""

    def print_receipt(self, receipt: Receipt, *, after_cut_short: bool = False) -> int:
        """Encode and send one receipt, cut included; returns the number of bytes sent.
        ``after_cut_short``: an earlier send of this job was cut short, so first feed
        and cut off whatever part of it is on the paper; the receipt starts clean.
        Returns when the bytes are handed to the OS (not when paper comes out: check
        ``status()`` afterwards). Every write has a timeout. Raises DeviceError on a
        write timeout (e.g. flow control held too long) or a vanished device."""

    def status_after_job(self) -> PrinterStatus:
        """Status once the printer has *processed* the job just sent (cut included),
        not merely received it: a LAN or USB printer holds a whole receipt in its
        buffer, and a power cut there loses the tail of a job already "sent". Waits
        (bounded by the configured print-end timeout) for the printer's print-end
        answer while polling its status; returns at once when it stops, goes silent
        or drops the link. Raises DeviceError like ``status``."""

    def release_idle(self) -> None:
        """The queue is empty: give a shared (LAN) printer back to other clients.
        Serial and USB printers keep their port. Safe to call at any time."""

    def close(self) -> None:
        """Release the port; safe to call twice. The next call reopens it."""
