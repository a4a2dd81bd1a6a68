"""A lost journal and a cloned terminal, through ``payterm`` run as a process.

A new or zero-byte ``payterm.db`` next to existing keys must not silently start
numbering again (the issue: the host answered ACQ.CONTEXT_INCONSISTENT, the resolver's
query found the old trade paid, and the new payment showed "approved" while nothing was
charged). Two terminals configured with the same terminal id are refused by the host.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from drivers.host.simulator.config import SimulatorConfig
from drivers.host.simulator.runner import start_simulator
from tests.hostile.conftest import code

CONFIG = """
[terminal]
terminal_id = "T0042"
[host]
base_url = "{url}"
connect_timeout_s = 1.0
read_timeout_s = 3.0
[resolver.alipay]
first_query_delay_s = 0.05
poll_interval_s = 0.1
poll_budget_s = 1.0
cancel_retry_interval_s = 0.1
"""


def payterm(data: Path, config: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAYTERM")}
    env.update(PAYTERM_DATA_DIR=str(data), PAYTERM_CONFIG=str(config))
    return subprocess.run([sys.executable, "-m", "ui.cli.main", *args], env=env,
                          capture_output=True, text=True, timeout=120)


def pay(data: Path, config: Path, amount: str) -> subprocess.CompletedProcess:
    return payterm(data, config, "pay", "--amount", amount, "--code", code(), "--json")


@pytest.fixture
def setup(tmp_path, request):
    """A terminal set up as the README says (``payterm keys generate``) and its host.
    Parametrize indirectly with the host's ``journal_switch_after_s``."""
    data = tmp_path / "terminal"
    config = tmp_path / "payterm.toml"
    config.write_text(CONFIG.format(url="http://127.0.0.1:9/gateway.do"))
    made = payterm(data, config, "keys", "generate")
    assert made.returncode == 0, made.stdout + made.stderr
    switch_after_s = getattr(request, "param", 600.0)
    with start_simulator(tmp_path / "host.db", data / "keys",
                         SimulatorConfig(journal_switch_after_s=switch_after_s)) as sim:
        config.write_text(CONFIG.format(url=sim.url))
        yield data, config, sim


def first_payment(data: Path, config: Path) -> str:
    import json
    done = pay(data, config, "1.00")
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout)["out_trade_no"]


# The host lets a new journal take the terminal id over at once (its operator's choice;
# by default it waits until the old journal has been quiet for 10 minutes).
@pytest.mark.parametrize("setup", [0.0], indirect=True)
@pytest.mark.parametrize("loss", ["zero_bytes", "deleted"])
def test_lost_journal_next_to_keys_stops_until_a_new_one_is_started(setup, loss):
    import json
    data, config, sim = setup
    first = first_payment(data, config)
    db = data / "payterm.db"
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    if loss == "zero_bytes":
        db.write_bytes(b"")
    else:
        db.unlink()
    refused = pay(data, config, "2.00")
    said = refused.stdout + refused.stderr
    assert refused.returncode not in (0, 1), said
    assert "journal new" in said and "payterm.db" in said
    assert len(sim.ledger.trades()) == 1           # nothing reached the host
    assert payterm(data, config, "journal", "new").returncode == 2   # needs --confirm
    started = payterm(data, config, "journal", "new", "--confirm")
    assert started.returncode == 0, started.stdout + started.stderr
    again = pay(data, config, "2.00")
    assert again.returncode == 0, again.stdout + again.stderr
    second = json.loads(again.stdout)["out_trade_no"]
    assert second != first
    charged = {c["out_trade_no"]: c["net_fen"] for c in sim.ledger.charges()}
    assert charged == {first: 100, second: 200}


def test_journal_new_refuses_to_replace_a_journal_in_use(setup):
    data, config, _sim = setup
    first_payment(data, config)
    again = payterm(data, config, "journal", "new", "--confirm")
    assert again.returncode == 2
    assert "payterm.db" in again.stdout + again.stderr


def test_two_terminals_with_one_terminal_id_are_refused(setup, tmp_path):
    import json
    data, config, sim = setup
    first_payment(data, config)
    clone = tmp_path / "clone"
    clone.mkdir()
    shutil.copytree(data / "keys", clone / "keys")
    made = payterm(clone, config, "journal", "new", "--confirm")
    assert made.returncode == 0, made.stdout + made.stderr
    refused = pay(clone, config, "3.00")
    assert refused.returncode == 1, refused.stdout + refused.stderr
    answer = json.loads(refused.stdout)
    assert answer["state"] == "declined"
    assert answer["sub_code"] == "PAYTERM.TERMINAL_ID_CONFLICT"
    assert "终端号" in answer["message"] and "terminal id" in answer["message"]
    assert len(sim.ledger.charges()) == 1
