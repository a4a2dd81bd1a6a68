"""The printer check against the ESC/POS printer emulator on a real pty."""

from __future__ import annotations

import pytest

from drivers.printer.emulator.pty_server import PrinterEmulator
from ui.diagnostics.checks.printer import check_printer
from ui.diagnostics.result import Status


@pytest.fixture
def emulator():
    with PrinterEmulator() as printer:
        yield printer


def _env(make_env, emulator, **options):
    return make_env({"printer": {"port": emulator.port}}, **options)


def test_a_ready_printer_passes_with_every_status_class(make_env, emulator):
    result = check_printer(_env(make_env, emulator))
    assert result.status is Status.PASS, result.message
    status = result.details["status"]
    for key in ("offline", "cover_open", "paper_near_end", "paper_out", "cutter_error",
                "unrecoverable_error"):
        assert status[key] is False


def test_out_of_paper_fails(make_env, emulator):
    emulator.set_faults(paper_out=True)
    result = check_printer(_env(make_env, emulator))
    assert result.status is Status.FAIL and "paper out" in result.message
    assert "Load paper" in result.action


def test_paper_near_end_warns(make_env, emulator):
    emulator.set_faults(paper_near_end=True)
    assert check_printer(_env(make_env, emulator)).status is Status.WARN


def test_a_silent_printer_fails_as_not_answering(make_env, emulator):
    emulator.set_faults(silent=True)
    result = check_printer(_env(make_env, emulator))
    assert result.status is Status.FAIL and "does not answer" in result.message


def test_the_test_page_is_printed_with_the_terminal_details(make_env, emulator):
    result = check_printer(_env(make_env, emulator, print_test_page=True))
    assert result.status is Status.PASS and result.details["test_page_bytes"] > 0
    (page,) = emulator.wait_for_receipts(1)
    assert any("T0001" in line for line in page.lines)
    assert any(type(e).__name__ == "PrintedCode" for e in page.elements)
    assert page.cut


def test_a_lan_printer_is_checked_over_tcp(make_env):
    from drivers.printer.emulator import TcpPrinterEmulator
    with TcpPrinterEmulator() as lan:
        result = check_printer(make_env({"printer": {"port": lan.url, "profile": "TM-T88V"}}))
    assert result.status is Status.PASS, result.message
    assert result.details["transport"] == "tcp"
    assert result.details["model"]["profile"] == "TM-T88V"
    assert result.details["model"]["columns"] == 42


def test_a_lan_printer_that_is_off_fails_with_what_to_check(make_env):
    import socket
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = check_printer(make_env({"printer": {"port": f"tcp://127.0.0.1:{port}"}}))
    assert result.status is Status.FAIL and "printer.port" in result.message
    assert "detect --address" in result.action
