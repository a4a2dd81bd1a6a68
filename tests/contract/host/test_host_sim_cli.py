"""`payterm keys generate` and `payterm host-sim` as a technician runs them."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys

from drivers.host.client import HostClient
from drivers.host.keys import load_private_key, load_public_key
from terminal.host_messages import PayOutcome
from terminal.settings.host_section import HostSettings
from tests.contract.host.conftest import pay_request


def payterm(data_dir, *args, **kwargs):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAYTERM")}
    return subprocess.Popen([sys.executable, "-m", "ui.cli.main", "--data-dir", str(data_dir),
                             *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, **kwargs)


def test_keys_then_host_sim_then_pay(tmp_path):
    data = tmp_path / "data"
    first = payterm(data, "keys", "generate")
    first.communicate(timeout=60)
    assert first.returncode == 0
    again = payterm(data, "keys", "generate")
    _out, err = again.communicate(timeout=60)
    assert again.returncode == 3 and "--force" in err
    sim = payterm(data, "host-sim", "--port", "0", "--db", str(tmp_path / "sim.db"))
    try:
        line = sim.stdout.readline()
        url = re.search(r"(http://127\.0\.0\.1:\d+/gateway\.do)", line).group(1)
        keys = data / "keys"
        with HostClient(HostSettings(base_url=url), terminal_id="T0001",
                        private_key=load_private_key(keys / "terminal_private.pem"),
                        host_public_key=load_public_key(keys / "host_public.pem")) as client:
            assert client.pay(pay_request()).outcome is PayOutcome.APPROVED
    finally:
        sim.send_signal(signal.SIGTERM)
        out, _err = sim.communicate(timeout=30)
    assert sim.returncode == 0 and "stopped" in out


def test_host_sim_without_terminal_key_explains(tmp_path):
    sim = payterm(tmp_path / "data", "host-sim", "--port", "0")
    _out, err = sim.communicate(timeout=60)
    assert sim.returncode == 3 and "payterm keys generate" in err
