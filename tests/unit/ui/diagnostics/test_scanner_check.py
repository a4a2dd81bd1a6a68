"""The scanner check against the serial scanner driver on a real pty: the "scanner"
writes a code to the master side when the check asks the technician to scan."""

from __future__ import annotations

import json
import os
import threading
import tty

import pytest

from ui.diagnostics.checks.scanner import check_scanner
from ui.diagnostics.result import Status

CODE = "281234567890123456"        # an 18-digit Alipay-style payment code


@pytest.fixture
def scanner_pty():
    master, slave = os.openpty()
    tty.setraw(slave)
    yield master, os.ttyname(slave)
    os.close(master)
    os.close(slave)


def _env(make_env, port, wait_s=5.0, **options):
    return make_env({"scanner": {"serial_port": port, "serial_read_timeout_s": 0.05},
                     "diagnostics": {"scanner_wait_s": wait_s}}, **options)


def test_a_scan_passes_and_the_code_is_shown_masked_only(make_env, scanner_pty):
    master, port = scanner_pty
    prompts = []

    def technician_scans(text):
        prompts.append(text)
        os.write(master, CODE.encode() + b"\r")

    result = check_scanner(_env(make_env, port, say=technician_scans))
    assert result.status is Status.PASS, result.message
    assert "Scan any code" in prompts[0]
    assert "2812**********3456" in result.message and "Alipay" in result.message
    assert result.details["length"] == 18 and result.details["wallet"] == "alipay"
    assert CODE not in json.dumps(result.to_dict(), ensure_ascii=False)


def test_a_product_barcode_passes_as_not_a_payment_code(make_env, scanner_pty):
    master, port = scanner_pty
    result = check_scanner(_env(make_env, port, say=lambda _: os.write(
        master, b"6901234567892\r")))
    assert result.status is Status.PASS and "not a payment code" in result.message
    assert "6901234567892" not in result.message


def test_no_scan_within_the_wait_fails_with_what_to_check(make_env, scanner_pty):
    _, port = scanner_pty
    result = check_scanner(_env(make_env, port, wait_s=1.0))
    assert result.status is Status.FAIL and "No scan arrived" in result.message
    assert "serial_terminator" in result.action


def test_cancel_ends_the_wait_early(make_env, scanner_pty):
    _, port = scanner_pty
    cancel = threading.Event()
    env = _env(make_env, port, wait_s=60.0, say=lambda _: cancel.set()).with_cancel(cancel)
    result = check_scanner(env)
    assert result.status is Status.FAIL and "cancelled" in result.message


def test_a_missing_serial_port_fails(make_env, tmp_path):
    result = check_scanner(_env(make_env, str(tmp_path / "ttyUSB9")))
    assert result.status is Status.FAIL and "cannot be opened" in result.message


def test_a_keyboard_wedge_scanner_says_it_cannot_be_read_from_the_command_line(make_env):
    result = check_scanner(make_env())
    assert result.status is Status.SKIP
    assert "keyboard-wedge" in result.message and "technician screen" in result.action
