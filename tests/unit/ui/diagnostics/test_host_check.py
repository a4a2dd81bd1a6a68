"""The host check against the real host simulator over loopback HTTP."""

from __future__ import annotations

import socket
import time

import pytest

from drivers.host.keys import TERMINAL_PRIVATE, TERMINAL_PUBLIC, generate_key_pair
from drivers.host.simulator.runner import start_simulator
from ui.diagnostics.checks.host import check_host
from ui.diagnostics.result import Status


@pytest.fixture
def keys(data_dir):
    folder = data_dir / "keys"
    folder.mkdir(mode=0o700)
    generate_key_pair(folder / TERMINAL_PRIVATE, folder / TERMINAL_PUBLIC)
    return folder


def _run(make_env, keys, tmp_path, host_offset_s=0.0, **options):
    with start_simulator(tmp_path / "sim.db", keys,
                         clock=lambda: time.time() + host_offset_s) as sim:
        return check_host(make_env({"host": {"base_url": sim.url}}, **options))


def test_a_healthy_host_passes_with_each_step_measured(make_env, keys, tmp_path):
    result = _run(make_env, keys, tmp_path)
    assert result.status is Status.PASS, result.message
    for key in ("dns_ms", "tcp_connect_ms", "latency_ms", "clock_skew_s"):
        assert key in result.details
    assert result.details["probe"] == "signed_ping"
    assert abs(result.details["clock_skew_s"]) < 5


def test_a_clock_two_minutes_off_warns(make_env, keys, tmp_path):
    result = _run(make_env, keys, tmp_path, host_offset_s=120)
    assert result.status is Status.WARN and "NTP" in result.action
    assert 110 < result.details["clock_skew_s"] < 130


def test_a_clock_an_hour_off_fails(make_env, keys, tmp_path):
    result = _run(make_env, keys, tmp_path, now=lambda: time.time() - 3600)
    assert result.status is Status.FAIL
    assert result.details["clock_skew_s"] > 3000


def test_a_host_that_is_down_fails_at_the_connect_step(make_env):
    with socket.socket() as probe:          # a port that was free a moment ago
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = check_host(make_env({"host": {"base_url": f"http://127.0.0.1:{port}/gateway.do"}}))
    assert result.status is Status.FAIL and "Cannot connect" in result.message
    assert "dns_ms" in result.details and "tcp_connect_ms" not in result.details


def test_wrong_host_key_fails_as_a_signature_problem(make_env, keys, tmp_path):
    with start_simulator(tmp_path / "sim.db", keys) as sim:
        generate_key_pair(tmp_path / "other.pem", keys / "host_public.pem", force=True)
        result = check_host(make_env({"host": {"base_url": sim.url}}))
    assert result.status is Status.FAIL and "Signed ping failed" in result.message


def test_missing_keys_fail_with_how_to_make_them(make_env, data_dir, tmp_path):
    folder = tmp_path / "simkeys"
    folder.mkdir()
    generate_key_pair(tmp_path / "t.pem", folder / TERMINAL_PUBLIC)
    with start_simulator(tmp_path / "sim.db", folder) as sim:
        result = check_host(make_env({"host": {"base_url": sim.url}}))
    assert result.status is Status.FAIL and "payterm keys generate" in result.action
