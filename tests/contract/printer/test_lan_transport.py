"""The LAN printer (tcp://HOST:9100) against the TCP emulator over real loopback TCP:
status, every fault, timeouts, keep-alive, reconnecting, and the exactly-once rule
across a disconnect or a power cycle mid-receipt."""

from __future__ import annotations

import socket
import time

import pytest

from drivers.printer.encoder import encode_receipt
from offline_queue.print_jobs import DONE, FAILED_WAITING, PrintJobStore
from offline_queue.print_worker import PrintWorker
from terminal.errors import DeviceError
from terminal.ports.printer import ReceiptPrinter
from tests.contract.printer.lan import lan_printer
from tests.unit.drivers.printer.conftest import example_receipt

JOB = "T000126112300000042:sale"


@pytest.fixture
def store(tmp_path):
    s = PrintJobStore.open(tmp_path / "payterm.db")
    yield s
    s.close()


def job_bytes(printer) -> int:
    return len(encode_receipt(example_receipt(), printer.profile, printer.options))


def complete(receipts):
    """Whole receipts: cut, nothing lost, with content (a separating cut alone is not)."""
    return [r for r in receipts if r.cut and not r.truncated and r.elements]


def test_normal_print_round_trips_text_qr_and_barcode(tcp_emulator):
    printer = lan_printer(tcp_emulator.url)
    assert isinstance(printer, ReceiptPrinter)
    assert printer.status().ready
    sent = printer.print_receipt(example_receipt())
    after = printer.status_after_job()
    assert after.ready and printer.last_job_confirmed is True
    (printed,) = tcp_emulator.wait_for_receipts(1)
    assert printed.cut and not printed.truncated and not printed.unknown_commands
    assert printed.byte_count == sent
    assert printed.codes("qr") == [example_receipt().qr_payload]
    assert printed.codes("code128") == [example_receipt().out_trade_no]
    assert "示例便利店 Demo Mart" in printed.text
    assert tcp_emulator.mechanism.print_end_queries == 1
    printer.close()


@pytest.mark.parametrize("fault,flag", [("paper_out", "paper_out"), ("cover_open", "cover_open"),
                                        ("offline", "offline"), ("cutter_error", "cutter_error"),
                                        ("paper_near_end", "paper_near_end")])
def test_status_over_tcp_reports_each_fault(tcp_emulator, fault, flag):
    printer = lan_printer(tcp_emulator.url)
    tcp_emulator.set_faults(**{fault: True})
    status = printer.status()
    assert status.known and getattr(status, flag)
    assert status.ready is (fault == "paper_near_end")
    printer.close()


def test_silent_printer_is_unknown_and_the_connection_is_dropped(tcp_emulator):
    printer = lan_printer(tcp_emulator.url)
    tcp_emulator.set_faults(silent=True)
    started = time.monotonic()
    status = printer.status()
    assert not status.known and not status.ready
    assert time.monotonic() - started < 1.5          # 250 ms + 50 ms latency, not seconds
    assert not printer.link.is_open                  # a silent LAN peer may be a dead link
    tcp_emulator.set_faults(silent=False)
    assert printer.status().ready                    # reconnects by itself
    assert tcp_emulator.connections_accepted == 2
    printer.close()


def test_garbled_status_is_unknown(tcp_emulator):
    printer = lan_printer(tcp_emulator.url)
    tcp_emulator.set_faults(garble_status=True)
    status = printer.status()
    assert not status.known and "malformed" in status.problem
    printer.close()


def test_status_is_answered_while_a_long_job_is_still_printing(tcp_emulator_factory):
    emu = tcp_emulator_factory(print_bytes_per_s=2000)      # ~0.6 s for the receipt
    printer = lan_printer(emu.url)
    printer.print_receipt(example_receipt())
    started = time.monotonic()
    assert printer.status().ready                    # real-time: not behind the buffer
    assert time.monotonic() - started < 0.5
    assert printer.status_after_job().ready and printer.last_job_confirmed
    assert complete(emu.wait_for_receipts(1))
    printer.close()


def test_connection_refused_names_the_setting():
    with socket.socket() as probe:                   # a free port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    printer = lan_printer(f"tcp://127.0.0.1:{port}")
    with pytest.raises(DeviceError) as info:
        printer.status()
    assert "printer.port" in str(info.value) and "refused" in str(info.value)


