"""Printing the diagnostic slip through the serial driver to the printer emulator (pty)."""

from __future__ import annotations

import pytest

from drivers.printer.emulator.pty_server import PrinterEmulator
from terminal.errors import DeviceError
from ui.diagnostics.catalogue import select_checks
from ui.diagnostics.runner import run_checks
from ui.diagnostics.slip_printing import is_emulated_port, print_slip


@pytest.fixture
def emulator(data_dir):
    # Where `payterm printer-emu` writes by default: <data dir>/printer-emu.
    with PrinterEmulator(out_dir=data_dir / "printer-emu") as printer:
        yield printer


def _report_and_env(make_env, emulator):
    env = make_env({"printer": {"port": emulator.port}})
    return run_checks(select_checks("disk,printer"), env, facts={"version": "9.9"}), env


def test_the_slip_is_printed_and_the_emulator_files_are_named(make_env, emulator, data_dir):
    report, env = _report_and_env(make_env, emulator)
    printed = print_slip(report, env)
    assert printed.emulator and printed.bytes_sent > 0
    assert {p.suffix for p in printed.files} == {".txt", ".png"}
    assert all(p.parent == data_dir / "printer-emu" for p in printed.files)
    assert str(printed.files[0]) in printed.describe()
    (paper,) = emulator.wait_for_receipts(1)
    text = "\n".join(paper.lines)
    assert "T0001" in text and "Diagnostics" in text and "Disk space" in text
    assert paper.cut
    txt = next(p for p in printed.files if p.suffix == ".txt")
    assert "Disk space" in txt.read_text(encoding="utf-8")


def test_a_printer_out_of_paper_prints_nothing_and_says_why(make_env, emulator):
    report, env = _report_and_env(make_env, emulator)
    emulator.set_faults(paper_out=True)
    with pytest.raises(DeviceError, match="not ready") as caught:
        print_slip(report, env)
    assert "no slip printed" in caught.value.user_message
    assert emulator.receipts() == []


def test_only_a_pseudo_terminal_counts_as_the_emulator(emulator):
    assert is_emulated_port(emulator.port)
    assert not is_emulated_port("/dev/null")
