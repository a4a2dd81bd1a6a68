"""The inside of an emulated printer, shared by the LAN (TCP) emulator and the fake
USB printer: a receive buffer, a print head that empties it at a print speed, real-time
status, and what a power cut does to all of that.

How a real ESC/POS printer behaves, and so this model:

* ``DLE EOT n`` is answered the moment it arrives (real-time), even while the buffer
  still holds kilobytes of an earlier job.
* Everything else waits in the receive buffer until the head reaches it. ``GS r 1`` is
  answered only then, which is how a host learns that a job, cut included, is done.
* The buffer is bounded: a full buffer stops accepting bytes (TCP's window closes, a
  USB bulk write times out).
* While paper is out, the cover is open or the printer is offline, content reaching
  the head is lost and the receipt is marked truncated (as in the pty emulator).
* A power cut loses everything not yet printed; what was printed stays on the tape as
  an uncut, truncated stub; the printer is unreachable while it boots.
"""

from __future__ import annotations

import collections
import threading
import time
from dataclasses import dataclass
from enum import Enum
from typing import Any, Callable

from drivers.printer.emulator.document import PaperTape, ReceivedReceipt
from drivers.printer.emulator.faults import PrinterFaults
from drivers.printer.emulator.stream_parser import EscPosParser, Event


class LinkEvent(str, Enum):
    """What happened to the link while bytes were received."""
    NONE = "none"
    DISCONNECT = "disconnect"        # the connection drops; the printer keeps running
    POWER_CYCLE = "power_cycle"      # the printer loses power and reboots


@dataclass(frozen=True)
class Received:
    replies: bytes                   # real-time answers to send back now
    accepted: int                    # bytes taken (the rest was lost to a link event)
    link_event: LinkEvent = LinkEvent.NONE


def cut_at_link_fault(faults: PrinterFaults, data: bytes
                      ) -> tuple[PrinterFaults, bytes, LinkEvent]:
    """Count down the link faults over ``data``: the faults left, the bytes that made
    it before the fault, and which fault struck (if any)."""
    for countdown, event in (("power_cycle_after_bytes", LinkEvent.POWER_CYCLE),
                             ("disconnect_after_bytes", LinkEvent.DISCONNECT)):
        left = getattr(faults, countdown)
        if left is None:
            continue
        if len(data) >= left:
            return faults.with_changes(**{countdown: None}), data[:left], event
        faults = faults.with_changes(**{countdown: left - len(data)})
    return faults, data, LinkEvent.NONE


