"""The real serial transport over a pty against the emulator."""

from __future__ import annotations

import pytest

from drivers.printer.baud_detect import detect_baud
from drivers.printer.encoder import encode_receipt, encode_receipt_with_boundaries
from drivers.printer.escpos_printer import heartbeat_chunks
from drivers.printer.emulator import PrinterFaults
from drivers.printer.profiles import PROFILES
from terminal.errors import DeviceError
from terminal.ports.printer import ReceiptPrinter
from tests.contract.printer.conftest import make_printer
from tests.unit.drivers.printer.conftest import example_receipt


def test_normal_print_round_trips_text_qr_and_barcode(emulator, printer):
    assert isinstance(printer, ReceiptPrinter)
    assert printer.status().ready
    receipt = example_receipt()
    sent = printer.print_receipt(receipt)
    after = printer.status()
    assert after.known and after.ready
    (printed,) = emulator.wait_for_receipts(1)
    assert printed.cut and not printed.truncated and not printed.unknown_commands
    assert printed.byte_count == sent
    assert printed.codes("qr") == [receipt.qr_payload]
    assert printed.codes("code128") == [receipt.out_trade_no]
    assert "示例便利店 Demo Mart" in printed.text and "￥25.90" in printed.text
    # 4 before, 4 after, and one heartbeat (DLE EOT 1) after each chunk of the job.
    data, boundaries = encode_receipt_with_boundaries(receipt, printer.profile, printer.options)
    assert emulator.status_queries == 8 + len(heartbeat_chunks(data, boundaries, 256))


@pytest.mark.parametrize("fault,flag", [("paper_out", "paper_out"),
                                        ("cover_open", "cover_open"),
                                        ("cutter_error", "cutter_error"),
                                        ("paper_near_end", "paper_near_end")])
def test_status_reports_each_fault(emulator, printer, fault, flag):
    emulator.set_faults(**{fault: True})
    status = printer.status()
    assert status.known and getattr(status, flag)
    assert status.ready is (fault == "paper_near_end")


def test_silent_printer_is_unknown_not_ok(emulator, printer):
    emulator.set_faults(silent=True)
    status = printer.status()
    assert not status.known and not status.ready
    assert "0" in status.problem and emulator.status_queries == 4


def test_garbled_status_is_unknown(emulator, printer):
    emulator.set_faults(garble_status=True)
    status = printer.status()
    assert not status.known and "malformed" in status.problem


def test_late_reply_from_an_earlier_query_is_not_taken_as_status(emulator, printer):
    emulator.set_faults(silent=True)
    assert not printer.status().known
    emulator.set_faults(silent=False, paper_out=True)
    assert printer.status().paper_out


def test_device_vanishing_raises_device_error(emulator, printer):
    assert printer.status().ready
    emulator.stop()
    with pytest.raises(DeviceError) as info:
        printer.status()
    assert info.value.device == "printer" and info.value.retryable
    with pytest.raises(DeviceError):
        printer.print_receipt(example_receipt())      # symlink gone: cannot reopen


def test_write_to_vanished_device_raises_with_wire_capture(emulator, printer):
    printer.status()
    emulator.stop()
    with pytest.raises(DeviceError) as info:
        printer.send(b"x" * 4096)
    assert info.value.wire_capture.startswith(b"\x10\x04\x01")


def test_slow_printer_with_xon_xoff_gets_everything(emulator_factory):
    emu = emulator_factory(flow_control="xonxoff", buffer_bytes=1024,
                           print_bytes_per_s=4_000)
    printer = make_printer(emu.port, flow_control="xonxoff", chunk_bytes=64)
    try:
        for _ in range(2):
            printer.print_receipt(example_receipt())
        assert printer.status().ready
    finally:
        printer.close()
    printed = emu.wait_for_receipts(2)
    assert len(printed) == 2 and not any(r.truncated for r in printed)
    assert emu.xoff_sent >= 1 and emu.overrun_bytes == 0


def test_slow_printer_without_flow_control_loses_data(emulator_factory):
    # The counter-case proves the emulator's buffer is real: ignore XOFF and it overruns.
    emu = emulator_factory(flow_control="xonxoff", buffer_bytes=1024,
                           print_bytes_per_s=4_000)
    printer = make_printer(emu.port, flow_control="none", chunk_bytes=64)
    job = encode_receipt(example_receipt(), printer.profile, printer.options)
    try:
        printer.send(job)               # raw bytes: a heartbeat would notice the loss
        printer.send(job)
        printer.status()
    finally:
        printer.close()
    emu.wait_for_receipts(2, timeout_s=2)
    assert emu.overrun_bytes > 0


def test_flow_control_held_too_long_times_out_instead_of_hanging(emulator_factory):
    emu = emulator_factory(flow_control="xonxoff", buffer_bytes=256, print_bytes_per_s=1.0)
    printer = make_printer(emu.port, flow_control="xonxoff", write_timeout_s=0.3,
                           chunk_bytes=64)
    try:
        with pytest.raises(DeviceError) as info:
            printer.send(b"A" * 20_000)
        assert "timed out" in str(info.value)
    finally:
        printer.close()
    assert emu.xoff_sent == 1


def test_baud_detection_finds_the_printer_rate(emulator_factory):
    emu = emulator_factory(baud=19200)
    baud, probes = detect_baud(emu.port, PROFILES["generic-80"], candidates=(9600, 19200))
    assert baud == 19200
    assert [p.baud for p in probes] == [9600, 19200]
    assert not probes[0].status.known and probes[1].status.ready
    assert emu.garbled_bytes == 12


def test_baud_detection_with_no_printer_answering(emulator_factory):
    emu = emulator_factory(faults=PrinterFaults(silent=True))
    baud, probes = detect_baud(emu.port, PROFILES["generic-80"], candidates=(115200,),
                               status_timeout_ms=50)
    assert baud is None and not probes[0].status.known


def test_fifty_eight_mm_profile_prints_and_decodes(emulator_factory):
    emu = emulator_factory(columns=32, dots_per_line=384)
    printer = make_printer(emu.port, profile=PROFILES["xprinter-58"])
    try:
        printer.print_receipt(example_receipt())
        assert printer.status().ready
    finally:
        printer.close()
    (printed,) = emu.wait_for_receipts(1)
    assert printed.codes("code128") == ["T000126112300000042"]


def test_printer_falling_silent_mid_job_stops_the_send(emulator):
    """A serial port outlives a printer's power cut: the heartbeats between commands
    notice the silence and nothing more of the job is sent (no headless tail)."""
    printer = make_printer(emulator.port, chunk_bytes=128)
    try:
        assert printer.status().ready
        emulator.set_faults(power_cycle_after_bytes=300, boot_s=1.0)
        with pytest.raises(DeviceError) as info:
            printer.print_receipt(example_receipt())
        assert "stopped answering" in str(info.value)
        sent = emulator.received_bytes
        assert sent < len(encode_receipt(example_receipt(), printer.profile,
                                         printer.options))
    finally:
        printer.close()
