"""An ESC/POS receipt printer on any link (serial, LAN, USB). Implements
``terminal.ports.printer.ReceiptPrinter``.

What python-escpos' printer classes lack and this adds: chunked writes each with a
timeout; status as the four ``DLE EOT`` replies validated bit by bit and read with a
short deadline (status timeout + what is still in flight), never "paper OK" when the
printer is silent; and a print-end confirmation (``GS r 1`` after the cut, answered
only once the printer has processed the whole job) so a job is not called done while
its tail still sits in a LAN or USB printer's buffer, where a power cut would lose it.
"""

from __future__ import annotations

import collections
import logging
import time

from drivers.printer import commands as cmd
from drivers.printer.encoder import EncodeOptions, encode_receipt_with_boundaries
from drivers.printer.links.link import ByteLink, LinkError, LinkGone, LinkTimeout
from drivers.printer.profiles import PrinterProfile
from drivers.printer.status_bytes import (PRINT_END_QUERY, QUERY_ALL, is_paper_sensor_byte,
                                          is_status_byte, parse_status)
from terminal.errors import DeviceError
from terminal.ports.printer import PrinterStatus
from terminal.receipt import Receipt

log = logging.getLogger(__name__)

DEVICE = "printer"
#: While waiting for the print-end answer, ask the real-time status this often, so a
#: printer that stopped (paper out, power cut) is noticed within a fraction of a second.
POLL_WHILE_PRINTING_S = 0.2
#: Real-time ``DLE EOT 1`` slipped in between commands while a job is sent on a link
#: that outlives a printer restart (serial).
HEARTBEAT = b"\x10\x04\x01"


def heartbeat_chunks(data: bytes, boundaries: tuple[int, ...], chunk_bytes: int) -> list[bytes]:
    """``data`` cut at command boundaries into pieces of about ``chunk_bytes`` (a piece
    longer than that, e.g. a raster image, is kept whole: a query inside a command's
    data would be printed as data, or worse, taken as part of the command)."""
    pieces, start = [], 0
    for point in sorted(b for b in boundaries if 0 < b < len(data)):
        if point - start >= chunk_bytes:
            pieces.append(data[start:point])
            start = point
    pieces.append(data[start:])
    return [p for p in pieces if p]


def separator(profile: PrinterProfile) -> bytes:
    """Reset, feed the last printed line past the cutter, cut."""
    return cmd.INITIALIZE + cmd.feed_lines(4) + cmd.CUTS[profile.cut]