def test_printer_that_does_not_answer_times_out_at_the_connect_timeout():
    # A listener whose backlog is full and never accepts: further SYNs go unanswered,
    # exactly like an address where no printer is switched on.
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(0)
        port = busy.getsockname()[1]
        fillers = []
        for _ in range(4):
            s = socket.socket()
            s.setblocking(False)
            s.connect_ex(("127.0.0.1", port))
            fillers.append(s)
        time.sleep(0.1)
        printer = lan_printer(f"tcp://127.0.0.1:{port}", connect_timeout_s=0.4)
        started = time.monotonic()
        with pytest.raises(DeviceError) as info:
            printer.status()
        elapsed = time.monotonic() - started
        for s in fillers:
            s.close()
    assert "no answer" in str(info.value) and "printer.port" in str(info.value)
    assert 0.3 < elapsed < 3.0
    assert "网络打印机无应答" in info.value.user_message


def test_keep_alive_and_no_delay_are_set(tcp_emulator):
    printer = lan_printer(tcp_emulator.url, keepalive_idle_s=7)
    printer.status()
    sock = printer.link._sock
    assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE) == 1
    assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE) == 7
    assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
    assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT) == 7000
    printer.close()


def test_a_printer_that_stops_taking_bytes_fails_the_write_within_the_timeout(
        tcp_emulator_factory):
    emu = tcp_emulator_factory(print_bytes_per_s=0.001, buffer_bytes=1024)
    printer = lan_printer(emu.url, write_timeout_s=0.5)
    printer.status()
    started = time.monotonic()
    with pytest.raises(DeviceError) as info:
        printer.send(b"A" * 400_000)
    assert time.monotonic() - started < 5
    assert "took nothing" in str(info.value) or "timed out" in str(info.value)
    assert info.value.wire_capture                   # the last bytes, for the technician
    assert not printer.link.is_open


def test_printer_restarted_while_idle_is_reconnected_transparently(tcp_emulator):
    tcp_emulator.set_faults(boot_s=0.2)
    printer = lan_printer(tcp_emulator.url)
    assert printer.status().ready
    tcp_emulator.power_cycle()
    time.sleep(0.4)                                  # booted again; our socket is stale
    assert printer.status().ready
    assert printer.link.connects == 2
    printer.close()


def test_release_idle_frees_the_printer_for_another_client(tcp_emulator):
    first, second = lan_printer(tcp_emulator.url), lan_printer(tcp_emulator.url)
    assert first.status().ready
    first.release_idle()                             # the queue is empty
    assert second.status().ready
    second.close()


# -- exactly once across link faults (durable queue + worker + real driver) ----------

def run_until_done(worker, store, deadline_s: float = 10.0) -> None:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if worker.run_once(store) or store.get(JOB).state == DONE:
            return
        time.sleep(0.05)
    raise AssertionError(f"job not done: {store.get(JOB)}")


