"""The printer emulator on the LAN: a raw-port (JetDirect, port 9100 style) ESC/POS
printer on a real TCP socket, for tests, the demo and ``payterm printer-emu --tcp``.

Like a real network printer it serves one connection at a time (others wait in the
listen backlog), answers ``DLE EOT`` at once, prints from a bounded buffer (a full
buffer stops reading, so TCP's window closes on the sender), and keeps printing what it
received after the host hangs up. Faults are those of the pty emulator plus the link's
own: ``disconnect_after_bytes`` resets the connection mid-job (the printer keeps what
it had), ``power_cycle_after_bytes`` (or ``power_cycle()``) loses everything unprinted,
resets the connection and refuses connections for ``boot_s`` seconds.
"""

from __future__ import annotations

import logging
import queue
import select
import socket
import struct
import threading
import time
from pathlib import Path
from typing import Any

from drivers.printer.emulator.document import ReceivedReceipt
from drivers.printer.emulator.faults import PrinterFaults
from drivers.printer.emulator.mechanism import LinkEvent, PrinterMechanism
from drivers.printer.emulator.renderer import save_receipt

log = logging.getLogger(__name__)

_POLL_S = 0.002
_RECV_MAX = 4096


class TcpPrinterEmulator:
    """``start()``/``stop()``; ``url`` is what ``printer.port`` should say."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, *,
                 faults: PrinterFaults = PrinterFaults(), out_dir: Path | str | None = None,
                 columns: int = 48, dots_per_line: int = 576, buffer_bytes: int = 4096,
                 print_bytes_per_s: float | None = None, tcp_window_bytes: int = 4096) -> None:
        self.host = host
        self.tcp_window_bytes = tcp_window_bytes
        self.port = port
        self.out_dir = Path(out_dir) if out_dir else None
        self.columns, self.dots_per_line = columns, dots_per_line
        self.mechanism = PrinterMechanism(faults, buffer_bytes=buffer_bytes,
                                          print_bytes_per_s=print_bytes_per_s)
        self.mechanism.on_finished = self._finished
        self.connections_accepted = 0
        #: Optional callable(ReceivedReceipt), called on the saver thread.
        self.on_receipt = None
        self._listener: socket.socket | None = None
        self._client: socket.socket | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._to_save: queue.Queue[ReceivedReceipt | None] = queue.Queue()
        self._saver: threading.Thread | None = None

    # -- lifecycle ------------------------------------------------------------------
    def start(self) -> "TcpPrinterEmulator":
        self._listen()
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="printer-emulator-tcp",
                                        daemon=True)
        self._thread.start()
        self._saver = threading.Thread(target=self._save_loop, daemon=True,
                                       name="printer-emulator-tcp-saver")
        self._saver.start()
        return self

    def stop(self, timeout_s: float = 2.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
            self._thread = None
        self._drop_client(reset=False)
        self._close_listener()
        self.mechanism.flush()
        self._to_save.put(None)
        if self._saver is not None:
            self._saver.join(timeout_s * 5)
            self._saver = None

    def __enter__(self) -> "TcpPrinterEmulator":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return f"tcp://{self.host}:{self.port}"

    # -- faults and results (same names as the pty emulator) -------------------------
    @property
    def faults(self) -> PrinterFaults:
        return self.mechanism.faults

    def set_faults(self, **changes: Any) -> PrinterFaults:
        return self.mechanism.set_faults(**changes)

    def power_cycle(self) -> None:
        """Pull the plug now: unprinted data lost; the server thread resets the
        connection and refuses new ones for ``faults.boot_s``."""
        self.mechanism.power_cycle()

    def receipts(self) -> list[ReceivedReceipt]:
        return self.mechanism.receipts()

    def wait_for_receipts(self, count: int, timeout_s: float = 5.0) -> list[ReceivedReceipt]:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            found = self.receipts()
            if len(found) >= count:
                return found
            time.sleep(0.005)
        return self.receipts()

    @property
    def received_bytes(self) -> int:
        return self.mechanism.received_bytes

    @property
    def status_queries(self) -> int:
        return self.mechanism.status_queries

    # -- the server thread ------------------------------------------------------------
    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._step()
            except Exception:  # the emulator must keep serving and say why it hiccuped
                log.exception("printer emulator (tcp) step failed")
                self._drop_client(reset=True)
                time.sleep(0.05)

    def _step(self) -> None:
        if self.mechanism.booting:           # no power: no connection, no listener
            self._drop_client(reset=True)
            self._close_listener()
            time.sleep(_POLL_S)
            return
        listener = self._listener
        if listener is None:
            listener = self._listen()        # back up after a power cycle
        self._send(self.mechanism.advance())
        if self._client is None:
            ready, _, _ = select.select([listener], [], [], _POLL_S)
            if ready:
                self._client, _ = listener.accept()
                self._client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                self.connections_accepted += 1
            return
        room = self.mechanism.room()
        if room <= 0:                        # buffer full: stop reading (window closes)
            time.sleep(_POLL_S)
            return
        ready, _, _ = select.select([self._client], [], [], _POLL_S)
        if not ready:
            return
        try:
            data = self._client.recv(min(room, _RECV_MAX))
        except OSError:
            self._drop_client(reset=False)
            return
        if not data:                         # the host hung up; printing goes on
            self._drop_client(reset=False)
            return
        received = self.mechanism.receive(data)
        self._send(received.replies)
        if received.link_event is LinkEvent.DISCONNECT:
            self._drop_client(reset=True)
        elif received.link_event is LinkEvent.POWER_CYCLE:
            self._drop_client(reset=True)
            self._close_listener()

    def _send(self, replies: bytes) -> None:
        if not replies or self._client is None:
            return
        try:
            self._client.sendall(replies)
        except OSError:
            self._drop_client(reset=False)

    def _listen(self) -> socket.socket:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # A printer's TCP window is a few KB, not the kernel's default hundreds: set on
        # the listener so accepted connections start with it.
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, self.tcp_window_bytes)
        listener.bind((self.host, self.port))
        listener.listen(1)
        self.port = listener.getsockname()[1]
        self._listener = listener
        return listener

    def _close_listener(self) -> None:
        if self._listener is not None:
            self._listener.close()
            self._listener = None

    def _drop_client(self, *, reset: bool) -> None:
        client, self._client = self._client, None
        if client is None:
            return
        if reset:   # RST, as a printer whose network module restarts sends
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        try:
            client.close()
        except OSError:
            pass

    # -- receipts ---------------------------------------------------------------------
    def _finished(self, receipt: ReceivedReceipt) -> None:
        self._to_save.put(receipt)

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
