"""``payterm demo --backoffice`` as a process: wallet codes go from the terminal to
``payterm-backoffice serve``, which charges them at its Alipay and WeChat Pay sandboxes
(each a ``wallet sandbox`` process) by the wallets' rules; the terminal's end of day
balances with the back office, and each wallet's bill matches the back office's books."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from ui.demo.backoffice_wallets import wallet_scenarios


@pytest.mark.slow
@pytest.mark.timeout(420)
def test_wallet_demo_through_the_back_office_agrees_three_ways(data_dir):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAYTERM")}
    run = subprocess.run([sys.executable, "-m", "ui.cli.main", "--data-dir", str(data_dir),
                          "demo", "--backoffice"], env=env, capture_output=True, text=True,
                         timeout=400)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    results = dict(line.strip().rsplit(": ", 1) for line in run.stdout.splitlines()
                   if line.startswith("  ") and ": " in line)
    expected = ["approved", "approved", "declined", "approved", "closed", "approved",
                "approved", "approved", "declined"]
    assert [results[s.label] for s in wallet_scenarios()] == expected
    assert results["微信退款 WeChat refund"] == "partially_refunded"
    assert "PAYTERM.NO_ACQUIRER" not in run.stdout and "no UnionPay acquirer" in run.stdout
    assert "balances with the back office's bill" in run.stdout
    assert run.stdout.count("orders match the back office's books") == 2
    assert "✗" not in run.stdout
    for scenario in wallet_scenarios():           # codes only ever masked
        assert scenario.code not in run.stdout + run.stderr
    assert "PRIVATE KEY" not in run.stdout + run.stderr