class PrinterMechanism:
    """Thread-safe; the owning server thread calls ``receive`` and ``advance``."""

    def __init__(self, faults: PrinterFaults = PrinterFaults(), *, buffer_bytes: int = 4096,
                 print_bytes_per_s: float | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.buffer_bytes = buffer_bytes
        self.print_bytes_per_s = print_bytes_per_s
        self._clock = clock
        self._lock = threading.Lock()
        self._faults = faults
        self._parser = EscPosParser()
        self._tape = PaperTape()
        self._queue: collections.deque[Event] = collections.deque()
        self._queued_bytes = 0
        self._budget = 0.0                 # bytes the head may print before it catches up
        self._last_advance = clock()
        self._boot_until = 0.0
        self.received_bytes = 0
        self.status_queries = 0
        self.print_end_queries = 0
        self.power_cycles = 0
        self.disconnects = 0
        #: Called (under no lock) with each receipt finished by a cut or a power cut.
        self.on_finished: Callable[[ReceivedReceipt], None] | None = None

    # -- faults and results -----------------------------------------------------------
    @property
    def faults(self) -> PrinterFaults:
        with self._lock:
            return self._faults

    def set_faults(self, **changes: Any) -> PrinterFaults:
        with self._lock:
            self._faults = self._faults.with_changes(**changes)
            return self._faults

    def receipts(self) -> list[ReceivedReceipt]:
        with self._lock:
            return list(self._tape.finished)

    def buffered(self) -> int:
        """Bytes received and not yet printed."""
        with self._lock:
            return self._queued_bytes + self._parser.pending

    def room(self) -> int:
        """Free receive-buffer bytes (0 while booting: nothing is received)."""
        with self._lock:
            if self._booting():
                return 0
            return max(0, self.buffer_bytes - self._queued_bytes - self._parser.pending)

    @property
    def booting(self) -> bool:
        with self._lock:
            return self._booting()

    def _booting(self) -> bool:
        return self._clock() < self._boot_until

    # -- bytes in -------------------------------------------------------------------
    def receive(self, data: bytes) -> Received:
        """Take bytes from the link. Replies to real-time queries come back at once."""
        finished_before = len(self._tape.finished)
        with self._lock:
            if self._booting():
                return Received(b"", 0)
            data, event = self._cut_at_link_fault(data)
            self.received_bytes += len(data)
            replies = bytearray()
            for parsed in self._parser.feed(data):
                if parsed.kind == "status_query":
                    self.status_queries += 1
                    replies += self._faults.status_reply(parsed.value)
                    continue
                self._queue.append(parsed)
                self._queued_bytes += parsed.size
            replies += self._print_locked(self._clock())
            if event is LinkEvent.POWER_CYCLE:
                self._power_cut_locked()
            elif event is LinkEvent.DISCONNECT:
                self.disconnects += 1
                # Bookkeeping for tests (a real printer cannot know): the receipt being
                # received when the link dropped never got the rest of its bytes.
                self._tape.mark_truncated_if_started()
            new = self._tape.finished[finished_before:]
        self._announce(new)
        return Received(bytes(replies), len(data), event)

    def _cut_at_link_fault(self, data: bytes) -> tuple[bytes, LinkEvent]:
        self._faults, data, event = cut_at_link_fault(self._faults, data)
        return data, event

    # -- the print head -------------------------------------------------------------
    def advance(self) -> bytes:
        """Let the head print what it had time for; returns ``GS r`` answers reached."""
        finished_before = len(self._tape.finished)
        with self._lock:
            replies = self._print_locked(self._clock())
            new = self._tape.finished[finished_before:]
        self._announce(new)
        return replies

    def _print_locked(self, now: float) -> bytes:
        if self._booting():
            self._last_advance = now
            return b""
        if self.print_bytes_per_s is None:
            budget = float("inf")
        else:
            self._budget = min(self._budget + (now - self._last_advance)
                               * self.print_bytes_per_s, float(self.buffer_bytes + 65536))
            budget = self._budget
        self._last_advance = now
        replies = bytearray()
        while self._queue and self._queue[0].size <= budget:
            event = self._queue.popleft()
            self._queued_bytes -= event.size
            budget -= event.size
            replies += self._apply(event)
        if self.print_bytes_per_s is not None:
            self._budget = budget if self._queue else 0.0
        return bytes(replies)

    def _apply(self, event: Event) -> bytes:
        if event.kind == "transmit_status":
            self.print_end_queries += 1
            # A stopped printer never reaches the command; a running one answers.
            return self._faults.paper_sensor_reply() if self._faults.can_print else b""
        self._consume_paper(event)
        self._tape.apply(event, can_print=self._faults.can_print)
        return b""

    def _consume_paper(self, event: Event) -> None:
        """Count down the "after N bytes" paper/cover faults on printed content."""
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

    # -- power ----------------------------------------------------------------------
    def power_cycle(self) -> None:
        """Pull the plug now (a test may also trigger it by ``power_cycle_after_bytes``)."""
        finished_before = len(self._tape.finished)
        with self._lock:
            self._power_cut_locked()
            new = self._tape.finished[finished_before:]
        self._announce(new)

    def _power_cut_locked(self) -> None:
        self.power_cycles += 1
        lost = self._queued_bytes + self._parser.pending
        self._queue.clear()
        self._queued_bytes = 0
        self._budget = 0.0
        self._parser = EscPosParser()
        if lost:
            self._tape.mark_truncated()
        self._tape.flush()               # the printed part stays on paper, uncut
        self._tape.reset_mode()
        self._boot_until = self._clock() + self._faults.boot_s

    def flush(self) -> None:
        """End of the session: print what is left and keep an uncut receipt."""
        finished_before = len(self._tape.finished)
        with self._lock:
            while self._queue:
                self._apply(self._queue.popleft())
            self._queued_bytes = 0
            self._tape.flush()
            new = self._tape.finished[finished_before:]
        self._announce(new)

    def _announce(self, receipts: list[ReceivedReceipt]) -> None:
        if self.on_finished is not None:
            for receipt in receipts:
                self.on_finished(receipt)
