"""``payterm`` printer commands for LAN printers and models, run as processes: the
TCP emulator process, status and a test page over tcp://, detect --address, profiles."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time

import pytest

from drivers.printer.profiles import database, excluded_models, list_profiles
from tests.contract.printer.test_cli import REPO, payterm


@pytest.fixture
def tcp_emulator_process(tmp_path):
    out = tmp_path / "emu-out"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAYTERM")}
    env["PAYTERM_DATA_DIR"] = str(tmp_path / "emu-data")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "ui.cli.main", "printer-emu", "--tcp",
                             f"127.0.0.1:{port}", "--out", str(out)], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.05)
    else:
        proc.kill()
        pytest.fail("emulator did not start listening")
    yield f"tcp://127.0.0.1:{port}", out
    proc.terminate()
    stdout, stderr = proc.communicate(timeout=10)
    assert proc.returncode == 0, stderr
    assert "received" in stdout


def lan_env(url: str) -> dict:
    return {"PAYTERM__PRINTER__PORT": url, "PAYTERM__PRINTER__STATUS_TIMEOUT_MS": "250"}


def test_status_and_test_page_over_tcp(tmp_path, tcp_emulator_process):
    url, out = tcp_emulator_process
    status = payterm(tmp_path, "printer", "status", "--json", env=lan_env(url))
    assert status.returncode == 0, status.stderr
    data = json.loads(status.stdout)
    assert data["ready"] and data["port"] == url and data["profile"] == "generic-80"
    page = payterm(tmp_path, "print-test", "--profile", "TM-T88V", env=lan_env(url))
    assert page.returncode == 0, page.stderr
    assert "print end confirmed" in page.stdout
    deadline = time.monotonic() + 10
    while not list(out.glob("receipt-*.txt")) and time.monotonic() < deadline:
        time.sleep(0.05)
    (text_file,) = out.glob("receipt-*.txt")
    assert "打印测试 TEST PAGE" in text_file.read_text(encoding="utf-8")


def test_detect_probes_exactly_the_given_address(tmp_path, tcp_emulator_process):
    url, _ = tcp_emulator_process
    address = url.removeprefix("tcp://")
    result = payterm(tmp_path, "printer", "detect", "--address", address, "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["network"]["port"] == url and data["network"]["connected"]
    assert data["network"]["status"]["ready"] is True
    assert isinstance(data["serial_ports"], list) and isinstance(data["usb_printers"], list)


@pytest.mark.parametrize("address", ["192.168.1.0/24", "10.0.0.1-20", "*", "10.0.0.1,10.0.0.2"])
def test_detect_refuses_a_range(tmp_path, address):
    result = payterm(tmp_path, "printer", "detect", "--address", address)
    assert result.returncode == 2 and "never scans a network range" in result.stderr


def test_detect_reports_an_address_where_nothing_answers(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = payterm(tmp_path, "printer", "detect", "--address", f"127.0.0.1:{port}")
    assert result.returncode == 1 and "not connected" in result.stdout


def test_status_of_a_lan_printer_that_is_off_names_the_setting(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = payterm(tmp_path, "printer", "status", env=lan_env(f"tcp://127.0.0.1:{port}"))
    assert result.returncode == 4 and "printer.port" in result.stderr


@pytest.mark.parametrize("setting,value", [("PORT", "COM3"), ("PORT", "lpt://1"),
                                           ("PROFILE", "TM-T1000")])
def test_bad_printer_settings_are_refused_naming_the_setting(tmp_path, setting, value):
    result = payterm(tmp_path, "printer", "status", env={f"PAYTERM__PRINTER__{setting}": value})
    assert result.returncode != 0
    assert f"printer.{setting.lower()}" in result.stderr


def test_profiles_json_is_the_whole_catalogue_exactly(tmp_path):
    result = payterm(tmp_path, "printer", "profiles", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["count"] == len(data["profiles"]) == len(list_profiles())
    assert [p["name"] for p in data["profiles"]] == [p.name for p in list_profiles()]
    assert data["profiles"] == [p.as_dict() for p in list_profiles()]
    assert [m["name"] for m in data["excluded"]] == [m.name for m in excluded_models()]
    listed = {p["name"] for p in data["profiles"]} | {m["name"] for m in data["excluded"]}
    assert set(database()["profiles"]) <= listed
    assert re.match(r"python-escpos \d", data["database"])


def test_profiles_table_marks_the_configured_model(tmp_path):
    result = payterm(tmp_path, "printer", "profiles",
                     env={"PAYTERM__PRINTER__PROFILE": "epson-tm-t20"})
    assert result.returncode == 0, result.stderr
    row = next(line for line in result.stdout.splitlines() if "TM-T20II " in line)
    assert row.startswith("* ") and "epson-tm-t20" in row
    assert f"{len(list_profiles())} 个型号" in result.stdout
