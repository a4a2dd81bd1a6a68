"""Crash test of the payment core (issue 2).

``payterm pay`` runs as a real process against the host simulator over loopback and is
killed with SIGKILL at random moments (while the simulator answers slowly, waits for the
customer's password, errors or drops the connection). Then ``payterm resolve`` is run
until nothing is unresolved. The host's ledger and the terminal's journal must agree:
no payment lost, none charged twice, nothing decided by guessing.
"""

from __future__ import annotations

import os
import random
import select
import signal
import subprocess
import sys
import time

import pytest

from drivers.host.keys import generate_key_pair
from offline_queue.journal_identity import start_new_journal
from drivers.host.simulator.behaviours import Behaviour, code_for
from drivers.host.simulator.config import SimulatorConfig
from drivers.host.simulator.ledger import Ledger
from drivers.host.simulator.runner import start_simulator
from offline_queue.journal import SqliteJournal
from terminal.transaction import TxState

KILLS = 50
MAX_RUNS = 200
BEHAVIOURS = [Behaviour.APPROVE, Behaviour.PASSWORD_THEN_SUCCESS, Behaviour.PASSWORD_THEN_CLOSE,
              Behaviour.SYSTEM_ERROR_NO_TRADE, Behaviour.SYSTEM_ERROR_BUT_PAID,
              Behaviour.SLOW_SUCCESS, Behaviour.DROP_AFTER_COMMIT, Behaviour.DECLINE_BALANCE,
              Behaviour.CANCEL_NEEDS_RETRY]

CONFIG = """
[terminal]
terminal_id = "CRASH1"
[host]
base_url = "{url}"
connect_timeout_s = 0.5
read_timeout_s = 0.6
[resolver.alipay]
first_query_delay_s = 0.1
poll_interval_s = 0.2
poll_budget_s = 1.5
cancel_not_before_s = 0.3
cancel_retry_interval_s = 0.2
[resolver]
idle_sleep_s = 0.1
"""


def wait_for_progress(child: subprocess.Popen, timeout_s: float) -> None:
    ready, _, _ = select.select([child.stderr], [], [], timeout_s)
    if ready:
        child.stderr.readline()


def payterm(*args: str, env: dict) -> list[str]:
    return [sys.executable, "-m", "ui.cli.main", *args]


@pytest.mark.slow
@pytest.mark.timeout(400)
def test_sigkill_at_random_points_never_loses_or_doubles_a_payment(tmp_path):
    rng = random.Random(20261123)
    data = tmp_path / "terminal"
    keys = data / "keys"
    generate_key_pair(keys / "terminal_private.pem", keys / "terminal_public.pem")
    start_new_journal(data / "payterm.db")          # as `payterm keys generate` does
    sim_config = SimulatorConfig(password_delay_s=0.8, slow_delay_s=1.0, cancel_retry_times=1)
    with start_simulator(tmp_path / "host.db", keys, config=sim_config) as sim:
        config = tmp_path / "payterm.toml"
        config.write_text(CONFIG.format(url=sim.url))
        env = {**os.environ, "PAYTERM_DATA_DIR": str(data), "PAYTERM_CONFIG": str(config)}
        env = {k: v for k, v in env.items() if not k.startswith("PAYTERM__")}
        amounts = {}
        killed = 0
        i = 0
        # Keep going until the process was really killed mid-way KILLS times (a run that
        # finished before its kill moment is still a valid payment for the ledger check).
        while killed < KILLS and i < MAX_RUNS:
            i += 1
            behaviour = BEHAVIOURS[i % len(BEHAVIOURS)]
            code = code_for(behaviour, 1000 + i)
            amount_fen = rng.randint(1, 50_000)
            amounts[code] = amount_fen
            child = subprocess.Popen(
                payterm("pay", "--amount", f"{amount_fen / 100:.2f}", "--code", code, env=env),
                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            if i % 3 == 0:
                # Anywhere from start-up on (start-up time varies with the machine's load).
                time.sleep(rng.uniform(0.0, 1.2))
            else:
                # Once the attempt is journaled and the request is on its way (the CLI
                # prints its first progress line then), at a random moment after.
                wait_for_progress(child, timeout_s=20)
                time.sleep(rng.uniform(0.0, 0.8))
            if child.poll() is None:
                child.send_signal(signal.SIGKILL)
                killed += 1
            child.wait(timeout=10)
            child.stderr.close()
        assert killed >= KILLS, f"only {killed} of {i} runs were killed mid-way"

        for _ in range(5):   # restart until everything is resolved
            done = subprocess.run(payterm("resolve", "--until-done", "--timeout", "30", env=env),
                                  env=env, capture_output=True, text=True, timeout=60)
            if done.returncode == 0:
                break
        assert done.returncode == 0, done.stdout + done.stderr

    journal = SqliteJournal.open(data / "payterm.db")
    attempts = {a.out_trade_no: a for a in journal.recent(10_000)}
    journal.close()
    ledger = Ledger(tmp_path / "host.db")
    trades = {t["out_trade_no"]: t for t in ledger.trades()}
    charges = {c["out_trade_no"]: c for c in ledger.charges()}
    ledger.close()

    assert not [a for a in attempts.values() if a.state.needs_resolution]
    # Every trade the host knows was journaled first.
    assert set(trades) <= set(attempts)
    for no, attempt in attempts.items():
        net = charges.get(no, {}).get("net_fen", 0)
        if attempt.state is TxState.APPROVED:
            assert net == attempt.amount_fen, (no, attempt, charges.get(no))
        else:
            assert attempt.state in (TxState.DECLINED, TxState.CLOSED, TxState.CANCELLED), attempt
            assert net == 0, (no, attempt.state, charges.get(no))
    # No customer was charged twice: at most one charging trade per payment code.
    per_code: dict[str, int] = {}
    for charge in charges.values():
        if charge["net_fen"] > 0:
            per_code[charge["code_hash"]] = per_code.get(charge["code_hash"], 0) + 1
    assert all(count == 1 for count in per_code.values())
    # And the run really exercised both sides: some approved, some cancelled or closed.
    states = {a.state for a in attempts.values()}
    assert TxState.APPROVED in states and (states & {TxState.CANCELLED, TxState.CLOSED})
