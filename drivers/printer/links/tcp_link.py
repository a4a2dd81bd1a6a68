"""A LAN printer's raw port (``tcp://HOST:9100``, JetDirect style) on a TCP socket.

Not python-escpos' ``Network`` (one 60 s timeout for connect and every read and write,
no keep-alive, ``sendall`` of the whole job at once so a status query waits behind it,
16-byte reads without a deadline). Here: a connect timeout, TCP keep-alive and
``TCP_USER_TIMEOUT`` so a printer that vanished is noticed, ``TCP_NODELAY`` so a
12-byte status query leaves at once, a small send buffer and writes paced by the bytes
still waiting to leave (``SIOCOUTQNSD``: the printer's window is closed), every wait
bounded by a deadline.
"""

from __future__ import annotations

import errno
import fcntl
import select
import socket
import struct
import termios
import time

from drivers.printer.links.link import LinkGone, LinkTimeout
from terminal.errors import DeviceError

KEY = "printer.port"
SIOCOUTQNSD = 0x894B            # linux/sockios.h: unsent bytes in the send queue


class TcpLink:
    #: A printer restart drops the connection/device: the link itself fails.
    survives_printer_reset = False

    def __init__(self, host: str, port: int, *, name: str = "", connect_timeout_s: float = 3.0,
                 keepalive_idle_s: int = 10, latency_allowance_s: float = 0.15,
                 ahead_bytes: int = 512) -> None:
        self.host, self.port = host, port
        self.name = name or f"tcp://{host}:{port}"
        self.connect_timeout_s = connect_timeout_s
        self.keepalive_idle_s = keepalive_idle_s
        self.latency_allowance_s = latency_allowance_s
        #: Unacknowledged bytes allowed before the next chunk goes out.
        self.ahead_bytes = ahead_bytes
        self._sock: socket.socket | None = None
        self.connects = 0

    @property
    def is_open(self) -> bool:
        return self._sock is not None

    def open(self) -> None:
        where = f"{self.name} ({KEY})"
        try:
            sock = socket.create_connection((self.host, self.port),
                                            timeout=self.connect_timeout_s)
        except socket.gaierror as exc:
            raise DeviceError("printer", f"cannot resolve the printer's host name in {where}: "
                              f"{exc}", user_message="找不到网络打印机 / Network printer "
                              "not found (check printer.port)") from exc
        except (socket.timeout, TimeoutError) as exc:
            raise DeviceError("printer", f"no answer from {where} within "
                              f"{self.connect_timeout_s:g} s (printer off, wrong address, or "
                              "not on this network)", user_message="网络打印机无应答 / The "
                              "network printer does not answer") from exc
        except ConnectionRefusedError as exc:
            raise DeviceError("printer", f"{where} refused the connection (printer starting "
                              "up, raw port 9100 disabled, or another program printing)",
                              user_message="网络打印机拒绝连接 / The network printer refused "
                              "the connection") from exc
        except OSError as exc:
            raise DeviceError("printer", f"cannot connect to {where}: {exc}",
                              user_message="网络打印机无法连接 / Cannot reach the network "
                              "printer") from exc
        self._configure(sock)
        self._sock = sock
        self.connects += 1

    def _configure(self, sock: socket.socket) -> None:
        sock.setblocking(False)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, self.keepalive_idle_s)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, 2)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, 3)
        # A small send buffer: the job waits here, not in the kernel, so the wire paces it.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
        # Data the printer stops acknowledging fails the connection after this long
        # (a power-cycled printer never acknowledges again).
        user_timeout_ms = int(max(1.0, self.keepalive_idle_s) * 1000)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT, user_timeout_ms)

    def unsent(self) -> int:
        """Bytes written that have not yet left for the printer (SIOCOUTQNSD): they wait
        because the printer's TCP window is closed (its buffer is full). Bytes sent but
        not yet acknowledged do not count: embedded stacks delay their ACKs by up to
        200 ms, and those bytes are already on their way."""
        sock = self._open_socket()
        try:
            raw = fcntl.ioctl(sock.fileno(), SIOCOUTQNSD, b"\0" * 4)
        except OSError:
            try:                        # older kernels: unacknowledged bytes instead
                raw = fcntl.ioctl(sock.fileno(), termios.TIOCOUTQ, b"\0" * 4)
            except OSError:
                return 0
        unsent: int = struct.unpack("i", raw)[0]
        return unsent

    def write(self, chunk: bytes, timeout_s: float) -> None:
        sock = self._open_socket()
        deadline = time.monotonic() + timeout_s
        while self.unsent() > self.ahead_bytes:
            if time.monotonic() >= deadline:
                raise LinkTimeout(f"the printer took nothing for {timeout_s:g} s (its buffer "
                                  "is full: paper out, cover open, or not printing)")
            self._check_error(sock)
            time.sleep(0.002)
        view = memoryview(chunk)
        while view:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise LinkTimeout(f"write timed out after {timeout_s:g} s")
            _, writable, _ = select.select([], [sock], [], remaining)
            if not writable:
                continue
            try:
                sent = sock.send(view)
            except (BlockingIOError, InterruptedError):
                continue
            except OSError as exc:
                raise LinkGone(f"connection lost while sending: {exc}") from exc
            view = view[sent:]

    def read(self, max_bytes: int, timeout_s: float) -> bytes:
        sock = self._open_socket()
        ready, _, _ = select.select([sock], [], [], max(0.0, timeout_s))
        if not ready:
            return b""
        try:
            data = sock.recv(max_bytes)
        except (BlockingIOError, InterruptedError):
            return b""
        except OSError as exc:
            raise LinkGone(f"connection lost: {exc}") from exc
        if not data:
            raise LinkGone("the printer closed the connection")
        return data

    def discard_input(self) -> None:
        sock = self._open_socket()
        for _ in range(64):                     # bounded: a few KB at most
            try:
                data = sock.recv(4096)
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:
                raise LinkGone(f"connection lost: {exc}") from exc
            if not data:
                raise LinkGone("the printer closed the connection")

    def in_flight_s(self) -> float:
        return 0.0                              # the pacing keeps it to a few packets

    def reply_allowance_s(self, n_bytes: int) -> float:
        return self.latency_allowance_s

    def close(self) -> None:
        if self._sock is not None:
            try:
                self._sock.close()
            except OSError:
                pass
            self._sock = None

    def _open_socket(self) -> socket.socket:
        if self._sock is None:
            raise LinkGone("not connected")
        return self._sock

    @staticmethod
    def _check_error(sock: socket.socket) -> None:
        code = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        if code:
            raise LinkGone(f"connection lost: {errno.errorcode.get(code, code)}")
