"""``payterm`` printer commands run as processes against the emulator process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from offline_queue.print_jobs import PrintJobStore
from tests.unit.drivers.printer.conftest import EXAMPLE_JSON, example_receipt

REPO = Path(__file__).resolve().parents[3]


def payterm(data_dir: Path, *args: str, env: dict | None = None, timeout: float = 60):
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("PAYTERM")}
    full_env.update({"PAYTERM_DATA_DIR": str(data_dir), **(env or {})})
    return subprocess.run([sys.executable, "-m", "ui.cli.main", *args], cwd=REPO,
                          env=full_env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def emulator_process(tmp_path):
    link = tmp_path / "lp"
    out = tmp_path / "emu-out"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAYTERM")}
    env["PAYTERM_DATA_DIR"] = str(tmp_path / "emu-data")
    proc = subprocess.Popen([sys.executable, "-m", "ui.cli.main", "printer-emu", "--link",
                             str(link), "--baud", "115200", "--out", str(out)], cwd=REPO,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while not link.is_symlink() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert link.is_symlink(), "emulator did not start"
    yield link, out
    proc.terminate()
    stdout, stderr = proc.communicate(timeout=10)
    assert proc.returncode == 0, stderr          # SIGTERM stops it cleanly
    assert not link.exists() and "received" in stdout


def printer_env(link: Path) -> dict:
    return {"PAYTERM__PRINTER__PORT": str(link), "PAYTERM__PRINTER__BAUD": "115200",
            "PAYTERM__PRINTER__STATUS_TIMEOUT_MS": "250"}


def test_render_writes_the_encoder_bytes(tmp_path):
    out = tmp_path / "r.bin"
    result = payterm(tmp_path, "receipt", "render", "--from", str(EXAMPLE_JSON),
                     "--out", str(out), "--profile", "generic-58")
    assert result.returncode == 0, result.stderr
    assert out.read_bytes().startswith(b"\x1b@\x1c&") and "bytes" in result.stdout


def test_render_rejects_a_bad_file(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"merchant_nam": "x"}))
    result = payterm(tmp_path, "receipt", "render", "--from", str(bad), "--out",
                     str(tmp_path / "x.bin"))
    assert result.returncode == 2 and "merchant_nam" in result.stderr


def test_status_print_test_and_reprint_last(tmp_path, emulator_process):
    link, out = emulator_process
    env = printer_env(link)
    status = payterm(tmp_path, "printer", "status", "--json", env=env)
    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout)["ready"] is True

    test = payterm(tmp_path, "print-test", env=env)
    assert test.returncode == 0, test.stderr + test.stdout

    store = PrintJobStore.open(tmp_path / "payterm.db")
    store.enqueue(example_receipt())
    receipt = store.start_printing("T000126112300000042:sale")
    assert receipt.reprint_count == 0
    store.mark_done("T000126112300000042:sale")
    store.close()
    reprint = payterm(tmp_path, "printer", "reprint-last", env=env)
    assert reprint.returncode == 0, reprint.stderr + reprint.stdout
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not (out / "receipt-0002.txt").exists():
        time.sleep(0.05)
    assert "打印测试 TEST PAGE" in (out / "receipt-0001.txt").read_text(encoding="utf-8")
    assert "重打印 REPRINT #1" in (out / "receipt-0002.txt").read_text(encoding="utf-8")


def test_status_of_a_missing_printer_is_a_device_error(tmp_path):
    result = payterm(tmp_path, "printer", "status",
                     env={"PAYTERM__PRINTER__PORT": str(tmp_path / "nothing")})
    assert result.returncode == 4 and "Printer not connected" in result.stderr


@pytest.mark.parametrize("total", ['"2590"', "25.9", "-2590", "true", "NaN", "9" * 5000],
                         ids=["string", "float", "negative", "boolean", "nan", "huge"])
def test_render_refuses_wrong_totals_naming_the_field(tmp_path, total):
    data = json.loads(EXAMPLE_JSON.read_text(encoding="utf-8"))
    data["total_fen"] = "@TOTAL@"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data).replace('"@TOTAL@"', total))
    result = payterm(tmp_path, "receipt", "render", "--from", str(bad), "--out",
                     str(tmp_path / "x.bin"))
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "total_fen" in result.stderr or "invalid receipt JSON" in result.stderr
    assert not (tmp_path / "x.bin").exists()
