"""A held payment as a technician meets it: ``payterm pay`` says so, ``journal list``
raises the alarm, ``diag`` fails, ``eod`` refuses (exit 1, ``closed: false``) until a
person's ``journal recheck`` gets a consistent answer; and a day whose lines differ from
the host's bill stays open, naming the lines."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from drivers.host.keys import HOST_PRIVATE, load_private_key
from drivers.host.simulator.config import SimulatorConfig
from drivers.host.simulator.runner import start_simulator
from drivers.host.wire import METHOD_PAY, METHOD_QUERY
from tests.hostile.conftest import code
from tests.hostile.hostile_proxy import Body, HostileProxy

CONFIG = """
[terminal]
terminal_id = "T0077"
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
    env.update(PAYTERM_DATA_DIR=str(data), PAYTERM_CONFIG=str(config), TZ="Asia/Shanghai",
               PAYTERM__CAMERA__SOURCE="sim")
    return subprocess.run([sys.executable, "-m", "ui.cli.main", *args], env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def world(tmp_path):
    data, config = tmp_path / "terminal", tmp_path / "payterm.toml"
    config.write_text(CONFIG.format(url="http://127.0.0.1:9/gateway.do"))
    assert payterm(data, config, "keys", "generate").returncode == 0
    with start_simulator(tmp_path / "host.db", data / "keys", SimulatorConfig()) as sim, \
            HostileProxy(sim.url, load_private_key(data / "keys" / HOST_PRIVATE)) as proxy:
        config.write_text(CONFIG.format(url=proxy.url))
        yield data, config, sim, proxy


def test_held_payment_alarms_everywhere_until_a_person_rechecks(world):
    data, config, sim, proxy = world
    proxy.attack = lambda ex: (Body(proxy.resign(ex.forward(), ex.method, total_amount="0.01"))
                               if ex.method in (METHOD_PAY, METHOD_QUERY) else None)
    paid = payterm(data, config, "pay", "--amount", "88.00", "--code", code(), "--json")
    attempt = json.loads(paid.stdout)
    assert paid.returncode == 1 and attempt["state"] == "held", paid.stdout + paid.stderr
    assert "主机应答不一致" in attempt["message"]
    no = attempt["out_trade_no"]

    listing = payterm(data, config, "journal", "list")
    assert "HELD" in listing.stdout and no in listing.stdout
    held = json.loads(payterm(data, config, "journal", "list", "--held", "--json").stdout)
    assert [a["out_trade_no"] for a in held["items"]] == [no] and held["total"] == 1
    shown = json.loads(payterm(data, config, "journal", "show", no, "--json").stdout)
    problems = [e["detail"].get("problems") for e in shown["history"]
                if e["event"] in ("answer_inconsistent", "held_for_person")]
    assert len(problems) == 2 and all("0.01" in p[0] for p in problems)

    diag = payterm(data, config, "diag", "--only", "queue", "--json")
    queue = json.loads(diag.stdout)["checks"][0]
    assert diag.returncode == 1 and queue["status"] == "fail" and no in queue["message"]

    eod = payterm(data, config, "eod", "--json")
    day = json.loads(eod.stdout)
    assert eod.returncode == 1 and day["closed"] is False
    assert [h["out_trade_no"] for h in day["blockers"]["held"]] == [no]
    resolve = payterm(data, config, "resolve", "--json")
    assert resolve.returncode == 1            # nothing the terminal can finish alone...
    assert json.loads(resolve.stdout) == {"unresolved": [], "held": held["items"]}  # held

    proxy.attack = None                       # the host's operator fixed its answers
    settled = payterm(data, config, "journal", "recheck", no, "--json")
    assert settled.returncode == 0 and json.loads(settled.stdout)["state"] == "approved"
    closed = payterm(data, config, "eod", "--json")
    assert closed.returncode == 0, closed.stdout + closed.stderr
    assert json.loads(closed.stdout)["closed"] is True


def test_a_day_whose_lines_differ_from_the_host_stays_open(world, tmp_path):
    data, config, sim, _proxy = world
    numbers = []
    for amount in ("1.00", "2.00", "3.00"):
        paid = payterm(data, config, "pay", "--amount", amount, "--code", code(), "--json")
        assert paid.returncode == 0, paid.stdout + paid.stderr
        numbers.append(json.loads(paid.stdout)["out_trade_no"])
    # The host loses one trade and books another amount for a second one.
    with sqlite3.connect(tmp_path / "host.db") as ledger:
        ledger.execute("DELETE FROM trades WHERE out_trade_no = ?", [numbers[0]])
        ledger.execute("UPDATE trades SET amount_fen = 999 WHERE out_trade_no = ?",
                       [numbers[1]])
    eod = payterm(data, config, "eod", "--json")
    day = json.loads(eod.stdout)
    assert eod.returncode == 1 and day["closed"] is False
    lines = {(d["kind"], d["out_trade_no"]) for d in day["blockers"]["reconciliation"]["lines"]}
    assert lines == {("only_terminal", numbers[0]), ("amount_mismatch", numbers[1])}
    message = day["blockers"]["reconciliation"]["message"]
    assert numbers[0] in message and numbers[1] in message and numbers[2] not in message
    text = payterm(data, config, "eod")
    assert text.returncode == 1 and numbers[0] in text.stdout and "不能日结" in text.stdout
