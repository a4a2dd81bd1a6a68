"""``payterm diag`` as a process against the host simulator and the printer emulator."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from drivers.host.keys import TERMINAL_PRIVATE, TERMINAL_PUBLIC, generate_key_pair
from drivers.host.simulator.runner import start_simulator
from drivers.printer.emulator.pty_server import PrinterEmulator
from offline_queue.journal_identity import start_new_journal
from tests.conftest import MODELS_DIR


@pytest.fixture
def devices(data_dir, tmp_path):
    keys = data_dir / "keys"
    keys.mkdir(mode=0o700)
    generate_key_pair(keys / TERMINAL_PRIVATE, keys / TERMINAL_PUBLIC)
    start_new_journal(data_dir / "payterm.db")      # as `payterm keys generate` does
    with start_simulator(tmp_path / "sim.db", keys) as sim, PrinterEmulator() as printer:
        yield sim, printer


def _diag(data_dir: Path, sim, printer, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAYTERM")}
    env.update({"PAYTERM_DATA_DIR": str(data_dir), "TZ": "Asia/Shanghai",
                "PAYTERM__HOST__BASE_URL": sim.url, "PAYTERM__PRINTER__PORT": printer.port,
                "PAYTERM__CAMERA__SOURCE": "sim",
                # The emulator is a Python thread sharing two cores with the camera
                # check's models: give its status replies more than a real printer needs.
                "PAYTERM__PRINTER__STATUS_TIMEOUT_MS": "500",
                "PAYTERM__FACE__MODELS_DIR": str(MODELS_DIR)})
    return subprocess.run([sys.executable, "-m", "ui.cli.main", "diag", *args], env=env,
                          capture_output=True, text=True, timeout=90)


def test_healthy_terminal_exits_0_with_a_json_report(data_dir, devices):
    out = _diag(data_dir, *devices, "--json")
    report = json.loads(out.stdout)
    statuses = {c["name"]: c["status"] for c in report["checks"]}
    assert out.returncode == 0, statuses
    assert statuses["printer"] == "pass" and statuses["host"] == "pass"
    assert statuses["disk"] == "pass" and statuses["queue"] == "pass"
    assert "fail" not in statuses.values()
    assert report["facts"]["terminal_id"] == "T0001"


def test_printer_out_of_paper_exits_1_and_says_what_to_do(data_dir, devices):
    sim, printer = devices
    printer.set_faults(paper_out=True)
    out = _diag(data_dir, sim, printer)
    assert out.returncode == 1
    assert "失败 FAIL" in out.stdout and "paper out" in out.stdout, out.stdout
    assert "处理建议 / What to do" in out.stdout and "Load paper" in out.stdout
    # The whole run's summary waits for the next ping to the back office (names only).
    summary = json.loads((data_dir / "payterm.diag-last.json").read_text(encoding="utf-8"))
    assert summary["overall"] == "fail" and "printer" in summary["failed"]
    assert "paper" not in json.dumps(summary)


def test_host_down_exits_1(data_dir, devices):
    sim, printer = devices
    sim.stop()
    out = _diag(data_dir, sim, printer, "--json", "--only", "host")
    report = json.loads(out.stdout)
    assert out.returncode == 1 and [c["status"] for c in report["checks"]] == ["fail"]


def test_slip_is_written_as_a_receipt(data_dir, devices, tmp_path):
    slip = tmp_path / "slip.json"
    out = _diag(data_dir, *devices, "--only", "disk,printer", "--slip-json", str(slip))
    assert out.returncode == 0
    receipt = json.loads(slip.read_text(encoding="utf-8"))
    assert receipt["kind"] == "test_page"
    assert any("Printer" in label for label, _ in receipt["extra_lines"])


def test_unknown_check_name_is_bad_usage(data_dir, devices):
    out = _diag(data_dir, *devices, "--only", "camra")
    assert out.returncode == 2 and "known:" in out.stderr


def test_scanner_check_waits_for_a_scan_and_prints_it_masked(data_dir, devices):
    import tty
    sim, printer = devices
    master, slave = os.openpty()
    tty.setraw(slave)
    code = "134567890123456789"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAYTERM")}
    env.update({"PAYTERM_DATA_DIR": str(data_dir), "PAYTERM__SCANNER__SERIAL_PORT":
                os.ttyname(slave), "PAYTERM__DIAGNOSTICS__SCANNER_WAIT_S": "30"})
    process = subprocess.Popen([sys.executable, "-m", "ui.cli.main", "diag", "--only",
                                "scanner"], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        prompt = process.stderr.readline()        # the check asks for a scan first
        assert "Scan any code" in prompt
        os.write(master, code.encode() + b"\r")
        stdout, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
        os.close(master)
        os.close(slave)
    assert process.returncode == 0, stdout + stderr
    assert "1345**********6789" in stdout and "WeChat" in stdout
    assert code not in stdout + stderr + prompt
    log_text = "".join(p.read_text() for p in (data_dir / "logs").glob("*"))
    assert code not in log_text


def test_print_slip_on_the_emulator_process_says_where_it_was_written(data_dir, devices,
                                                                      tmp_path):
    sim, _ = devices
    link = tmp_path / "printer"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAYTERM")}
    env["PAYTERM_DATA_DIR"] = str(data_dir)
    emulator = subprocess.Popen([sys.executable, "-m", "ui.cli.main", "printer-emu", "--link",
                                 str(link), "--seconds", "60"], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert "printer emulator on" in emulator.stdout.readline()
        env.update({"PAYTERM__PRINTER__PORT": str(link), "TZ": "Asia/Shanghai"})
        out = subprocess.run([sys.executable, "-m", "ui.cli.main", "diag", "--only",
                              "disk,printer", "--print-slip"], env=env, capture_output=True,
                             text=True, timeout=90)
    finally:
        emulator.terminate()
        emulator.communicate(timeout=30)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "Diagnostic slip printed on" in out.stdout
    written = data_dir / "printer-emu" / "receipt-0001.txt"
    assert str(written) in out.stdout
    assert "Printer" in written.read_text(encoding="utf-8")


def test_print_slip_with_the_printer_out_of_paper_exits_4_after_the_report(data_dir,
                                                                         devices):
    sim, printer = devices
    printer.set_faults(paper_out=True)
    out = _diag(data_dir, sim, printer, "--only", "disk", "--print-slip")
    assert out.returncode == 4
    assert "Disk space" in out.stdout and "no slip printed" in out.stderr


def test_a_lost_journal_fails_the_queue_check(data_dir, devices):
    (data_dir / "payterm.db").write_bytes(b"")
    for suffix in ("-wal", "-shm"):
        Path(f"{data_dir / 'payterm.db'}{suffix}").unlink(missing_ok=True)
    out = _diag(data_dir, *devices, "--json", "--only", "queue")
    queue = next(c for c in json.loads(out.stdout)["checks"] if c["name"] == "queue")
    assert out.returncode == 1 and queue["status"] == "fail"
    assert "journal new" in json.dumps(queue, ensure_ascii=False)
    # A partial run (--only) does not stand for the terminal's health at the back office.
    assert not (data_dir / "payterm.diag-last.json").exists()
