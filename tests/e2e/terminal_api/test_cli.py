"""The integrator's commands as a technician runs them: ``payterm pos-api key [--json]
[--rotate]``, ``payterm serve`` and the reference POS ``payterm pos-sim pay | status |
abort | refund | eod`` against it (real processes, the real host simulator)."""

from __future__ import annotations

import json
import os
import select
import signal
import stat
import subprocess
import sys
import time

from drivers.pos_api.client import pinned_context
from tests.e2e.terminal_api.conftest import new_code, prepare_terminal


def env_for(data, config) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAYTERM")}
    env.update(PAYTERM_DATA_DIR=str(data), PAYTERM_CONFIG=str(config))
    return env


def payterm(env: dict, *args: str, timeout: float = 90) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ui.cli.main", *args], env=env,
                          capture_output=True, text=True, timeout=timeout)


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_pos_api_key_json_is_exact_private_and_stable(tmp_path, keys_dir, sim):
    data = tmp_path / "terminal"
    env = env_for(data, prepare_terminal(data, keys_dir, sim.url, port=8799))
    first = payterm(env, "pos-api", "key", "--json")
    assert first.returncode == 0, first.stderr
    shown = json.loads(first.stdout)
    assert set(shown) == {"key", "url", "tls_sha256"}
    assert shown["url"] == "https://127.0.0.1:8799/terminal-api"
    assert len(shown["tls_sha256"]) == 64 and int(shown["tls_sha256"], 16) >= 0
    assert len(shown["key"]) >= 32
    keys = data / "keys"
    assert json.loads((keys / "pos_api.json").read_text()) == shown
    for name in ("pos_api.json", "pos_api_cert_key.pem", "pos_api_cert.pem"):
        assert mode(keys / name) == 0o600, name
    again = json.loads(payterm(env, "pos-api", "key", "--json").stdout)
    assert again == shown                         # made on first use only
    rotated = payterm(env, "pos-api", "key", "--rotate")     # as a technician reads it
    assert rotated.returncode == 0, rotated.stderr
    stored = json.loads((keys / "pos_api.json").read_text())
    assert stored["key"] != shown["key"] and mode(keys / "pos_api.json") == 0o600
    assert stored["tls_sha256"] == shown["tls_sha256"] and stored["url"] == shown["url"]
    assert stored["key"] in rotated.stdout and stored["tls_sha256"] in rotated.stdout


def start_serve(env: dict) -> subprocess.Popen:
    child = subprocess.Popen([sys.executable, "-m", "ui.cli.main", "serve"], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    lines = []
    while time.monotonic() < deadline:
        ready, _, _ = select.select([child.stdout], [], [], 0.5)
        if ready:
            line = child.stdout.readline().decode()
            lines.append(line)
            if "listening" in line:          # (later lines may sit in the buffer)
                return child
        if child.poll() is not None:
            raise AssertionError(f"payterm serve exited: {child.stderr.read()!r}")
    child.kill()
    raise AssertionError(f"payterm serve did not start: {lines}")


def test_serve_driven_by_pos_sim_pay_status_abort_refund_eod(tmp_path, keys_dir, sim):
    data = tmp_path / "terminal"
    env = env_for(data, prepare_terminal(data, keys_dir, sim.url))
    serve = start_serve(env)
    try:
        creds = json.loads((data / "keys" / "pos_api.json").read_text())
        pinned_context(creds["url"], creds["tls_sha256"])   # serves the shown certificate
        code = new_code()
        paid = payterm(env, "pos-sim", "pay", "--amount", "12.34", "--code", code,
                       "--transaction-id", "CLI-1")
        assert paid.returncode == 0, paid.stdout + paid.stderr
        assert "PaymentResponse: Success" in paid.stdout
        assert code not in paid.stdout and code[-4:] in paid.stdout   # masked
        trade = next(line.split(": ")[1] for line in paid.stdout.splitlines()
                     if line.startswith("POITransactionID: "))
        status = payterm(env, "pos-sim", "--json", "status")       # the last payment
        assert status.returncode == 0, status.stderr
        repeated = json.loads(status.stdout)["SaleToPOIResponse"][
            "TransactionStatusResponse"]["RepeatedMessageResponse"]
        payment = repeated["RepeatedResponseMessageBody"]["PaymentResponse"]
        assert payment["POIData"]["POITransactionID"]["TransactionID"] == trade
        assert payment["PaymentResult"]["AmountsResp"]["AuthorizedAmount"] == 12.34
        abort = payterm(env, "pos-sim", "abort")                   # finished: refund instead
        assert abort.returncode == 1 and "NotAllowed" in abort.stdout
        refund = payterm(env, "pos-sim", "refund", trade, "--amount", "2.34",
                         "--refund-id", "R-1")
        assert refund.returncode == 0 and "ReversalResponse: Success" in refund.stdout
        assert [c["net_fen"] for c in sim.ledger.charges()] == [1000]
        eod = payterm(env, "pos-sim", "eod")
        assert eod.returncode == 0, eod.stdout + eod.stderr
        assert "ReconciliationResponse: Success" in eod.stdout
        assert "payterm.net: 10.00" in eod.stdout
    finally:
        serve.send_signal(signal.SIGTERM)
        out, err = serve.communicate(timeout=60)
    assert serve.returncode == 0, err
