"""Crash test of the Terminal API (issue 13): ``payterm serve`` runs as a real process,
a POS drives payments over HTTPS, and the terminal is killed (SIGKILL) at random points
of those payments at least 50 times. After each restart the POS may send the same
Payment again (it must never charge twice); at the end it asks TransactionStatus for
every TransactionID, and the answers agree with the host's ledger: Success exactly when
the customer's code was charged the amount, nothing charged otherwise, never twice.
"""

from __future__ import annotations

import os
import random
import select
import signal
import subprocess
import sys
import threading
import time

import pytest

from drivers.host.simulator.behaviours import Behaviour, code_for
from drivers.host.simulator.config import SimulatorConfig
from drivers.host.simulator.ledger import Ledger, code_hash
from drivers.host.simulator.runner import start_simulator
from drivers.pos_api.client import TerminalApiClient, TerminalApiError, result_of
from tests.e2e.terminal_api.conftest import TERMINAL_ID, free_port, prepare_terminal

KILLS = 50
MAX_RUNS = 300             # under load a quick payment often ends before its kill time
BEHAVIOURS = [Behaviour.APPROVE, Behaviour.PASSWORD_THEN_SUCCESS, Behaviour.PASSWORD_THEN_CLOSE,
              Behaviour.SYSTEM_ERROR_NO_TRADE, Behaviour.SYSTEM_ERROR_BUT_PAID,
              Behaviour.SLOW_SUCCESS, Behaviour.DROP_AFTER_COMMIT, Behaviour.DECLINE_BALANCE,
              Behaviour.CANCEL_NEEDS_RETRY]


def start_serve(env: dict) -> subprocess.Popen:
    child = subprocess.Popen([sys.executable, "-m", "ui.cli.main", "serve"], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        ready, _, _ = select.select([child.stdout], [], [], 0.5)
        if ready and b"listening" in child.stdout.readline():
            return child
        assert child.poll() is None, "payterm serve exited"
    raise AssertionError("payterm serve did not start in 30 s")


def client_for(data, url_port: int) -> TerminalApiClient:
    import json
    creds = json.loads((data / "keys" / "pos_api.json").read_text())
    return TerminalApiClient(creds["url"], creds["key"], tls_sha256=creds["tls_sha256"],
                             sale_id="LANE1", poi_id=TERMINAL_ID, timeout_s=30)


def final_status(pos: TerminalApiClient, txn: str, deadline_s: float = 60) -> dict:
    deadline = time.monotonic() + deadline_s
    while True:
        status = pos.status(transaction_id=txn)
        if result_of(status, "TransactionStatusResponse") != "InProgress":
            return status
        assert time.monotonic() < deadline, f"{txn} still in progress"
        time.sleep(0.3)


@pytest.mark.slow
@pytest.mark.timeout(1500)
def test_sigkill_during_pos_payments_status_and_ledger_agree(tmp_path, keys_dir):
    rng = random.Random(20261201)
    data = tmp_path / "terminal"
    sim_config = SimulatorConfig(password_delay_s=0.8, slow_delay_s=1.0, cancel_retry_times=1)
    with start_simulator(tmp_path / "host.db", keys_dir, sim_config) as sim:
        port = free_port()
        config = prepare_terminal(data, keys_dir, sim.url, port=port)
        env = {k: v for k, v in os.environ.items() if not k.startswith("PAYTERM")}
        env.update(PAYTERM_DATA_DIR=str(data), PAYTERM_CONFIG=str(config))
        sales: dict[str, tuple[str, int]] = {}      # TransactionID -> (code, fen)
        killed = runs = 0
        child = start_serve(env)
        while killed < KILLS and runs < MAX_RUNS:
            runs += 1
            txn = f"CR-{runs:03d}"
            behaviour = BEHAVIOURS[runs % len(BEHAVIOURS)]
            code = code_for(behaviour, 7000 + runs)
            fen = rng.randint(1, 50_000)
            sales[txn] = (code, fen)
            pos = client_for(data, port)
            box: dict = {}

            def pay(pos=pos, txn=txn, code=code, fen=fen, box=box) -> None:
                try:
                    box["answer"] = pos.pay(txn, f"{fen / 100:.2f}", code=code, wait_s=20)
                except TerminalApiError as exc:
                    box["lost"] = exc
            worker = threading.Thread(target=pay)
            worker.start()
            # Quick answers are killed early (even before the sale is stored), slow ones
            # anywhere in their password wait, outage or resolution.
            quick = behaviour in (Behaviour.APPROVE, Behaviour.DECLINE_BALANCE)
            time.sleep(rng.uniform(0.0, 0.15 if quick else 1.2))
            if worker.is_alive():
                child.send_signal(signal.SIGKILL)
                killed += 1
                child.wait(10)
                child.stdout.close()
                worker.join(30)
                child = start_serve(env)
                if runs % 3 == 0:
                    # The POS lost the answer and sends the same Payment again.
                    with client_for(data, port) as again:
                        answer = again.pay(txn, f"{fen / 100:.2f}", code=code, wait_s=20)
                        assert result_of(answer, "PaymentResponse") != "Busy"
            worker.join(30)
            pos.close()
        assert killed >= KILLS, f"only {killed} of {runs} runs were killed mid-payment"
        try:
            with client_for(data, port) as pos:
                outcomes = {txn: final_status(pos, txn) for txn in sales}
        finally:
            child.send_signal(signal.SIGTERM)
            child.wait(15)
            child.stdout.close()

    ledger = Ledger(tmp_path / "host.db")
    charges = ledger.charges()
    trades = ledger.trades()
    ledger.close()
    charged_by_code: dict[str, list[int]] = {}
    for charge in charges:
        if charge["net_fen"] > 0:
            charged_by_code.setdefault(charge["code_hash"], []).append(charge["net_fen"])
    reported_trades = set()
    successes = 0
    for txn, (code, fen) in sales.items():
        status = outcomes[txn]
        kind = result_of(status, "TransactionStatusResponse")
        charged = charged_by_code.get(code_hash(code), [])
        assert len(charged) <= 1, f"{txn} charged twice: {charged}"
        if kind == "NotFound":          # killed before the sale was stored: nothing sent
            assert charged == [], txn
            continue
        inner = status["SaleToPOIResponse"]["TransactionStatusResponse"][
            "RepeatedMessageResponse"]["RepeatedResponseMessageBody"]["PaymentResponse"]
        trade = inner.get("POIData", {}).get("POITransactionID", {}).get("TransactionID")
        reported_trades.add(trade)
        if inner["Response"]["Result"] == "Success":
            successes += 1
            assert charged == [fen], (txn, inner, charged)
        else:
            assert charged == [], (txn, inner, charged)
    # Every trade the host knows belongs to a sale the POS can ask about.
    assert {t["out_trade_no"] for t in trades} <= reported_trades
    assert 0 < successes < len(sales)
