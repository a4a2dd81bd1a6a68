import os
import pty

import pytest

from ui.diagnostics.checks.serial_ports import check_serial_ports, probe_port
from ui.diagnostics.result import Status


@pytest.fixture
def pty_path():
    master, slave = pty.openpty()
    path = os.ttyname(slave)
    yield path
    os.close(master)
    os.close(slave)


def test_present_ports_pass(make_env, pty_path):
    env = make_env({"printer": {"port": pty_path}, "scanner": {"serial_port": pty_path}})
    result = check_serial_ports(env)
    assert result.status is Status.PASS
    assert result.details["ports"]["printer"]["openable"] is True
    assert result.details["ports"]["printer"]["char_device"] is True


def test_a_missing_printer_fails_naming_the_device(make_env, tmp_path):
    env = make_env({"printer": {"port": str(tmp_path / "ttyUSB9")}})
    result = check_serial_ports(env)
    assert result.status is Status.FAIL and "ttyUSB9" in result.message
    assert "udev" in result.action


def test_nothing_configured_passes(make_env):
    assert check_serial_ports(make_env({"printer": {"enabled": False}})).status is Status.PASS


def test_probe_resolves_stable_names(tmp_path, pty_path):
    link = tmp_path / "payterm-printer"
    link.symlink_to(pty_path)
    assert probe_port(str(link))["resolves_to"] == os.path.realpath(pty_path)