@pytest.mark.parametrize("where", ["early", "middle", "last byte"])
def test_power_cycle_mid_receipt_prints_the_whole_receipt_once(tcp_emulator_factory, store,
                                                               where):
    emu = tcp_emulator_factory(print_bytes_per_s=4000)
    printer = lan_printer(emu.url)
    size = job_bytes(printer)
    cut_at = {"early": 200, "middle": size // 2, "last byte": size}[where]
    emu.set_faults(power_cycle_after_bytes=cut_at, boot_s=0.3)
    events = []
    worker = PrintWorker(store.path, printer, retry_interval_s=0.05, listener=events.append)
    store.enqueue(example_receipt())
    assert worker.run_once(store) is False
    assert store.get(JOB).state == FAILED_WAITING
    assert events[-1].kind in ("device_error", "cut_short")
    run_until_done(worker, store)
    receipts = emu.wait_for_receipts(2, timeout_s=5)
    whole = complete(receipts)
    assert len(whole) == 1, [(r.cut, r.truncated, r.lines[:2]) for r in receipts]
    (full,) = whole
    assert full.lines[0].strip() == "重打印 REPRINT #1"
    assert "合计" in full.text and full.codes("qr") == [example_receipt().qr_payload]
    stubs = [r for r in receipts if r is not full and r.elements]
    assert all(r.truncated for r in stubs)           # never a second whole copy
    assert emu.mechanism.power_cycles == 1 and store.get(JOB).sends == 2


def test_without_print_end_confirmation_a_power_cut_after_sending_loses_the_tail(
        tcp_emulator_factory, store):
    """Why payterm waits for GS r: the job was all sent and the real-time status said
    ready, but the printer had not printed it yet when the power went."""
    emu = tcp_emulator_factory(print_bytes_per_s=1000)
    printer = lan_printer(emu.url, confirm_print_end=False)
    worker = PrintWorker(store.path, printer, retry_interval_s=0.05)
    store.enqueue(example_receipt())
    assert worker.run_once(store) is True             # "done" at once...
    emu.power_cycle()                                 # ...while the head is still printing
    (stub,) = emu.wait_for_receipts(1)
    assert stub.truncated and not stub.cut and store.get(JOB).state == DONE


def test_disconnect_mid_job_prints_the_whole_receipt_once_more_marked(tcp_emulator_factory,
                                                                        store):
    emu = tcp_emulator_factory()
    printer = lan_printer(emu.url)
    emu.set_faults(disconnect_after_bytes=job_bytes(printer) // 2)
    worker = PrintWorker(store.path, printer, retry_interval_s=0.05)
    store.enqueue(example_receipt())
    assert worker.run_once(store) is False
    assert "connection" in store.get(JOB).last_error
    run_until_done(worker, store)
    receipts = emu.wait_for_receipts(1)
    time.sleep(0.1)
    receipts = emu.receipts()
    whole = complete(receipts)
    assert len(whole) == 1 and whole[0].lines[0].strip() == "重打印 REPRINT #1"
    assert emu.mechanism.disconnects == 1


@pytest.mark.parametrize("fault", ["paper_out", "cover_open", "offline", "silent"])
def test_a_job_waits_while_the_lan_printer_is_not_ready_and_prints_once_after(
        tcp_emulator, store, fault):
    printer = lan_printer(tcp_emulator.url)
    worker = PrintWorker(store.path, printer, retry_interval_s=0.05)
    store.enqueue(example_receipt())
    tcp_emulator.set_faults(**{fault: True})
    assert worker.run_once(store) is False
    assert store.get(JOB).sends == 0 and tcp_emulator.receipts() == []
    tcp_emulator.set_faults(**{fault: False})
    assert worker.run_once(store) is True
    (printed,) = tcp_emulator.wait_for_receipts(1)
    assert printed.cut and not printed.truncated and "REPRINT" not in printed.text
    assert store.get(JOB).sends == 1


@pytest.mark.parametrize("fault", ["paper_out_after_bytes", "cover_open_after_bytes"])
def test_paper_or_cover_mid_job_over_tcp_reprints_in_full_after_the_fix(tcp_emulator, store,
                                                                         fault):
    printer = lan_printer(tcp_emulator.url)
    worker = PrintWorker(store.path, printer, retry_interval_s=0.05)
    store.enqueue(example_receipt())
    tcp_emulator.set_faults(**{fault: 300})
    assert worker.run_once(store) is False
    assert store.get(JOB).state == FAILED_WAITING
    tcp_emulator.set_faults(paper_out=False, cover_open=False)
    run_until_done(worker, store)
    receipts = tcp_emulator.wait_for_receipts(2)
    assert len(complete(receipts)) == 1 and receipts[0].truncated
    assert complete(receipts)[0].lines[0].strip() == "重打印 REPRINT #1"


def test_printer_off_on_the_lan_keeps_the_receipt_and_prints_it_when_back(tcp_emulator_factory,
                                                                          store):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    events = []
    printer = lan_printer(f"tcp://127.0.0.1:{port}")
    worker = PrintWorker(store.path, printer, retry_interval_s=0.05, listener=events.append)
    store.enqueue(example_receipt())
    assert worker.run_once(store) is False
    assert events[-1].kind == "device_error" and "printer.port" in events[-1].message
    assert store.get(JOB).sends == 0                  # nothing was sent; nothing lost
    from drivers.printer.emulator import TcpPrinterEmulator
    emu = TcpPrinterEmulator("127.0.0.1", port).start()   # the printer is switched on
    try:
        run_until_done(worker, store)
        (printed,) = emu.wait_for_receipts(1)
        assert printed.cut and "REPRINT" not in printed.text
    finally:
        emu.stop()