class EscPosPrinter:
    """One printer on one link. Not thread-safe: the printer's owning worker thread is
    its only caller. The link is opened lazily and reopened after a failure."""

    def __init__(self, link: ByteLink, profile: PrinterProfile, *,
                 status_timeout_ms: int = 40, write_timeout_s: float = 10.0,
                 chunk_bytes: int = 256, options: EncodeOptions = EncodeOptions(),
                 confirm_print_end: bool = True, print_end_timeout_s: float = 10.0,
                 release_when_idle: bool = False) -> None:
        self.link = link
        self.profile = profile
        self.status_timeout_s = status_timeout_ms / 1000
        self.write_timeout_s = write_timeout_s
        self.chunk_bytes = chunk_bytes
        self.options = options
        self.confirm_print_end = confirm_print_end and profile.print_end_ack
        self.print_end_timeout_s = print_end_timeout_s
        self.release_when_idle = release_when_idle
        #: Whether the last job's end was confirmed by the printer (None: not asked).
        self.last_job_confirmed: bool | None = None
        self._capture: collections.deque[int] = collections.deque(maxlen=256)

    @property
    def port(self) -> str:
        return self.link.name

    # -- ReceiptPrinter -------------------------------------------------------------
    def status(self) -> PrinterStatus:
        was_open = self.link.is_open
        self._ensure_open()
        try:
            status = self._query_status()
        except LinkGone as exc:
            if not was_open:
                raise self._device_gone("status", exc) from exc
            # A connection that died while idle (a LAN printer restarted, a keep-alive
            # that failed): nothing of a job was lost, so connect again once.
            log.info("printer link %s was stale (%s); reconnecting", self.port, exc)
            self.link.close()
            return self.status()
        except LinkError as exc:
            raise self._device_gone("status", exc) from exc
        if not status.known and self.release_when_idle:
            self.close()                  # silent on the LAN: maybe a dead connection
        return status

    def print_receipt(self, receipt: Receipt, *, after_cut_short: bool = False) -> int:
        data, boundaries = encode_receipt_with_boundaries(receipt, self.profile, self.options)
        if after_cut_short:
            # The stub of the cut-short send ends wherever the power or the link went:
            # cut it off, so the whole receipt is a piece of paper of its own.
            head = separator(self.profile)
            data = head + data
            boundaries = (len(head),) + tuple(len(head) + b for b in boundaries)
        self.last_job_confirmed = None
        if self.link.survives_printer_reset:
            self._send_with_heartbeats(data, boundaries)
        else:
            self.send(data)
        return len(data)

    def status_after_job(self) -> PrinterStatus:
        """Status once the printer has processed the job just sent. With print-end
        confirmation: ``GS r 1`` then wait (up to ``print_end_timeout_s``) for its
        answer, polling the real-time status meanwhile; a printer that stops, goes
        silent or drops the link ends the wait at once. Without: the real-time status."""
        if not self.confirm_print_end:
            return self.status()
        self._ensure_open()
        try:
            self.link.discard_input()
            self._write(PRINT_END_QUERY)
            return self._await_print_end()
        except LinkError as exc:
            raise self._device_gone("print-end confirmation", exc) from exc

    def release_idle(self) -> None:
        """The queue is empty: a LAN printer is released for other clients (raw-port
        printers serve one connection at a time); serial and USB stay open."""
        if self.release_when_idle:
            self.close()

    def close(self) -> None:
        self.link.close()

    # -- bytes ----------------------------------------------------------------------
    def send(self, data: bytes) -> None:
        """Write ``data`` in chunks; each chunk may wait at most ``write_timeout_s``."""
        self._ensure_open()
        try:
            for start in range(0, len(data), self.chunk_bytes):
                self._write(data[start:start + self.chunk_bytes])
        except LinkTimeout as exc:
            raise self._device_gone(str(exc), exc) from exc
        except LinkError as exc:
            raise self._device_gone("write", exc) from exc

    def _send_with_heartbeats(self, data: bytes, boundaries: tuple[int, ...]) -> None:
        """Send in chunks ending between commands, each followed by ``DLE EOT 1``. On a
        serial line the port stays open while the printer restarts, so a power cut in
        mid-job shows only as a printer that stopped answering: the send stops there,
        before a rebooted printer could print the rest of the job as a headless tail."""
        self._ensure_open()
        self.link.discard_input()
        sent = answered = 0
        try:
            for chunk in heartbeat_chunks(data, boundaries, self.chunk_bytes):
                # Everything but the last two heartbeats must be answered by now (the
                # sender is at most two chunks ahead of the wire).
                answered += self._collect_heartbeats(sent - 2 - answered)
                self._write(chunk + HEARTBEAT)
                sent += 1
            answered += self._collect_heartbeats(sent - answered)
        except LinkTimeout as exc:
            raise self._device_gone(str(exc), exc) from exc
        except LinkError as exc:
            raise self._device_gone("write", exc) from exc

    def _collect_heartbeats(self, needed: int) -> int:
        """Wait (bounded) until ``needed`` heartbeat answers came; returns how many did.
        Raises LinkGone when the printer stopped answering."""
        if needed <= 0:
            return 0
        # Answers may only be expected once the queries have left: a printer holding
        # XOFF keeps them in our buffer (bounded by the write timeout).
        give_up = time.monotonic() + self.write_timeout_s + self._reply_wait_s()
        quiet_since = None
        got = 0
        while got < needed:
            now = time.monotonic()
            if self.link.in_flight_s() > 0:
                quiet_since = None
            elif quiet_since is None:
                quiet_since = now
            if now >= give_up or (quiet_since is not None
                                  and now - quiet_since >= self._reply_wait_s()):
                raise LinkGone(f"the printer stopped answering in the middle of the job "
                               f"({needed - got} status queries unanswered): power cut or "
                               "reset; nothing more of it is sent")
            data = self.link.read(needed - got, 0.005 if quiet_since is None
                                  else self._reply_wait_s() - (now - quiet_since))
            self._capture.extend(data)
            got += sum(1 for value in data if is_status_byte(value))   # not XON/XOFF
        return got

    def _reply_wait_s(self) -> float:
        return self.link.reply_allowance_s(4) + self.status_timeout_s

    def _write(self, chunk: bytes) -> None:
        self.link.write(chunk, self.write_timeout_s)
        self._capture.extend(chunk)

    def _query_status(self) -> PrinterStatus:
        self.link.discard_input()         # a late reply to an earlier query is stale
        self._write(QUERY_ALL)
        replies, _ = self._read_replies(self._status_deadline())
        status = parse_status(replies)
        if not status.known:
            log.warning("printer status unknown on %s: %s", self.port, status.problem)
        return status

    def _status_deadline(self) -> float:
        return (time.monotonic() + self.link.in_flight_s() + self.link.reply_allowance_s(4)
                + self.status_timeout_s)

    def _read_replies(self, deadline: float, *, want: int = 4) -> tuple[bytes, bool]:
        """Status bytes (up to ``want``) and whether a print-end answer came too. The
        two kinds are told apart by their fixed bits, so their order does not matter."""
        status = bytearray()
        print_end = False
        while len(status) < want:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            data = self.link.read(want - len(status) + 1, remaining)
            self._capture.extend(data)
            for value in data:
                if is_paper_sensor_byte(value):
                    print_end = True
                else:
                    status.append(value)
        return bytes(status[:want]), print_end

    def _await_print_end(self) -> PrinterStatus:
        deadline = time.monotonic() + self.link.in_flight_s() + self.print_end_timeout_s
        while True:
            # Bytes still on a slow serial wire reach the printer first: a status
            # query now would only queue behind them.
            wait = min(POLL_WHILE_PRINTING_S + self.link.in_flight_s(),
                       max(0.0, deadline - time.monotonic()))
            data = self.link.read(8, wait)
            self._capture.extend(data)
            if any(is_paper_sensor_byte(v) for v in data):
                self.last_job_confirmed = True
                return self._query_status()
            # Still printing (or not answering GS r): is the printer still well?
            self._write(QUERY_ALL)
            replies, print_end = self._read_replies(self._status_deadline())
            status = parse_status(replies)
            if print_end:
                self.last_job_confirmed = True
                return status if status.known else self._query_status()
            if not status.ready:
                self.last_job_confirmed = False
                log.warning("printer stopped before confirming the job on %s: %s",
                            self.port, status.describe())
                self.close()              # any late answer belongs to this failed job
                return status
            if time.monotonic() >= deadline:
                # Ready all along but no answer to GS r: a printer without it. The job
                # is taken as printed; a power cut in this window would have shown.
                self.last_job_confirmed = False
                log.warning("printer on %s did not answer GS r within %.1f s; if this "
                            "model lacks it set printer.confirm_print_end = false",
                            self.port, self.print_end_timeout_s)
                return status

    def _ensure_open(self) -> None:
        if not self.link.is_open:
            self.link.open()              # raises DeviceError naming printer.port

    def _device_gone(self, what: str, exc: BaseException) -> DeviceError:
        capture = bytes(self._capture)
        self.close()
        log.warning("printer %s failed on %s: %s", what, self.port, exc)
        return DeviceError(DEVICE, f"{what} on {self.port}: {exc}", wire_capture=capture,
                           user_message="打印机通信失败 / Printer connection lost")
