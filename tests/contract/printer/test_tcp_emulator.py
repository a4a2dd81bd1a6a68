"""The TCP printer emulator itself, over raw loopback sockets: it must behave like a
raw-port network printer for the LAN transport's tests to mean anything."""

from __future__ import annotations

import socket
import time

import pytest

from drivers.printer.encoder import encode_receipt
from drivers.printer.profiles import PROFILES
from drivers.printer.status_bytes import PRINT_END_QUERY, QUERY_ALL
from tests.unit.drivers.printer.conftest import example_receipt

RECEIPT = encode_receipt(example_receipt(), PROFILES["generic-80"])


def connect(emu) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", emu.port), timeout=2)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def recv_exactly(sock, n: int, timeout_s: float = 2.0) -> bytes:
    sock.settimeout(timeout_s)
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            break
        data += chunk
    return data


def test_status_is_real_time_and_print_end_waits_for_the_head(tcp_emulator_factory):
    emu = tcp_emulator_factory(print_bytes_per_s=2000)
    with connect(emu) as sock:
        sock.sendall(RECEIPT + PRINT_END_QUERY)
        started = time.monotonic()
        sock.sendall(QUERY_ALL)
        assert recv_exactly(sock, 4) == b"\x12\x12\x12\x12"
        assert time.monotonic() - started < 0.3                # ahead of the buffer
        assert recv_exactly(sock, 1) == b"\x00"                # GS r: printed through the cut
        assert time.monotonic() - started > 0.3                # ~0.55 s of printing
    (printed,) = emu.wait_for_receipts(1)
    assert printed.cut and not printed.truncated


def test_one_connection_at_a_time(tcp_emulator):
    first = connect(tcp_emulator)
    second = connect(tcp_emulator)                   # waits in the backlog
    second.sendall(QUERY_ALL)
    second.settimeout(0.3)
    with pytest.raises(socket.timeout):
        second.recv(4)
    first.close()
    assert recv_exactly(second, 4) == b"\x12\x12\x12\x12"
    second.close()


def test_a_full_buffer_stops_reading_and_printing_goes_on_after_hang_up(tcp_emulator_factory):
    emu = tcp_emulator_factory(print_bytes_per_s=5000, buffer_bytes=512)
    with connect(emu) as sock:
        sock.sendall(RECEIPT)
        time.sleep(0.05)
        assert emu.mechanism.buffered() <= 512
    (printed,) = emu.wait_for_receipts(1, timeout_s=5)       # printed after we hung up
    assert printed.cut and printed.byte_count == len(RECEIPT)


def test_disconnect_fault_resets_the_connection_and_marks_the_receipt(tcp_emulator):
    tcp_emulator.set_faults(disconnect_after_bytes=100)
    with connect(tcp_emulator) as sock:
        with pytest.raises(OSError):
            sock.sendall(RECEIPT)
            time.sleep(0.1)
            sock.sendall(RECEIPT)
            recv_exactly(sock, 1)
    assert tcp_emulator.received_bytes == 100
    with connect(tcp_emulator) as sock:                      # the printer itself is fine
        sock.sendall(QUERY_ALL)
        assert recv_exactly(sock, 4) == b"\x12\x12\x12\x12"


def test_power_cycle_loses_unprinted_data_and_refuses_connections_while_booting(
        tcp_emulator_factory):
    emu = tcp_emulator_factory(print_bytes_per_s=1000)
    emu.set_faults(boot_s=0.5)
    with connect(emu) as sock:
        sock.sendall(RECEIPT)
        time.sleep(0.2)                                      # ~200 bytes printed
        emu.power_cycle()
        time.sleep(0.05)
        with pytest.raises(OSError):
            sock.sendall(QUERY_ALL)
            recv_exactly(sock, 4)
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", emu.port), timeout=1)
    (stub,) = emu.wait_for_receipts(1)
    assert stub.truncated and not stub.cut and "合计" not in stub.text
    time.sleep(0.6)
    with connect(emu) as sock:                               # booted: same port again
        sock.sendall(QUERY_ALL)
        assert recv_exactly(sock, 4) == b"\x12\x12\x12\x12"
    assert emu.mechanism.buffered() == 0


@pytest.mark.parametrize("fault,reply", [("offline", 0x1A), ("paper_out", 0x1A),
                                         ("cover_open", 0x1A)])
def test_faults_answer_like_a_printer(tcp_emulator, fault, reply):
    tcp_emulator.set_faults(**{fault: True})
    with connect(tcp_emulator) as sock:
        sock.sendall(QUERY_ALL)
        replies = recv_exactly(sock, 4)
        assert replies[0] == reply                           # offline bit set
        sock.sendall(b"\x1b@hello\n" + PRINT_END_QUERY)
        sock.settimeout(0.3)
        with pytest.raises(socket.timeout):                  # a stopped printer never
            sock.recv(1)                                     # reaches GS r


def test_silent_printer_answers_nothing(tcp_emulator):
    tcp_emulator.set_faults(silent=True)
    with connect(tcp_emulator) as sock:
        sock.sendall(QUERY_ALL + PRINT_END_QUERY)
        sock.settimeout(0.3)
        with pytest.raises(socket.timeout):
            sock.recv(1)
