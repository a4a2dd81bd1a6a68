"""The USB printer link (usb://VID:PID) through pyusb against the fake printer-class
backend: status, faults, bad ids, unplugging, and exactly-once across a power cut."""

from __future__ import annotations

import dataclasses
import time

import pytest

from drivers.printer.detect import usb_printers
from drivers.printer.emulator.usb_backend import FakeUsbBackend, FakeUsbPrinter
from drivers.printer.encoder import encode_receipt
from drivers.printer.printer_factory import printer_from_settings
from offline_queue.print_jobs import DONE, FAILED_WAITING, PrintJobStore
from offline_queue.print_worker import PrintWorker
from terminal.errors import DeviceError
from terminal.settings.printer_section import PrinterSettings
from tests.unit.drivers.printer.conftest import example_receipt

JOB = "T000126112300000042:sale"
SETTINGS = PrinterSettings(port="usb://0416:5011", profile="generic-58", status_timeout_ms=250,
                           write_timeout_s=1.0, print_end_timeout_s=3.0,
                           qr_link_template="https://r.example.cn/r/{out_trade_no}")


@pytest.fixture
def fake():
    printer = FakeUsbPrinter(0x0416, 0x5011, out_address=0x03, in_address=0x81)
    yield printer
    printer.stop()


@pytest.fixture
def backend(fake):
    bus = FakeUsbBackend(fake)
    bus.add_other(0x046D, 0xC31C)                  # a keyboard, not a printer
    return bus


@pytest.fixture
def make(backend):
    made = []

    def build(**changes):
        printer = printer_from_settings(dataclasses.replace(SETTINGS, **changes),
                                        usb_backend=backend)
        made.append(printer)
        return printer

    yield build
    for printer in made:
        printer.close()


@pytest.fixture
def store(tmp_path):
    s = PrintJobStore.open(tmp_path / "payterm.db")
    yield s
    s.close()


def whole(receipts):
    return [r for r in receipts if r.cut and not r.truncated and r.elements]


def test_prints_through_endpoints_read_from_the_descriptors(make, fake):
    printer = make()
    assert printer.status().ready
    assert not fake.kernel_driver_attached and fake.claimed     # usblp detached, ours
    sent = printer.print_receipt(example_receipt())
    assert printer.status_after_job().ready and printer.last_job_confirmed
    (printed,) = fake.wait_for_receipts(1)
    assert printed.cut and not printed.truncated and printed.byte_count == sent
    assert printed.codes("qr") == [example_receipt().qr_payload]


@pytest.mark.parametrize("fault,flag", [("paper_out", "paper_out"), ("cover_open", "cover_open"),
                                        ("offline", "offline")])
def test_status_over_usb_reports_each_fault(make, fake, fault, flag):
    printer = make()
    fake.set_faults(**{fault: True})
    status = printer.status()
    assert status.known and getattr(status, flag) and not status.ready


def test_silent_usb_printer_is_unknown(make, fake):
    printer = make()
    fake.set_faults(silent=True)
    assert not printer.status().known


def test_wrong_usb_id_names_the_setting(make):
    printer = make(port="usb://1234:5678")
    with pytest.raises(DeviceError) as info:
        printer.status()
    assert "printer.port" in str(info.value) and "1234:5678" in str(info.value)
    assert "USB 打印机未连接" in info.value.user_message


def test_a_usb_device_that_is_not_a_printer_is_refused(make):
    printer = make(port="usb://046d:c31c")
    with pytest.raises(DeviceError) as info:
        printer.status()
    assert "no printer interface" in str(info.value)


def test_one_way_printer_is_refused_with_the_reason():
    fake = FakeUsbPrinter(0x0483, 0x5743, in_address=None)
    try:
        printer = printer_from_settings(dataclasses.replace(SETTINGS, port="usb://0483:5743"),
                                        usb_backend=FakeUsbBackend(fake))
        with pytest.raises(DeviceError) as info:
            printer.status()
        assert "one-way" in str(info.value)
    finally:
        fake.stop()


def test_vendor_specific_interface_is_used_when_there_is_no_printer_class():
    fake = FakeUsbPrinter(0x28E9, 0x0289, interface_class=0xFF, out_address=0x01,
                          in_address=0x82)
    try:
        printer = printer_from_settings(dataclasses.replace(SETTINGS, port="usb://28e9:0289"),
                                        usb_backend=FakeUsbBackend(fake))
        assert printer.status().ready
        printer.close()
    finally:
        fake.stop()


def test_a_printer_that_stops_taking_data_fails_the_write_within_the_timeout(make, fake):
    fake.mechanism.print_bytes_per_s = 0.001
    fake.mechanism.buffer_bytes = 512
    printer = make(write_timeout_s=0.3)
    printer.status()
    started = time.monotonic()
    with pytest.raises(DeviceError) as info:
        printer.send(b"A" * 5000)
    assert time.monotonic() - started < 3 and "timed out" in str(info.value)


def test_unplugged_and_plugged_back_reopens_by_itself(make, fake):
    printer = make()
    assert printer.status().ready
    fake.unplug()
    with pytest.raises(DeviceError):
        printer.status()
    fake.plug_in()
    assert printer.status().ready                   # a new handle, usblp detached again


def test_detect_lists_the_usb_printer_and_skips_the_keyboard(backend):
    found, problem = usb_printers(backend)
    assert problem == ""
    assert [(p.port, p.manufacturer, p.interface_class, p.bidirectional) for p in found] == [
        ("usb://0416:5011", "Winbond", "printer", True)]


def run_until_done(worker, store, deadline_s: float = 10.0) -> None:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if worker.run_once(store) or store.get(JOB).state == DONE:
            return
        time.sleep(0.05)
    raise AssertionError(f"job not done: {store.get(JOB)}")


@pytest.mark.parametrize("fault", ["power_cycle_after_bytes", "disconnect_after_bytes"])
def test_usb_printer_lost_mid_receipt_prints_the_whole_receipt_once(make, fake, store, fault):
    fake.mechanism.print_bytes_per_s = 4000
    printer = make()
    size = len(encode_receipt(example_receipt(), printer.profile, printer.options))
    fake.set_faults(**{fault: size // 2}, boot_s=0.3)
    worker = PrintWorker(store.path, printer, retry_interval_s=0.05)
    store.enqueue(example_receipt())
    assert worker.run_once(store) is False
    assert store.get(JOB).state == FAILED_WAITING
    run_until_done(worker, store)
    time.sleep(0.2)
    receipts = fake.receipts()
    (full,) = whole(receipts)
    banner = "".join(full.lines[:2]).replace(" ", "")      # wraps on 58 mm paper
    assert banner.startswith("重打印REPRINT#1") and "合计" in full.text
    assert all(r.truncated for r in receipts if r is not full and r.elements)
