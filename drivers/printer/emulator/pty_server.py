"""The printer emulator on a real pseudo-terminal.

``PrinterEmulator`` opens a pty pair, points a symlink at the slave side (the "serial
port" the terminal opens) and runs one thread that reads the master side like a
printer's UART: optionally paced at the configured baud rate (bytes x 10 / baud),
buffering into a bounded receive buffer drained at a print speed, sending XOFF/XON
around its watermarks, answering ``DLE EOT`` from the injected faults, and splitting
the tape into receipts at each cut (written as .txt/.png/.bin when ``out_dir`` is set).

Bytes the host sends at a different baud rate than the emulator's are framing garbage
to a real UART: they are counted in ``garbled_bytes`` and not interpreted.
"""

from __future__ import annotations

import logging
import os
import fcntl
import queue
import select
import struct
import termios
import threading
import time
import tty
from pathlib import Path
from typing import Any

from drivers.printer.emulator.document import PaperTape, ReceivedReceipt
from drivers.printer.emulator.faults import PrinterFaults
from drivers.printer.emulator.mechanism import LinkEvent, cut_at_link_fault
from drivers.printer.emulator.renderer import save_receipt
from drivers.printer.emulator.stream_parser import EscPosParser, Event

log = logging.getLogger(__name__)

XON, XOFF = b"\x11", b"\x13"
_BAUD_CONSTANTS = {getattr(termios, f"B{b}"): b for b in
                   (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400)}


class PrinterEmulator:
    """An ESC/POS printer behind a pty. ``start()``/``stop()``; thread-safe getters."""

    def __init__(self, link: Path | str | None = None, *, baud: int | None = None,
                 flow_control: str = "none", faults: PrinterFaults = PrinterFaults(),
                 out_dir: Path | str | None = None, columns: int = 48,
                 dots_per_line: int = 576, buffer_bytes: int = 4096,
                 print_bytes_per_s: float | None = None) -> None:
        if flow_control not in ("none", "xonxoff"):
            raise ValueError("a pty can only carry software flow control (xonxoff)")
        self.link = Path(link) if link else None
        self.baud = baud
        self.flow_control = flow_control
        self.out_dir = Path(out_dir) if out_dir else None
        self.columns, self.dots_per_line = columns, dots_per_line
        self.buffer_bytes = buffer_bytes
        self.print_bytes_per_s = print_bytes_per_s
        self._faults = faults
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._parser = EscPosParser()
        self._tape = PaperTape()
        self._master = self._slave = -1
        self.slave_name = ""
        self._buffered = 0.0            # bytes received but not yet "printed"
        self._xoff = False
        self._in_flight_allowance = 0
        self._wire_clock = 0.0
        self._saved = 0
        self._reopen_at: float | None = None     # after a hang-up: when the node is back
        self._boot_until = 0.0                   # after a power cut: deaf until then
        self.power_cycles = self.disconnects = 0
        self.received_bytes = self.garbled_bytes = self.overrun_bytes = 0
        self.status_queries = self.xoff_sent = 0
        #: Optional callable(ReceivedReceipt), called on the saver thread.
        self.on_receipt = None
        # Rendering a PNG takes tens of ms: done on its own thread so the UART thread
        # always answers status in real time.
        self._to_save: queue.Queue[ReceivedReceipt | None] = queue.Queue()
        self._saver: threading.Thread | None = None

    # -- lifecycle ------------------------------------------------------------------
    def start(self) -> "PrinterEmulator":
        self._open_pty()
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="printer-emulator", daemon=True)
        self._thread.start()
        self._saver = threading.Thread(target=self._save_loop, name="printer-emulator-saver",
                                       daemon=True)
        self._saver.start()
        return self

    def _open_pty(self) -> None:
        self._master, self._slave = os.openpty()
        # Raw before anyone opens it: with echo on, our status replies would come back
        # to us as received data.
        tty.setraw(self._slave)
        self.slave_name = os.ttyname(self._slave)
        if self.link is not None:
            if self.link.is_symlink():
                self.link.unlink()
            elif self.link.exists():
                raise FileExistsError(f"{self.link} exists and is not a symlink")
            self.link.symlink_to(self.slave_name)

    def _hang_up(self) -> None:
        """The USB-serial adapter is pulled: the device node goes away (the host's next
        I/O fails) and comes back as a new node behind the same link after boot_s, the
        way udev re-creates /dev/payterm-printer."""
        for fd in (self._master, self._slave):
            if fd >= 0:
                os.close(fd)
        self._master = self._slave = -1
        if self.link is not None and self.link.is_symlink():
            self.link.unlink()
        self._reopen_at = time.monotonic() + self._faults.boot_s

    def stop(self, timeout_s: float = 2.0) -> None:
        """Stop the thread and close the pty: the host's next I/O fails (EIO), like a
        printer being unplugged."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
            self._thread = None
        for fd in (self._master, self._slave):
            if fd >= 0:
                os.close(fd)
        self._master = self._slave = -1
        if self.link is not None and self.link.is_symlink():
            self.link.unlink()
        with self._lock:
            self._tape.flush()
            self._save_new()
        self._to_save.put(None)
        if self._saver is not None:
            self._saver.join(timeout_s * 5)
            self._saver = None

    def __enter__(self) -> "PrinterEmulator":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> str:
        return str(self.link) if self.link is not None else self.slave_name

    # -- faults and results ---------------------------------------------------------
    @property
    def faults(self) -> PrinterFaults:
        with self._lock:
            return self._faults

    def set_faults(self, **changes: Any) -> PrinterFaults:
        """E.g. ``set_faults(paper_out=False)`` to refill the paper."""
        with self._lock:
            self._faults = self._faults.with_changes(**changes)
            return self._faults

    def receipts(self) -> list[ReceivedReceipt]:
        with self._lock:
            return list(self._tape.finished)

    def wait_for_receipts(self, count: int, timeout_s: float = 5.0) -> list[ReceivedReceipt]:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            found = self.receipts()
            if len(found) >= count:
                return found
            time.sleep(0.005)
        return self.receipts()

    # -- the UART thread --------------------------------------------------------------
    def _run(self) -> None:
        last = time.monotonic()
        while not self._stop.is_set():
            now = time.monotonic()
            self._drain(now - last)
            last = now
            if self._reopen_at is not None:
                if now < self._reopen_at:
                    time.sleep(0.005)
                    continue
                self._reopen_at = None
                self._open_pty()
            if self._must_stop_reading():
                time.sleep(0.002)
                continue
            try:
                ready, _, _ = select.select([self._master], [], [], 0.01)
                if not ready:
                    continue
                data = os.read(self._master, self._read_size())
            except OSError:
                # EIO: nobody has the slave open right now (we keep it open, so rare).
                time.sleep(0.01)
                continue
            if data:
                self._pace(len(data))
                self._receive(data)

    def _read_size(self) -> int:
        if self.baud is None:
            return 4096
        return max(1, int(self.baud / 10 * 0.005))       # about 5 ms of wire time

    def _pace(self, n: int) -> None:
        """Hold the bytes until they would have finished arriving at this baud rate."""
        if self.baud is None:
            return
        now = time.monotonic()
        # A continuous stream keeps its own clock (our loop's own latency must not
        # slow the line down); only after an idle gap does the clock restart at now.
        if now - self._wire_clock > 0.02:
            self._wire_clock = now
        self._wire_clock += n * 10 / self.baud
        if self._wire_clock > now:
            time.sleep(self._wire_clock - now)

    def _host_baud(self) -> int | None:
        try:
            return _BAUD_CONSTANTS.get(termios.tcgetattr(self._master)[5])
        except termios.error:
            return None

    def _receive(self, data: bytes) -> None:
        if time.monotonic() < self._boot_until:
            return                                # no power yet: bytes fall on the floor
        self._faults, data, event = cut_at_link_fault(self._faults, data)
        self._receive_bytes(data)
        if event is LinkEvent.POWER_CYCLE:
            self.power_cycles += 1
            with self._lock:                      # the rest of the job never arrives
                self._tape.mark_truncated_if_started()
                self._tape.flush()
                self._tape.reset_mode()
                self._parser = EscPosParser()
                self._save_new()
            self._buffered = 0.0
            self._boot_until = time.monotonic() + self._faults.boot_s
        elif event is LinkEvent.DISCONNECT:
            self.disconnects += 1
            with self._lock:
                self._tape.mark_truncated_if_started()
            self._hang_up()

    def _receive_bytes(self, data: bytes) -> None:
        self.received_bytes += len(data)
        if self.baud is not None and self._host_baud() not in (None, self.baud):
            self.garbled_bytes += len(data)
            return
        if self.print_bytes_per_s is not None:
            allowance = min(len(data), self._in_flight_allowance)
            self._in_flight_allowance -= allowance
            room = self.buffer_bytes - self._buffered + allowance
            if len(data) > room:            # the host ignored XOFF: the printer loses data
                self.overrun_bytes += len(data) - max(0, int(room))
                data = data[:max(0, int(room))]
                self._tape.mark_truncated()
            self._buffered += len(data)
            self._flow_control()
        with self._lock:
            for event in self._parser.feed(data):
                if event.kind == "status_query":
                    self._answer_status(event.value)
                    continue
                if event.kind == "transmit_status":
                    # Content is applied on arrival here, so the printer "reaches" GS r
                    # at once; a stopped printer (paper out, cover open) never does.
                    if self._faults.can_print:
                        self._answer(self._faults.paper_sensor_reply())
                    continue
                self._consume_paper(event)
                self._tape.apply(event, can_print=self._faults.can_print)
            self._save_new()

    def _consume_paper(self, event: Event) -> None:
        """Count down the "after N bytes" faults on printable content."""
        if event.kind not in ("text", "newline"):
            return
        used = len(event.value) if event.kind == "text" else 1
        for countdown, flag in (("paper_out_after_bytes", "paper_out"),
                                ("cover_open_after_bytes", "cover_open")):
            left = getattr(self._faults, countdown)
            if left is None:
                continue
            if used >= left:
                self._faults = self._faults.with_changes(**{flag: True, countdown: None})
            else:
                self._faults = self._faults.with_changes(**{countdown: left - used})

    def _answer_status(self, n: int) -> None:
        self.status_queries += 1
        self._answer(self._faults.status_reply(n))

    def _answer(self, reply: bytes) -> None:
        if reply and self._master >= 0 and time.monotonic() >= self._boot_until:
            if self.baud is not None:
                time.sleep(len(reply) * 10 / self.baud)
            os.write(self._master, reply)

    def _drain(self, elapsed_s: float) -> None:
        if self.print_bytes_per_s is None:
            return
        self._buffered = max(0.0, self._buffered - elapsed_s * self.print_bytes_per_s)
        self._flow_control()

    def _flow_control(self) -> None:
        if self.flow_control != "xonxoff" or self._master < 0:
            return
        # Like Epson's: XOFF while 256 bytes are still free (room for what the host has
        # in flight), XON once three quarters are free again.
        high = max(self.buffer_bytes // 2, self.buffer_bytes - 256)
        low = self.buffer_bytes // 4
        if not self._xoff and self._buffered >= high:
            os.write(self._master, XOFF)
            self._xoff = True
            self.xoff_sent += 1
            # Bytes the host had already written before it could see this XOFF are on
            # the wire, not the host's fault. On a real line that is a few bytes; here,
            # when this thread was starved of CPU, the pty can hold many more. Allow
            # exactly those, so the model stays fair under load and still catches a
            # host that keeps sending after XOFF.
            self._in_flight_allowance = self._queued_on_wire()
        elif self._xoff and self._buffered <= low:
            os.write(self._master, XON)
            self._xoff = False

    def _queued_on_wire(self) -> int:
        """Bytes written by the host and not yet read by us (FIONREAD on the master)."""
        try:
            raw = fcntl.ioctl(self._master, termios.FIONREAD, b"\0" * 4)
            queued: int = struct.unpack("i", raw)[0]
            return queued
        except OSError:
            return 0

    def _must_stop_reading(self) -> bool:
        # Without software flow control a full buffer is modelled as not reading: the
        # kernel's pty buffer fills and the host's writes block (hardware-like).
        return (self.print_bytes_per_s is not None and self.flow_control == "none"
                and self._buffered >= self.buffer_bytes)

    def _save_new(self) -> None:
        finished = self._tape.finished
        while self._saved < len(finished):
            self._to_save.put(finished[self._saved])
            self._saved += 1

    def _save_loop(self) -> None:
        while True:
            receipt = self._to_save.get()
            if receipt is None:
                return
            try:
                if self.out_dir is not None:
                    save_receipt(receipt, self.out_dir, self.columns, self.dots_per_line)
                if self.on_receipt is not None:
                    self.on_receipt(receipt)
            except Exception:  # a bad render must not stop the printer
                log.exception("could not save emulated receipt %d", receipt.index)
